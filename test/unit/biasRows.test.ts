// ops/bias.ts: adding a bias to every row runs on the SIMD kernel (wasm/cells.ts addRows) when both arrays are
// views of one WasmHeap, and gives exactly the plain loop's result (one float32 addition per element), for
// widths with and without a multiple-of-4 remainder, at an offset.
import * as assert from 'node:assert/strict';
import { pointwiseStats } from '../../src/engine/kernels/pointwise';
import { addBiasRows } from '../../src/engine/ops/bias';
import { Rng } from '../../src/engine/rng';
import { asFloatCtor, wasmFloatCtor } from '../../src/engine/sizing/alloc';

describe('bias rows: SIMD kernel equals the plain loop', () => {
  const heap = asFloatCtor(wasmFloatCtor(1 << 16)!);
  for (const [N, C] of [[1, 1], [1, 5], [3, 8], [2, 117], [1, 512], [4, 13]] as const) {
    it(`N ${N}, C ${C}, at an offset`, () => {
      const rng = new Rng(N * 100 + C), off = 3;
      const y = new heap(off + N * C), b = new heap(C);
      for (let i = 0; i < y.length; i++) y[i] = rng.uniform(-2, 2);
      for (let i = 0; i < C; i++) b[i] = rng.uniform(-2, 2);
      const plainY = Float32Array.from(y), plainB = Float32Array.from(b);
      const before = pointwiseStats.addRows;
      addBiasRows(y, off, b, N, C);
      assert.equal(pointwiseStats.addRows, before + 1, 'the heap arrays took the SIMD kernel');
      addBiasRows(plainY, off, plainB, N, C);
      assert.equal(pointwiseStats.addRows, before + 1, 'plain arrays took the loop');
      assert.deepEqual(Array.from(y), Array.from(plainY));
    });
  }
});
