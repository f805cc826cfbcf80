// The host's trust bookkeeping of a run (issue #14 item 1), apart from the session's worker plumbing: the best
// validation so far and its weights (saved as the run's best checkpoint), the moment the model is seen memorising
// (validation loss up while training loss falls), and how the run ended (early stopping, and whether its final
// weights are the best validation's, Keras's restore_best_weights). The worker decides these; the host records
// them, stores them so a reload tells the truth, and words them for the user.
import type { TrainMetric, WorkerToHost } from '../../protocol/training';
import type { RunRecord, SessionEvent } from './runRecord';
import type { RunStore } from './store';

export interface RunTrust {
  /** The lowest validation loss so far and its weights (the worker's `best`; after a reload, the stored best's step). */
  best?: { step: number; validLoss: number } | null;
  bestSnapshot?: { step: number; data: Float32Array } | null;
  /** The step at which the model was first seen memorising (validation loss up, training loss down), or null. */
  memorisingSince?: number | null;
  /** How the run ended: early stopping, and whether its final weights are the best validation's. */
  ending?: { early: boolean; keptBest: boolean } | null;
}

type WorkerMessage<T extends WorkerToHost['type']> = Extract<WorkerToHost, { type: T }>;

/** The best validation a batch of metric points reports (every point carries the best so far). */
export function trackBest(run: RunRecord, points: readonly TrainMetric[]): void {
  for (const p of points) {
    if (p.bestStep !== undefined && p.bestValidLoss !== undefined && (!run.best || run.best.step !== p.bestStep)) run.best = { step: p.bestStep, validLoss: p.bestValidLoss };
  }
}

/** A new best validation: kept with its weights, saved as the run's best checkpoint, then announced ('best'). */
export function keepBest(run: RunRecord, m: WorkerMessage<'best'>, store: RunStore, emit: (e: SessionEvent) => void): void {
  run.best = { step: m.step, validLoss: m.validLoss };
  run.bestSnapshot = { step: m.step, data: m.data };
  void store.saveBestCheckpoint(run.id, m.files, run.best).then(
    () => emit({ type: 'best', run }),
    (e: Error) => emit({ type: 'message', run, level: 'error', text: `Could not save the best checkpoint (step ${m.step}): ${e.message}` }),
  );
}

/** The model memorises: noted on the run; returns the notice's text (the session announces it once). */
export function noteMemorising(run: RunRecord, m: WorkerMessage<'memorising'>): string {
  run.memorisingSince = m.step;
  return `"${run.name}" is memorising its training data: since step ${m.step} validation loss has risen at every validation while training loss fell. ` +
    `The best validation loss was ${m.bestValidLoss.toFixed(4)} at step ${m.bestStep}.`;
}

/**
 * The run stopped in its worker: how it ended, stored (a reload lists it ended, not interrupted), and for an early
 * stop the message the stop notification shows (runs/stopNotice.ts): why it stopped and which weights it kept.
 */
export function recordEnding(run: RunRecord, m: WorkerMessage<'stopped'>, store: RunStore): void {
  run.ending = { early: m.early === true, keptBest: m.keptBest === true };
  void store.saveEnded(run.id, { state: 'stopped', step: m.step, ending: run.ending });
  if (m.early) {
    const b = run.best;
    run.message = `Early stopping: validation loss had not improved for ${run.config.patience} validations, so training stopped at step ${m.step} and kept the best weights${b ? ` (step ${b.step}, validation loss ${b.validLoss.toFixed(4)})` : ''}.`;
  }
}
