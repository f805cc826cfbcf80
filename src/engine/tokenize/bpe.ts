// Byte-pair-encoding tokenizer (Sennrich et al. 2016; byte-level base as in GPT-2, Radford et al. 2019).
// Text is cut into chunks by the GPT-2-style pre-tokenizer (pretokenize.ts); each chunk starts as base symbols
// and learned merges are applied lowest rank first, exactly the order they were learned in (bpeTrain.ts).
// Base alphabet:
//   'byte' (default): the 256 UTF-8 bytes, ids NUM_SPECIAL + byte. Any string encodes, nothing is ever UNK,
//                     and decode(encode(x)) === x for every well-formed string.
//   'char':           the code points of the corpus; unseen characters encode to UNK (one per character).
// Id layout: [0, NUM_SPECIAL) specials, then base symbols, then merge r at NUM_SPECIAL + baseSize + r.

import { KEY, learnMerges } from './bpeTrain';
import { bpeChunks } from './pretokenize';
import {
  BOS, EOS, PAD,
  BpeTokenizerJSON, byCountThenText, DecodeOptions, expectStringArray, NUM_SPECIAL, SPECIAL_TOKENS, specialText,
  Tokenizer, UNK, UNK_TEXT,
} from './types';
import { utf8Decode, utf8EncodeInto } from './utf8';

export interface BpeTokenizerOptions {
  base?: 'byte' | 'char';
  /** Number of merges to learn (default 1000). Ignored when vocabSize is given. */
  merges?: number;
  /** Target vocabSize, specials and base included; fewer tokens result if pairs run out. */
  vocabSize?: number;
  /** Stop when the most frequent pair occurs fewer times than this (default 2). */
  minFrequency?: number;
}

/** Encoded chunks are memoised; the cache is cleared when it grows past this many entries. */
const CACHE_LIMIT = 100000;

export class BpeTokenizer implements Tokenizer {
  readonly kind = 'bpe' as const;
  readonly vocabSize: number;
  readonly base: 'byte' | 'char';
  private readonly alphabet: string[];
  private readonly charIds = new Map<string, number>();
  private readonly merges: number[];
  private readonly rank = new Map<number, number>();
  private readonly baseSize: number;
  /** Byte base: the bytes of each token; char base: its text. Specials are empty. */
  private readonly bytes: number[][] = [];
  private readonly texts: string[] = [];
  private readonly cache = new Map<string, number[]>();
  private readonly byteBuf: number[] = [];

  constructor(base: 'byte' | 'char', alphabet: string[], merges: number[]) {
    this.base = base;
    this.alphabet = base === 'char' ? alphabet.slice() : [];
    this.baseSize = base === 'byte' ? 256 : alphabet.length;
    this.merges = merges.slice();
    if (merges.length % 2 !== 0) throw new Error('bpe tokenizer: merges must hold pairs (even length)');
    for (let id = 0; id < NUM_SPECIAL; id++) {
      this.bytes.push([]);
      this.texts.push('');
    }
    for (let k = 0; k < this.baseSize; k++) {
      if (base === 'byte') {
        this.bytes.push([k]);
      } else {
        const ch = alphabet[k];
        if (Array.from(ch).length !== 1) throw new Error(`bpe tokenizer: alphabet[${k}] ${JSON.stringify(ch)} is not one code point`);
        if (this.charIds.has(ch)) throw new Error(`bpe tokenizer: alphabet symbol ${JSON.stringify(ch)} appears twice`);
        this.charIds.set(ch, NUM_SPECIAL + k);
        this.texts.push(ch);
      }
    }
    const first = NUM_SPECIAL + this.baseSize;
    for (let r = 0; r < merges.length / 2; r++) {
      const a = merges[2 * r];
      const b = merges[2 * r + 1];
      const z = first + r;
      for (const id of [a, b]) {
        if (!Number.isInteger(id) || id < NUM_SPECIAL || id >= z) {
          throw new Error(`bpe tokenizer: merge ${r} refers to id ${id}, which must be an integer in [${NUM_SPECIAL}, ${z})`);
        }
      }
      const key = a * KEY + b;
      if (this.rank.has(key)) throw new Error(`bpe tokenizer: merge ${r} (${a}, ${b}) repeats an earlier merge`);
      this.rank.set(key, r);
      if (base === 'byte') this.bytes.push(this.bytes[a].concat(this.bytes[b]));
      else this.texts.push(this.texts[a] + this.texts[b]);
    }
    this.vocabSize = first + merges.length / 2;
  }

  static build(corpus: string | readonly string[], options: BpeTokenizerOptions = {}): BpeTokenizer {
    const base = options.base ?? 'byte';
    const chunkCounts = new Map<string, number>();
    const charCounts = new Map<string, number>();
    for (const text of typeof corpus === 'string' ? [corpus] : corpus) {
      for (const c of bpeChunks(text)) chunkCounts.set(c, (chunkCounts.get(c) ?? 0) + 1);
      if (base === 'char') for (const ch of text) charCounts.set(ch, (charCounts.get(ch) ?? 0) + 1);
    }
    const alphabet = base === 'char' ? [...charCounts].sort(byCountThenText).map((e) => e[0]) : [];
    const seed = new BpeTokenizer(base, alphabet, []);
    const baseSize = base === 'byte' ? 256 : alphabet.length;
    let numMerges = options.merges ?? 1000;
    if (options.vocabSize !== undefined) numMerges = options.vocabSize - NUM_SPECIAL - baseSize;
    if (numMerges < 0) throw new Error(`bpe tokenizer: vocabSize must be at least ${NUM_SPECIAL + baseSize} (specials + base)`);
    // Sort chunks so that chunk order (and thus nothing at all) depends on Map insertion order.
    const unique = [...chunkCounts.keys()].sort();
    const chunks = unique.map((c) => seed.baseIds(c));
    const counts = unique.map((c) => chunkCounts.get(c)!);
    const { merges } = learnMerges(chunks, counts, NUM_SPECIAL + baseSize, numMerges, options.minFrequency ?? 2);
    return new BpeTokenizer(base, alphabet, merges);
  }

  static fromJSON(json: BpeTokenizerJSON): BpeTokenizer {
    if (json.base !== 'byte' && json.base !== 'char') throw new Error(`bpe tokenizer: base must be 'byte' or 'char', got ${JSON.stringify(json.base)}`);
    const alphabet = json.base === 'char' ? expectStringArray(json.alphabet, 'bpe tokenizer: alphabet') : [];
    if (!Array.isArray(json.merges)) throw new Error('bpe tokenizer: merges must be an array of ids');
    return new BpeTokenizer(json.base, alphabet, json.merges);
  }

  /** Base symbol ids of one chunk (bytes, or characters with UNK for unseen ones). */
  private baseIds(chunk: string): number[] {
    const out: number[] = [];
    if (this.base === 'byte') {
      const buf = this.byteBuf;
      buf.length = 0;
      utf8EncodeInto(chunk, buf);
      for (let i = 0; i < buf.length; i++) out.push(NUM_SPECIAL + buf[i]);
    } else {
      for (const ch of chunk) out.push(this.charIds.get(ch) ?? UNK);
    }
    return out;
  }

  /** Applies merges to one chunk, lowest rank first (the order they were learned), all occurrences at once. */
  private encodeChunk(chunk: string): number[] {
    const s = this.baseIds(chunk);
    const first = NUM_SPECIAL + this.baseSize;
    for (;;) {
      let best = -1;
      for (let i = 0; i + 1 < s.length; i++) {
        const r = this.rank.get(s[i] * KEY + s[i + 1]);
        if (r !== undefined && (best < 0 || r < best)) best = r;
      }
      if (best < 0) return s;
      const a = this.merges[2 * best];
      const b = this.merges[2 * best + 1];
      let n = 0;
      for (let i = 0; i < s.length; n++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          s[n] = first + best;
          i += 2;
        } else {
          s[n] = s[i++];
        }
      }
      s.length = n;
    }
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const chunk of bpeChunks(text)) {
      let ids = this.cache.get(chunk);
      if (!ids) {
        ids = this.encodeChunk(chunk);
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(chunk, ids);
      }
      for (let i = 0; i < ids.length; i++) out.push(ids[i]);
    }
    return out;
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    let s = '';
    const buf = this.byteBuf;
    buf.length = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id >= NUM_SPECIAL && id < this.vocabSize && Number.isInteger(id)) {
        if (this.base === 'byte') for (const byte of this.bytes[id]) buf.push(byte);
        else s += this.texts[id];
        continue;
      }
      // Bytes are decoded together so a character split across tokens comes out whole.
      if (buf.length > 0) {
        s += utf8Decode(buf);
        buf.length = 0;
      }
      if (options.showSpecial) s += specialText(id) ?? SPECIAL_TOKENS[UNK];
      else if (id !== PAD && id !== BOS && id !== EOS) s += UNK_TEXT; // UNK, or an id this vocabulary lacks
    }
    if (buf.length > 0) s += utf8Decode(buf);
    buf.length = 0;
    return s;
  }

  /** Text of one token. A byte token that is not valid UTF-8 on its own (part of a character) shows as hex,
   *  e.g. `<0xE2>`, so top-k lists stay readable. */
  tokenText(id: number): string {
    if (!(id >= NUM_SPECIAL && id < this.vocabSize && Number.isInteger(id))) return specialText(id) ?? SPECIAL_TOKENS[UNK];
    if (this.base === 'char') return this.texts[id];
    const bytes = this.bytes[id];
    const text = utf8Decode(bytes);
    const back: number[] = [];
    utf8EncodeInto(text, back);
    if (back.length === bytes.length && back.every((v, i) => v === bytes[i])) return text;
    return bytes.map((v) => `<0x${v.toString(16).toUpperCase().padStart(2, '0')}>`).join('');
  }

  /** Byte base: the bytes of token `id` (decoding masks uses them to keep output valid UTF-8). */
  tokenBytes(id: number): readonly number[] | undefined {
    return this.base === 'byte' && id >= NUM_SPECIAL && id < this.vocabSize && Number.isInteger(id) ? this.bytes[id] : undefined;
  }

  /** Number of learned merges. */
  get numMerges(): number {
    return this.merges.length / 2;
  }

  toJSON(): BpeTokenizerJSON {
    const json: BpeTokenizerJSON = { kind: 'bpe', version: 1, base: this.base, merges: this.merges.slice() };
    if (this.base === 'char') json.alphabet = this.alphabet.slice();
    return json;
  }
}
