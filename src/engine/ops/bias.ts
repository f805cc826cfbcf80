// Adding a bias to every row of a (N, C) block: the linear layers' heads and the recurrent cells' b_ih / b_hh.
// One place, so every caller gets the SIMD kernel (kernels/pointwise.ts wasmAddRows) when both arrays live in
// the WasmHeap, and the plain loop otherwise (Float64 gradient checks, plain arrays): the same one addition
// per element either way, so both paths give equal results.
import { wasmAddRows } from '../kernels/pointwise';
import type { Floats } from '../tensor';

/** y(N, C) starting at element `off` += b(C) on every row. */
export function addBiasRows(y: Floats, off: number, b: Floats, N: number, C: number): void {
  if (wasmAddRows(y, off, b, N, C)) return;
  for (let n = 0; n < N; n++) {
    const r = off + n * C;
    for (let c = 0; c < C; c++) y[r + c] += b[c];
  }
}
