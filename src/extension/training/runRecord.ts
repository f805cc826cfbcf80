// What the host knows of a run (RunRecord), the events TrainingSession announces about runs, and how a run is
// started: the types the session, the commands, the dashboard feed and the model hub share; and the two facts the
// session reads off a run or a checkpoint (a worker message's expected sizes, a checkpoint's step). No 'vscode' import.
import type { AttentionFrame, CheckpointBytes, RunConfig, RunInfo, RunShape, TrainMetric } from '../../protocol/training';
import type { RunTrust } from './runTrust';

/** 'imported': trained elsewhere (a PyTorch training project loaded back); it never ran here, so it never stopped here. */
export type RunState = 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'crashed' | 'failed' | 'interrupted' | 'imported';

/** A run's trust bookkeeping (best validation, memorising, how it ended) is in RunTrust (runTrust.ts). */
export interface RunRecord extends RunTrust {
  readonly id: string;
  name: string;
  config: RunConfig;
  state: RunState;
  step: number;
  /** Every metric point of the run, in step order (points past a resumed checkpoint are dropped). */
  readonly history: TrainMetric[];
  info: RunInfo | null;
  lastCheckpointStep: number | null;
  /** Last user-facing message (non-finite pause, crash, error). */
  message: string | null;
  /** Set while paused on a non-finite value: the tensor named by the worker. */
  nonFinite: { tensor: string; step: number } | null;
  corpusMessages: string[];
  /** Latest weight snapshot (parameter arena copy) and its step. */
  snapshot: { step: number; data: Float32Array } | null;
  /** Language ids of the documents the corpus came from (inline completions are offered there too). */
  languages?: string[];
  /** seq2seq with attention: the latest live attention frame (the followed source decoded at `step`). */
  attention?: { step: number; frame: AttentionFrame } | null;
  /** Hidden from the dashboard's charts (still listed in its runs table); persisted in run.json. */
  hidden?: boolean;
  /** Seconds the run was live in earlier workers: added to a resumed worker's `elapsed` (which starts at 0). */
  elapsedBase?: number;
}

export type SessionEvent =
  | { type: 'metrics'; run: RunRecord; points: TrainMetric[] }
  | { type: 'state'; run: RunRecord }
  | { type: 'snapshot'; run: RunRecord }
  | { type: 'checkpoint'; run: RunRecord; step: number }
  | { type: 'message'; run: RunRecord; level: 'info' | 'warning' | 'error'; text: string }
  /** Once per run: the model memorises (validation loss rising while training loss falls); offer to stop and keep the best. */
  | { type: 'memorising'; run: RunRecord; text: string }
  /** A new best validation: `run.best` and `run.bestSnapshot` hold it, the store saves its checkpoint. */
  | { type: 'best'; run: RunRecord }
  /** A seq2seq run with attention decoded one source with its current weights (the live attention view). */
  | { type: 'attention'; run: RunRecord; step: number; frame: AttentionFrame };

export interface StartOptions {
  name?: string;
  config: RunConfig;
  train: string;
  valid: string;
  corpusMessages?: string[];
  /** Language ids of the corpus documents (kept on the RunRecord for inline completions). */
  languages?: string[];
}

/** Sizes a worker message must agree with, once the run has started (null before `started`). */
export function runShape(run: RunRecord): RunShape | undefined {
  const info = run.info;
  return info ? { groups: info.groups.length, stackRows: info.stacks.map((s) => s.rows), seqLen: run.config.seqLen, paramCount: info.paramCount } : undefined;
}

/** The step a stored checkpoint was taken at (0 for one without training state). */
export function checkpointStep(ck: CheckpointBytes): number {
  const meta = JSON.parse(ck.meta) as { training?: { stepCount?: number } | null };
  return meta.training?.stepCount ?? 0;
}

