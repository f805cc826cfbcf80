// `seqlab eval DIR --data FILE [--json]`: one object per run, with the fields issue #4 names per task
//   lm        task, tokens, loss, bits_per_char, next_word_top1, next_word_top3 (+ words measured)
//   seq2seq   task, examples, exact_match, token_accuracy (+ attention_mirrored with --mirror)
//   classify / tag   task, examples, accuracy
//   one-to-many      task, examples, tokens, loss, label_accuracy (engine/tasks/oneToManyTask.ts says why)
import type { AnyTask } from '../engine/tasks/checkpoint';
import { parseArgs, requireFlag, requirePositional } from './args';
import { dataReadOptions, MAX_DATA_FLAG } from './dataFiles';
import { refuseIgnoredEvalFlags } from './combinations';
import { loadTaskDir, readTaskData, type CliIO, type TaskData } from './io';

export interface EvalOptions {
  words?: number;
  limit?: number;
  mirror?: boolean;
}

export function evaluateTask(task: AnyTask, data: TaskData, o: EvalOptions): object {
  const cut = <T>(xs: T[]): T[] => (o.limit ? xs.slice(0, o.limit) : xs);
  if (task.kind !== data.kind) throw new Error(`the model is a ${task.kind} model but the data was read as ${data.kind}`);
  if (task.kind === 'lm' && data.kind === 'lm') return task.evaluate(data.text, { words: o.words });
  if (task.kind === 'seq2seq' && data.kind === 'seq2seq') return task.evaluate(cut(data.pairs), { mirror: o.mirror });
  if (task.kind === 'classify' && data.kind === 'classify') return task.evaluate(cut(data.examples));
  if (task.kind === 'tag' && data.kind === 'tag') return task.evaluate(cut(data.sentences));
  if (task.kind === 'one-to-many' && data.kind === 'one-to-many') return task.evaluate(cut(data.examples));
  throw new Error(`cannot evaluate a ${task.kind} model`);
}

/**
 * A one-to-many model scores p(text | label); a label it was not trained on has no such probability. Data holding
 * one is refused before any work (after training it would waste the run), naming the label and the files.
 */
export function refuseUnknownLabels(labels: readonly string[], data: TaskData, files: readonly string[]): void {
  if (data.kind !== 'one-to-many') return;
  const known = new Set(labels);
  const bad = data.examples.find((e) => !known.has(e.label));
  if (!bad) return;
  const list = labels.length > 12 ? `${labels.slice(0, 12).join(', ')}, …` : labels.join(', ');
  throw new Error(`${files.join(', ')}: label ${JSON.stringify(bad.label)} is not one the model was trained on (it knows ${list})`);
}

export function evalCommand(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, {
    data: { type: 'list' }, json: { type: 'bool' }, words: { type: 'int', min: 0 }, limit: { type: 'int', min: 1 }, mirror: { type: 'bool' }, ...MAX_DATA_FLAG,
  }, 1, 'eval');
  const dir = requirePositional(p, 0, 'the checkpoint directory', 'eval');
  const files = requireFlag<string[]>(p, 'data', 'eval');
  const task = loadTaskDir(dir);
  refuseIgnoredEvalFlags(dir, task.kind, task.kind === 'seq2seq' && Boolean(task.model.attention), p.flags);
  const data = readTaskData(task.kind, files, dataReadOptions(p.flags, io.err));
  if (task.kind === 'one-to-many') refuseUnknownLabels(task.labels, data, files);
  const res = evaluateTask(task, data, { words: p.flags.words as number | undefined, limit: p.flags.limit as number | undefined, mirror: Boolean(p.flags.mirror) });
  if (p.flags.json) io.out(JSON.stringify(res) + '\n');
  else for (const [k, v] of Object.entries(res)) io.out(`${k}: ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : v}\n`);
  return 0;
}
