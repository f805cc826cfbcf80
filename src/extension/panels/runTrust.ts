// The dashboard's view of what a run's validations say and how it can go on (protocol/dashboard.ts RunTrust):
// its best validation, when it started memorising, how it ended (early stopping, best weights kept), and the
// checkpoint a Resume continues from. Cut to the channel's ranges here, on the host. No 'vscode' import.
import { DASHBOARD_LIMITS, type RunTrust } from '../../protocol/dashboard';
import type { FeedRun } from './dashboardModel';

const L = DASHBOARD_LIMITS;
const stepOrNull = (x: number | null | undefined): number | null => (x !== null && x !== undefined && Number.isInteger(x) && x >= 0 && x <= L.steps ? x : null);

export function runTrust(run: FeedRun): RunTrust {
  const b = run.best;
  return {
    step: stepOrNull(run.step) ?? 0,
    best: b && stepOrNull(b.step) !== null && Number.isFinite(b.validLoss) && b.validLoss >= 0 ? { step: b.step, validLoss: b.validLoss } : null,
    memorisingSince: stepOrNull(run.memorisingSince),
    lastCheckpointStep: stepOrNull(run.lastCheckpointStep),
    patience: run.config.earlyStopping ? Math.min(Math.max(1, run.config.patience), L.steps) : null,
    ending: run.ending ? { early: run.ending.early === true, keptBest: run.ending.keptBest === true } : null,
  };
}
