// Per-row reversal of padded sequences, for an encoder that reads its source right to left (Sutskever et al.
// 2014 §3.3, "Reversing the Source Sentences"; in PyTorch: flip each sequence within its length before
// pack_padded_sequence, and flip the outputs back after pad_packed_sequence).
//   dst[b, j] = src[b, len_b − 1 − j]   for j < len_b
//   dst[b, j] = src[b, j]               for j ≥ len_b (padding stays where it is, so masks are unchanged)
// The map is its own inverse, so the same call flips tokens in, annotations out, and gradients back.
// Legend: B batch, S padded length, C values per position (1 for token ids).
import type { Floats } from '../tensor';

/** dst (B, S, C) ← src (B, S, C) reversed within each row's length; dst and src must not overlap. */
export function flipWithinLengths<A extends Floats | Int32Array>(dst: A, src: A, lengths: Int32Array, B: number, S: number, C: number): void {
  for (let b = 0; b < B; b++) {
    const len = Math.min(lengths[b], S), row = b * S;
    for (let j = 0; j < S; j++) {
      const from = j < len ? row + len - 1 - j : row + j, o = (row + j) * C, i = from * C;
      for (let c = 0; c < C; c++) dst[o + c] = src[i + c];
    }
  }
}
