// Checkpoints of every task, in the one format of engine/checkpoint.ts (model.safetensors under PyTorch
// state_dict names + seqlab.json with format, version, architecture, tokenizer, seed, tensor shapes):
//   lm       written and read by engine/checkpoint.ts itself (so the extension, export and import share it)
//   seq2seq, classify, tag, one-to-many
//            the same files and fields, with architecture = { kind, config, …task fields (labels, tags, decoding
//            cap) }; engine/checkpoint/architecture.ts knows only 'lm' so far, so these are validated here the
//            same way (format, version, checksum, every field's type and range (checkpoint/taskArchitectures.ts,
//            metaFields.ts), tokenizer vs vocabulary, the weight count against the file, every tensor's name,
//            shape and finiteness) before anything is built. When architecture.ts learns these kinds, this file
//            delegates to it.
import {
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, ENGINE_VERSION, META_FILE, MODEL_FILE, loadWeights, modelFromCheckpoint,
  readCheckpoint, writeCheckpoint, type CheckpointFiles,
} from '../checkpoint';
import type { LanguageModel } from '../lm';
import type { Params } from '../params';
import { checksumProblem, fileChecksums, metaChecksumProblem, nonFiniteProblem, withMetaChecksum } from '../checkpoint/integrity';
import { parseArchitecture } from '../checkpoint/architecture';
import { checkMetaFields } from '../checkpoint/metaFields';
import { parseOneToManyArchitecture, parseSeq2SeqArchitecture, parseSequenceArchitecture, weightCountProblem } from '../checkpoint/taskArchitectures';
import type { MemoryLimit } from '../modelMemory';
import { OneToMany } from '../oneToMany';
import { decodeSafetensors, encodeSafetensors } from '../safetensors';
import { assertFiniteParams } from '../sentinel';
import { Seq2Seq } from '../seq2seq/model';
import { tokenizerFromJSON, type Tokenizer, type TokenizerJSON } from '../tokenize/tokenizer';
import { LmTask } from './lmTask';
import { OneToManyTask, type OneToManyArchitecture } from './oneToManyTask';
import { Seq2SeqTask, type Seq2SeqArchitecture } from './seq2seqTask';
import { SequenceTask, type SequenceArchitecture } from './sequenceTask';
import { checkLoading } from './taskMemory';

export type AnyTask = LmTask | Seq2SeqTask | SequenceTask | OneToManyTask;

/** The checkpoint files of a task's current weights (no optimizer state: `seqlab train` runs start fresh). */
export function taskCheckpoint(task: AnyTask, info: Record<string, unknown> = {}): CheckpointFiles {
  if (task.kind === 'lm') {
    return writeCheckpoint({ architecture: task.architecture, params: task.params, tokenizer: task.tokenizer, seed: task.seed, info });
  }
  const params = task.params;
  assertFiniteParams(params, 'a checkpoint', (m) => new CheckpointError(m));
  const tensors: Record<string, number[]> = {};
  for (const e of params.entries) tensors[e.name] = [...e.shape];
  const model = encodeSafetensors(params.entries.map((e) => ({ name: e.name, shape: e.shape, data: params.value(e.name) })), { format: 'pt' });
  const meta = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, engineVersion: ENGINE_VERSION, architecture: task.architecture,
    tokenizer: task.tokenizer.toJSON(), vocabSize: task.tokenizer.vocabSize, seed: task.seed, tensors,
    checksums: fileChecksums({ [MODEL_FILE]: model }), training: null, info,
  };
  return { model, meta: JSON.stringify(withMetaChecksum(meta, META_FILE), null, 1) };
}

/**
 * Throws CheckpointError naming the field when loadTask would refuse a checkpoint of `task` (its architecture
 * or tokenizer breaks a limit of checkpoint/fields.ts, e.g. 100,001 labels). A driver calls it BEFORE training,
 * so a run never ends in a model that cannot be loaded again. Checks fields only: nothing of the model's size.
 */
export function checkLoadable(task: AnyTask): void {
  const copy = <T>(v: T): unknown => JSON.parse(JSON.stringify(v)); // as a reader would see it
  try {
    const arch = copy(task.architecture);
    if (task.kind === 'lm') parseArchitecture(arch);
    else if (task.kind === 'seq2seq') parseSeq2SeqArchitecture(arch);
    else if (task.kind === 'one-to-many') parseOneToManyArchitecture(arch);
    else parseSequenceArchitecture(arch);
    tokenizerFromJSON(copy(task.tokenizer.toJSON()) as TokenizerJSON);
  } catch (e) {
    throw new CheckpointError(`this model could not be loaded again, so it is not trained: its ${META_FILE} would be refused: ${(e as Error).message}`);
  }
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
  if (arch.kind === 'lm') {
    // Fields, then whether the file holds the weights, then the memory estimate (sizing an unchecked config,
    // numLayers 1e8, would itself spin through its layers), then the build.
    const ck = readCheckpoint(files, where, (a) => checkLoading('lm', a.config, memoryLimit));
    const built = modelFromCheckpoint(ck);
    return new LmTask(built.model as LanguageModel, ck.tokenizer, ck.architecture, ck.meta.seed);
  }
  if (typeof meta.version !== 'number' || meta.version < 1 || meta.version > CHECKPOINT_VERSION) {
    throw new CheckpointError(`${where} has checkpoint version ${JSON.stringify(meta.version)}; this SeqLab reads version ${CHECKPOINT_VERSION}`);
  }
  const corrupt = checksumProblem(meta.checksums, { [MODEL_FILE]: files.model }, where, META_FILE);
  if (corrupt) throw new CheckpointError(corrupt);
  // Every field is type- and range-checked before anything is built (checkpoint/fields.ts has the limits).
  let architecture: Seq2SeqArchitecture | SequenceArchitecture | OneToManyArchitecture;
  let tokenizer: Tokenizer;
  try {
    checkMetaFields(meta);
    if (arch.kind === 'seq2seq') architecture = parseSeq2SeqArchitecture(arch);
    else if (arch.kind === 'classify' || arch.kind === 'tag') architecture = parseSequenceArchitecture(arch);
    else if (arch.kind === 'one-to-many') architecture = parseOneToManyArchitecture(arch);
    else throw new Error(`unknown architecture kind ${JSON.stringify(arch.kind)}; this SeqLab knows lm, seq2seq, classify, tag, one-to-many`);
    tokenizer = tokenizerFromJSON(meta.tokenizer);
  } catch (e) {
    throw new CheckpointError(`${where}/${META_FILE}: ${(e as Error).message}`);
  }
  const built = architecture.kind === 'seq2seq' ? architecture.config.tgtVocab : architecture.config.vocabSize;
  const srcOk = architecture.kind !== 'seq2seq' || architecture.config.srcVocab === tokenizer.vocabSize;
  if (built !== tokenizer.vocabSize || !srcOk || meta.vocabSize !== tokenizer.vocabSize) {
    throw new CheckpointError(`${where}: vocabulary mismatch: the tokenizer has ${tokenizer.vocabSize} tokens, the model was built for ${built}`);
  }
  let found: Map<string, { shape: number[]; data: Float32Array }>;
  try {
    found = decodeSafetensors(files.model, `${where}/${MODEL_FILE}`).tensors;
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  const tooBig = weightCountProblem(architecture, found, MODEL_FILE);
  if (tooBig) throw new CheckpointError(`${where}/${META_FILE}: ${tooBig}`);
  checkLoading(arch.kind, architecture.config, memoryLimit);
  const seed = meta.seed as number;
  let task: AnyTask;
  try {
    task = architecture.kind === 'seq2seq'
      ? new Seq2SeqTask(new Seq2Seq(architecture.config), tokenizer, architecture, seed)
      : architecture.kind === 'one-to-many'
        ? new OneToManyTask(new OneToMany(architecture.config), tokenizer, architecture, seed)
        : SequenceTask.fromArchitecture(architecture, tokenizer, seed);
  } catch (e) {
    throw new CheckpointError(`${where}/${META_FILE}: the architecture does not build: ${(e as Error).message}`);
  }
  loadChecked(task.params, found, `${where}/${MODEL_FILE}`);
  const edited = metaChecksumProblem(meta, where, META_FILE);
  if (edited) throw new CheckpointError(edited);
  return task;
}

/** Every parameter present with its exact shape and finite values, nothing extra; then copied in (nothing is written on error). */
function loadChecked(params: Params, found: Map<string, { shape: number[]; data: Float32Array }>, what: string): void {
  const weights = new Map<string, Float32Array>();
  for (const e of params.entries) {
    const t = found.get(e.name);
    if (!t) throw new CheckpointError(`${what}: tensor ${e.name} is missing`);
    if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
      throw new CheckpointError(`${what}: tensor ${e.name} has shape [${t.shape.join(', ')}], the architecture needs [${e.shape.join(', ')}]`);
    }
    const nonFinite = nonFiniteProblem(e.name, t.data);
    if (nonFinite) throw new CheckpointError(`${what}: ${nonFinite}`);
    weights.set(e.name, t.data);
  }
  for (const name of found.keys()) if (!params.has(name)) throw new CheckpointError(`${what}: unexpected tensor ${name} (not part of this architecture)`);
  loadWeights(params, weights);
}
