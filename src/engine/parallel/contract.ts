// Data-parallel training: what the engine asks of a driver, and what a training thread is told.
// The engine is pure TypeScript (no 'node:*'): it cannot start a thread itself. A driver that can (the CLI, the
// editor's training worker, the bench: all Node worker_threads, src/cli/threads.ts) hands TrainingRun a ThreadHost;
// the engine decides everything else (how rows are shared, when threads run, how gradients are reduced).
// Legend: N threads (the calling thread is thread 0), B rows of a global batch, P parameters.
import type { Architecture } from '../checkpoint/architecture';
import type { BlockLayout } from './sharedBlock';

/** What a training thread needs to build its replica and join the step loop (structured-cloneable). */
export interface ReplicaInit {
  /** This thread's index, 1 … N − 1 (0 is the thread that owns the run). */
  index: number;
  threads: number;
  /** The model the run trains: the replica builds the same one (its weights come from the block every step). */
  architecture: Architecture;
  /** Rows of the largest share and the longest steps a batch can have: the replica reserves exactly this. */
  reserve: { rows: number; S: number; T: number };
  /** Seq2seq teacher forcing ratio (< 1: scheduled sampling draws from the thread's generator). */
  ratio: number;
  /** The run's seed: a thread's generator (dropout, scheduled sampling) is seeded from it, its index and the step. */
  seed: number;
  layout: BlockLayout;
  buffer: SharedArrayBuffer;
}

/** A started training thread. */
export interface ThreadHandle {
  /** Ends the thread now (after the engine told it to stop, or when the run is dropped). */
  terminate(): void;
}

/** How a driver starts training threads; `cores` is what `threads: 0` (automatic) resolves to. */
export interface ThreadHost {
  readonly cores: number;
  spawn(init: ReplicaInit): ThreadHandle;
}

/** Rows [start, end) of thread k of N in a batch of B rows: contiguous, sizes differing by at most one. */
export function shareOf(B: number, N: number, k: number): { start: number; end: number } {
  return { start: Math.floor((k * B) / N), end: Math.floor(((k + 1) * B) / N) };
}
