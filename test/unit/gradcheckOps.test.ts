// Float64 central-difference gradient checks of every op (linear, embedding, cross-entropy with padding in
// both reductions) and of the whole language model, plus each op against its naive reference.
import * as assert from 'node:assert/strict';
import { LanguageModel } from '../../src/engine/lm';
import { crossEntropyBackward, crossEntropyForward, reductionScale } from '../../src/engine/loss';
import { embeddingBackward, embeddingForward } from '../../src/engine/ops/embedding';
import { linearBackward, linearForward, linearForwardNaive } from '../../src/engine/ops/linear';
import { Rng } from '../../src/engine/rng';
import { maxAbsDiff } from '../../src/engine/tensor';
import { checkGradient, dot, randomArray } from './gradcheck/numeric';

describe('gradient check (Float64): ops', () => {
  const rng = new Rng(3);

  it('linear: y = x·Wᵀ + b, against its naive reference and central differences', () => {
    const N = 3, I = 4, O = 5;
    const x = randomArray(N * I, rng), W = randomArray(O * I, rng), b = randomArray(O, rng), r = randomArray(N * O, rng);
    const y = new Float64Array(N * O), yRef = new Float64Array(N * O);
    linearForward(y, x, W, b, N, I, O);
    linearForwardNaive(yRef, x, W, b, N, I, O);
    assert.ok(maxAbsDiff(y, yRef) < 1e-12);
    const loss = (): number => {
      linearForward(y, x, W, b, N, I, O);
      return dot(y, r);
    };
    const dx = new Float64Array(N * I), dW = new Float64Array(O * I), db = new Float64Array(O);
    linearBackward(dx, dW, db, r, x, W, N, I, O);
    for (const [name, v, g] of [['x', x, dx], ['W', W, dW], ['b', b, db]] as const) {
      const e = checkGradient(name, loss, v, g);
      assert.ok(e.ok, `${name}: ${e.maxAbs}`);
    }
  });

  it('embedding accumulates into rows used more than once', () => {
    const V = 4, E = 3, N = 5;
    const W = randomArray(V * E, rng), tokens = Int32Array.from([1, 3, 1, 0, 1]), r = randomArray(N * E, rng);
    const out = new Float64Array(N * E);
    const loss = (): number => {
      embeddingForward(out, W, tokens, N, E, V);
      return dot(out, r);
    };
    const dW = new Float64Array(V * E);
    embeddingBackward(dW, r, tokens, N, E);
    const e = checkGradient('W', loss, W, dW);
    assert.ok(e.ok, `${e.maxAbs}`);
    assert.throws(() => embeddingForward(out, W, Int32Array.from([9]), 1, E, V), /outside the vocabulary/);
  });

  for (const reduction of ['sum', 'mean'] as const) {
    it(`cross-entropy (${reduction}) with an ignored position`, () => {
      const N = 4, V = 5;
      const z = randomArray(N * V, rng, 2), targets = Int32Array.from([2, -1, 0, 4]);
      const probs = new Float64Array(N * V), counted = new Int32Array(1);
      const loss = (): number => {
        const t = crossEntropyForward(probs, z, targets, N, V, -1, counted);
        return t * reductionScale(reduction, counted[0]);
      };
      const l = loss();
      // Naive: −log softmax at the target, averaged over the 3 counted positions for 'mean'.
      let naive = 0;
      for (const n of [0, 2, 3]) {
        const row = Array.from(z.subarray(n * V, n * V + V));
        const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
        naive += lse - row[targets[n]];
      }
      assert.ok(Math.abs(l - (reduction === 'mean' ? naive / 3 : naive)) < 1e-12);
      const dz = new Float64Array(N * V);
      crossEntropyBackward(dz, probs, targets, N, V, -1, reductionScale(reduction, 3));
      const e = checkGradient('logits', loss, z, dz);
      assert.ok(e.ok, `${e.maxAbs}`);
      assert.ok(dz.subarray(V, 2 * V).every((v) => v === 0), 'ignored position gets no gradient');
    });
  }

  it('the whole language model (embedding → 2-layer LSTM → head → mean cross-entropy)', () => {
    const lm = new LanguageModel({
      vocabSize: 6, embeddingSize: 3,
      rnn: { cell: 'lstm', hiddenSize: 4, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0 },
    }, Float64Array);
    lm.initialize(new Rng(1));
    const B = 2, T = 3;
    const tokens = Int32Array.from([0, 1, 2, 3, 4, 5]), targets = Int32Array.from([1, 2, -1, 4, 5, 0]);
    const loss = (): number => {
      lm.forward(tokens, B, T);
      return lm.loss(targets, 'mean').loss;
    };
    lm.forward(tokens, B, T);
    lm.params.zeroGrad();
    lm.lossAndBackward(targets, 'mean');
    const grads = Float64Array.from(lm.params.grad);
    for (const e of lm.params.entries) {
      const r = checkGradient(e.name, loss, lm.params.value(e.name), grads.subarray(e.offset, e.offset + e.size));
      assert.ok(r.ok, `${e.name}: ${r.maxAbs}`);
    }
  });
});
