// PyTorch interop, pure: what an export directory holds, and how PyTorch-named weights become a SeqLab
// checkpoint. The CLI (src/cli/export.ts, import.ts) and the editor command only read and write the files.
//   export: model.safetensors (weights only, state_dict names) + seqlab.json (architecture, tokenizer; no
//           training state) + model.py (torch.nn modules that load them, see modelPy.ts)
//   import: safetensors written by PyTorch (model.py's save_safetensors, or safetensors.torch.save_file) +
//           an architecture and tokenizer (from a seqlab.json, or the architecture inferred from the shapes)
import {
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, ENGINE_VERSION, META_FILE, MODEL_FILE, readCheckpoint, writeCheckpoint,
  type CheckpointFiles, type LoadedCheckpoint,
} from '../checkpoint';
import type { Params } from '../params';
import { decodeSafetensors, encodeSafetensors } from '../safetensors';
import type { Seq2SeqConfig } from '../seq2seq/model';
import { tokenizerFromJSON } from '../tokenize/tokenizer';
import { architectureVocabSize, buildModel, inferLmArchitecture, parseArchitecture, type Architecture } from './architecture';
import { fileChecksums, nonFiniteProblem, withMetaChecksum } from './integrity';
import { weightCountProblem } from './taskArchitectures';
import { checkExportable, modelPy } from './modelPy';

export const MODEL_PY_FILE = 'model.py';

/** File name → contents of a PyTorch export of a loaded checkpoint. */
export function pytorchExportFiles(ck: LoadedCheckpoint): Record<string, string | Uint8Array> {
  checkExportable(ck.architecture);
  const built = buildModel(ck.architecture);
  for (const e of built.params.entries) built.params.value(e.name).set(ck.weights.get(e.name)!);
  const files = writeCheckpoint({
    architecture: ck.architecture, params: built.params, tokenizer: ck.meta.tokenizer, seed: ck.meta.seed,
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
 * architecture's name and shape; the tokenizer's size must match the vocabulary. Throws CheckpointError.
 */
export function importPytorchWeights(weights: Uint8Array, opts: ImportOptions): { files: CheckpointFiles; checkpoint: LoadedCheckpoint } {
  const what = opts.what ?? 'weights';
  let tensors;
  try {
    tensors = decodeSafetensors(weights, what).tensors;
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  let architecture: Architecture;
  let tokenizerJson: unknown = opts.tokenizer;
  let seed = 0;
  try {
    if (opts.meta !== undefined) {
      const m = JSON.parse(opts.meta) as { architecture?: unknown; tokenizer?: unknown; seed?: unknown };
      architecture = parseArchitecture(m.architecture);
      tokenizerJson ??= m.tokenizer;
      if (typeof m.seed === 'number') seed = m.seed;
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
  const V = architectureVocabSize(architecture);
  if (tokenizer.vocabSize !== V) throw new CheckpointError(`cannot import ${what}: the tokenizer has ${tokenizer.vocabSize} tokens but the weights are for a vocabulary of ${V}`);
  const tooBig = weightCountProblem(architecture, tensors, what);
  if (tooBig) throw new CheckpointError(`cannot import ${what}: ${tooBig}`);
  const built = buildModel(architecture);
  for (const e of built.params.entries) {
    const t = tensors.get(e.name);
    if (!t) throw new CheckpointError(`cannot import ${what}: tensor ${e.name} is missing`);
    if (t.shape.join(',') !== e.shape.join(',')) throw new CheckpointError(`cannot import ${what}: tensor ${e.name} has shape [${t.shape.join(', ')}], expected [${e.shape.join(', ')}]`);
    const nonFinite = nonFiniteProblem(e.name, t.data);
    if (nonFinite) throw new CheckpointError(`cannot import ${what}: ${nonFinite}`);
  }
  for (const name of tensors.keys()) if (!built.params.has(name)) throw new CheckpointError(`cannot import ${what}: unexpected tensor ${name}`);
  for (const e of built.params.entries) built.params.value(e.name).set(tensors.get(e.name)!.data);
  const files = writeCheckpoint({ architecture, params: built.params, tokenizer, seed, info: { importedFrom: what } });
  return { files, checkpoint: readCheckpoint(files, what) };
}

/**
 * PyTorch export files of a seq2seq model (engine/seq2seq/model.ts): weights under its state_dict names, a
 * seqlab.json whose architecture is { kind: 'seq2seq', config } (plus the caller's task fields), and model.py.
 */
export function seq2seqExportFiles(
  config: Seq2SeqConfig, params: Params, meta: { tokenizer?: unknown; seed?: number; extra?: Record<string, unknown> } = {},
): Record<string, string | Uint8Array> {
  const model = encodeSafetensors(params.entries.map((e) => ({ name: e.name, shape: e.shape, data: params.value(e.name) })), { format: 'pt' });
  const tensors: Record<string, number[]> = {};
  for (const e of params.entries) tensors[e.name] = [...e.shape];
  const json = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, engineVersion: ENGINE_VERSION, architecture: { kind: 'seq2seq', config, ...meta.extra }, tokenizer: meta.tokenizer ?? null, vocabSize: config.tgtVocab, seed: meta.seed ?? 0, tensors, checksums: fileChecksums({ [MODEL_FILE]: model }), training: null, info: { exportedFor: 'pytorch' } };
  return { [MODEL_FILE]: model, [META_FILE]: JSON.stringify(withMetaChecksum(json, META_FILE), null, 1), [MODEL_PY_FILE]: modelPy() };
}
