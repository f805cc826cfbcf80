// The SIMD pointwise cells (src/wasm/cells.ts via engine/kernels/pointwise.ts) against the TypeScript cells they
// stand in for, on pre-activations from −60 to 60 (saturation), near 0 (where tanh = 2σ(2x) − 1 loses relative
// accuracy) and in between, with and without padded rows (which must come out exactly as the TypeScript cells
// leave them); and the cases that must stay on TypeScript (H not a multiple of 4, plain arrays, the 'js' backend).
import * as assert from 'node:assert/strict';
import { gruForward } from '../../src/engine/cells/gru';
import { lstmForward } from '../../src/engine/cells/lstm';
import { setKernelBackend } from '../../src/engine/ops/matmul';
import { Rng } from '../../src/engine/rng';
import { WasmHeap } from '../../src/engine/kernels/heap';
import { pointwiseStats } from '../../src/engine/kernels/pointwise';

const B = 3;
/** Pre-activations: a third wide (±60), a third tiny (±1e-4), a third ±4. */
function preacts(rng: Rng, n: number, out: Float32Array): void {
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-1, 1) * [60, 1e-4, 4][i % 3];
}

function run(cell: 'lstm' | 'gru', H: number, alloc: (n: number) => Float32Array, mask: Uint8Array | null): Float32Array[] {
  const G = (cell === 'lstm' ? 4 : 3) * H, rng = new Rng(H * 7 + 1);
  const [act, h, c, tc, gx, gh, hp, cp] = [B * G, B * H, B * H, B * H, B * G, B * G, B * H, B * H].map(alloc);
  preacts(rng, B * G, gx);
  preacts(rng, B * G, gh);
  for (let i = 0; i < B * H; i++) { hp[i] = rng.uniform(-1, 1); cp[i] = rng.uniform(-3, 3); }
  if (cell === 'lstm') lstmForward(act, 0, h, 0, c, 0, tc, 0, gx, 0, gh, 0, hp, 0, cp, 0, mask, 0, B, H);
  else gruForward(act, 0, h, 0, gx, 0, gh, 0, hp, 0, mask, 0, B, H);
  return cell === 'lstm' ? [act, h, c, tc] : [act, h];
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, k) => x.forEach((v, i) => { m = Math.max(m, Math.abs(v - b[k][i]) / (1 + Math.abs(b[k][i]))); }));
  return m;
}

describe('SIMD pointwise LSTM / GRU cells', () => {
  afterEach(() => setKernelBackend('wasm'));

  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: equals the TypeScript cell within float32 rounding, on heap views`, () => {
      const heap = new WasmHeap(1 << 16);
      for (const H of [4, 12, 64]) {
        const before = pointwiseStats[cell];
        const fast = run(cell, H, (n) => heap.alloc(n), null);
        assert.equal(pointwiseStats[cell], before + 1, 'the SIMD kernel did not run');
        const ref = run(cell, H, (n) => new Float32Array(n), null);
        const d = maxDiff(fast, ref);
        assert.ok(d < 1e-6, `${cell} H=${H}: ${d}`);
        console.log(`      ${cell} H=${H}: max |Δ| / (1 + |ref|) = ${d.toExponential(2)}`);
      }
    });

    it(`${cell}: padded rows (a mask) on the SIMD kernel: valid rows within float32 rounding, padded ones exact`, () => {
      const heap = new WasmHeap(1 << 16);
      for (const mask of [Uint8Array.of(1, 0, 1), Uint8Array.of(0, 0, 1), Uint8Array.of(0, 0, 0)]) {
        const before = pointwiseStats[cell];
        const fast = run(cell, 8, (n) => heap.alloc(n), mask);
        assert.equal(pointwiseStats[cell], before + 1, 'the SIMD kernel did not run');
        const ref = run(cell, 8, (n) => new Float32Array(n), mask);
        assert.ok(maxDiff(fast, ref) < 1e-6, `${cell} mask ${mask}: ${maxDiff(fast, ref)}`);
        fast.forEach((x, k) => {
          const width = x.length / B;
          for (let b = 0; b < B; b++) {
            if (mask[b]) continue;
            assert.deepEqual(Array.from(x.subarray(b * width, (b + 1) * width)), Array.from(ref[k].subarray(b * width, (b + 1) * width)), `padded row ${b} of output ${k}`);
          }
        });
      }
    });

    it(`${cell}: H % 4 ≠ 0, plain arrays or the 'js' backend stay on TypeScript`, () => {
      const heap = new WasmHeap(1 << 16);
      const before = pointwiseStats[cell];
      run(cell, 6, (n) => heap.alloc(n), Uint8Array.of(1, 0, 1));
      run(cell, 6, (n) => heap.alloc(n), null);
      run(cell, 8, (n) => new Float32Array(n), null);
      setKernelBackend('js');
      run(cell, 8, (n) => heap.alloc(n), null);
      assert.equal(pointwiseStats[cell], before);
    });
  }
});
