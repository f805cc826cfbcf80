// `seqlab train`'s best checkpoint: the weights of the run's lowest validation loss (TrainingRun.bestCheckpoint),
// saved to <out>/best/ beside the latest weights in <out>, atomically as a whole like <out> itself
// (checkpointDir.ts). A run without a validation has no best; a best/ left in <out> by an earlier model (--force)
// is then removed, so best/ never holds another model's weights.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingRun } from '../engine/run/run';
import { replaceCheckpointDir } from './checkpointDir';
import { checkpointFilesRecord } from './exportIo';
import { FileError, fsProblem } from './files';

export const BEST_DIR = 'best';

export interface BestSaved {
  step: number;
  validLoss: number;
  dir: string;
}

/** Saves the run's best weights to <out>/best/; null (and no best/ left behind) when the run never validated. */
export function saveBestDir(run: TrainingRun, out: string, info: Record<string, unknown>): BestSaved | null {
  const dir = path.join(out, BEST_DIR);
  const files = run.bestCheckpoint(info);
  try {
    if (!files) {
      fs.rmSync(dir, { recursive: true, force: true });
      return null;
    }
    replaceCheckpointDir(dir, checkpointFilesRecord(files));
  } catch (e) {
    throw new FileError(`cannot write the best checkpoint to ${dir}: ${fsProblem(e)}`);
  }
  const best = run.best!;
  return { step: best.step, validLoss: Math.round(best.validLoss * 1e4) / 1e4, dir };
}

/** The summary line: where the best is, and why the run ended early when it did. */
export function bestSummary(best: BestSaved, patience: number | null, out: string): string {
  const why = patience !== null ? `stopped early: validation loss had not improved for ${patience} validations; ${out} holds the best weights too. ` : '';
  return `${why}best validation loss ${best.validLoss} at step ${best.step}; saved to ${best.dir}`;
}
