// The model side of inline completions, without 'vscode' (so tests and the benchmark time it directly):
// one Completer (engine/complete.ts, shared with `seqlab complete`) kept across keystrokes, so typing one more
// character costs one T = 1 step on the carried recurrent state instead of re-reading the document.
//   window     the text before the cursor, from an anchor that moves in WINDOW_STEP jumps: between two jumps
//              the window only grows at its end, which is exactly the case the Completer feeds incrementally
//   version    a new model object or temperature starts a fresh Completer at once; new weights written into the
//              same model (training snapshots, several a second) re-read the window at most every
//              REFRESH_MS, so a suggestion during training rarely pays for a full re-read
//   twin       the Completer runs on an inference twin of the model in a WasmHeap (engine/sizing/inferenceTwin),
//              so its batch-1 steps are zero-copy SIMD products: a full window re-read drops from ~5 ms to ~1
// Every call's wall time is kept (last LATENCY_KEPT), for the status tooltip, the tests and the benchmark.
import { Completer, type Suggestion } from '../../engine/complete';
import type { LanguageModel } from '../../engine/lm';
import type { Tokenizer } from '../../engine/tokenize/types';
import { inferenceTwin } from '../../engine/sizing/inferenceTwin';
import { temperedLm } from './temperedLm';

/**
 * The window starts at a multiple of WINDOW_STEP and holds between WINDOW_STEP and 2·WINDOW_STEP chars: enough
 * context for the next word, and a full re-read (new weights, or the anchor jumping) stays a few milliseconds.
 */
export const WINDOW_STEP = 128;
/** Least time between two re-reads of the window caused only by refreshed weights (ms). */
const REFRESH_MS = 3000;
const LATENCY_KEPT = 512;
/**
 * Ghost text needs only the best word: a beam of 4 finds it as a beam of 8 does in practice (the best word's
 * hypothesis is rarely outside the top 4 at any step), at half the cost, which keeps p95 under 5 ms for the
 * default model (char LSTM, H = 128). Explain Suggestion passes a wider beam to list k words.
 */
export const GHOST_BEAM = 4;
/** Widest batch the twin's caches are sized for (beam widths; Explain Suggestion's top-k stays below). */
const TWIN_BATCH = 32;
/** Longest word considered, in tokens (16 characters for a char model). */
const MAX_WORD_TOKENS = 16;

export interface SuggestModel {
  readonly model: LanguageModel;
  readonly tokenizer: Tokenizer;
  readonly version: number;
}

/** Offset where the context window of a cursor at `offset` starts. */
export function windowStart(offset: number): number {
  return offset < 2 * WINDOW_STEP ? 0 : Math.floor((offset - WINDOW_STEP) / WINDOW_STEP) * WINDOW_STEP;
}

export class Suggester {
  private completer: Completer | null = null;
  private key = '';
  private model: object | null = null;
  /** m.model's inference twin on a WasmHeap (zero-copy SIMD products), or m.model itself without WASM. */
  private twin: LanguageModel = null!;
  private version = -1;
  private builtAt = -Infinity;
  private readonly times: number[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Words most probable after `textBefore` (the window's text), under temperature `tau`. */
  suggest(m: SuggestModel, tau: number, textBefore: string, count = 1, beam = GHOST_BEAM): Suggestion[] {
    const t0 = this.now();
    const key = String(tau);
    const stale = m.version !== this.version && t0 - this.builtAt >= REFRESH_MS;
    if (!this.completer || key !== this.key || m.model !== this.model || stale) {
      if (m.model !== this.model) this.twin = inferenceTwin(m.model, 2 * WINDOW_STEP, TWIN_BATCH) ?? m.model;
      else if (this.twin !== m.model) this.twin.params.data.set(m.model.params.data); // refreshed weights
      this.completer = new Completer(temperedLm(this.twin, tau), m.tokenizer);
      this.key = key;
      this.model = m.model;
      this.version = m.version;
      this.builtAt = t0;
    }
    this.completer.setPrefix(textBefore);
    const out = this.completer.suggest({ count, beam: Math.max(beam, count), maxTokens: MAX_WORD_TOKENS });
    this.times.push(this.now() - t0);
    if (this.times.length > LATENCY_KEPT) this.times.shift();
    return out;
  }

  /** Drops the cached state (e.g. when the model is cleared). */
  reset(): void {
    this.completer = null;
    this.key = '';
    this.model = null;
  }

  /** p50 / p95 / max of the kept call times (ms), and how many there are. */
  latency(): { count: number; p50: number; p95: number; max: number } {
    const s = [...this.times].sort((a, b) => a - b);
    const q = (p: number): number => (s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : 0);
    return { count: s.length, p50: q(0.5), p95: q(0.95), max: s.length ? s[s.length - 1] : 0 };
  }
}
