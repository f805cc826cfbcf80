// `seqlab export DIR --format pytorch --out OUT`: a checkpoint directory → model.safetensors + seqlab.json +
// model.py in OUT (see engine/checkpoint/interop.ts); `--format pytorch-project` writes a training project that
// continues the run in PyTorch (exportProject.ts). The CLI parser calls exportModel; so do the tests.
import type { Architecture } from '../engine/checkpoint/architecture';
import { pytorchExportFiles } from '../engine/checkpoint/interop';
import { checkOutputDir } from './checkpointDir';
import { loadCheckpointDir, writeFilesAtomic } from './exportIo';
import { exportProject } from './exportProject';

export type ExportFormat = 'pytorch' | 'pytorch-project';

export interface ExportOptions {
  format: ExportFormat;
  out: string;
  /** Replace a model (or write into a non-empty folder) at `out`. */
  force?: boolean;
  /** pytorch-project: the run's training data (default: the files its checkpoint records) and validation file. */
  data?: string[];
  valid?: string;
}

export interface ExportResult {
  files: string[];
  architecture: string;
  step: number | null;
}

/** Validates the checkpoint in `dir`, then writes the export; throws CheckpointError / ArchitectureError. */
export function exportModel(dir: string, opts: ExportOptions): ExportResult {
  if (opts.format === 'pytorch-project') {
    const r = exportProject(dir, { out: opts.out, data: opts.data, valid: opts.valid, force: opts.force });
    return { files: r.files, architecture: `${r.task} training project (continues at step ${r.step + 1})`, step: r.step };
  }
  if (opts.format !== 'pytorch') throw new Error(`unknown export format ${JSON.stringify(opts.format)}; SeqLab exports 'pytorch' and 'pytorch-project'`);
  checkOutputDir(opts.out, Boolean(opts.force), 'export');
  // Every kind is read and checked by the one checkpoint reader (engine/checkpoint.ts) before anything is written.
  const ck = loadCheckpointDir(dir);
  const a = ck.architecture;
  // Classifiers and taggers load fine but have no PyTorch export: say so, instead of calling their kind unknown.
  if (a.kind !== 'lm' && a.kind !== 'seq2seq') throw new Error(`export: ${dir} holds a ${a.kind} model; PyTorch export covers lm and seq2seq models`);
  const files = writeFilesAtomic(opts.out, pytorchExportFiles(ck));
  return { files, architecture: describe(a), step: ck.training?.optimizerState.stepCount ?? null };
}

function describe(a: Extract<Architecture, { kind: 'lm' | 'seq2seq' }>): string {
  if (a.kind === 'lm') {
    const r = a.config.rnn;
    return `lm: ${r.numLayers}-layer ${r.cell}, hidden ${r.hiddenSize}, vocabulary ${a.config.vocabSize}`;
  }
  const c = a.config;
  return `seq2seq: ${c.cell} encoder ${c.encoder.numLayers}×${c.encoder.hiddenSize}${c.encoder.bidirectional ? ' (bidirectional)' : c.reverseSource ? ' (reads the source right to left)' : ''}, decoder ${c.decoder.numLayers}×${c.decoder.hiddenSize}, attention ${c.attention}${c.locationKernel ? ` with location features (kernel ${c.locationKernel})` : ''}`;
}
