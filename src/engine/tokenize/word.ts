// Word tokenizer: the text is cut into words AND the pieces between them (whitespace runs, line breaks,
// punctuation; see pretokenize.ts), each piece one token. Because nothing is thrown away, decode(encode(x)) === x
// whenever every piece is in the vocabulary, which is what next-word completion in prose and code needs.
// Unknown words and symbols become one UNK each; an unknown whitespace run (say 13 spaces) is rebuilt from the
// longest known runs, so layout survives. Ids by frequency, ties by code point: deterministic.

import { isWordPiece, wordPieces } from './pretokenize';
import {
  BOS, EOS, PAD,
  byCountThenText, DecodeOptions, expectStringArray, NUM_SPECIAL, SPECIAL_TOKENS, specialText, Tokenizer, UNK,
  UNK_TEXT, WordTokenizerJSON,
} from './types';

export interface WordTokenizerOptions {
  /** Cap on vocabSize, the 4 specials included (the least frequent tokens are dropped). */
  maxVocab?: number;
  /** Tokens seen fewer times than this map to UNK (default 1: keep all). */
  minCount?: number;
}

const WHITESPACE = /^\s+$/u;

export class WordTokenizer implements Tokenizer {
  readonly kind = 'word' as const;
  readonly vocabSize: number;
  private readonly tokens: string[];
  private readonly ids = new Map<string, number>();
  private readonly wordIds: Uint8Array;
  private maxSpaceRun = 1;

  constructor(tokens: string[]) {
    this.tokens = tokens.slice();
    this.vocabSize = NUM_SPECIAL + tokens.length;
    this.wordIds = new Uint8Array(this.vocabSize);
    tokens.forEach((t, k) => {
      if (t.length === 0) throw new Error(`word tokenizer: token ${k} is empty`);
      if (this.ids.has(t)) throw new Error(`word tokenizer: token ${JSON.stringify(t)} appears twice`);
      this.ids.set(t, NUM_SPECIAL + k);
      if (isWordPiece(t)) this.wordIds[NUM_SPECIAL + k] = 1;
      if (WHITESPACE.test(t)) this.maxSpaceRun = Math.max(this.maxSpaceRun, t.length);
    });
  }

  static build(corpus: string | readonly string[], options: WordTokenizerOptions = {}): WordTokenizer {
    const counts = new Map<string, number>();
    for (const text of typeof corpus === 'string' ? [corpus] : corpus) {
      for (const p of wordPieces(text)) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    const minCount = options.minCount ?? 1;
    let entries = [...counts].filter(([, n]) => n >= minCount).sort(byCountThenText);
    if (options.maxVocab !== undefined) {
      if (options.maxVocab < NUM_SPECIAL) throw new Error(`word tokenizer: maxVocab must be at least ${NUM_SPECIAL}`);
      entries = entries.slice(0, options.maxVocab - NUM_SPECIAL);
    }
    return new WordTokenizer(entries.map((e) => e[0]));
  }

  static fromJSON(json: WordTokenizerJSON): WordTokenizer {
    return new WordTokenizer(expectStringArray(json.tokens, 'word tokenizer: tokens'));
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const p of wordPieces(text)) {
      const id = this.ids.get(p);
      if (id !== undefined) out.push(id);
      else if (WHITESPACE.test(p)) this.encodeSpaceRun(p, out);
      else out.push(UNK);
    }
    return out;
  }

  /** Greedy longest-known-prefix split of an unseen whitespace run; unknown single characters become UNK. */
  private encodeSpaceRun(run: string, out: number[]): void {
    let i = 0;
    while (i < run.length) {
      let j = Math.min(run.length, i + this.maxSpaceRun);
      let id: number | undefined;
      for (; j > i; j--) {
        id = this.ids.get(run.slice(i, j));
        if (id !== undefined) break;
      }
      if (id === undefined) {
        out.push(UNK);
        i++;
      } else {
        out.push(id);
        i = j;
      }
    }
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const piece = id >= NUM_SPECIAL ? this.tokens[id - NUM_SPECIAL] : undefined; // undefined also for 4.5
      if (piece !== undefined) s += piece;
      else if (options.showSpecial) s += specialText(id) ?? SPECIAL_TOKENS[UNK];
      else if (id !== PAD && id !== BOS && id !== EOS) s += UNK_TEXT; // UNK, or an id this vocabulary lacks
    }
    return s;
  }

  tokenText(id: number): string {
    return (id >= NUM_SPECIAL ? this.tokens[id - NUM_SPECIAL] : undefined) ?? specialText(id) ?? SPECIAL_TOKENS[UNK];
  }

  /** True when `id` is a word (letters/digits), false for whitespace, punctuation and specials: lets next-word
   *  metrics and completions skip the separator tokens between words. UNK counts as a word. */
  isWord(id: number): boolean {
    return id === UNK || (id >= 0 && id < this.vocabSize && this.wordIds[id] === 1);
  }

  /** Id of one exact token, or UNK. */
  idOf(token: string): number {
    return this.ids.get(token) ?? UNK;
  }

  toJSON(): WordTokenizerJSON {
    return { kind: 'word', version: 1, tokens: this.tokens.slice() };
  }
}
