// Embedding lookup, torch.nn.Embedding: out[n] = W[token[n]], W (V, E).
// Legend: N positions, V vocabulary, E embedding size.
import type { Floats } from '../tensor';

/** out (N, E) ← rows of W (V, E) picked by tokens (N). Out-of-range ids are an error, not silent garbage. */
export function embeddingForward(out: Floats, W: Floats, tokens: Int32Array, N: number, E: number, V: number): void {
  for (let n = 0; n < N; n++) {
    const tok = tokens[n];
    if (tok < 0 || tok >= V) throw new Error(`token id ${tok} outside the vocabulary of ${V}`);
    const s = tok * E, d = n * E;
    for (let e = 0; e < E; e++) out[d + e] = W[s + e];
  }
}

/** Backward twin: dW[token[n]] += dout[n] (accumulates: a token used twice gets both gradients). */
export function embeddingBackward(dW: Floats, dout: Floats, tokens: Int32Array, N: number, E: number): void {
  for (let n = 0; n < N; n++) {
    const s = n * E, d = tokens[n] * E;
    for (let e = 0; e < E; e++) dW[d + e] += dout[s + e];
  }
}
