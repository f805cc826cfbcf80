// Shared tokenizer contract. Every tokenizer maps text to ids in [0, vocabSize) and back, and reserves the same
// four special ids so models, batchers and decoders never need to know which tokenizer made the ids:
//   PAD = 0 (padding; batches are zero-filled), UNK = 1 (anything unseen in training), BOS = 2, EOS = 3.
// The vocabulary is saved with the model as a plain JSON object discriminated on `kind`, with a `version`.

export const PAD = 0;
export const UNK = 1;
export const BOS = 2;
export const EOS = 3;
/** Number of reserved ids; the first learned token has this id. */
export const NUM_SPECIAL = 4;
/** Largest vocabulary a tokenizer may build and a checkpoint may hold: every Unicode code point (a char
 *  vocabulary can hold no more distinct tokens) plus the specials. */
export const MAX_VOCAB = 0x110000 + NUM_SPECIAL;
/** Display names of the special ids, index = id. */
export const SPECIAL_TOKENS: readonly string[] = ['<pad>', '<unk>', '<bos>', '<eos>'];
/** What decode() writes for UNK: the Unicode replacement character, the standard mark for "unknown". */
export const UNK_TEXT = '\uFFFD';

export type TokenizerKind = 'char' | 'word' | 'bpe';

export interface CharTokenizerJSON {
  kind: 'char';
  version: 1;
  /** Learned symbols (code points as strings); symbol k has id NUM_SPECIAL + k. */
  symbols: string[];
}

export interface WordTokenizerJSON {
  kind: 'word';
  version: 1;
  /** Learned tokens (words, whitespace runs, punctuation); token k has id NUM_SPECIAL + k. */
  tokens: string[];
}

export interface BpeTokenizerJSON {
  kind: 'bpe';
  version: 1;
  /** 'byte': the 256 bytes are ids NUM_SPECIAL..NUM_SPECIAL+255, round trip always exact.
   *  'char': the corpus's code points (`alphabet`) are the base, unseen characters map to UNK. */
  base: 'byte' | 'char';
  alphabet?: string[];
  /** Flat list of merged id pairs [a0, b0, a1, b1, ...]; merge r creates id NUM_SPECIAL + baseSize + r. */
  merges: number[];
}

export type TokenizerJSON = CharTokenizerJSON | WordTokenizerJSON | BpeTokenizerJSON;

export interface DecodeOptions {
  /** Write PAD/BOS/EOS as `<pad>` etc. instead of dropping them, and UNK as `<unk>` (for inspection views). */
  showSpecial?: boolean;
}

export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** Ids are in [0, vocabSize), specials included. */
  readonly vocabSize: number;
  /** Text to ids. Never throws on unseen input: it maps to UNK (or to bytes, for byte-level BPE). */
  encode(text: string): number[];
  /** Ids to text. PAD, BOS and EOS are dropped, UNK becomes UNK_TEXT (unless showSpecial). Out-of-range ids
   *  are treated as UNK rather than throwing, so a model's sampled output always decodes. */
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  /** Human-readable text of one token (for attention views, completions and top-k lists). */
  tokenText(id: number): string;
  /** Byte-level vocabularies only: the raw UTF-8 bytes one token stands for (a token may hold part of a
   *  character). Undefined for text-level tokenizers, whose tokens are whole characters. */
  tokenBytes?(id: number): readonly number[] | undefined;
  toJSON(): TokenizerJSON;
}

/** Iterates the code points of `text` as strings (lone surrogates come out as one unit). */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Human-readable text of a special id, or undefined for ordinary ids. */
export function specialText(id: number): string | undefined {
  return id >= 0 && id < NUM_SPECIAL ? SPECIAL_TOKENS[id] : undefined;
}

/** Throws a clear error unless `json` is a string array; used by every fromJSON. */
export function expectStringArray(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) throw new Error(`${what} must be an array of strings`);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') throw new Error(`${what}[${i}] must be a string, got ${typeof value[i]}`);
  }
  return value as string[];
}

/** Compares strings by code point (not UTF-16 unit: those order U+1F600 before U+E000). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return (a.length - i) - (b.length - j);
}

/** Sorts (symbol, count) entries by count descending, then by code point ascending: a total order, so the same
 *  corpus always gives the same ids. */
export function byCountThenText(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return compareCodePoints(a[0], b[0]);
}
