// Next-word completion over a language model: the code path shared by `seqlab complete`, `seqlab eval`'s
// next-word accuracy and the editor's inline completion provider.
//   setPrefix(text)  keeps the recurrent state after the text before the cursor; when the new text extends the
//                    old one token-wise, only the new tokens are fed (typing costs one T = 1 step per token)
//   suggest()        beam search over tokens (chars, words or BPE pieces) from that state until each hypothesis
//                    leaves the current word; returns whole words with P(word, then a boundary | prefix)
// A word is a run of letters, marks, digits, '_' and apostrophes (as the word tokenizer's pieces). If the
// prefix ends inside a word ("hel"), suggestions complete THAT word ("hello": completion "lo"). After a space or
// punctuation the suggestion is the NEXT word; with `leadingSpace` a hypothesis may first write spaces or tabs
// (after "fox," the next word is " jumps": word "jumps", completion " jumps"); without it such a hypothesis ends
// there, with no word.
// Tokens decoding must not write (<pad>, <bos>, <unk>, control bytes, invalid UTF-8: tokenFilter.ts) are
// masked before the softmax, unless allowSpecial; a byte-BPE hypothesis owing bytes of a character goes on.
// Known approximation: a BPE prefix ending in a space is encoded with the space as its own token, whereas
// training text mostly glued it to the next word (" the"); the model then sees a rarer token sequence.
// Legend: K live hypotheses (≤ beam), V vocabulary, L layers, H hidden.
import type { LanguageModel } from './lm';
import { feedPrompt } from './promptFeed';
import { stepLogProbs, type DecodeOptions } from './sample';
import { StepState } from './stepState';
import { TokenFilter } from './tokenFilter';
import { EOS, type Tokenizer } from './tokenize/types';

export interface Suggestion {
  /** The whole word (the typed part included). */
  word: string;
  /** What to insert after the cursor. */
  completion: string;
  prob: number;
}

export interface CompleteOptions {
  /** Suggestions returned (default 3). */
  count?: number;
  /** Beam width (default 8). */
  beam?: number;
  /** Most tokens generated for one word (default 24). */
  maxTokens?: number;
  /** At no word (after punctuation), let the completion start with spaces or tabs before the word (default false). */
  leadingSpace?: boolean;
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}_'\u2019]/u;

const BLANK = /[ \t]/;

/** Index of the first non-word character of s at or after `from`, or −1. */
export function boundaryIndex(s: string, from = 0): number {
  let i = 0;
  for (const ch of s) {
    if (i >= from && !WORD_CHAR.test(ch)) return i;
    i += ch.length;
  }
  return -1;
}

/** Length of the run of spaces and tabs that starts s. */
function blankPrefix(s: string): number {
  let i = 0;
  while (i < s.length && BLANK.test(s[i])) i++;
  return i;
}

/** The word being typed at the end of text ('' after a space or punctuation). */
export function partialWord(text: string): string {
  let i = text.length;
  while (i > 0) {
    const cp = text.codePointAt(i - 1)!;
    const low = cp >= 0xdc00 && cp <= 0xdfff && i > 1;
    const ch = low ? text.slice(i - 2, i) : text[i - 1];
    if (!WORD_CHAR.test(ch)) break;
    i -= ch.length;
  }
  return text.slice(i);
}

interface Hyp {
  ids: number[];
  logp: number;
}

export class Completer {
  private ids: number[] = [];
  private readonly V: number;
  private readonly state: StepState;
  private beamState: StepState | null = null;
  private readonly cellState: boolean;
  private readonly last: Float32Array; // (V) logits after the last prefix token
  private text = '';
  private partial = '';
  private readonly filter: TokenFilter | null;

  /** maxContext: tokens kept when the prefix has to be re-read from scratch; allowSpecial: no token masking. */
  constructor(private readonly lm: LanguageModel, private readonly tokenizer: Tokenizer, private readonly maxContext = 2048, allowSpecial = false) {
    if (lm.rnn.D !== 1) throw new Error('a bidirectional language model cannot complete text (it reads the future)');
    this.V = lm.V;
    this.cellState = lm.rnn.cfg.cell === 'lstm';
    this.state = new StepState(lm.rnn.cfg.numLayers, lm.rnn.cfg.hiddenSize, this.cellState, lm.params.ctor);
    this.state.replicate(null, null, 1);
    this.last = new Float32Array(this.V);
    this.filter = allowSpecial ? null : new TokenFilter(tokenizer);
  }

  /** The text before the cursor. */
  setPrefix(text: string): void {
    const ids = this.tokenizer.encode(text);
    let common = 0;
    const old = this.ids;
    while (common < old.length && common < ids.length && old[common] === ids[common]) common++;
    if (common === old.length && old.length > 0) this.feed(ids, common);
    else {
      this.state.replicate(null, null, 1);
      this.ids = [];
      this.feed(ids, Math.max(0, ids.length - this.maxContext));
    }
    this.ids = ids;
    this.text = text;
    this.partial = partialWord(text);
  }

  /** Reads tokens[from, to) into the carried state in fixed-size chunks (caches never sized by the prefix). */
  private feed(tokens: readonly number[], from: number, to = tokens.length): void {
    feedPrompt(this.lm, tokens, from, to, this.state, this.last);
  }

  /** The most probable words at the cursor, most probable first. Empty before any text. */
  suggest(opts: CompleteOptions = {}): Suggestion[] {
    if (this.ids.length === 0) return [];
    const count = opts.count ?? 3, W = opts.beam ?? 8, maxTokens = opts.maxTokens ?? 24, V = this.V;
    const skipBlanks = (opts.leadingSpace ?? false) && this.partial === '';
    const s = this.state, L = this.lm.rnn.cfg.numLayers, H = this.lm.rnn.cfg.hiddenSize;
    // Beam rows live in a scratch state started from the prefix state (which stays untouched for typing on).
    // One per Completer, reused: a model on a WasmHeap allocates from a heap that never frees.
    const beam = this.beamState ??= new StepState(L, H, this.cellState, this.lm.params.ctor);
    beam.replicate(s.h, this.cellState ? s.c : null, 1);
    const found = new Map<string, number>();
    const completions = new Map<string, string>();
    const row = new Float64Array(V);
    const mask: DecodeOptions = { maxLength: maxTokens, eos: EOS, constraint: this.filter ?? undefined };
    this.filter?.reset(1);
    let live: Hyp[] = [{ ids: [], logp: 0 }];
    for (let t = 0; t < maxTokens && live.length > 0; t++) {
      let logits: ArrayLike<number> = this.last;
      if (t > 0) {
        const inputs = Int32Array.from(live, (h) => h.ids[h.ids.length - 1]);
        this.lm.forward(inputs, live.length, 1, { h0: beam.h, c0: this.cellState ? beam.c : null });
        beam.update(this.lm.rnn.hN, this.lm.rnn.cN);
        logits = this.lm.logits;
      }
      const cands: { k: number; v: number; logp: number }[] = [];
      for (let k = 0; k < live.length; k++) {
        stepLogProbs(row, logits as Float32Array, k, V, t, mask);
        for (let v = 0; v < V; v++) if (row[v] > -Infinity) cands.push({ k, v, logp: live[k].logp + row[v] });
      }
      cands.sort((a, b) => b.logp - a.logp);
      const next: Hyp[] = [];
      const parents: number[] = [];
      for (const c of cands) {
        if (next.length >= W) break;
        const ids = live[c.k].ids.concat(c.v);
        if (this.filter?.owesBytes(c.k, c.v)) {
          next.push({ ids, logp: c.logp }); // half a character decodes as U+FFFD, which is no word boundary
          parents.push(c.k);
          continue;
        }
        const prev = this.tokenizer.decode(live[c.k].ids);
        const text = c.v === EOS ? prev + '\n' : this.tokenizer.decode(ids);
        // Blanks before the next word belong to the completion; the word is what follows them.
        const lead = skipBlanks ? blankPrefix(text) : 0;
        const cut = lead === text.length ? -1 : boundaryIndex(text, lead);
        if (cut < 0) {
          next.push({ ids, logp: c.logp });
          parents.push(c.k);
          continue;
        }
        const completion = text.slice(0, cut);
        const word = this.partial + completion.slice(lead);
        if (word.length > 0) {
          found.set(word, (found.get(word) ?? 0) + Math.exp(c.logp));
          // The likelier spelling of the blanks before a word is the one inserted (found first: beams are sorted).
          if (!completions.has(word)) completions.set(word, completion);
        }
      }
      // Stop when no live hypothesis can still beat the count-th word found.
      const probs = [...found.values()].sort((a, b) => b - a);
      if (next.length === 0 || (probs.length >= count && Math.exp(next[0].logp) < probs[count - 1])) break;
      const from = Int32Array.from(parents);
      beam.reorder(from, next.length);
      this.filter?.commit(from, Int32Array.from(next, (h) => h.ids[h.ids.length - 1]), next.length);
      live = next;
    }
    return [...found.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, count)
      .map(([word, prob]) => ({ word, completion: completions.get(word) ?? word.slice(this.partial.length), prob }));
  }

  /** The prefix last set. */
  get prefix(): string {
    return this.text;
  }
}
