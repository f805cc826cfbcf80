// Which weights of a training run the editor uses (the `seqlab.models.use` setting): 'best', the weights of the
// lowest validation loss the run has seen (its best checkpoint; while it trains, the worker's `best` copy), or
// 'latest', its newest. Completions, Generate, Translate, Classify and Save Model As all choose here, so they
// agree. A run without a validation yet has no best: its latest weights serve until one comes.
import * as vscode from 'vscode';
import type { CheckpointBytes } from '../../protocol/training';
import type { RunRecord } from '../training/session';
import type { ModelUse, RunStore } from '../training/store';

export const MODEL_USE_SETTING = 'seqlab.models.use';

export function modelUse(): ModelUse {
  return vscode.workspace.getConfiguration('seqlab').get<string>('models.use', 'best') === 'latest' ? 'latest' : 'best';
}

/** The in-memory weights of a live run that `use` picks: the best copy once there is one, else the latest snapshot. */
export function liveWeights(run: RunRecord, use: ModelUse = modelUse()): { step: number; data: Float32Array } | null {
  return (use === 'best' ? run.bestSnapshot : null) ?? run.snapshot;
}

/** The stored checkpoint `use` picks and the training step of its weights (a best names its step in info.best). */
export async function runCheckpoint(store: RunStore, run: RunRecord, use: ModelUse = modelUse()): Promise<{ files: CheckpointBytes; step: number | null } | null> {
  const files = await store.loadModelCheckpoint(run.id, use);
  if (!files) return null;
  return { files, step: weightsStep(files.meta) ?? run.lastCheckpointStep };
}

function weightsStep(meta: string): number | null {
  try {
    const m = JSON.parse(meta) as { info?: { best?: { step?: unknown } }; training?: { stepCount?: unknown } | null };
    const s = m.info?.best?.step ?? m.training?.stepCount;
    return typeof s === 'number' && Number.isInteger(s) ? s : null;
  } catch {
    return null;
  }
}
