// Entry point of the tokenizers: the shared contract (types.ts), building a tokenizer of a given kind from a
// corpus, and restoring one from the JSON saved with a model, with validation that names what is wrong.
// Usage:  const tok = buildTokenizer('bpe', corpus, { merges: 2000 });
//         checkpoint.tokenizer = tok.toJSON();  ...  const same = tokenizerFromJSON(checkpoint.tokenizer);

import { BpeTokenizer, BpeTokenizerOptions } from './bpe';
import { CharTokenizer, CharTokenizerOptions } from './char';
import { TokenizerJSON, Tokenizer, TokenizerKind } from './types';
import { WordTokenizer, WordTokenizerOptions } from './word';

export * from './types';
export { BpeTokenizer, CharTokenizer, WordTokenizer };
export type { BpeTokenizerOptions, CharTokenizerOptions, WordTokenizerOptions };

export const TOKENIZER_KINDS: readonly TokenizerKind[] = ['char', 'word', 'bpe'];

export type TokenizerOptions = CharTokenizerOptions & WordTokenizerOptions & BpeTokenizerOptions;

/** Learns a tokenizer of `kind` from the corpus (one string or several documents). */
export function buildTokenizer(kind: TokenizerKind, corpus: string | readonly string[], options: TokenizerOptions = {}): Tokenizer {
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
  switch (tj.kind) {
    case 'char':
      return CharTokenizer.fromJSON(tj);
    case 'word':
      return WordTokenizer.fromJSON(tj);
    case 'bpe':
      return BpeTokenizer.fromJSON(tj);
  }
}
