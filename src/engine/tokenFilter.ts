// Which tokens decoding may emit: never the specials a model should not write (<pad>, <bos>, <unk>), never a
// control character (C0 other than \t and \n, and DEL), and for a byte-level vocabulary never a byte sequence
// that is not, or can no longer become, valid UTF-8 (RFC 3629 §4). Disallowed tokens get logit −∞ BEFORE the
// softmax (sample.ts), so probabilities renormalise over the allowed ones and every strategy (greedy, sampling,
// beam, completion) obeys the same rule.
// UTF-8 is checked with the RFC 3629 byte automaton, one state per hypothesis (the bytes still owed by the
// character in progress, and the range the next byte must fall in to avoid overlong forms, surrogates and
// code points past U+10FFFF). A token is allowed in state s when its bytes run from s without error, and the
// character it leaves open can still be finished before the length cap (one byte token per owed byte).
// EOS is allowed only between characters, so a sequence never ends half-way through one.
// Legend: V vocabulary, K hypotheses, S automaton states.
import type { TokenConstraint } from './sample';
import { BOS, EOS, NUM_SPECIAL, PAD, UNK, type Tokenizer } from './tokenize/types';

const REJECT = -1;
/** States: 0 between characters; 1..3 owe that many continuation bytes (80..BF); 4..7 the first continuation
 *  byte after E0, ED, F0, F4, which has a narrower range (RFC 3629 §4, the UTF8-3 / UTF8-4 rules). */
const S = 8;
/** Continuation bytes still owed in each state. */
const OWED = [0, 1, 2, 3, 2, 2, 3, 3];

/** The automaton's next state after byte b in state s, or REJECT. */
function utf8Next(s: number, b: number): number {
  const cont = (lo: number, hi: number, to: number): number => (b >= lo && b <= hi ? to : REJECT);
  switch (s) {
    case 0:
      if (b < 0x80) return 0;
      if (b >= 0xc2 && b <= 0xdf) return 1;
      if (b === 0xe0) return 4;
      if (b === 0xed) return 5;
      if (b >= 0xe1 && b <= 0xef) return 2;
      if (b === 0xf0) return 6;
      if (b >= 0xf1 && b <= 0xf3) return 3;
      if (b === 0xf4) return 7;
      return REJECT; // 80..C1 cannot start a character; F5..FF never occur
    case 1: return cont(0x80, 0xbf, 0);
    case 2: return cont(0x80, 0xbf, 1);
    case 3: return cont(0x80, 0xbf, 2);
    case 4: return cont(0xa0, 0xbf, 1);
    case 5: return cont(0x80, 0x9f, 1);
    case 6: return cont(0x90, 0xbf, 2);
    default: return cont(0x80, 0x8f, 2);
  }
}

/** A control character decoding must not write: C0 except TAB and LF, and DEL. */
export function isForbiddenControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a) || code === 0x7f;
}

export class TokenFilter implements TokenConstraint {
  readonly V: number;
  /** next[s·V + v]: state after token v in state s, or REJECT. */
  private readonly next: Int8Array;
  private state = new Int8Array(1);
  private scratch = new Int8Array(1);
  private K = 1;

  constructor(tokenizer: Tokenizer) {
    const V = (this.V = tokenizer.vocabSize);
    this.next = new Int8Array(S * V).fill(REJECT);
    for (let v = 0; v < V; v++) {
      if (v === PAD || v === BOS || v === UNK) continue;
      if (v === EOS) {
        this.next[v] = 0; // state 0 only: never end inside a character
        continue;
      }
      const bytes = v >= NUM_SPECIAL ? tokenizer.tokenBytes?.(v) : undefined;
      if (bytes) {
        if (bytes.some(isForbiddenControl)) continue;
        for (let s = 0; s < S; s++) {
          let t = s;
          for (let i = 0; i < bytes.length && t !== REJECT; i++) t = utf8Next(t, bytes[i]);
          this.next[s * V + v] = t;
        }
      } else {
        // Text tokens are whole characters: allowed between characters unless they hold a control character.
        const text = tokenizer.tokenText(v);
        let ok = v >= NUM_SPECIAL;
        for (let i = 0; ok && i < text.length; i++) ok = !isForbiddenControl(text.charCodeAt(i));
        if (ok) this.next[v] = 0;
      }
    }
  }

  reset(K: number): void {
    this.ensure(K);
    this.state.fill(0, 0, K);
    this.K = K;
  }

  mask(row: Float64Array, k: number, remaining: number): void {
    const V = this.V, off = this.state[k] * V, next = this.next;
    for (let v = 0; v < V; v++) {
      const t = next[off + v];
      // Allowed: the bytes run without error, and what they leave owed fits in the steps after this one.
      if (t === REJECT || OWED[t] > remaining - 1) row[v] = -Infinity;
    }
  }

  /** True when hypothesis k followed by token v would stop inside a character (bytes still owed). */
  owesBytes(k: number, v: number): boolean {
    return this.next[this.state[k] * this.V + v] > 0;
  }

  commit(parents: Int32Array, tokens: Int32Array, K: number): void {
    this.ensure(K);
    const old = this.scratch;
    old.set(this.state.subarray(0, this.K));
    for (let k = 0; k < K; k++) {
      const t = this.next[old[parents[k]] * this.V + tokens[k]];
      this.state[k] = t === REJECT ? 0 : t; // a token the mask allowed never rejects; allowSpecial callers skip the filter
    }
    this.K = K;
  }

  private ensure(K: number): void {
    if (this.state.length >= K) return;
    const grown = new Int8Array(K);
    grown.set(this.state);
    this.state = grown;
    this.scratch = new Int8Array(K);
  }
}
