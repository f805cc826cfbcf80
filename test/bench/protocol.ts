// Messages between the bench orchestrator (main.ts) and one side's worker thread (worker.ts).
import type { CharLMConfig, ProductKind, Seq2SeqBenchConfig } from './sides';

export type SideName = 'seqlab' | 'seqlab-wasm-copy' | 'seqlab-js' | 'tfjs-cpu' | 'tfjs-wasm'
  /** UI rows only (ui.ts): the same typing in an idle editor. */
  | 'idle';

export type Workload =
  | { kind: 'lm'; id: string; cfg: CharLMConfig }
  /** W7: cfg.vocab/S are filled in by the worker from the generated date pairs (same seed on every side). */
  | { kind: 's2s'; id: string; cfg: Seq2SeqBenchConfig; examples: number }
  /** Completion latency on the model trained by workload `modelOf`; reps are chunks of `perRep` contexts. */
  | { kind: 'complete'; id: string; modelOf: string; cfg: CharLMConfig; context: number; stopChar: string; maxLen: number; perRep: number; seed: number }
  | { kind: 'matmul'; id: string; product: ProductKind; M: number; K: number; N: number; seed: number; targetSeconds: number }
  /** W5: each rep trains a fresh model (seed + rep) for `seconds` of wall time, then scores the held-out tail. */
  | { kind: 'quality'; id: string; cfg: CharLMConfig; seconds: number; validWindows: number }
  /** W4-editor (SeqLab only): the editor's Suggester on a model trained by `modelOf`, fed keystroke by keystroke. */
  | { kind: 'editor'; id: string; modelOf: string; sessions: number; keystrokes: number; seed: number };

export interface WorkerData { side: SideName; root: string; corpus: string }

export type ToWorker =
  | { type: 'init' }
  | { type: 'setup'; workload: Workload }
  /** index < 0: warm-up. */
  | { type: 'rep'; id: string; index: number };

export type FromWorker =
  | { type: 'ready'; name: string }
  | { type: 'setup'; supported: boolean; label?: string; reason?: string }
  /** One figure per rep (tokens/s, GFLOP/s), or one latency (ms) per suggestion for 'complete'. */
  | { type: 'rep'; values: number[]; note?: string }
  | { type: 'error'; message: string };
