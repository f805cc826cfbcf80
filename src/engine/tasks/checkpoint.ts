// Checkpoints of every task, in the one format of engine/checkpoint.ts (model.safetensors under PyTorch
// state_dict names + seqlab.json with format, version, architecture, tokenizer, seed, tensor shapes):
//   lm       written and read by engine/checkpoint.ts itself (so the extension, export and import share it)
//   seq2seq, classify, tag
//            the same files and fields, with architecture = { kind, config, …task fields (labels, tags, decoding
//            cap) }; engine/checkpoint/architecture.ts knows only 'lm' so far, so these are validated here the
//            same way (format, version, tokenizer vs vocabulary, every tensor's name and shape) before any
//            weight is copied. When architecture.ts learns these kinds, this file delegates to it.
import {
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, ENGINE_VERSION, META_FILE, MODEL_FILE, loadWeights, modelFromCheckpoint,
  readCheckpoint, writeCheckpoint, type CheckpointFiles,
} from '../checkpoint';
import type { LanguageModel } from '../lm';
import type { Params } from '../params';
import type { MemoryLimit } from '../modelMemory';
import { decodeSafetensors, encodeSafetensors } from '../safetensors';
import { Seq2Seq } from '../seq2seq/model';
import { tokenizerFromJSON, type Tokenizer } from '../tokenize/tokenizer';
import { LmTask } from './lmTask';
import { Seq2SeqTask, type Seq2SeqArchitecture } from './seq2seqTask';
import { SequenceTask, type SequenceArchitecture } from './sequenceTask';
import { checkLoading } from './taskMemory';

export type AnyTask = LmTask | Seq2SeqTask | SequenceTask;

/** The checkpoint files of a task's current weights (no optimizer state: `seqlab train` runs start fresh). */
export function taskCheckpoint(task: AnyTask, info: Record<string, unknown> = {}): CheckpointFiles {
  if (task.kind === 'lm') {
    return writeCheckpoint({ architecture: task.architecture, params: task.params, tokenizer: task.tokenizer, seed: task.seed, info });
  }
  const params = task.params;
  const tensors: Record<string, number[]> = {};
  for (const e of params.entries) tensors[e.name] = [...e.shape];
  const model = encodeSafetensors(params.entries.map((e) => ({ name: e.name, shape: e.shape, data: params.value(e.name) })), { format: 'pt' });
  const meta = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, engineVersion: ENGINE_VERSION, architecture: task.architecture,
    tokenizer: task.tokenizer.toJSON(), vocabSize: task.tokenizer.vocabSize, seed: task.seed, tensors, training: null, info,
  };
  return { model, meta: JSON.stringify(meta, null, 1) };
}

/** Reads and validates a checkpoint of any task; throws CheckpointError naming the problem (ModelMemoryError when
 *  the model would not fit in `memoryLimit`). Nothing of the model's size is allocated before both checks pass. */
export function loadTask(files: CheckpointFiles, where = 'checkpoint', memoryLimit?: MemoryLimit | null): AnyTask {
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(files.meta) as Record<string, unknown>;
  } catch (e) {
    throw new CheckpointError(`${where}/${META_FILE} is not valid JSON (truncated or corrupt): ${(e as Error).message}`);
  }
  const arch = (meta && typeof meta === 'object' ? meta.architecture : undefined) as { kind?: unknown } | undefined;
  if (meta?.format !== CHECKPOINT_FORMAT || !arch || typeof arch !== 'object') {
    throw new CheckpointError(`${where}/${META_FILE} is not a SeqLab checkpoint (no "format": "${CHECKPOINT_FORMAT}" with an architecture)`);
  }
  checkLoading(arch.kind, (arch as { config?: unknown }).config, files.model.length, `${where}/${META_FILE}`, memoryLimit);
  if (arch.kind === 'lm') {
    const ck = readCheckpoint(files, where);
    const built = modelFromCheckpoint(ck);
    return new LmTask(built.model as LanguageModel, ck.tokenizer, ck.architecture, ck.meta.seed);
  }
  if (typeof meta.version !== 'number' || meta.version < 1 || meta.version > CHECKPOINT_VERSION) {
    throw new CheckpointError(`${where} has checkpoint version ${JSON.stringify(meta.version)}; this SeqLab reads version ${CHECKPOINT_VERSION}`);
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = tokenizerFromJSON(meta.tokenizer);
  } catch (e) {
    throw new CheckpointError(`${where}/${META_FILE}: ${(e as Error).message}`);
  }
  const seed = typeof meta.seed === 'number' ? meta.seed : 0;
  let task: AnyTask;
  try {
    if (arch.kind === 'seq2seq') {
      const a = arch as unknown as Seq2SeqArchitecture;
      if (a.config?.srcVocab !== tokenizer.vocabSize || a.config?.tgtVocab !== tokenizer.vocabSize) {
        throw new CheckpointError(`${where}: vocabulary mismatch: the tokenizer has ${tokenizer.vocabSize} tokens, the model was built for ${a.config?.tgtVocab}`);
      }
      task = new Seq2SeqTask(new Seq2Seq(a.config), tokenizer, a, seed);
    } else if (arch.kind === 'classify' || arch.kind === 'tag') {
      task = SequenceTask.fromArchitecture(arch as unknown as SequenceArchitecture, tokenizer, seed);
    } else {
      throw new CheckpointError(`${where}/${META_FILE}: unknown architecture kind ${JSON.stringify(arch.kind)}; this SeqLab knows lm, seq2seq, classify, tag`);
    }
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(`${where}/${META_FILE}: the architecture does not build: ${(e as Error).message}`);
  }
  loadChecked(task.params, files.model, `${where}/${MODEL_FILE}`);
  return task;
}

/** Every parameter present with its exact shape and nothing extra, then copied in (nothing is written on error). */
function loadChecked(params: Params, bytes: Uint8Array, what: string): void {
  let found: Map<string, { shape: number[]; data: Float32Array }>;
  try {
    found = decodeSafetensors(bytes, what).tensors;
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  const weights = new Map<string, Float32Array>();
  for (const e of params.entries) {
    const t = found.get(e.name);
    if (!t) throw new CheckpointError(`${what}: tensor ${e.name} is missing`);
    if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
      throw new CheckpointError(`${what}: tensor ${e.name} has shape [${t.shape.join(', ')}], the architecture needs [${e.shape.join(', ')}]`);
    }
    weights.set(e.name, t.data);
  }
  for (const name of found.keys()) if (!params.has(name)) throw new CheckpointError(`${what}: unexpected tensor ${name} (not part of this architecture)`);
  loadWeights(params, weights);
}
