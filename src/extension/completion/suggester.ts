// The model side of inline completions, without 'vscode' (so tests and the benchmark time it directly):
// one Completer (engine/complete.ts, shared with `seqlab complete`) kept across keystrokes, so typing one more
// character costs one T = 1 step on the carried recurrent state instead of re-reading the document.
//   window     the text before the cursor, from an anchor that moves in WINDOW_STEP jumps: between two jumps
//              the window only grows at its end, which is exactly the case the Completer feeds incrementally
//   documents  one Completer per document (the last MAX_DOCUMENTS used), so moving between two editors does
//              not re-read the window on each move
//   version    a new model object or temperature starts afresh at once; new weights written into the same model
//              (training snapshots, every couple of seconds) never cost a keystroke anything: suggestions go on
//              from the carried state on the weights it was read with, and `refresh()` — called off the
//              keystroke path, once typing pauses (`refreshWhenIdle`) — copies the new weights in and re-reads
//              the window of the document typed in last (issue #14: p95 ≤ 10 ms during training)
//   twin       the Completer runs on an inference twin of the model in a WasmHeap (engine/sizing/inferenceTwin),
//              so its batch-1 steps are zero-copy SIMD products: a full window re-read drops from ~5 ms to ~1
// Every call's wall time is kept (last LATENCY_KEPT), for the status tooltip, the tests and the benchmark.
import { Completer, partialWord, type Suggestion } from '../../engine/complete';
import type { LanguageModel } from '../../engine/lm';
import type { Tokenizer } from '../../engine/tokenize/types';
import { inferenceTwin } from '../../engine/sizing/inferenceTwin';
import { temperedLm } from './temperedLm';

/**
 * The window starts at a multiple of WINDOW_STEP and holds between WINDOW_STEP and 2·WINDOW_STEP chars: enough
 * context for the next word, and a full re-read (new weights, or the anchor jumping) stays a few milliseconds.
 */
export const WINDOW_STEP = 128;
/** Typing must pause this long (ms) before refreshed weights are read in (a re-read is a few ms of work). */
export const IDLE_REFRESH_MS = 400;
/** Documents whose carried state is kept. */
const MAX_DOCUMENTS = 4;
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

/** The thresholds of the confidence rule (the `seqlab.completions.*` settings of the same names). */
export interface Confidence {
  /** Least probability of a word whose beginning is typed, to complete it. */
  readonly minConfidence: number;
  /** Least probability of the next word after a space or punctuation (1: never suggest a next word). */
  readonly nextWordConfidence: number;
}

/**
 * The ghost text for the best suggestion after `textBefore`, or null when the model is not confident enough. The
 * probability compared is P(word, then a boundary | text): the product of the step probabilities along the
 * word's characters or tokens, summed over the beam paths that spell it. A begun word needs minConfidence; a
 * next word (nothing of it typed yet) needs nextWordConfidence. Only the first line of a completion is shown.
 */
export function ghostText(best: Suggestion | undefined, textBefore: string, c: Confidence): string | null {
  if (!best) return null;
  const next = partialWord(textBefore) === '';
  if (next ? c.nextWordConfidence >= 1 || best.prob < c.nextWordConfidence : best.prob < c.minConfidence) return null;
  return best.completion.split(/\r?\n/, 1)[0] || null;
}

/** Offset where the context window of a cursor at `offset` starts. */
export function windowStart(offset: number): number {
  return offset < 2 * WINDOW_STEP ? 0 : Math.floor((offset - WINDOW_STEP) / WINDOW_STEP) * WINDOW_STEP;
}

export class Suggester {
  /** Carried states by document key, least recently used first. */
  private readonly completers = new Map<string, Completer>();
  private key = '';
  private model: object | null = null;
  /** m.model's inference twin on a WasmHeap (zero-copy SIMD products), or m.model itself without WASM. */
  private twin: LanguageModel = null!;
  private tokenizer: Tokenizer | null = null;
  /** Version of the weights the twin holds. */
  private version = -1;
  private readonly times: number[] = [];
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** Full re-reads of a window caused by refreshed weights (for tests: they happen in refresh(), never in suggest()). */
  refreshes = 0;

  constructor(private readonly now: () => number = () => performance.now(), private readonly idleMs = IDLE_REFRESH_MS) {}

  /**
   * Words most probable after `textBefore` (the window's text), under temperature `tau`, in document `doc`.
   * New weights in the same model object (m.version) are NOT read here: see refresh().
   */
  suggest(m: SuggestModel, tau: number, textBefore: string, count = 1, beam = GHOST_BEAM, doc = ''): Suggestion[] {
    const t0 = this.now();
    const key = String(tau);
    if (key !== this.key || m.model !== this.model || m.tokenizer !== this.tokenizer) {
      if (m.model !== this.model) this.twin = inferenceTwin(m.model, 2 * WINDOW_STEP, TWIN_BATCH) ?? m.model;
      else if (this.twin !== m.model && m.version !== this.version) this.twin.params.data.set(m.model.params.data);
      this.completers.clear();
      this.key = key;
      this.model = m.model;
      this.tokenizer = m.tokenizer;
      this.version = m.version;
    }
    const completer = this.completerFor(doc);
    completer.setPrefix(textBefore);
    // After a space or punctuation the editor suggests the next word, blanks before it included.
    const out = completer.suggest({ count, beam: Math.max(beam, count), maxTokens: MAX_WORD_TOKENS, leadingSpace: true });
    this.times.push(this.now() - t0);
    if (this.times.length > LATENCY_KEPT) this.times.shift();
    return out;
  }

  /** The document's Completer, made most recently used (the least recently used one goes past MAX_DOCUMENTS). */
  private completerFor(doc: string): Completer {
    let c = this.completers.get(doc);
    if (c) this.completers.delete(doc);
    else {
      c = new Completer(temperedLm(this.twin, Number(this.key)), this.tokenizer!);
      if (this.completers.size >= MAX_DOCUMENTS) this.completers.delete(this.completers.keys().next().value!);
    }
    this.completers.set(doc, c);
    return c;
  }

  /**
   * Reads newer weights of the same model into the twin and re-reads the window of the document typed in last
   * (the other documents' states, read with the old weights, are dropped). Off the keystroke path: in idle time.
   * True when it did.
   */
  refresh(m: SuggestModel | null): boolean {
    if (!m || m.model !== this.model || m.tokenizer !== this.tokenizer || m.version === this.version) return false;
    if (this.twin !== m.model) this.twin.params.data.set(m.model.params.data);
    this.version = m.version;
    const last = [...this.completers].at(-1);
    this.completers.clear();
    if (last) {
      const [doc, old] = last;
      const c = this.completerFor(doc);
      if (old.prefix) c.setPrefix(old.prefix);
      this.refreshes++;
    }
    return true;
  }

  /** Calls refresh(get()) once nothing has asked for a suggestion or a refresh for `idleMs` (typing paused). */
  refreshWhenIdle(get: () => SuggestModel | null): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.refresh(get());
    }, this.idleMs);
  }

  /** Drops the cached state (e.g. when the model is cleared) and any pending refresh. */
  reset(): void {
    this.completers.clear();
    this.key = '';
    this.model = null;
    this.tokenizer = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** p50 / p95 / max of the kept call times (ms), and how many there are. */
  latency(): { count: number; p50: number; p95: number; max: number } {
    const s = [...this.times].sort((a, b) => a - b);
    const q = (p: number): number => (s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : 0);
    return { count: s.length, p50: q(0.5), p95: q(0.95), max: s.length ? s[s.length - 1] : 0 };
  }
}
