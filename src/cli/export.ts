// `seqlab export DIR --format pytorch --out OUT`: a checkpoint directory → model.safetensors + seqlab.json +
// model.py in OUT (see engine/checkpoint/interop.ts). The CLI parser calls exportModel; so do the tests.
import { pytorchExportFiles, seq2seqExportFiles } from '../engine/checkpoint/interop';
import { loadTask } from '../engine/tasks/checkpoint';
import { checkOutputDir } from './checkpointDir';
import { loadCheckpointDir, readCheckpointFiles, writeFilesAtomic } from './exportIo';

export type ExportFormat = 'pytorch';

export interface ExportOptions {
  format: ExportFormat;
  out: string;
  /** Replace a model (or write into a non-empty folder) at `out`. */
  force?: boolean;
}

export interface ExportResult {
  files: string[];
  architecture: string;
  step: number | null;
}

/** Validates the checkpoint in `dir`, then writes the export; throws CheckpointError / ArchitectureError. */
export function exportModel(dir: string, opts: ExportOptions): ExportResult {
  if (opts.format !== 'pytorch') throw new Error(`unknown export format ${JSON.stringify(opts.format)}; SeqLab exports 'pytorch'`);
  checkOutputDir(opts.out, Boolean(opts.force), 'export');
  const raw = readCheckpointFiles(dir);
  // Classifiers, taggers and one-to-many models load fine but have no PyTorch export: say so, instead of calling their kind unknown.
  const other = /"kind":\s*"(classify|tag|one-to-many)"/.exec(raw.meta);
  if (other) throw new Error(`export: ${dir} holds a ${other[1]} model; PyTorch export covers lm and seq2seq models`);
  if (/"kind":\s*"seq2seq"/.test(raw.meta)) {
    // Seq2seq checkpoints are validated by the task loader (engine/tasks/checkpoint.ts), then exported as is.
    const task = loadTask(raw, dir);
    if (task.kind !== 'seq2seq') throw new Error(`${dir} is not a seq2seq checkpoint`);
    const meta = JSON.parse(raw.meta) as { seed?: number; architecture: Record<string, unknown> };
    const { kind: _kind, config: _config, ...extra } = meta.architecture; // task fields, e.g. maxTargetLength
    const files = writeFilesAtomic(opts.out, seq2seqExportFiles(task.model.cfg, task.params, { tokenizer: task.tokenizer.toJSON(), seed: meta.seed, extra }));
    const c = task.model.cfg;
    return { files, architecture: `seq2seq: ${c.cell} encoder ${c.encoder.numLayers}×${c.encoder.hiddenSize}${c.encoder.bidirectional ? ' (bidirectional)' : c.reverseSource ? ' (reads the source right to left)' : ''}, decoder ${c.decoder.numLayers}×${c.decoder.hiddenSize}, attention ${c.attention}${c.locationKernel ? ` with location features (kernel ${c.locationKernel})` : ''}`, step: null };
  }
  const ck = loadCheckpointDir(dir);
  const files = writeFilesAtomic(opts.out, pytorchExportFiles(ck));
  const r = ck.architecture.config.rnn;
  return {
    files,
    architecture: `${ck.architecture.kind}: ${r.numLayers}-layer ${r.cell}, hidden ${r.hiddenSize}, vocabulary ${ck.architecture.config.vocabSize}`,
    step: ck.training?.optimizerState.stepCount ?? null,
  };
}
