// `seqlab train`: flags → TaskOptions → a task built from the data files → optimizer steps until --steps or
// --time → a checkpoint in --out (model.safetensors + seqlab.json) → optional held-out evaluation (--valid).
// Progress: a bar on a terminal (stderr), JSON lines with --json (stdout), a summary line otherwise.
import { CELL_KINDS, type CellKind } from '../engine/cells/cell';
import { loadTask, taskCheckpoint, type AnyTask } from '../engine/tasks/checkpoint';
import { LmTask } from '../engine/tasks/lmTask';
import { DEFAULT_TASK_OPTIONS, TASK_KINDS, type TaskKind, type TaskOptions } from '../engine/tasks/options';
import { Seq2SeqTask, type Seq2SeqOptions } from '../engine/tasks/seq2seqTask';
import { SequenceTask } from '../engine/tasks/sequenceTask';
import { NUM_SPECIAL } from '../engine/tokenize/types';
import type { StepStats } from '../engine/trainer';
import { parseArgs, requireFlag, UsageError, type FlagSpec, type Parsed } from './args';
import { refuseIgnoredTrainFlags } from './combinations';
import { evaluateTask } from './evaluate';
import { readTaskData, saveTaskDir, type CliIO, type TaskData } from './io';
import { Progress } from './progress';
import { unknownTokenWarning } from './vocabCheck';

const CELL_FLAGS = ['lstm', 'gru', 'rnn-tanh', 'rnn-relu'] as const;

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  task: { type: 'string', choices: TASK_KINDS },
  out: { type: 'string' },
  data: { type: 'list' },
  valid: { type: 'string' },
  cell: { type: 'string', choices: CELL_FLAGS },
  hidden: { type: 'int', min: 1, max: 4096 },
  layers: { type: 'int', min: 1, max: 16 },
  bidirectional: { type: 'bool' },
  'reverse-source': { type: 'bool' },
  'attention-location': { type: 'int', min: 0, max: 31 },
  merge: { type: 'string', choices: ['concat', 'sum', 'mean', 'weighted'] },
  attention: { type: 'string', choices: ['none', 'dot', 'general', 'additive'] },
  tokenizer: { type: 'string', choices: ['char', 'word', 'bpe'] },
  'vocab-size': { type: 'int', min: NUM_SPECIAL + 1 }, // at least one real token besides <pad> <unk> <bos> <eos>
  embedding: { type: 'int', min: 1, max: 4096 },
  dropout: { type: 'number', min: 0, max: 0.95 },
  'seq-len': { type: 'int', min: 1, max: 100000 },
  batch: { type: 'int', min: 1, max: 100000 },
  optimizer: { type: 'string', choices: ['adam', 'adamw', 'sgd', 'rmsprop'] },
  lr: { type: 'number', min: 0, exclusiveMin: true },
  clip: { type: 'number', min: 0 },
  'teacher-forcing': { type: 'number', min: 0, max: 1 },
  decay: { type: 'bool' },
  steps: { type: 'int', min: 1 },
  time: { type: 'number', min: 0, exclusiveMin: true },
  seed: { type: 'int', min: 0, max: 2 ** 32 - 1 },
  json: { type: 'bool' },
};

/** TaskOptions from parsed flags (defaults from DEFAULT_TASK_OPTIONS; tagging reads word tokens). */
export function taskOptions(p: Parsed): TaskOptions {
  const f = p.flags, o: TaskOptions = { ...DEFAULT_TASK_OPTIONS };
  if (f.cell !== undefined) o.cell = (f.cell as string).replace('-', '_') as CellKind;
  if (!CELL_KINDS.includes(o.cell)) throw new UsageError(`train: unknown cell ${o.cell}`);
  const num = (name: string, key: keyof TaskOptions): void => {
    if (f[name] !== undefined) (o as unknown as Record<string, unknown>)[key] = f[name];
  };
  num('hidden', 'hidden');
  num('layers', 'layers');
  num('bidirectional', 'bidirectional');
  num('merge', 'merge');
  num('attention', 'attention');
  num('tokenizer', 'tokenizer');
  num('vocab-size', 'vocabSize');
  num('embedding', 'embedding');
  num('dropout', 'dropout');
  num('seq-len', 'seqLen');
  num('batch', 'batch');
  num('optimizer', 'optimizer');
  num('lr', 'lr');
  num('teacher-forcing', 'teacherForcing');
  num('seed', 'seed');
  if (f.clip !== undefined) o.clip = (f.clip as number) > 0 ? (f.clip as number) : null;
  if (f.decay && f.steps !== undefined) o.decaySteps = f.steps as number;
  if (f.decay && f.steps === undefined) throw new UsageError('train: --decay needs --steps (the cosine decay runs over them)');
  if (f.optimizer !== undefined && f.lr === undefined && f.optimizer === 'sgd') o.lr = 0.1;
  if (o.dropout > 0 && o.layers === 1) throw new UsageError('train: --dropout applies between layers; use it with --layers 2 or more');
  return o;
}

export function buildTask(o: TaskOptions, data: TaskData, s2s: Seq2SeqOptions = {}): AnyTask {
  switch (data.kind) {
    case 'lm':
      return LmTask.create(o, data.text);
    case 'seq2seq':
      return Seq2SeqTask.create(o, data.pairs, s2s);
    case 'classify':
      if (data.labels.length < 2) throw new Error(`classification needs at least 2 labels; the data has ${data.labels.length} (${data.labels.join(', ')})`);
      return SequenceTask.createClassifier(o, data.examples, data.labels);
    case 'tag':
      return SequenceTask.createTagger(o, data.sentences, data.tags);
  }
}

export function train(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, TRAIN_FLAGS, 0, 'train');
  const kind = requireFlag<TaskKind>(p, 'task', 'train');
  const out = requireFlag<string>(p, 'out', 'train');
  const files = requireFlag<string[]>(p, 'data', 'train');
  if (p.flags.steps !== undefined && p.flags.time !== undefined) throw new UsageError('train: give --steps or --time, not both');
  if (kind !== 'seq2seq' && p.flags.attention !== undefined && p.flags.attention !== 'none') throw new UsageError(`train: --attention is for --task seq2seq, not ${kind}`);
  refuseIgnoredTrainFlags(kind, p.flags);
  const o = taskOptions(p);
  const reverseSource = Boolean(p.flags['reverse-source']);
  if (reverseSource && kind !== 'seq2seq') throw new UsageError(`train: --reverse-source is for --task seq2seq, not ${kind}`);
  if (reverseSource && o.bidirectional) throw new UsageError('train: --reverse-source needs a unidirectional encoder (a --bidirectional one already reads right to left)');
  const locationKernel = (p.flags['attention-location'] as number | undefined) ?? 0;
  if (locationKernel && (o.attention !== 'additive' || locationKernel % 2 === 0)) {
    throw new UsageError(`train: --attention-location takes an odd kernel width and --attention additive, got ${locationKernel} with ${o.attention}`);
  }
  const json = Boolean(p.flags.json);
  const data = readTaskData(kind, files);
  const valid = p.flags.valid !== undefined ? readTaskData(kind, [p.flags.valid as string]) : null;
  const s2s: Seq2SeqOptions = { reverseSource, locationKernel };
  const task = buildTask(o, data, s2s);
  const unknown = o.vocabSize ? unknownTokenWarning(task, data, o.tokenizer) : null; // uncapped: no <unk> by construction
  if (unknown) io.err(`seqlab: warning: ${unknown}\n`);
  const steps = (p.flags.steps as number | undefined) ?? (p.flags.time === undefined ? 1000 : Infinity);
  const seconds = (p.flags.time as number | undefined) ?? Infinity;
  if (json) io.out(JSON.stringify({ type: 'start', task: kind, params: task.params.size, vocab: task.tokenizer.vocabSize, options: kind === 'seq2seq' ? { ...o, ...s2s } : o }) + '\n');
  const progress = new Progress(io, json ? 'json' : io.tty ? 'bar' : 'quiet', steps, seconds);
  const t0 = io.now();
  let step = 0, lossAvg = NaN, skipped = 0, last: StepStats | null = null;
  while (step < steps && (io.now() - t0) / 1000 < seconds) {
    last = task.trainStep();
    step++;
    if (last.nonFinite !== null) skipped++;
    else lossAvg = Number.isNaN(lossAvg) ? last.loss : 0.98 * lossAvg + 0.02 * last.loss;
    progress.update(step, (io.now() - t0) / 1000, lossAvg, last, task.epoch);
  }
  const elapsed = (io.now() - t0) / 1000;
  progress.done();
  const info = { task: kind, steps: step, seconds: elapsed, loss: lossAvg, data: files, trainedAt: new Date().toISOString() };
  saveTaskDir(task, out, info);
  const summary: Record<string, unknown> = { type: 'done', task: kind, out, steps: step, seconds: round(elapsed), loss: round(lossAvg), epochs: task.epoch, skipped };
  if (valid) {
    // Evaluate the SAVED model, so what is reported is exactly what `seqlab eval` would see.
    const saved = loadTask(taskCheckpoint(task), out);
    summary.valid = evaluateTask(saved, valid, {});
  }
  if (json) io.out(JSON.stringify(summary) + '\n');
  else {
    io.out(`trained ${kind}: ${step} steps in ${round(elapsed)} s, loss ${round(lossAvg)}${skipped ? `, ${skipped} non-finite steps skipped` : ''}; saved to ${out}\n`);
    if (summary.valid) io.out(`valid: ${JSON.stringify(summary.valid)}\n`);
  }
  return 0;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
