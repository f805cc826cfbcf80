// Gradients of the fast path, in float32: a language model on a WasmHeap (zero-copy SIMD products, SIMD pointwise
// LSTM / GRU cells) against the same model in Float64 (TypeScript kernels, exact Math.exp/tanh), whose
// gradients the central-difference checks of gradcheckRecurrent.test.ts verify. Every gradient must agree at
// the PyTorch fixtures' float32 tolerance |fast − ref| ≤ 1e-4 + 1e-3·|ref|, over 2 layers and a carried state.
import * as assert from 'node:assert/strict';
import { LanguageModel } from '../../src/engine/lm';
import { Rng } from '../../src/engine/rng';
import { asFloatCtor, wasmFloatCtor } from '../../src/engine/sizing/alloc';
import { pointwiseStats } from '../../src/engine/kernels/pointwise';
import { wasmStats } from '../../src/engine/kernels/product';

const V = 19, E = 8, H = 16, B = 3, T = 20;

describe('fast path gradients (float32 on a WasmHeap) against Float64', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: every parameter gradient within 1e-4 + 1e-3·|ref|`, () => {
      const cfg = { vocabSize: V, embeddingSize: E, rnn: { cell, hiddenSize: H, numLayers: 2, bidirectional: false, merge: 'concat' as const, dropout: 0 } };
      const heap = wasmFloatCtor(1 << 20);
      assert.ok(heap, 'WebAssembly SIMD is available in Node');
      const fast = new LanguageModel(cfg, asFloatCtor(heap)), ref = new LanguageModel(cfg, Float64Array);
      ref.initialize(new Rng(11));
      // Larger weights than the default init, so gates visit their saturated ranges too.
      for (let i = 0; i < ref.params.data.length; i++) ref.params.data[i] *= 3;
      fast.params.data.set(ref.params.data);
      const rng = new Rng(4);
      const tokens = Int32Array.from({ length: B * T }, () => rng.int(V));
      const targets = Int32Array.from({ length: B * T }, () => rng.int(V));
      const h0 = Float64Array.from({ length: 2 * B * H }, () => rng.uniform(-1, 1));
      const c0 = Float64Array.from({ length: 2 * B * H }, () => rng.uniform(-1, 1));
      const cells = pointwiseStats[cell], products = { ...wasmStats };
      for (const m of [fast, ref]) {
        const same = (x: Float64Array) => (m === fast ? Float32Array.from(x) : x);
        m.params.zeroGrad();
        m.forward(tokens, B, T, { h0: same(h0), c0: cell === 'lstm' ? same(c0) : null });
        m.lossAndBackward(targets, 'sum');
      }
      assert.equal(pointwiseStats[cell] - cells, 2 * T, 'the SIMD cells ran once per layer and step');
      assert.equal(wasmStats.copied, products.copied, 'no product copied its operands');
      let worst = 0, where = '';
      for (const e of ref.params.entries) {
        const g = fast.params.gradOf(e.name), r = ref.params.gradOf(e.name);
        for (let i = 0; i < r.length; i++) {
          const excess = Math.abs(g[i] - r[i]) / (1e-4 + 1e-3 * Math.abs(r[i]));
          if (excess > worst) [worst, where] = [excess, `${e.name}[${i}]: ${g[i]} vs ${r[i]}`];
        }
      }
      console.log(`      ${cell}: worst gradient error ${worst.toFixed(3)} of the tolerance (${where})`);
      assert.ok(worst <= 1, where);
    });
  }
});
