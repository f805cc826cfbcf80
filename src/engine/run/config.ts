// THE run configuration: one flat, JSON-friendly record from which every training run is built, whoever starts
// it (`seqlab train`, the editor's worker, the benchmark, the tests). Each field is declared ONCE below with its
// default, range and a one-line description; the CLI's flags (src/cli/train.ts), the `seqlab.training.*`
// settings (package.json), the training protocol's validation (src/protocol/training.ts) and the New Model quick
// picks come from this table or are checked against it (test/unit/runConfig.test.ts).
// Legend: B batch rows, T BPTT steps / longest sequence, H hidden units, E embedding size.
import type { CellKind } from '../cells/cell';
import type { MergeMode } from '../layers/recurrent';
import type { OptimizerKind } from '../optim';
import type { AttentionKind } from '../seq2seq/model';
import type { TokenizerKind } from '../tokenize/tokenizer';
import { LR_SCHEDULES, type LrScheduleKind } from '../runDerived';

export const TASK_KINDS = ['lm', 'seq2seq', 'classify', 'tag', 'one-to-many'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export interface RunConfig {
  task: TaskKind;
  cell: CellKind;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  merge: MergeMode;
  attention: AttentionKind;
  /** seq2seq, additive attention: odd width of the location-aware convolution over the previous weights; 0 = off. */
  attentionLocation: number;
  reverseSource: boolean;
  tokenizer: TokenizerKind;
  /** word / bpe: target vocabulary size, specials included; 0 = the tokenizer's default. */
  vocabSize: number;
  embedding: number;
  dropout: number;
  /** lm: BPTT chunk length; other tasks: longest sequence kept (longer ones are cut). */
  seqLen: number;
  batch: number;
  optimizer: OptimizerKind;
  lr: number;
  /** SGD and RMSProp momentum. */
  momentum: number;
  /** Max global gradient L2 norm; 0 = no clipping. */
  clip: number;
  teacherForcing: number;
  /** How the learning rate moves over the run's budget (runDerived.ts schedule, optim/budget.ts). */
  lrSchedule: LrScheduleKind;
  /** Optimizer steps to take; 0 = until stopped. */
  steps: number;
  /** Seconds of training to take (a time budget, instead of steps); 0 = no time limit. */
  time: number;
  seed: number;
  validEvery: number;
  validBatches: number;
  checkpointEvery: number;
  snapshotEvery: number;
  /** Stop when validation loss has not improved for `patience` validations, keeping the best weights (bestWeights.ts). */
  earlyStopping: boolean;
  patience: number;
  /** Training threads sharing the rows of every batch (parallel/dataParallel.ts); 0 = automatic (the driver's cores). */
  threads: number;
}

type Key = keyof RunConfig;

interface FieldBase<K extends Key> {
  key: K;
  description: string;
  /** `seqlab train --<flag>`; null = not a flag. */
  flag: string | null;
  /** `seqlab.training.<setting>`; null = not a setting. */
  setting: string | null;
  /** The tasks that read this field (undefined = every task). A CLI flag given for another task is refused. */
  tasks?: readonly TaskKind[];
  /**
   * Added after runs were first saved: a config that lacks it (a checkpoint's or a stored run's, written before
   * the field existed) reads as the default, so those runs still resume. New configs always carry every field.
   */
  addedLater?: true;
  /** A task's own default where it differs from `default` (seq2seq's, chosen by test/bench/sweep.ts). */
  taskDefaults?: Partial<Record<TaskKind, RunConfig[K]>>;
}
export type FieldSpec =
  | (FieldBase<Key> & { type: 'int'; default: number; min: number; max: number })
  | (FieldBase<Key> & { type: 'number'; default: number; min: number; max: number; exclusiveMin?: boolean; exclusiveMax?: boolean })
  | (FieldBase<Key> & { type: 'bool'; default: boolean })
  | (FieldBase<Key> & { type: 'choice'; default: string; choices: readonly string[]; choiceDescriptions?: readonly string[] });

const SEQ2SEQ: readonly TaskKind[] = ['seq2seq'];
/**
 * Seq2seq's own defaults, chosen by `npm run sweep` (test/bench/sweep.ts: equal steps on dates, reversal, sorting
 * and addition, ranked by the worst task, step time measured apart): a bidirectional GRU encoder, Adam 3e-3. At 300
 * steps (200 held-out pairs each) it scored 100 / 89.5 / 72 / 9.5 % exact match on dates / reversal / sorting /
 * addition with batch 32, and 100 / 90 / 86 / 6.5 % with batch 64 (a tie on the worst task, at a step about twice
 * as dear, so batch stays the table's 32); the old defaults (a unidirectional LSTM, 2e-3) scored 71 / 68.5 / 82 / 2 %,
 * a bidirectional LSTM (batch 64) 100 / 87.5 / 93.5 / 3 % (a tie, at a slower step), a unidirectional GRU (batch
 * 64) 88 / 41.5 / 76.5 / 3 %. Hidden 128, embedding 64 and clipping at 5 stay the table's.
 */
const SEQ2SEQ_DEFAULTS = { cell: 'gru', bidirectional: true, lr: 0.003 } as const;
/**
 * The language model's own learning rate, chosen by `npm run bench:lm` (test/bench/lmBudget.ts: W1's char LSTM 1×128,
 * Adam, batch 32×64, at the steps a 120 s budget gives, warm-up then cosine to a tenth; held-out bits/char). Fortunes,
 * 3200 steps (2 threads): 2.77 / 2.64 / 2.55 bits/char at 2e-3 / 4e-3 / 8e-3; Vim's user manual, 1920 steps (1
 * thread): 2.77 / 2.43 at 2e-3 / 8e-3. The cosine decay to a tenth settles a high peak by the end, and a constant
 * 8e-3 (a run without a budget) was still ahead of a constant 2e-3 at 500 steps (1.89 vs 2.15 nats). Batch 64 at the
 * same tokens was no better (2.65 at 6e-3) and no faster per token here, so batch stays 32.
 */
const LM_DEFAULTS = { lr: 0.008 } as const;
/** Float32's largest finite value: a learning rate beyond it is not a number the optimizer can apply. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Every field, in the order help and settings show them. Sizes: ≤ 4096 units (a 4096² LSTM layer is already
 * 268 M parameters), ≤ 16 layers; the memory check (modelMemory.ts) refuses what this machine cannot hold.
 */
export const RUN_CONFIG_FIELDS: readonly FieldSpec[] = [
  { key: 'task', type: 'choice', default: 'lm', choices: TASK_KINDS, flag: 'task', setting: null,
    choiceDescriptions: ['Language model: predicts the next token of plain text.', 'Sequence to sequence: an encoder reads the source, a decoder writes the target (source<TAB>target lines).', 'Classifier: one label for a whole text (label<TAB>text lines).', 'Tagger: one tag per word (token<TAB>tag lines, a blank line between sentences).', 'One-to-many: writes a text from its label (label<TAB>text lines), e.g. a made-up word of a given language.'],
    description: 'What the model learns: lm (next token of plain text), seq2seq (source<TAB>target pairs), classify (label<TAB>text lines), tag (token<TAB>tag lines, a blank line between sentences), one-to-many (label<TAB>text lines: it learns to write texts of a given label).' },
  { key: 'cell', type: 'choice', default: 'lstm', taskDefaults: { seq2seq: SEQ2SEQ_DEFAULTS.cell }, choices: ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'], flag: 'cell', setting: 'cell',
    choiceDescriptions: ['Long short-term memory: gated memory that keeps information over long spans (the safe default).', 'Gated recurrent unit: two gates instead of three, fewer parameters, often as good as an LSTM.', 'Plain tanh RNN: the simplest recurrent network; its gradient vanishes over long spans.', 'Plain ReLU RNN: unbounded activations; trains only with care (clipping, small learning rates).'],
    description: 'Recurrent cell: LSTM (gated memory, the safe default), GRU (two gates, often as good), or a plain tanh/ReLU RNN (its gradient vanishes over long spans).' },
  { key: 'hidden', type: 'int', default: 128, min: 1, max: 4096, flag: 'hidden', setting: 'hiddenSize',
    description: 'Hidden units in each recurrent layer: more units remember more, but train slower.' },
  { key: 'layers', type: 'int', default: 1, min: 1, max: 16, flag: 'layers', setting: 'numLayers',
    description: 'Stacked recurrent layers: two or three learn more abstract patterns, but train slower and need more data.' },
  { key: 'bidirectional', type: 'bool', default: false, taskDefaults: { seq2seq: SEQ2SEQ_DEFAULTS.bidirectional }, flag: 'bidirectional', setting: 'bidirectional', tasks: ['seq2seq', 'classify', 'tag'],
    description: 'Also read each sequence right to left (classifier, tagger, seq2seq encoder); a language model cannot.' },
  { key: 'merge', type: 'choice', default: 'concat', choices: ['concat', 'sum', 'mean', 'weighted'], flag: 'merge', setting: 'merge', tasks: ['classify', 'tag'],
    choiceDescriptions: ['Concatenate the two directions (twice the width).', 'Add the two directions.', 'Average the two directions.', 'A learned weighted sum of the two directions.'],
    description: 'How a bidirectional layer joins its two directions: concatenate, sum, mean, or a learned weighted sum.' },
  { key: 'attention', type: 'choice', default: 'additive', choices: ['none', 'dot', 'general', 'additive'], flag: 'attention', setting: 'attention', tasks: SEQ2SEQ,
    choiceDescriptions: ['No attention: the decoder sees only the encoder\'s final state (the thought vector).', 'Dot-product scores s·h (Luong et al. 2015): no extra weights.', 'General scores s·(W h) (Luong et al. 2015): one learned matrix.', 'Additive scores v·tanh(W h + U s) (Bahdanau et al. 2015): the most expressive.'],
    description: 'Seq2seq attention: none (the thought vector alone), dot or general (Luong et al. 2015), additive (Bahdanau et al. 2015).' },
  { key: 'attentionLocation', type: 'int', default: 0, min: 0, max: 31, flag: 'attention-location', setting: null, tasks: SEQ2SEQ,
    description: 'Location-aware additive attention (Chorowski et al. 2015): odd width of the convolution over the previous weights; 0 = off.' },
  { key: 'reverseSource', type: 'bool', default: false, flag: 'reverse-source', setting: null, tasks: SEQ2SEQ,
    description: 'Feed a unidirectional encoder the source reversed (Sutskever et al. 2014).' },
  { key: 'tokenizer', type: 'choice', default: 'char', choices: ['char', 'word', 'bpe'], flag: 'tokenizer', setting: 'tokenizer', tasks: ['lm', 'seq2seq', 'classify', 'one-to-many'],
    choiceDescriptions: ['One token per character: tiny vocabulary, learns spelling.', 'One token per word or punctuation mark: shorter sequences, but unseen words become <unk>.', 'Byte-pair encoding: frequent character runs become single tokens (good for code).'],
    description: 'Tokens: characters (tiny vocabulary, learns spelling), words, or byte-pair merges (a middle ground, good for code).' },
  { key: 'vocabSize', type: 'int', default: 0, min: 0, max: 0x110000 + 4, flag: 'vocab-size', setting: 'vocabSize',
    description: 'Largest vocabulary for word and BPE tokens, special tokens included; 0 = the tokenizer\'s default.' },
  { key: 'embedding', type: 'int', default: 64, min: 1, max: 4096, flag: 'embedding', setting: 'embeddingSize',
    description: 'Length of the vector each token is turned into before the recurrent layer reads it.' },
  { key: 'dropout', type: 'number', default: 0, min: 0, max: 0.95, flag: 'dropout', setting: 'dropout',
    description: 'Fraction of activations zeroed between stacked layers while training, against overfitting (needs 2+ layers).' },
  { key: 'seqLen', type: 'int', default: 64, min: 1, max: 100_000, flag: 'seq-len', setting: 'sequenceLength',
    description: 'Language model: steps of truncated backpropagation through time; other tasks: longest sequence kept.' },
  { key: 'batch', type: 'int', default: 32, min: 1, max: 100_000, flag: 'batch', setting: 'batchSize',
    description: 'Sequences per optimizer step: larger batches give smoother gradients, but each step costs more.' },
  { key: 'optimizer', type: 'choice', default: 'adam', choices: ['adam', 'adamw', 'sgd', 'rmsprop'], flag: 'optimizer', setting: 'optimizer',
    choiceDescriptions: ['Adam (Kingma & Ba 2015): a step size per weight, bias-corrected; the easiest to get working.', 'AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay (0.01).', 'Stochastic gradient descent, with momentum if set: try a learning rate near 0.1.', 'RMSProp (Tieleman & Hinton 2012): scales each step by a running gradient magnitude.'],
    description: 'The update rule: Adam adapts the step size per weight and is the easiest to get working.' },
  { key: 'lr', type: 'number', default: 0.002, taskDefaults: { seq2seq: SEQ2SEQ_DEFAULTS.lr, lm: LM_DEFAULTS.lr }, min: 0, max: FLOAT32_MAX, exclusiveMin: true, flag: 'lr', setting: 'learningRate',
    description: 'Learning rate: too high and the loss jumps or turns NaN (training pauses), too low and it falls slowly. Unset, each task uses its measured default with Adam: 0.008 for language models, 0.003 for seq2seq, 0.002 for the others.' },
  { key: 'momentum', type: 'number', default: 0, min: 0, max: 1, exclusiveMax: true, flag: 'momentum', setting: 'momentum',
    description: 'Momentum of SGD and RMSProp (torch.optim semantics); 0.9 is the usual choice with SGD.' },
  { key: 'clip', type: 'number', default: 5, min: 0, max: 1e6, flag: 'clip', setting: 'clipNorm',
    description: 'Clip the gradient\'s global L2 norm to this (torch.nn.utils.clip_grad_norm_), taming exploding gradients; 0 = off.' },
  { key: 'teacherForcing', type: 'number', default: 1, min: 0, max: 1, flag: 'teacher-forcing', setting: 'teacherForcing', tasks: SEQ2SEQ,
    description: 'Seq2seq: probability of feeding the decoder the reference token (below 1 is scheduled sampling, Bengio et al. 2015).' },
  { key: 'lrSchedule', type: 'choice', default: 'auto', choices: LR_SCHEDULES, flag: 'lr-schedule', setting: 'lrSchedule',
    choiceDescriptions: ['Follow the budget when the run has one (a step limit or a time limit): a short warm-up, then a cosine decay to a tenth by the end; constant without a budget.', 'The same learning rate from the first step to the last.', 'Warm-up and cosine decay to a tenth over the budget, which the run must have (a step or time limit).'],
    description: 'Learning-rate schedule: auto follows the run\'s budget (steps or time) with a short warm-up and a cosine decay to a tenth (as nanoGPT), and stays constant without one.' },
  { key: 'steps', type: 'int', default: 0, min: 0, max: 1e9, flag: 'steps', setting: 'maxSteps',
    description: 'Optimizer steps to take; 0 = until stopped.' },
  { key: 'time', type: 'number', default: 0, min: 0, max: 1e9, flag: 'time', setting: null,
    description: 'Seconds of training to take instead of a number of steps (the learning-rate schedule then follows the clock); 0 = no time limit.' },
  { key: 'seed', type: 'int', default: 42, min: 0, max: 2 ** 32 - 1, flag: 'seed', setting: 'seed',
    description: 'Seed of the one random number generator: the same config and data give the same run, bit for bit.' },
  { key: 'validEvery', type: 'int', default: 50, min: 0, max: 1e9, flag: 'valid-every', setting: 'validEvery',
    description: 'Measure validation loss and the task\'s metrics every this many steps; 0 = never.' },
  { key: 'validBatches', type: 'int', default: 4, min: 0, max: 100_000, flag: 'valid-batches', setting: 'validBatches',
    description: 'Batches of held-out data each validation reads (0 = none).' },
  { key: 'checkpointEvery', type: 'int', default: 200, min: 0, max: 1e9, flag: 'checkpoint-every', setting: 'checkpointEvery',
    description: 'Save a resumable checkpoint every this many steps (0 = only when stopped or asked).' },
  { key: 'snapshotEvery', type: 'int', default: 100, min: 0, max: 1e9, flag: null, setting: null,
    description: 'Editor: send the current weights to completions and Translate every this many steps (0 = only on request).' },
  { key: 'earlyStopping', type: 'bool', default: false, flag: 'early-stopping', setting: 'earlyStopping', addedLater: true,
    description: 'Stop when validation loss has not improved for `patience` validations in a row, and keep the best weights (Keras EarlyStopping with restore_best_weights). Train on Selection turns it on unless set here.' },
  { key: 'patience', type: 'int', default: 5, min: 1, max: 1e6, flag: 'patience', setting: 'patience', addedLater: true,
    description: 'Early stopping: validations without an improvement of validation loss before training stops.' },
  // No setting from the table: the editor's seqlab.training.threads defaults to 1, not to automatic (runSettings.ts).
  { key: 'threads', type: 'int', default: 0, min: 0, max: 256, flag: 'threads', setting: null, addedLater: true,
    description: 'Training threads that share the rows of every batch (data-parallel: one optimizer step on the summed gradient, the same result as one thread up to float32 rounding); 0 = every core.' },
];

export const DEFAULT_RUN_CONFIG: Readonly<RunConfig> = Object.freeze(
  Object.fromEntries(RUN_CONFIG_FIELDS.map((f) => [f.key, f.default])) as unknown as RunConfig,
);

const TASK_DEFAULT_CONFIGS = new Map(TASK_KINDS.map((task) => [task, Object.freeze({
  ...Object.fromEntries(RUN_CONFIG_FIELDS.map((f) => [f.key, (f.taskDefaults as Record<string, unknown> | undefined)?.[task] ?? f.default])),
  task,
} as unknown as RunConfig)]));

/** Every field's default for `task`: the table's `default`, or the task's own where the table gives one. */
export function defaultsFor(task: TaskKind): Readonly<RunConfig> {
  return TASK_DEFAULT_CONFIGS.get(task)!;
}

/**
 * The defaults a run of `task` starts from, given the fields the user `chosen`. Seq2seq's encoder defaults to
 * bidirectional (test/bench/sweep.ts), but dot attention and a reversed source need a unidirectional one: a user
 * who chose either and said nothing about the direction gets the direction their choice needs, not a refusal.
 */
export function defaultsGiven(task: TaskKind, chosen: Partial<RunConfig>): Readonly<RunConfig> {
  const d = defaultsFor(task);
  const needsOneDirection = chosen.attention === 'dot' || chosen.reverseSource === true;
  return d.bidirectional && chosen.bidirectional === undefined && needsOneDirection ? { ...d, bidirectional: false } : d;
}

export class ConfigError extends Error {
  /** `field`: where the value came from (`config.lr`, a flag, a setting); `reason`: what is wrong with it. */
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'ConfigError';
  }
}

const FIELD_BY_KEY = new Map(RUN_CONFIG_FIELDS.map((f) => [f.key as string, f]));

export function fieldSpec(key: Key): FieldSpec {
  return FIELD_BY_KEY.get(key)!;
}

/** One value checked against its field's type and range; throws ConfigError naming `where.key`. */
export function checkField(f: FieldSpec, v: unknown, where = 'config'): unknown {
  const at = `${where}.${f.key}`;
  switch (f.type) {
    case 'bool':
      if (typeof v !== 'boolean') throw new ConfigError(at, `must be true or false, got ${show(v)}`);
      return v;
    case 'choice':
      if (typeof v !== 'string' || !f.choices.includes(v)) throw new ConfigError(at, `must be one of ${f.choices.join(', ')}, got ${show(v)}`);
      return v;
    case 'int':
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(at, `must be a finite number, got ${show(v)}`);
      if (f.type === 'int' && !Number.isInteger(v)) throw new ConfigError(at, `must be a whole number, got ${v}`);
      const exMin = f.type === 'number' && f.exclusiveMin, exMax = f.type === 'number' && f.exclusiveMax;
      if (exMin ? v <= f.min : v < f.min) throw new ConfigError(at, `must be ${exMin ? 'above' : 'at least'} ${f.min}, got ${v}`);
      if (exMax ? v >= f.max : v > f.max) throw new ConfigError(at, `must be ${exMax ? 'below' : 'at most'} ${f.max}, got ${v}`);
      return v;
    }
  }
}

/**
 * A complete RunConfig from untrusted JSON (a protocol message, a checkpoint's seqlab.json): every field present,
 * typed and in range, no unknown field, and the fields consistent with each other (configProblem).
 */
export function parseRunConfig(v: unknown, where = 'config'): RunConfig {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(where, `must be an object, got ${show(v)}`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!FIELD_BY_KEY.has(k)) throw new ConfigError(`${where}.${k}`, 'is not a run setting');
  const out: Record<string, unknown> = {};
  for (const f of RUN_CONFIG_FIELDS) {
    if (!(f.key in o) || (f.addedLater && o[f.key] === undefined)) {
      if (!f.addedLater) throw new ConfigError(`${where}.${f.key}`, 'is missing');
      out[f.key] = f.default;
      continue;
    }
    out[f.key] = checkField(f, o[f.key], where);
  }
  const c = out as unknown as RunConfig;
  const problem = configProblem(c);
  if (problem) throw new ConfigError(`${where}.${problem.field}`, problem.message);
  return c;
}

/** The task's defaults, then `overrides` (each checked); the relations between fields are checked on the result. */
export function runConfig(overrides: Partial<RunConfig> = {}, where = 'config'): RunConfig {
  const task = TASK_KINDS.includes(overrides.task as TaskKind) ? overrides.task! : DEFAULT_RUN_CONFIG.task;
  return parseRunConfig({ ...defaultsGiven(task, overrides), ...overrides }, where);
}

/**
 * The first relation between fields that a run cannot honour, or null. Every driver refuses it the same way (the
 * CLI as a usage error, the editor as one message), so no setting is ignored in silence.
 */
export function configProblem(c: RunConfig): { field: Key; message: string } | null {
  if (c.task === 'lm' && c.bidirectional) return { field: 'bidirectional', message: 'a language model cannot be bidirectional: it predicts the next token from the past only' };
  if (c.task === 'one-to-many' && c.bidirectional) return { field: 'bidirectional', message: 'a one-to-many model cannot be bidirectional: it writes its text left to right' };
  if (c.task === 'seq2seq' && c.cell !== 'lstm' && c.cell !== 'gru') return { field: 'cell', message: `seq2seq needs an lstm or gru encoder and decoder, not ${c.cell}` };
  if (c.dropout > 0 && c.layers === 1) return { field: 'dropout', message: 'dropout applies between stacked layers; use it with 2 or more layers' };
  if (c.earlyStopping && (c.validEvery === 0 || c.validBatches === 0)) {
    return { field: 'earlyStopping', message: 'watches validation loss: set validEvery and validBatches above 0' };
  }
  if (c.steps > 0 && c.time > 0) return { field: 'time', message: 'a run has a step limit or a time limit, not both' };
  if (c.lrSchedule === 'cosine' && c.steps < 2 && c.time === 0) return { field: 'lrSchedule', message: 'the cosine schedule runs over the run\'s budget: set a step limit of 2 or more, or a time limit' };
  if (c.attentionLocation > 0 && (c.attention !== 'additive' || c.attentionLocation % 2 === 0)) {
    return { field: 'attentionLocation', message: `takes an odd kernel width with additive attention, got ${c.attentionLocation} with ${c.attention}` };
  }
  if (c.task === 'seq2seq' && c.attention === 'dot' && c.bidirectional) {
    // s·h_j needs |s| = |h_j|: a bidirectional encoder's states are 2H wide, the decoder's H (attention.ts).
    return { field: 'attention', message: 'dot attention needs equal encoder and decoder sizes, and a bidirectional encoder is twice as wide: use general or additive, or a unidirectional encoder (bidirectional false)' };
  }
  if (c.reverseSource && c.bidirectional) return { field: 'reverseSource', message: 'needs a unidirectional encoder (bidirectional false: a bidirectional one already reads right to left)' };
  if (c.tokenizer === 'bpe' && c.vocabSize > 0 && c.vocabSize < BPE_MIN_VOCAB) {
    return { field: 'vocabSize', message: `with BPE tokens must be at least ${BPE_MIN_VOCAB} (4 special tokens + 256 byte symbols), got ${c.vocabSize}` };
  }
  if (c.vocabSize > 0 && c.vocabSize < 5) return { field: 'vocabSize', message: `must leave room for a real token beside the 4 special ones (at least 5), got ${c.vocabSize}` };
  return null;
}

/** Byte-level BPE starts from the 256 byte values (tokenize/bpe.ts) after the 4 special tokens. */
const BPE_MIN_VOCAB = 4 + 256;

// The optimizer, schedule, clipping and tokenizer a config means live in ../runDerived.ts (the task classes
// import them there without importing run/, which imports the tasks); re-exported so callers find them here.
export { clipNorm, optimizerConfig, schedule, tokenizerOptions } from '../runDerived';

function show(v: unknown): string {
  if (typeof v === 'number') return String(v); // JSON.stringify would print NaN and ±Infinity as null
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
