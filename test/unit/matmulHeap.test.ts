// Zero-copy training (src/engine/sizing/alloc.ts): a LanguageModel whose arenas come from a heap-backed ctor trains
// to the same losses and weights as one on plain Float32Arrays (within float32 rounding: only the summation order
// of some products differs), and its products — including batch-1 generation — take the zero-copy path.
import * as assert from 'assert';
import { LanguageModel } from '../../src/engine/lm';
import { Rng } from '../../src/engine/rng';
import { LmTrainer, type LmBatch } from '../../src/engine/trainer';
import type { FloatArrayCtor } from '../../src/engine/tensor';
import { asFloatCtor, lmTrainingCtor, MAX_HEAP_FLOATS, wasmFloatCtor } from '../../src/engine/sizing/alloc';
import { WasmHeap } from '../../src/engine/kernels/heap';
import { wasmStats } from '../../src/engine/kernels/product';

const V = 23, E = 8, H = 32, B = 4, T = 12;

function train(cell: 'lstm' | 'gru', ctor: FloatArrayCtor | undefined, steps: number): { losses: number[]; model: LanguageModel } {
  const model = new LanguageModel({
    vocabSize: V, embeddingSize: E,
    rnn: { cell, hiddenSize: H, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0 },
  }, ctor);
  model.initialize(new Rng(3));
  const trainer = new LmTrainer(model, {
    optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 }, schedule: { kind: 'constant', lr: 1e-2 }, clipNorm: 1,
  });
  const rng = new Rng(5);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const inputs = new Int32Array(B * T), targets = new Int32Array(B * T);
    for (let i = 0; i < B * T; i++) { inputs[i] = rng.int(V); targets[i] = (inputs[i] * 7 + 1) % V; }
    const batch: LmBatch = { inputs, targets, B, T, resetState: s % 3 === 0 };
    losses.push(trainer.step(batch).loss);
  }
  return { losses, model };
}

describe('zero-copy training on a WasmHeap (sizing/alloc.ts)', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: same losses and weights as plain arrays, every product zero-copy`, () => {
      const plain = train(cell, undefined, 8);
      const heapCtor = wasmFloatCtor(1 << 20)!;
      assert.ok(heapCtor, 'this runtime has WebAssembly SIMD');
      const before = { ...wasmStats };
      const heaped = train(cell, asFloatCtor(heapCtor), 8);
      assert.strictEqual(wasmStats.copied, before.copied, 'no product copied its operands');
      assert.ok(wasmStats.zeroCopy - before.zeroCopy >= 8 * 2 * T, `zero-copy products: ${wasmStats.zeroCopy - before.zeroCopy}`);
      assert.strictEqual(heapCtor.overflow.arrays, 0);
      // The arenas really are views of the heap.
      assert.strictEqual(WasmHeap.ofBuffer(heaped.model.params.data.buffer), heapCtor.heap);
      assert.strictEqual(WasmHeap.ofBuffer(heaped.model.params.grad.buffer), heapCtor.heap);
      assert.ok(heaped.model.params.data instanceof Float32Array && heaped.model.params.data instanceof (heapCtor as unknown as Function));
      assert.ok(plain.losses[7] < plain.losses[0], 'the model learns');
      for (let s = 0; s < 8; s++) {
        assert.ok(Math.abs(heaped.losses[s] - plain.losses[s]) <= 1e-5 * Math.abs(plain.losses[s]), `step ${s}: ${heaped.losses[s]} vs ${plain.losses[s]}`);
      }
      let worst = 0;
      const a = plain.model.params.data, b = heaped.model.params.data;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      assert.ok(worst < 1e-4, `weights differ by ${worst}`);
    });
  }

  it('batch-1 generation runs its products zero-copy on the SIMD kernels', () => {
    const heapCtor = wasmFloatCtor(1 << 20)!;
    const { model } = train('lstm', asFloatCtor(heapCtor), 1);
    const before = { ...wasmStats };
    const one = Int32Array.of(3);
    model.forward(one, 1, 1);
    // 2 layers × (input projection + recurrent product) + head (M = 1: K·N ≥ 512 multiply-adds each).
    assert.strictEqual(wasmStats.zeroCopy - before.zeroCopy, 5);
    assert.strictEqual(wasmStats.copied, before.copied);
  });

  it('a full heap falls back to plain arrays (copied products), with the same results', () => {
    const plain = train('lstm', undefined, 3);
    const tiny = wasmFloatCtor(20000)!; // parameters fit, moments and caches do not
    const res = train('lstm', asFloatCtor(tiny), 3);
    assert.ok(tiny.overflow.arrays > 0);
    for (let s = 0; s < 3; s++) assert.ok(Math.abs(res.losses[s] - plain.losses[s]) <= 1e-5 * plain.losses[s]);
  });

  it('a model too large for one heap trains on plain arrays instead of failing', () => {
    assert.strictEqual(wasmFloatCtor(MAX_HEAP_FLOATS + 1), null);
    const huge = { vocabSize: 60000, embeddingSize: 512, rnn: { cell: 'lstm' as const, hiddenSize: 1024, numLayers: 2, bidirectional: false, merge: 'concat' as const, dropout: 0 } };
    assert.strictEqual(lmTrainingCtor(huge, 64, 256), Float32Array);
    const small = lmTrainingCtor({ ...huge, vocabSize: 50, embeddingSize: 8, rnn: { ...huge.rnn, hiddenSize: 16, numLayers: 1 } }, 4, 8);
    assert.notStrictEqual(small, Float32Array);
  });

  it('copies array-like arguments like new Float32Array(array)', () => {
    const c = wasmFloatCtor(100)!;
    const x = new c([1, 2.5, -3] as unknown as number);
    assert.deepStrictEqual(Array.from(x), [1, 2.5, -3]);
    assert.strictEqual(WasmHeap.ofBuffer(x.buffer), c.heap);
  });
});
