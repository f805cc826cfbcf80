// What the architecture registry (../architecture.ts) knows about ONE kind of model: how to read its
// architecture from untrusted JSON, how to build it, which vocabularies its tokenizer must match, and how to name
// it in a message. Each kind's file (lm.ts, seq2seq.ts, sequence.ts, oneToMany.ts) exports one such entry, so a
// checkpoint of any kind is read, checked and built through the same code (engine/checkpoint.ts).
import type { Params } from '../../params';
import type { FloatArrayCtor } from '../../tensor';

export interface ArchitectureEntry<A extends { kind: string }, M extends { params: Params }> {
  /**
   * The architecture of untrusted JSON (a seqlab.json from disk, already known to be an object of this kind),
   * every field type- and range-checked (fields.ts LIMITS) before anything is built; throws FieldError naming
   * the field by its JSON path.
   */
  parse(a: Record<string, unknown>): A;
  /** The model, its Params arena (and caches) allocated with `ctor` (a WasmHeap arena's, or a plain array's). */
  build(a: A, ctor: FloatArrayCtor): M;
  /**
   * Every vocabulary the model embeds or predicts, which the checkpoint's ONE tokenizer must match, by the field
   * that records it; the first is the one seqlab.json's top-level vocabSize repeats.
   */
  vocabularies(a: A): { field: string; size: number }[];
  /** The model in a few words, for memory messages ("hidden 512 × 2 layers (lstm)"). */
  describe(a: A): string;
}
