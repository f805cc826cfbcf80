// The architecture registry: what a checkpoint says about the network, for EVERY kind of model. An
// "architecture" is JSON-friendly (a discriminated union on `kind`) and saved as seqlab.json's architecture;
// from it the engine rebuilds the model and its Params arena. Each kind has ONE entry (kinds/*.ts: parse
// untrusted JSON, build with a FloatArrayCtor, the vocabularies its tokenizer must match, a description), and
// everything else here works the same for all of them, so checkpoints (engine/checkpoint.ts), export and
// import, the CLI and the editor read and build every kind through one path:
//   parseArchitecture   untrusted JSON → a typed architecture, or a FieldError naming the field
//   buildModel          architecture (+ ctor) → the model and its Params
//   paramLayout         the parameter tensors' names and shapes, WITHOUT allocating them (a counting build)
//   vocabularyProblem / weightCountProblem / checkLoadingMemory
//                       the checks a reader runs before it builds anything
import type { SequenceClassifier } from '../classifier';
import type { LanguageModel } from '../lm';
import { checkMemory, countParams, loadingMemory, type MemoryLimit } from '../modelMemory';
import type { OneToMany } from '../oneToMany';
import type { ParamEntry, Params } from '../params';
import type { Seq2Seq } from '../seq2seq/model';
import type { SequenceTagger } from '../tagger';
import type { FloatArrayCtor } from '../tensor';
import { object } from './fields';
import type { ArchitectureEntry } from './kinds/entry';
import { LM_ENTRY, type LmArchitecture } from './kinds/lm';
import { ONE_TO_MANY_ENTRY, type OneToManyArchitecture } from './kinds/oneToMany';
import { SEQ2SEQ_ENTRY, type Seq2SeqArchitecture } from './kinds/seq2seq';
import { CLASSIFY_ENTRY, TAG_ENTRY, type ClassifyArchitecture, type TagArchitecture } from './kinds/sequence';

export { inferLmArchitecture, parseLmConfig, type LmArchitecture } from './kinds/lm';
export type { OneToManyArchitecture } from './kinds/oneToMany';
export type { Seq2SeqArchitecture } from './kinds/seq2seq';
export type { ClassifyArchitecture, SequenceArchitecture, TagArchitecture } from './kinds/sequence';

export type Architecture = LmArchitecture | Seq2SeqArchitecture | ClassifyArchitecture | TagArchitecture | OneToManyArchitecture;
export type ArchitectureKind = Architecture['kind'];

/** A built model: its architecture, and the object that owns the Params arena. */
export type BuiltModel =
  | { kind: 'lm'; architecture: LmArchitecture; model: LanguageModel; params: Params }
  | { kind: 'seq2seq'; architecture: Seq2SeqArchitecture; model: Seq2Seq; params: Params }
  | { kind: 'classify'; architecture: ClassifyArchitecture; model: SequenceClassifier; params: Params }
  | { kind: 'tag'; architecture: TagArchitecture; model: SequenceTagger; params: Params }
  | { kind: 'one-to-many'; architecture: OneToManyArchitecture; model: OneToMany; params: Params };

type ModelOf<K extends ArchitectureKind> = Extract<BuiltModel, { kind: K }>['model'];

/** Each kind's one entry, typed to its own architecture and model. */
const ENTRIES: { [K in ArchitectureKind]: ArchitectureEntry<Extract<Architecture, { kind: K }>, ModelOf<K>> } = {
  lm: LM_ENTRY, seq2seq: SEQ2SEQ_ENTRY, classify: CLASSIFY_ENTRY, tag: TAG_ENTRY, 'one-to-many': ONE_TO_MANY_ENTRY,
};
type AnyEntry = ArchitectureEntry<Architecture, { params: Params }>;
/** Looked up through a Map, not the object: a crafted "kind": "toString" must not find Object's methods. */
const REGISTRY: ReadonlyMap<ArchitectureKind, AnyEntry> = new Map(Object.entries(ENTRIES) as [ArchitectureKind, AnyEntry][]);

export const ARCHITECTURE_KINDS: readonly ArchitectureKind[] = [...REGISTRY.keys()];

export class ArchitectureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchitectureError';
  }
}

function entryOf(kind: ArchitectureKind): AnyEntry {
  return REGISTRY.get(kind)!;
}

/** Checks untrusted JSON and returns a typed architecture; throws FieldError / ArchitectureError naming the field. */
export function parseArchitecture(value: unknown): Architecture {
  const a = object(value, 'architecture');
  const entry = REGISTRY.get(a.kind as ArchitectureKind);
  if (!entry) throw new ArchitectureError(`unknown architecture kind ${JSON.stringify(a.kind) ?? 'nothing'}; this SeqLab knows ${ARCHITECTURE_KINDS.join(', ')}`);
  return entry.parse(a);
}

/** The model of `arch`, every array (params, gradients, caches) allocated with `ctor`, weights not yet set. */
export function buildModel(arch: Architecture, ctor: FloatArrayCtor = Float32Array): BuiltModel {
  const model = entryOf(arch.kind).build(arch, ctor);
  return { kind: arch.kind, architecture: arch, model, params: model.params } as BuiltModel;
}

/** The vocabulary seqlab.json's top-level vocabSize records (the first the tokenizer must match). */
export function architectureVocabSize(arch: Architecture): number {
  return entryOf(arch.kind).vocabularies(arch)[0].size;
}

/** Why a tokenizer of `tokens` tokens cannot drive this model (naming the vocabulary field), or null. */
export function vocabularyProblem(arch: Architecture, tokens: number): string | null {
  const wrong = entryOf(arch.kind).vocabularies(arch).find((v) => v.size !== tokens);
  return wrong ? `vocabulary mismatch: the tokenizer has ${tokens} tokens, the model was built for ${wrong.size} (${wrong.field})` : null;
}

/** The model in a few words ("hidden 512 × 2 layers (lstm)"). */
export function describeArchitecture(arch: Architecture): string {
  return entryOf(arch.kind).describe(arch);
}

/**
 * The parameter tensors (names, shapes, offsets) and their total size, from the model's own layout code run
 * with a counting ctor (modelMemory.ts countParams): nothing of the model's size is allocated, so this is the
 * reference an untrusted file is checked against BEFORE the model is built. `arch` must be parsed (range-checked).
 */
export function paramLayout(arch: Architecture): { entries: readonly ParamEntry[]; size: number } {
  let entries: readonly ParamEntry[] = [];
  const size = countParams((ctor) => (entries = buildModel(arch, ctor).params.entries));
  return { entries, size };
}

/**
 * Error text when the architecture needs far more weights than the file holds, else null: seqlab.json then
 * does not describe these weights (a corrupt or crafted file). Small mismatches are left to the per-tensor
 * checks, whose message names the tensor (hence the slack: 2× + 4096).
 */
export function weightCountProblem(layout: { size: number }, tensors: ReadonlyMap<string, { data: ArrayLike<number> }>, file: string): string | null {
  let held = 0;
  for (const t of tensors.values()) held += t.data.length;
  return layout.size > 2 * held + 4096 ? `the architecture needs at least ${layout.size} weights but ${file} holds ${held}: seqlab.json does not describe these weights` : null;
}

/** Refuses (ModelMemoryError) to load a model of `params` floats that would not fit in `limit` (modelMemory.ts). */
export function checkLoadingMemory(arch: Architecture, params: number, limit: MemoryLimit | null | undefined): void {
  checkMemory(loadingMemory(describeArchitecture(arch), params), limit, 'load');
}
