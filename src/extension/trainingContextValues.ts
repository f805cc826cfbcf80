// The values of SeqLab's context keys (trainingContext.ts sets them), computed from the session's runs. Pure (no
// 'vscode' import), so unit tests check which menu items each state offers.
import type { RunRecord } from './training/session';

export interface TrainingContextValues {
  readonly training: 'running' | 'paused' | 'none';
  readonly canResume: boolean;
  readonly hasRuns: boolean;
}

/** The context values for the session's runs (pure: tested without the editor). */
export function trainingContext(runs: Iterable<RunRecord>, workerRun: RunRecord | null): TrainingContextValues {
  const all = [...runs];
  const state = workerRun?.state;
  const training = state === 'running' || state === 'starting' ? 'running' : state === 'paused' ? 'paused' : 'none';
  const busy = state === 'running' || state === 'starting' || state === 'stopping';
  const resumable = (r: RunRecord): boolean => (r.state === 'crashed' || r.state === 'interrupted' || r.state === 'stopped') && r.lastCheckpointStep !== null;
  return { training, canResume: training === 'paused' || (!busy && all.some(resumable)), hasRuns: all.length > 0 };
}
