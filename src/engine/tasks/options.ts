// Options shared by every task of the headless trainer (CLI `seqlab train`, bench, tests): one flat, JSON-friendly
// record from which each task builds its tokenizer, model and optimizer. Defaults are chosen for small demo
// data on a laptop CPU; every field is a `seqlab train` flag of the same meaning.
import type { CellKind } from '../cells/cell';
import type { MergeMode } from '../layers/recurrent';
import type { OptimizerConfig, OptimizerKind } from '../optim';
import type { Schedule } from '../optim';
import type { AttentionKind } from '../seq2seq/model';
import type { TokenizerKind } from '../tokenize/tokenizer';

export const TASK_KINDS = ['lm', 'classify', 'tag', 'seq2seq', 'one-to-many'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export interface TaskOptions {
  cell: CellKind;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  merge: MergeMode;
  attention: AttentionKind;
  tokenizer: TokenizerKind;
  /** word / bpe: target vocabulary size, specials included (0 = the tokenizer's default). */
  vocabSize: number;
  embedding: number;
  dropout: number;
  /** LM: BPTT chunk length; other tasks: longest sequence kept (longer ones are cut). */
  seqLen: number;
  batch: number;
  optimizer: OptimizerKind;
  lr: number;
  /** Max global gradient norm; null = no clipping. */
  clip: number | null;
  /** seq2seq: probability of feeding the reference token (1 = always teacher forcing). */
  teacherForcing: number;
  /** Total steps when known (a cosine decay to lr/10 over them); null = constant lr. */
  decaySteps: number | null;
  seed: number;
}

export const DEFAULT_TASK_OPTIONS: Readonly<TaskOptions> = {
  cell: 'lstm', hidden: 128, layers: 1, bidirectional: false, merge: 'concat', attention: 'none', tokenizer: 'char',
  vocabSize: 0, embedding: 64, dropout: 0, seqLen: 64, batch: 32, optimizer: 'adam', lr: 0.002, clip: 1,
  teacherForcing: 1, decaySteps: null, seed: 42,
};

export function optimizerConfig(o: TaskOptions): OptimizerConfig {
  return { kind: o.optimizer } as OptimizerConfig;
}

export function schedule(o: TaskOptions): Schedule {
  return o.decaySteps && o.decaySteps > 1
    ? { kind: 'cosine', lr: o.lr, totalSteps: o.decaySteps, minLr: o.lr / 10 }
    : { kind: 'constant', lr: o.lr };
}

/** Tokenizer options from the task options (vocabSize 0 = the tokenizer's default). */
export function tokenizerOptions(o: TaskOptions): Record<string, number> {
  if (!o.vocabSize) return {};
  return o.tokenizer === 'bpe' ? { vocabSize: o.vocabSize } : { maxVocab: o.vocabSize };
}
