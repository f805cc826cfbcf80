// `seqlab export DIR --format pytorch --out OUT`: a checkpoint directory → model.safetensors + seqlab.json +
// model.py in OUT (see engine/checkpoint/interop.ts). The CLI parser calls exportModel; so do the tests.
import { pytorchExportFiles } from '../engine/checkpoint/interop';
import { loadCheckpointDir, writeFilesAtomic } from './exportIo';

export type ExportFormat = 'pytorch';

export interface ExportOptions {
  format: ExportFormat;
  out: string;
}

export interface ExportResult {
  files: string[];
  architecture: string;
  step: number | null;
}

/** Validates the checkpoint in `dir`, then writes the export; throws CheckpointError / ArchitectureError. */
export function exportModel(dir: string, opts: ExportOptions): ExportResult {
  if (opts.format !== 'pytorch') throw new Error(`unknown export format ${JSON.stringify(opts.format)}; SeqLab exports 'pytorch'`);
  const ck = loadCheckpointDir(dir);
  const files = writeFilesAtomic(opts.out, pytorchExportFiles(ck));
  const r = ck.architecture.config.rnn;
  return {
    files,
    architecture: `${ck.architecture.kind}: ${r.numLayers}-layer ${r.cell}, hidden ${r.hiddenSize}, vocabulary ${ck.architecture.config.vocabSize}`,
    step: ck.training?.optimizerState.stepCount ?? null,
  };
}
