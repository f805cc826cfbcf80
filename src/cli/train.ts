// `seqlab train`: flags → TaskOptions → a task built from the data files → optimizer steps until --steps or
// --time → a checkpoint in --out (model.safetensors + seqlab.json) → optional held-out evaluation (--valid).
// Progress: a bar on a terminal (stderr), JSON lines with --json (stdout), a summary line otherwise.
// Stops early, still saving the last good weights: on a non-finite loss/gradient/parameter (exit 1, naming the
// tensor and step), on SIGINT / SIGTERM (exit 130 / 143) and when a reader closes its output (exit 141). A loss
// far above chance is warned about once.
import { CELL_KINDS, type CellKind } from '../engine/cells/cell';
import type { MemoryLimit } from '../engine/modelMemory';
import { checkLoadable, loadTask, taskCheckpoint, type AnyTask } from '../engine/tasks/checkpoint';
import { LmTask } from '../engine/tasks/lmTask';
import { OneToManyTask } from '../engine/tasks/oneToManyTask';
import { runConfig, type RunConfig } from '../engine/run/config';
import { DEFAULT_TASK_OPTIONS, TASK_KINDS, type TaskKind, type TaskOptions } from '../engine/tasks/options';
import { Seq2SeqTask, type Seq2SeqOptions } from '../engine/tasks/seq2seqTask';
import { SequenceTask } from '../engine/tasks/sequenceTask';
import { describeNonFinite, hugeLossMessage } from '../engine/sentinel';
import type { StepStats } from '../engine/trainer';
import { parseArgs, requireFlag, UsageError, type FlagSpec, type Parsed } from './args';
import { checkOutputDir } from './checkpointDir';
import { dataReadOptions, MAX_DATA_FLAG } from './dataFiles';
import { refuseIgnoredTrainFlags } from './combinations';
import { NUM_SPECIAL } from '../engine/tokenize/types';
import { evaluateTask, refuseUnknownLabels } from './evaluate';
import { readTaskData, saveTaskDir, type CliIO, type TaskData } from './io';
import { hostMemoryLimit, MAX_MEMORY_FLAG } from './memory';
import { Progress } from './progress';
import { SIGNAL_EXIT_CODE, yieldToEventLoop, type InterruptSignal } from './signals';

/** How long the synchronous step loop may hold the event loop (signals and output wait that long at most). */
const YIELD_MS = 50;
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
  force: { type: 'bool' },
  ...MAX_DATA_FLAG,
  ...MAX_MEMORY_FLAG,
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

/** The task, refused before its model is built when training it would need more than `memoryLimit`. */
export function buildTask(o: TaskOptions, data: TaskData, s2s: Seq2SeqOptions = {}, memoryLimit?: MemoryLimit | null): AnyTask {
  switch (data.kind) {
    case 'lm':
      return LmTask.create(o, data.text, memoryLimit);
    case 'seq2seq':
      return Seq2SeqTask.create(o, data.pairs, s2s, memoryLimit);
    case 'classify':
      if (data.labels.length < 2) throw new Error(`classification needs at least 2 labels; the data has ${data.labels.length} (${data.labels.join(', ')})`);
      return SequenceTask.createClassifier(o, data.examples, data.labels, memoryLimit);
    case 'tag':
      return SequenceTask.createTagger(o, data.sentences, data.tags, memoryLimit);
    case 'one-to-many':
      return OneToManyTask.create(runConfigOf(o, data.kind), data.examples, data.labels, memoryLimit);
  }
}

/** The flags' TaskOptions as THE run config (src/engine/run/config.ts), until the flags build one directly. */
function runConfigOf(o: TaskOptions, task: RunConfig['task']): RunConfig {
  const { clip, decaySteps, ...same } = o;
  return runConfig({ ...same, task, clip: clip ?? 0, decay: decaySteps !== null, steps: decaySteps ?? 0 });
}

export async function train(argv: readonly string[], io: CliIO): Promise<number> {
  const p = parseArgs(argv, TRAIN_FLAGS, 0, 'train');
  const kind = requireFlag<TaskKind>(p, 'task', 'train');
  const out = requireFlag<string>(p, 'out', 'train');
  const files = requireFlag<string[]>(p, 'data', 'train');
  checkOutputDir(out, Boolean(p.flags.force), 'train'); // before reading data or training: never refuse after the work
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
  const data = readTaskData(kind, files, dataReadOptions(p.flags, io.err));
  const valid = p.flags.valid !== undefined ? readTaskData(kind, [p.flags.valid as string], dataReadOptions(p.flags, io.err)) : null;
  if (valid && data.kind === 'one-to-many') refuseUnknownLabels(data.labels, valid, [p.flags.valid as string]);
  const s2s: Seq2SeqOptions = { reverseSource, locationKernel };
  const task = buildTask(o, data, s2s, hostMemoryLimit(p.flags['max-memory-mb'] as number | undefined));
  checkLoadable(task); // before the first step: never train a model its own loader would refuse
  const unknown = o.vocabSize ? unknownTokenWarning(task, data, o.tokenizer) : null; // uncapped: no <unk> by construction
  if (unknown) io.err(`seqlab: warning: ${unknown}\n`);
  const steps = (p.flags.steps as number | undefined) ?? (p.flags.time === undefined ? 1000 : Infinity);
  const seconds = (p.flags.time as number | undefined) ?? Infinity;
  if (json) io.out(JSON.stringify({ type: 'start', task: kind, params: task.params.size, vocab: task.tokenizer.vocabSize, options: kind === 'seq2seq' ? { ...o, ...s2s } : o }) + '\n');
  const progress = new Progress(io, json ? 'json' : io.tty ? 'bar' : 'quiet', steps, seconds);
  const classes = task.kind === 'lm' || task.kind === 'one-to-many' ? task.tokenizer.vocabSize : task.kind === 'seq2seq' ? task.model.V : task.labels.length;
  const t0 = io.now();
  let step = 0, lossAvg = NaN, last: StepStats | null = null, lastYield = t0;
  // Set by the signal handler (an object, so the loop re-reads it after every yield).
  const stop: { signal: InterruptSignal | null } = { signal: null };
  const unsubscribe = io.onInterrupt?.((signal) => void (stop.signal = signal)) ?? ((): void => undefined);
  let diverged: string | null = null;
  try {
    while (step < steps && (io.now() - t0) / 1000 < seconds && stop.signal === null) {
      last = task.trainStep();
      if (last.nonFinite !== null) {
        diverged = describeNonFinite(last.nonFiniteKind!, last.nonFinite, last.step, last.largestWeight, last.activation);
        break;
      }
      step++;
      lossAvg = Number.isNaN(lossAvg) ? last.loss : 0.98 * lossAvg + 0.02 * last.loss;
      if (last.hugeLoss) progress.note(`seqlab: warning: ${hugeLossMessage(last.loss, last.step, classes)}; lower --lr\n`);
      progress.update(step, (io.now() - t0) / 1000, lossAvg, last, task.epoch);
      // The step loop is synchronous: let signal handlers (Ctrl-C, SIGTERM) and stream writes run now and then.
      if (io.now() - lastYield >= YIELD_MS) {
        await yieldToEventLoop();
        lastYield = io.now();
      }
    }
    const elapsed = (io.now() - t0) / 1000;
    progress.done();
    // The weights in the arena are always the last good ones: a failed step rolled them back (engine/sentinel.ts).
    const goodSteps = last?.lastGoodStep ?? 0;
    const info = { task: kind, steps: goodSteps, seconds: elapsed, loss: lossAvg, data: files, trainedAt: new Date().toISOString() };
    saveTaskDir(task, out, info);
    const stopped = diverged !== null ? 'nonfinite' : stop.signal;
    const summary: Record<string, unknown> = { type: 'done', task: kind, out, steps: goodSteps, seconds: round(elapsed), loss: round(lossAvg), epochs: task.epoch };
    if (stopped) summary.stopped = stopped;
    if (diverged !== null) summary.nonFinite = { kind: last!.nonFiniteKind, tensor: last!.nonFinite, step: last!.step };
    if (valid && !stopped) {
      // Evaluate the SAVED model, so what is reported is exactly what `seqlab eval` would see.
      const saved = loadTask(taskCheckpoint(task), out);
      summary.valid = evaluateTask(saved, valid, {});
    }
    if (json) io.out(JSON.stringify(summary) + '\n');
    if (diverged !== null) {
      const advice = o.clip === null ? `lower --lr (it is ${o.lr}) or set --clip 1` : `lower --lr (it is ${o.lr})`;
      io.err(`seqlab: training diverged: ${diverged}; saved the last good weights (after ${goodSteps} steps) to ${out}; ${advice}\n`);
      return 1;
    }
    if (stop.signal !== null) {
      const why = stop.signal === 'SIGPIPE' ? 'a closed output pipe (SIGPIPE)' : stop.signal;
      io.err(`seqlab: interrupted by ${why} after ${goodSteps} steps; saved the weights to ${out}\n`);
      return SIGNAL_EXIT_CODE[stop.signal];
    }
    if (!json) {
      io.out(`trained ${kind}: ${step} steps in ${round(elapsed)} s, loss ${round(lossAvg)}; saved to ${out}\n`);
      if (summary.valid) io.out(`valid: ${JSON.stringify(summary.valid)}\n`);
    }
    return 0;
  } finally {
    unsubscribe();
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
