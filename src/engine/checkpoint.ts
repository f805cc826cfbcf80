// Checkpoints: the bytes of a saved model, written and validated here (pure), stored by the host or the CLI.
//   model.safetensors     the weights under their PyTorch state_dict names and shapes (torch's
//                         load_state_dict takes them as they are; see checkpoint/modelPy.ts)
//   seqlab.json           magic + version, engine version, architecture, tokenizer (vocabulary), seed, the
//                         shape of every tensor, a CRC-32 of each safetensors file (checkpoint/integrity.ts),
//                         and the training state's JSON part (optimizer config, step, RNG)
//   training.safetensors  optional: optimizer moments as "optim.<moment>.<param name>" (params' shapes) and
//                         runner buffers (e.g. the carried hidden state) as "buffer.<name>"
// Reading validates everything (magic, version, checksums, architecture, tokenizer vs vocabulary, memory, every
// tensor's name, shape and finiteness, the moments) BEFORE the model is built, against the parameter layout the
// architecture registry computes without allocating (checkpoint/architecture.ts): a bad file builds nothing and
// overwrites nothing. Every kind of model (lm, seq2seq, classify, tag, one-to-many) is written and read here.
import {
  architectureVocabSize, buildModel, checkLoadingMemory, paramLayout, parseArchitecture, vocabularyProblem, weightCountProblem, type Architecture, type BuiltModel,
} from './checkpoint/architecture';
import { CheckpointError } from './checkpoint/error';
import { checksumProblem, fileChecksums, metaChecksumProblem, nonFiniteProblem, withMetaChecksum } from './checkpoint/integrity';
import { checkMetaFields } from './checkpoint/metaFields';
import { checkTensors, decodeTensors, sameShape, type DecodedTensors } from './checkpoint/tensors';
import type { MemoryLimit } from './modelMemory';
import type { OptimizerConfig, OptimizerState } from './optim';
import type { ParamEntry, Params } from './params';
import type { RngState } from './rng';
import { encodeSafetensors, type NamedTensor } from './safetensors';
import { assertFiniteParams } from './sentinel';
import { tokenizerFromJSON, type Tokenizer, type TokenizerJSON } from './tokenize/tokenizer';
import type { FloatArrayCtor, Floats } from './tensor';

export { CheckpointError };

export const CHECKPOINT_FORMAT = 'seqlab-checkpoint';
export const CHECKPOINT_VERSION = 1;
/** Version of the engine writing checkpoints (the package version it ships in). */
export const ENGINE_VERSION = '0.1.0';
export const MODEL_FILE = 'model.safetensors';
export const META_FILE = 'seqlab.json';
export const STATE_FILE = 'training.safetensors';

/** A runner's extra arrays (carried state, …): copied into training.safetensors as "buffer.<name>". */
export interface StateBuffer {
  shape: number[];
  data: Floats;
}

export interface TrainingState {
  optimizer: OptimizerConfig;
  optimizerState: OptimizerState;
  rng: RngState;
  /** JSON the runner needs to continue exactly (schedule, clipping, data position, …). */
  extra: Record<string, unknown>;
  buffers: Record<string, StateBuffer>;
}

export interface CheckpointInput {
  architecture: Architecture;
  params: Params;
  tokenizer: Tokenizer | TokenizerJSON;
  seed: number;
  training?: TrainingState | null;
  /** Free-form description (run name, corpus, time): saved, never interpreted. */
  info?: Record<string, unknown>;
}

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  engineVersion: string;
  architecture: Architecture;
  tokenizer: TokenizerJSON;
  vocabSize: number;
  seed: number;
  tensors: Record<string, number[]>;
  /** File name → "crc32:<hex>" of model.safetensors (and training.safetensors); absent in older checkpoints. */
  checksums?: Record<string, string>;
  training: null | {
    optimizer: OptimizerConfig;
    stepCount: number;
    moments: string[];
    rng: RngState;
    extra: Record<string, unknown>;
    buffers: Record<string, number[]>;
  };
  info: Record<string, unknown>;
}

/** The files of a checkpoint (file name → contents). */
export interface CheckpointFiles {
  model: Uint8Array;
  meta: string;
  state?: Uint8Array;
}

export interface LoadedCheckpoint {
  meta: CheckpointMeta;
  architecture: Architecture;
  tokenizer: Tokenizer;
  /** name → values, in the params layout's order; shapes already checked against the architecture. */
  weights: Map<string, Float32Array>;
  /** The model readCheckpoint built (with ReadOptions.ctor) and loaded the weights into. */
  model: BuiltModel;
  training: null | {
    optimizer: OptimizerConfig;
    /** Moments as flat arenas laid out like the params (ready for optimizer.loadState). */
    optimizerState: OptimizerState;
    rng: RngState;
    extra: Record<string, unknown>;
    buffers: Record<string, { shape: number[]; data: Float32Array }>;
  };
}

export interface ReadOptions {
  /** Refuse (ModelMemoryError) a model whose loading would need more (modelMemory.ts), before it is built. */
  memoryLimit?: MemoryLimit | null;
  /** The ctor the model is built with (a WasmHeap arena's; default plain Float32Array). */
  ctor?: FloatArrayCtor;
}

/** Serializes a model of any kind (and optionally its training state) into checkpoint files. */
export function writeCheckpoint(input: CheckpointInput): CheckpointFiles {
  const { params, architecture } = input;
  assertFiniteParams(params, 'a checkpoint', (m) => new CheckpointError(m));
  // The reader refuses a tokenizer that does not fit the model: never write one (a JSON tokenizer, from a
  // checkpoint already read, was checked then).
  const wrongVocab = 'toJSON' in input.tokenizer ? vocabularyProblem(architecture, input.tokenizer.vocabSize) : null;
  if (wrongVocab) throw new CheckpointError(`refusing to write a checkpoint: ${wrongVocab}`);
  const tokJson = 'toJSON' in input.tokenizer ? input.tokenizer.toJSON() : input.tokenizer;
  const tensors: Record<string, number[]> = {};
  for (const e of params.entries) tensors[e.name] = [...e.shape];
  const model = encodeSafetensors(params.entries.map((e) => ({ name: e.name, shape: e.shape, data: params.value(e.name) })), { format: 'pt' });
  const encoded = input.training ? encodeTrainingState(params, input.training) : null;
  const state = encoded?.state;
  const training = encoded?.training ?? null;
  const meta: CheckpointMeta & { checksums: Record<string, string> } = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, engineVersion: ENGINE_VERSION,
    architecture, tokenizer: tokJson, vocabSize: architectureVocabSize(architecture),
    seed: input.seed, tensors, checksums: fileChecksums({ [MODEL_FILE]: model, [STATE_FILE]: state }), training, info: input.info ?? {},
  };
  return { model, meta: JSON.stringify(withMetaChecksum(meta, META_FILE), null, 1), ...(state ? { state } : {}) };
}

/** A training state as training.safetensors bytes and its seqlab.json record, for a model whose arena is `params`
 *  (every kind's checkpoint writes it this way). Refuses NaN/Inf: the reader would refuse to resume from it. */
export function encodeTrainingState(params: Params, t: TrainingState): { state: Uint8Array; training: NonNullable<CheckpointMeta['training']> } {
  const named: NamedTensor[] = [];
  const moments = Object.keys(t.optimizerState.moments).sort();
  for (const m of moments) {
    const arena = t.optimizerState.moments[m];
    for (const e of params.entries) named.push({ name: `optim.${m}.${e.name}`, shape: e.shape, data: arena.subarray(e.offset, e.offset + e.size) });
  }
  const buffers: Record<string, number[]> = {};
  for (const [name, b] of Object.entries(t.buffers)) {
    named.push({ name: `buffer.${name}`, shape: b.shape, data: b.data });
    buffers[name] = [...b.shape];
  }
  for (const n of named) {
    const bad = nonFiniteProblem(n.name, n.data);
    if (bad) throw new CheckpointError(`refusing to write a checkpoint's ${STATE_FILE}: ${bad}`);
  }
  const state = encodeSafetensors(named);
  return { state, training: { optimizer: t.optimizer, stepCount: t.optimizerState.stepCount, moments, rng: [...t.rng] as RngState, extra: t.extra, buffers } };
}

/**
 * Parses and validates the files of a checkpoint of any kind, then builds its model: throws CheckpointError with
 * one line for the user (ModelMemoryError when the model would not fit in `opts.memoryLimit`). In order: JSON,
 * format, version, every field's type and range, the files' checksums, the architecture, the tokenizer against
 * every vocabulary, the weight count and memory, every tensor and moment, seqlab.json's own checksum; only then
 * is anything of the model's size allocated.
 */
export function readCheckpoint(files: CheckpointFiles, where = 'checkpoint', opts: ReadOptions = {}): LoadedCheckpoint {
  const meta = parseMeta(files.meta, where);
  const corrupt = checksumProblem(meta.checksums, { [MODEL_FILE]: files.model, [STATE_FILE]: files.state }, where, META_FILE);
  if (corrupt) throw new CheckpointError(corrupt);
  let architecture: Architecture;
  let tokenizer: Tokenizer;
  try {
    architecture = parseArchitecture(meta.architecture);
    tokenizer = tokenizerFromJSON(meta.tokenizer);
  } catch (e) {
    throw new CheckpointError(`${where}/${META_FILE}: ${(e as Error).message}`);
  }
  const wrongVocab = vocabularyProblem(architecture, tokenizer.vocabSize);
  if (wrongVocab) throw new CheckpointError(`${where}: ${wrongVocab}`);
  const V = architectureVocabSize(architecture);
  if (meta.vocabSize !== V) throw new CheckpointError(`${where}/${META_FILE}: vocabulary mismatch: vocabSize is ${meta.vocabSize}, the model was built for ${V}`);
  const found = decodeTensors(files.model, `${where}/${MODEL_FILE}`);
  const { layout, weights } = checkModelWeights(architecture, found, { meta: `${where}/${META_FILE}`, model: `${where}/${MODEL_FILE}`, file: MODEL_FILE }, opts.memoryLimit);
  const training = decodeTrainingState(meta.training, files.state, layout, where);
  const edited = metaChecksumProblem(meta as unknown as Record<string, unknown>, where, META_FILE);
  if (edited) throw new CheckpointError(edited);
  const model = buildModel(architecture, opts.ctor);
  loadWeights(model.params, weights);
  return { meta, architecture, tokenizer, weights, model, training };
}

/**
 * The checks of a model's weights against its (parsed) architecture, shared by readCheckpoint and `seqlab
 * import`: the parameter layout (counted, not allocated), the weight count (a seqlab.json describing far more
 * weights than the file holds), the memory the model would need, then every tensor. Errors start with
 * `what.meta` (about the architecture) or `what.model` (about a tensor); `what.file` names the weights file.
 */
export function checkModelWeights(
  architecture: Architecture, found: DecodedTensors, what: { meta: string; model: string; file: string }, memoryLimit?: MemoryLimit | null,
): { layout: ReturnType<typeof paramLayout>; weights: Map<string, Float32Array> } {
  let layout: ReturnType<typeof paramLayout>;
  try {
    layout = paramLayout(architecture);
  } catch (e) {
    throw new CheckpointError(`${what.meta}: the architecture does not build: ${(e as Error).message}`);
  }
  const tooBig = weightCountProblem(layout, found, what.file);
  if (tooBig) throw new CheckpointError(`${what.meta}: ${tooBig}`);
  checkLoadingMemory(architecture, layout.size, memoryLimit);
  return { layout, weights: checkTensors(found, layout.entries, what.model) };
}

/**
 * The training state recorded in seqlab.json (`recorded`, already field-checked by checkMetaFields) and
 * training.safetensors, checked against the model's parameter layout: every moment of every tensor with its
 * shape, every buffer with its recorded shape, all finite, the RNG four 32-bit words. Null when none is recorded.
 */
export function decodeTrainingState(
  recorded: CheckpointMeta['training'] | undefined, stateBytes: Uint8Array | undefined, layout: { readonly entries: readonly ParamEntry[]; readonly size: number }, where: string,
): LoadedCheckpoint['training'] {
  if (!recorded) return null;
  if (!stateBytes) throw new CheckpointError(`${where}: ${STATE_FILE} is missing (seqlab.json says the checkpoint holds a training state)`);
  const st = decodeTensors(stateBytes, `${where}/${STATE_FILE}`);
  const moments: Record<string, Float32Array> = {};
  for (const m of recorded.moments) {
    const parts = checkTensors(st, layout.entries, `${where}/${STATE_FILE}`, `optim.${m}.`);
    const arena = new Float32Array(layout.size);
    for (const e of layout.entries) arena.set(parts.get(e.name)!, e.offset);
    moments[m] = arena;
  }
  const buffers: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, shape] of Object.entries(recorded.buffers ?? {})) {
    const b = st.get(`buffer.${name}`);
    if (!b || !sameShape(b.shape, shape)) throw new CheckpointError(`${where}/${STATE_FILE}: buffer ${name} is missing or not of shape [${shape.join(', ')}]`);
    const nonFinite = nonFiniteProblem(`buffer.${name}`, b.data);
    if (nonFinite) throw new CheckpointError(`${where}/${STATE_FILE}: ${nonFinite}`);
    buffers[name] = b;
  }
  const rng = recorded.rng;
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)) {
    throw new CheckpointError(`${where}/${META_FILE}: training.rng must be four 32-bit words`);
  }
  return {
    optimizer: recorded.optimizer,
    optimizerState: { kind: recorded.optimizer.kind, stepCount: recorded.stepCount, moments },
    rng, extra: recorded.extra ?? {}, buffers,
  };
}

/** A fresh model of a loaded checkpoint (built with `ctor`), its weights copied in. */
export function modelFromCheckpoint(ck: LoadedCheckpoint, ctor?: FloatArrayCtor): BuiltModel {
  const built = buildModel(ck.architecture, ctor);
  loadWeights(built.params, ck.weights);
  return built;
}

/** Copies checked weights into a live arena; verifies every name and size first, so a mismatch writes nothing. */
export function loadWeights(params: Params, weights: ReadonlyMap<string, ArrayLike<number>>): void {
  for (const e of params.entries) {
    const w = weights.get(e.name);
    if (!w || w.length !== e.size) throw new CheckpointError(`weights do not fit this model: ${e.name} is ${w ? `${w.length} values` : 'missing'}, expected ${e.size}`);
  }
  for (const e of params.entries) params.value(e.name).set(weights.get(e.name)!);
}

function parseMeta(text: string, where: string): CheckpointMeta {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${where}/${META_FILE} is not valid JSON (truncated or corrupt): ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || (v as { format?: unknown }).format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${where}/${META_FILE} is not a SeqLab checkpoint (no "format": "${CHECKPOINT_FORMAT}")`);
  }
  const m = v as CheckpointMeta;
  if (typeof m.version !== 'number' || m.version > CHECKPOINT_VERSION || m.version < 1) {
    throw new CheckpointError(`${where} has checkpoint version ${JSON.stringify(m.version)}; this SeqLab (engine ${ENGINE_VERSION}) reads version ${CHECKPOINT_VERSION}${typeof m.version === 'number' && m.version > CHECKPOINT_VERSION ? ': update SeqLab' : ''}`);
  }
  try {
    checkMetaFields(m as unknown as Record<string, unknown>);
  } catch (e) {
    throw new CheckpointError(`${where}/${META_FILE}: ${(e as Error).message}`);
  }
  return m;
}
