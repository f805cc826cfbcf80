// The contract every benchmarked implementation ("side") fulfils: SeqLab (seqlab.ts) and the TensorFlow.js
// peers (tfjsSide.ts). A side that lacks a capability leaves it undefined and the workload reports it as
// "not measured" for that side (never a made-up number).
// Dimension legend: B batch, T sequence length, V vocabulary, H hidden, E embedding.
import type { ParallelPair } from '../../src/engine/data/readers';

/** W1–W3 (and W4's model): char-level LM; the same numbers on every side. */
export interface CharLMConfig {
  cell: 'lstm' | 'gru';
  layers: number;
  hidden: number; // H
  embed: number; // E (an embedding, not one-hot, on every side)
  vocab: number; // V
  seqLen: number; // T (truncated BPTT window)
  batch: number; // B
  lr: number; // Adam, bias-corrected, betas (0.9, 0.999), eps 1e-8 (tfjs' default is 1e-7: set to 1e-8)
  clipNorm: number; // clip by global L2 norm (torch clip_grad_norm_)
  seed: number;
  /** W1-2t / W2-2t (SeqLab only): data-parallel training threads; absent = 1. */
  threads?: number;
  /** W5: the training budget in seconds, which a run that knows it schedules its learning rate over. */
  seconds?: number;
}

/** The text a W1–W5 model trains on, in the form each side needs (the harness's ids, or the text itself). */
export interface LmCorpus {
  /** Training text (W5: the head of the corpus; W1–W4: all of it). */
  train: string;
  /** Held-out text (W5 scores it; never trained on). */
  valid: string;
  /** The harness's character vocabulary: id i of every batch is vocab[i]. */
  vocab: readonly string[];
}

/**
 * One optimisation step of B·T tokens: mean cross-entropy over B·T, clip, Adam. The tfjs peers train on x (B,T) →
 * y (B,T), the harness's seeded random windows. SeqLab's side is `TrainingRun`, the run `seqlab train` and the
 * editor drive, so it trains on the run's own batches of the same corpus (B truncated-BPTT streams with the
 * state carried between chunks) and ignores x, y: same shapes and token count, the product's real step.
 */
export interface LMTrainer {
  step(x: Int32Array, y: Int32Array): number; // returns the loss (forces the step to complete)
  /** Mean cross-entropy (nats) of x → y without training (W5's validation score). */
  evaluate(x: Int32Array, y: Int32Array): number;
  /** Optional detail for the report (e.g. which kernel path ran). */
  note?(): string;
}

/** W4: greedy completion from a context of ids; returns the generated ids (stops at `stopId` or maxLen). */
export interface Completer {
  suggest(context: Int32Array, stopId: number, maxLen: number): number[];
  note?(): string;
}

/** W7: seq2seq, LSTM encoder → LSTM decoder (initial state = encoder's final) → additive attention (Luong
 *  placement: the decoder output h_t queries the encoder outputs) → tanh(combine[h; ctx]) → head. */
export interface Seq2SeqBenchConfig {
  vocab: number; // V, shared source/target character vocabulary incl. PAD 0, BOS 2, EOS 3
  embed: number; // E
  hidden: number; // H (encoder = decoder, so no learned bridge)
  attention: number; // A, additive attention size
  S: number; // padded source length
  T: number; // target length (BOS + 10 chars as inputs; 10 chars + EOS as targets)
  batch: number; // B
  lr: number;
  clipNorm: number;
  seed: number;
  /** SeqLab's training threads (W7: the CLI's default, every core; W7-1t: one); the peers have one path. */
  threads?: number;
}

/** One step: src (B,S) padded with 0, srcLen (B), decIn/targets (B,T); mean CE over B·T, clip, Adam. SeqLab's side
 *  is `TrainingRun` on the same date pairs (as text) and takes its run's own batches of B pairs (see LMTrainer). */
export interface Seq2SeqTrainer {
  step(src: Int32Array, srcLen: Int32Array, decIn: Int32Array, targets: Int32Array): number;
  note?(): string;
}

export type ProductKind = 'nt' | 'nn' | 'tn';

/** W6: C = product of random A, B; `run(n)` does the product n times (to completion). */
export interface MatmulRunner {
  run(times: number): void;
  /** What exactly is measured (e.g. "tf.matMul(a, b) no transpose"). */
  label: string;
}

export interface Side {
  readonly name: string;
  init(): Promise<void>;
  charLM?(cfg: CharLMConfig, corpus: LmCorpus): Promise<LMTrainer>;
  /** A completer over the weights of the trainer made by charLM (W4 uses the W1 model). */
  completer?(trainer: LMTrainer, cfg: CharLMConfig): Promise<Completer>;
  seq2seq?(cfg: Seq2SeqBenchConfig, pairs: readonly ParallelPair[]): Promise<Seq2SeqTrainer>;
  matmul?(kind: ProductKind, M: number, K: number, N: number, seed: number): MatmulRunner;
  /** W4-editor: the editor's own suggestion code path over the trainer's weights (SeqLab only). */
  editorTyping?(trainer: LMTrainer): EditorTyping;
}

/** Types `text` one keystroke at a time into a document that starts with `before`; returns ms per suggestion. */
export interface EditorTyping {
  type(before: string, text: string): number[];
  note?(): string;
}
