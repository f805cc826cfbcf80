// What every unit of a language model's recurrent stack holds after each token of a text: the hidden state h_t
// of every layer and, for an LSTM, its cell state c_t (Karpathy, Johnson & Fei-Fei 2015, "Visualizing and
// Understanding Recurrent Networks", colour text by such single cells). Nothing here computes a recurrence: the
// text is fed through the model's OWN forward (lm.forward, the one training and completion use), a chunk at a
// time with the final state of one chunk carried into the next (promptFeed.ts), and after each chunk the
// states are copied out of the layer's own state slots (layers/direction.ts: h_t of a forward direction lives in
// slot t + 1 of `hs`). So the painted values ARE the model's states, and caches never grow past one chunk.
// Legend: T tokens, L layers, H hidden size, C chunk length.
import { hasCellState } from '../cells/cell';
import type { LanguageModel } from '../lm';
import { PROMPT_CHUNK } from '../promptFeed';
import { StepState } from '../stepState';

/** Per layer, (T, H) row-major: row t is the state right after reading token t. */
export interface NeuronStates {
  readonly T: number;
  readonly H: number;
  readonly layers: number;
  readonly hidden: Float32Array[];
  /** LSTM only (one per layer); null for GRU and plain RNNs, which have no cell state. */
  readonly cell: Float32Array[] | null;
}

/** 'h' = hidden state, 'c' = the LSTM's cell state. */
export type StateKind = 'h' | 'c';

/** Longest text (in tokens) read at once: the states are T·L·H floats each for h and c. */
export const MAX_INSPECT_TOKENS = 20_000;

/** Runs `lm` over `tokens` from a zero state and returns every layer's state after every token. */
export function neuronStates(lm: LanguageModel, tokens: ArrayLike<number>, chunk = PROMPT_CHUNK): NeuronStates {
  const rnn = lm.rnn, cfg = rnn.cfg;
  if (rnn.D !== 1) throw new Error('neuron states: a bidirectional language model is not supported (its states read the future)');
  const T = tokens.length, H = cfg.hiddenSize, L = cfg.numLayers;
  if (T > MAX_INSPECT_TOKENS) throw new Error(`the text is ${T} tokens; at most ${MAX_INSPECT_TOKENS} can be inspected at once: select less`);
  const cellState = hasCellState(cfg.cell);
  const hidden = Array.from({ length: L }, () => new Float32Array(T * H));
  const cell = cellState ? Array.from({ length: L }, () => new Float32Array(T * H)) : null;
  const state = new StepState(L, H, cellState, lm.params.ctor);
  state.replicate(null, null, 1);
  const C = Math.max(1, Math.min(chunk, T));
  const buf = new Int32Array(C);
  for (let s = 0; s < T; s += C) {
    const n = Math.min(C, T - s);
    for (let i = 0; i < n; i++) buf[i] = tokens[s + i];
    lm.forward(n === C ? buf : buf.subarray(0, n), 1, n, { h0: state.h, c0: cellState ? state.c : null }, 'none');
    for (let l = 0; l < L; l++) {
      const dir = rnn.direction(l, 0);
      for (let t = 0; t < n; t++) {
        const slot = dir.outSlot(t) * H, row = (s + t) * H; // B = 1: slot k holds one (1, H) state
        for (let j = 0; j < H; j++) hidden[l][row + j] = dir.hs[slot + j];
        if (cell) for (let j = 0; j < H; j++) cell[l][row + j] = dir.cs[slot + j];
      }
    }
    state.update(rnn.hN.subarray(0, L * H), cellState ? rnn.cN.subarray(0, L * H) : null);
  }
  return { T, H, layers: L, hidden, cell };
}

/** The T activations of one unit: layer `layer`, unit `unit`, hidden or cell state. */
export function unitSeries(s: NeuronStates, layer: number, unit: number, kind: StateKind): Float32Array {
  const src = kind === 'c' ? s.cell?.[layer] : s.hidden[layer];
  if (!src) throw new Error(kind === 'c' ? 'only an LSTM has a cell state' : `layer ${layer} does not exist (the model has ${s.layers})`);
  if (!(unit >= 0 && unit < s.H)) throw new Error(`unit ${unit} does not exist (the layer has ${s.H})`);
  const out = new Float32Array(s.T);
  for (let t = 0; t < s.T; t++) out[t] = src[t * s.H + unit];
  return out;
}
