// Entry point of the tokenizers: the shared contract (types.ts), building a tokenizer of a given kind from a
// corpus, and restoring one from the JSON saved with a model, with validation that names what is wrong.
// Usage:  const tok = buildTokenizer('bpe', corpus, { merges: 2000 });
//         checkpoint.tokenizer = tok.toJSON();  ...  const same = tokenizerFromJSON(checkpoint.tokenizer);

import { BpeTokenizer, BpeTokenizerOptions } from './bpe';
import { CharTokenizer, CharTokenizerOptions } from './char';
import { MAX_VOCAB, NUM_SPECIAL, TokenizerJSON, Tokenizer, TokenizerKind } from './types';
import { WordTokenizer, WordTokenizerOptions } from './word';

export * from './types';
export { BpeTokenizer, CharTokenizer, WordTokenizer };
export type { BpeTokenizerOptions, CharTokenizerOptions, WordTokenizerOptions };

export const TOKENIZER_KINDS: readonly TokenizerKind[] = ['char', 'word', 'bpe'];

export type TokenizerOptions = CharTokenizerOptions & WordTokenizerOptions & BpeTokenizerOptions;

/** Learns a tokenizer of `kind` from the corpus (one string or several documents), for a model: a vocabulary
 *  larger than a checkpoint may hold (MAX_VOCAB, also checked when seqlab.json is read) is refused here,
 *  before training, instead of being trained and saved as a model no reader loads. */
export function buildTokenizer(kind: TokenizerKind, corpus: string | readonly string[], options: TokenizerOptions = {}): Tokenizer {
  const tok = learnTokenizer(kind, corpus, options);
  const max = MAX_VOCAB;
  if (tok.vocabSize > max) {
    throw new Error(`the ${kind} tokenizer found ${tok.vocabSize.toLocaleString('en-US')} tokens (specials included) in the training text, ` +
      `more than the ${max.toLocaleString('en-US')} a SeqLab model can hold; cap the vocabulary size or use the bpe tokenizer`);
  }
  return tok;
}

/** Learns a tokenizer of `kind` without the model's size limit (to count tokens, never to build a model). */
export function learnTokenizer(kind: TokenizerKind, corpus: string | readonly string[], options: TokenizerOptions = {}): Tokenizer {
  switch (kind) {
    case 'char':
      return CharTokenizer.build(corpus, options);
    case 'word':
      return WordTokenizer.build(corpus, options);
    case 'bpe':
      return BpeTokenizer.build(corpus, options);
    default:
      throw new Error(`unknown tokenizer kind ${JSON.stringify(kind)}; expected one of ${TOKENIZER_KINDS.join(', ')}`);
  }
}

/** Restores a tokenizer saved by toJSON(). Accepts the object or its JSON text; throws an Error whose message
 *  says what is wrong (not an object, unknown kind, unsupported version, malformed fields). */
export function tokenizerFromJSON(json: unknown): Tokenizer {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (e) {
      throw new Error(`tokenizer JSON does not parse: ${(e as Error).message}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`tokenizer JSON must be an object with a "kind" field, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const obj = value as Record<string, unknown>;
  if (!TOKENIZER_KINDS.includes(obj.kind as TokenizerKind)) {
    throw new Error(`tokenizer JSON has unknown kind ${JSON.stringify(obj.kind)}; expected one of ${TOKENIZER_KINDS.join(', ')}`);
  }
  if (obj.version !== 1) {
    throw new Error(`${String(obj.kind)} tokenizer JSON has unsupported version ${JSON.stringify(obj.version)}; this SeqLab reads version 1`);
  }
  const tj = obj as unknown as TokenizerJSON;
  checkSize(tj);
  switch (tj.kind) {
    case 'char':
      return CharTokenizer.fromJSON(tj);
    case 'word':
      return WordTokenizer.fromJSON(tj);
    case 'bpe':
      return BpeTokenizer.fromJSON(tj);
  }
}

/** Most entries a vocabulary may list: every Unicode code point (a char vocabulary can hold no more). */
const MAX_ENTRIES = 0x110000;
/**
 * Longest BPE token, in base symbols. BPE learns tokens inside pre-tokenized chunks (words, runs of spaces), far
 * shorter than this; but merging a token with itself doubles it, so 40 crafted merges would describe a 2^40-byte
 * token. Checked on the ids alone, before the tokenizer builds any token's bytes.
 */
const MAX_BPE_TOKEN = 4096;

function checkSize(tj: TokenizerJSON): void {
  const list = (v: unknown, what: string, max: number): void => {
    if (Array.isArray(v) && v.length > max) throw new Error(`${what} has ${v.length} entries, more than the ${max} a vocabulary can hold`);
  };
  if (tj.kind === 'char') list(tj.symbols, 'char tokenizer: symbols', MAX_ENTRIES);
  if (tj.kind === 'word') list(tj.tokens, 'word tokenizer: tokens', MAX_ENTRIES);
  if (tj.kind !== 'bpe') return;
  list(tj.alphabet, 'bpe tokenizer: alphabet', MAX_ENTRIES);
  list(tj.merges, 'bpe tokenizer: merges', 2 * MAX_ENTRIES);
  if (!Array.isArray(tj.merges)) return;
  const base = tj.base === 'char' ? (Array.isArray(tj.alphabet) ? tj.alphabet.length : 0) : 256;
  const first = NUM_SPECIAL + base, merges = tj.merges.length >> 1;
  const length = new Float64Array(first + merges).fill(1, NUM_SPECIAL);
  for (let r = 0; r < merges; r++) {
    const a = tj.merges[2 * r], b = tj.merges[2 * r + 1];
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < NUM_SPECIAL || b < NUM_SPECIAL || a >= first + r || b >= first + r) return; // the constructor names it
    length[first + r] = length[a] + length[b];
    if (length[first + r] > MAX_BPE_TOKEN) throw new Error(`bpe tokenizer: merge ${r} makes a token of ${length[first + r]} base symbols, more than ${MAX_BPE_TOKEN}: not a learned vocabulary`);
  }
}
