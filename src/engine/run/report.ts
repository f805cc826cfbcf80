// What a training run reports, as plain JSON-friendly records: the training protocol (src/protocol/training.ts)
// ships exactly these to the host, and `seqlab train --json` prints them, so both show the same numbers.
import type { TaskKind } from './config';
import type { StackSaturation } from '../inspect/gateSaturation';

export type { StackSaturation };

/** Validation metrics of the task (each in [0, 1]); present on points that carry a validation. */
export interface TaskMetrics {
  /** seq2seq: share of validation sources whose greedy decoding equals the target exactly. */
  exactMatch?: number;
  /** seq2seq: share of target tokens (EOS included) decoded right, position by position. */
  tokenAccuracy?: number;
  /** classify: share of texts labelled right; tag: share of tokens tagged right. */
  accuracy?: number;
}

/** ‖∂L/∂h_t‖ of one recurrent stack for the first sequence of the batch: `rows` (layers × directions) rows of T values. */
export interface StackGradients {
  values: number[];
}

export interface TrainMetric {
  step: number;
  epoch: number;
  loss: number;
  /** lm only: loss / ln 2 × tokens per character. */
  bitsPerChar?: number;
  lr: number;
  /** Positions counted in the loss per second (tokens for lm and tag, target tokens for seq2seq, texts for classify). */
  tokensPerSecond: number;
  gradNorm: number;
  gradNormAfterClip: number;
  clipped: boolean;
  groupNorms: number[];
  /** Only on some points: one entry per stack of `started.info.stacks`, same order. */
  gradThroughTime?: StackGradients[];
  /**
   * Every SATURATION_EVERY-th step, LSTM/GRU only: per stack of `started.info.stacks`, the shares of sigmoid-gate
   * activations < 0.1 (low) and > 0.9 (high), (layers × directions, gates) row-major (inspect/gateSaturation.ts).
   */
  gateSaturation?: StackSaturation[];
  validLoss?: number;
  validBitsPerChar?: number;
  validMetrics?: TaskMetrics;
  /** On validation points: the step and loss of the lowest validation loss so far (this one included). */
  bestStep?: number;
  bestValidLoss?: number;
  /** On validation points: the model memorises now (run/memorising.ts says precisely when). */
  memorising?: boolean;
  /** Wall-clock seconds the run has been live, pauses included, summed over resumes (set by the driver, which owns the clock; the dashboard's time axis). */
  elapsed?: number;
}

export interface RunInfo {
  task: TaskKind;
  vocabSize: number;
  paramCount: number;
  trainChars: number;
  validChars: number;
  /** Training examples: tokens for lm, pairs / texts / sentences for the others. */
  trainExamples: number;
  validExamples: number;
  groups: string[];
  tensors: { name: string; shape: number[]; offset: number }[];
  /** The recurrent stacks whose ‖∂L/∂h_t‖ is charted: 'rnn' for lm/classify/tag; 'encoder' and 'decoder' for seq2seq. */
  stacks: { name: string; rows: number }[];
  /** classify / tag: the label or tag names; absent otherwise. */
  labels?: string[];
  step: number;
}

/** One frame of the live attention view: the run's CURRENT weights decoding one validation source (greedy). */
export interface AttentionFrame {
  source: string;
  /** The reference target when the source is a validation pair, else absent. */
  reference?: string;
  sourceTokens: string[];
  /** Decoded tokens, '<eos>' last when EOS was reached. */
  outputTokens: string[];
  /** (outputTokens.length, sourceTokens.length) weights, each row summing to 1. */
  weights: number[][];
}

/** A validation: mean loss per counted position, bits per character (lm), and the task's metrics. */
export interface Validation {
  loss: number;
  bitsPerChar?: number;
  metrics: TaskMetrics;
}
