// PyTorch interop, pure: what an export directory holds, and how PyTorch-named weights become a SeqLab
// checkpoint. The CLI (src/cli/export.ts, import.ts) and the editor command only read and write the files.
//   export: model.safetensors (weights only, state_dict names) + seqlab.json (architecture, tokenizer; no
//           training state) + model.py (torch.nn modules that load them, see modelPy.ts); lm and seq2seq
//   import: safetensors written by PyTorch (model.py's save_safetensors, or safetensors.torch.save_file) +
//           an architecture and tokenizer (from a seqlab.json of any kind, or an LM architecture inferred from
//           the shapes), checked by the same code as every checkpoint (engine/checkpoint.ts checkModelWeights)
import {
  CheckpointError, META_FILE, MODEL_FILE, checkModelWeights, loadWeights, readCheckpoint, writeCheckpoint, type CheckpointFiles, type LoadedCheckpoint,
} from '../checkpoint';
import { tokenizerFromJSON } from '../tokenize/tokenizer';
import { buildModel, inferLmArchitecture, parseArchitecture, vocabularyProblem, type Architecture } from './architecture';
import { checkExportable, modelPy } from './modelPy';
import { decodeTensors } from './tensors';

export const MODEL_PY_FILE = 'model.py';

/** File name → contents of a PyTorch export of a loaded checkpoint (lm or seq2seq; ArchitectureError otherwise). */
export function pytorchExportFiles(ck: LoadedCheckpoint): Record<string, string | Uint8Array> {
  checkExportable(ck.architecture);
  const files = writeCheckpoint({
    architecture: ck.architecture, params: ck.model.params, tokenizer: ck.meta.tokenizer, seed: ck.meta.seed,
    info: { ...ck.meta.info, exportedFor: 'pytorch', trainedSteps: ck.training?.optimizerState.stepCount ?? ck.meta.info['trainedSteps'] ?? null },
  });
  return { [MODEL_FILE]: files.model, [META_FILE]: files.meta, [MODEL_PY_FILE]: modelPy() };
}

export interface ImportOptions {
  /** A seqlab.json (of a checkpoint or an export) giving the architecture and tokenizer. */
  meta?: string;
  /** A tokenizer JSON (what Tokenizer.toJSON wrote), when no seqlab.json is given. */
  tokenizer?: unknown;
  /** Plain RNN weights cannot tell tanh from relu; default tanh (torch's default). */
  rnnNonlinearity?: 'tanh' | 'relu';
  what?: string;
}

/**
 * Builds checkpoint files (no training state) from PyTorch-written safetensors. Every tensor must match the
 * architecture's name and shape; the tokenizer's size must match every vocabulary. A seqlab.json's checksums
 * describe the files SeqLab wrote, not these weights: they are not used, and the checkpoint written records the
 * checksums of what it saves. Throws CheckpointError.
 */
export function importPytorchWeights(weights: Uint8Array, opts: ImportOptions): { files: CheckpointFiles; checkpoint: LoadedCheckpoint } {
  const what = opts.what ?? 'weights';
  const tensors = decodeTensors(weights, what);
  let architecture: Architecture;
  let tokenizerJson: unknown = opts.tokenizer;
  let seed = 0;
  try {
    if (opts.meta !== undefined) {
      const m = JSON.parse(opts.meta) as { architecture?: unknown; tokenizer?: unknown; seed?: unknown };
      architecture = parseArchitecture(m.architecture);
      tokenizerJson ??= m.tokenizer;
      if (typeof m.seed === 'number' && Number.isFinite(m.seed)) seed = m.seed;
    } else {
      architecture = inferLmArchitecture(new Map([...tensors].map(([k, v]) => [k, v.shape])), opts.rnnNonlinearity);
    }
  } catch (e) {
    throw new CheckpointError(`cannot import ${what}: ${(e as Error).message}`);
  }
  if (tokenizerJson === undefined) throw new CheckpointError(`cannot import ${what}: a tokenizer is needed (give a seqlab.json or a tokenizer JSON)`);
  let tokenizer;
  try {
    tokenizer = tokenizerFromJSON(tokenizerJson);
  } catch (e) {
    throw new CheckpointError(`cannot import ${what}: ${(e as Error).message}`);
  }
  const wrongVocab = vocabularyProblem(architecture, tokenizer.vocabSize);
  if (wrongVocab) throw new CheckpointError(`cannot import ${what}: ${wrongVocab}`);
  const checked = checkModelWeights(architecture, tensors, { meta: `cannot import ${what}`, model: `cannot import ${what}`, file: what });
  const built = buildModel(architecture);
  loadWeights(built.params, checked.weights);
  const files = writeCheckpoint({ architecture, params: built.params, tokenizer, seed, info: { importedFrom: what } });
  return { files, checkpoint: readCheckpoint(files, what) };
}
