// Reading a prompt of any length into a language model's recurrent state, in bounded memory and linear time.
// A forward over T tokens sizes every activation cache for T (lm.ts, layers/recurrent.ts, cells: `ensure`
// grows and never shrinks; on a WasmHeap it cannot grow at all), so one forward over a 120 KB prompt kept
// every step's gates and outputs alive: 3.8 GB and minutes on a GRU-512. Inference needs none of them; only
// the state after the last token. So the prompt is fed in chunks of at most PROMPT_CHUNK tokens, the final
// (h, c) of one chunk being the initial state of the next (the same carry as truncated BPTT, minus the
// backward), which gives the same state as the full forward up to float rounding: each step computes
// exactly the same products on the same inputs; only the buffers they live in change.
// Legend: L layers, H hidden, V vocabulary, C chunk length.
import type { LanguageModel } from './lm';
import { hasCellState } from './cells/cell';
import { StepState } from './stepState';
import type { Floats } from './tensor';

/**
 * Tokens per forward: caches are (1, C) whatever the prompt's length. 256 matches the inference twin's
 * (1, 2·WINDOW_STEP) sizing (extension/completion/suggester.ts), so the twin never meets a larger forward.
 */
export const PROMPT_CHUNK = 256;

/**
 * Feeds tokens[from, to) through `lm` one chunk at a time, starting from and writing back to row 0 of
 * `state` (K = 1: h and c are (L, 1, H)). When `lastLogits` (V) is given, it receives the logits after the
 * last token fed, i.e. the distribution of the token that follows. Nothing to feed leaves both untouched.
 */
export function feedPrompt(
  lm: LanguageModel, tokens: ArrayLike<number>, from: number, to: number, state: StepState,
  lastLogits: Floats | null = null, chunk = PROMPT_CHUNK,
): void {
  if (state.K !== 1) throw new Error(`feedPrompt carries one state row, got K = ${state.K}`);
  if (!(chunk >= 1)) throw new Error(`feedPrompt: the chunk length must be at least 1, got ${chunk}`);
  const n = to - from;
  if (n <= 0) return;
  const C = Math.min(chunk, n), V = lm.V;
  const L = lm.rnn.cfg.numLayers * lm.rnn.D, LH = L * lm.rnn.cfg.hiddenSize;
  const buf = new Int32Array(C); // one buffer for every chunk: the prompt's length never sizes an allocation
  for (let s = from; s < to; s += C) {
    const T = Math.min(C, to - s);
    for (let i = 0; i < T; i++) buf[i] = tokens[s + i];
    const x = T === C ? buf : buf.subarray(0, T);
    const last = s + T === to;
    lm.forward(x, 1, T, { h0: state.h, c0: state.cellState ? state.c : null }, lastLogits && last ? 'last' : 'none');
    state.update(lm.rnn.hN.subarray(0, LH), state.cellState ? lm.rnn.cN.subarray(0, LH) : null);
    if (lastLogits && last) lastLogits.set(lm.logits.subarray((T - 1) * V, T * V));
  }
}

/**
 * A prompt read a chunk at a time, for hosts that must stay responsive (the extension yields to its event loop
 * and checks Cancel between chunks): after done, `state` (K = 1, plain arrays) holds the state after
 * tokens[0, end).
 */
export class PromptReader {
  readonly state: StepState;
  private pos = 0;

  constructor(private readonly lm: LanguageModel, private readonly tokens: ArrayLike<number>, private readonly end = tokens.length, private readonly chunk = PROMPT_CHUNK) {
    const plain = lm.params.data instanceof Float64Array ? Float64Array : Float32Array;
    this.state = new StepState(lm.rnn.cfg.numLayers, lm.rnn.cfg.hiddenSize, hasCellState(lm.rnn.cfg.cell), plain);
    this.state.replicate(null, null, 1);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Share of the prompt read so far, in [0, 1]. */
  get progress(): number {
    return this.end <= 0 ? 1 : Math.min(1, this.pos / this.end);
  }

  /** Reads the next chunk; true once the whole prompt is read. */
  readChunk(): boolean {
    const to = Math.min(this.end, this.pos + this.chunk);
    feedPrompt(this.lm, this.tokens, this.pos, to, this.state, null, this.chunk);
    this.pos = to;
    return this.done;
  }
}
