// Character tokenizer: one id per Unicode code point seen in the corpus (not per UTF-16 unit, so an emoji is
// one token, not two halves of a surrogate pair). Ids are assigned by frequency, most frequent first, ties by
// code point, so building twice from the same corpus gives the same vocabulary. Characters outside the
// vocabulary (unseen, or cut by maxVocab / minCount) encode to UNK.

import {
  BOS, EOS, PAD,
  byCountThenText, CharTokenizerJSON, DecodeOptions, expectStringArray, NUM_SPECIAL, specialText, Tokenizer,
  SPECIAL_TOKENS, UNK, UNK_TEXT,
} from './types';

export interface CharTokenizerOptions {
  /** Cap on vocabSize, the 4 specials included (the least frequent characters are dropped). */
  maxVocab?: number;
  /** Characters seen fewer times than this are left out (default 1: keep all). */
  minCount?: number;
}

export class CharTokenizer implements Tokenizer {
  readonly kind = 'char' as const;
  readonly vocabSize: number;
  private readonly symbols: string[];
  private readonly ids = new Map<string, number>();

  constructor(symbols: string[]) {
    this.symbols = symbols.slice();
    symbols.forEach((s, k) => {
      if (Array.from(s).length !== 1) throw new Error(`char tokenizer: symbol ${k} ${JSON.stringify(s)} is not one code point`);
      if (this.ids.has(s)) throw new Error(`char tokenizer: symbol ${JSON.stringify(s)} appears twice`);
      this.ids.set(s, NUM_SPECIAL + k);
    });
    this.vocabSize = NUM_SPECIAL + symbols.length;
  }

  static build(corpus: string | readonly string[], options: CharTokenizerOptions = {}): CharTokenizer {
    const counts = new Map<string, number>();
    for (const text of typeof corpus === 'string' ? [corpus] : corpus) {
      for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    const minCount = options.minCount ?? 1;
    let entries = [...counts].filter(([, n]) => n >= minCount).sort(byCountThenText);
    if (options.maxVocab !== undefined) {
      if (options.maxVocab < NUM_SPECIAL) throw new Error(`char tokenizer: maxVocab must be at least ${NUM_SPECIAL}`);
      entries = entries.slice(0, options.maxVocab - NUM_SPECIAL);
    }
    return new CharTokenizer(entries.map((e) => e[0]));
  }

  static fromJSON(json: CharTokenizerJSON): CharTokenizer {
    return new CharTokenizer(expectStringArray(json.symbols, 'char tokenizer: symbols'));
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const ch of text) out.push(this.ids.get(ch) ?? UNK);
    return out;
  }

  /** Id of one character, UNK if unknown. */
  idOf(ch: string): number {
    return this.ids.get(ch) ?? UNK;
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const piece = id >= NUM_SPECIAL ? this.symbols[id - NUM_SPECIAL] : undefined; // undefined also for 4.5
      if (piece !== undefined) s += piece;
      else if (options.showSpecial) s += specialText(id) ?? SPECIAL_TOKENS[UNK];
      else if (id !== PAD && id !== BOS && id !== EOS) s += UNK_TEXT; // UNK, or an id this vocabulary lacks
    }
    return s;
  }

  tokenText(id: number): string {
    return (id >= NUM_SPECIAL ? this.symbols[id - NUM_SPECIAL] : undefined) ?? specialText(id) ?? SPECIAL_TOKENS[UNK];
  }

  toJSON(): CharTokenizerJSON {
    return { kind: 'char', version: 1, symbols: this.symbols.slice() };
  }
}
