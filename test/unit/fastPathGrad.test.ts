// Gradients of the fast path, in float32: a language model on a WasmHeap (zero-copy SIMD products, SIMD pointwise
// LSTM / GRU cells) against the same model in Float64 (TypeScript kernels, exact Math.exp/tanh), whose
// gradients the central-difference checks of gradcheckRecurrent.test.ts verify. Every gradient must agree at
// the PyTorch fixtures' float32 tolerance |fast − ref| ≤ 1e-4 + 1e-3·|ref|, over 2 layers and a carried state.
import * as assert from 'node:assert/strict';
import { LanguageModel } from '../../src/engine/lm';
import { Rng } from '../../src/engine/rng';
import { asFloatCtor, sizedHeap, wasmFloatCtor } from '../../src/engine/sizing/alloc';
import { SequenceClassifier } from '../../src/engine/classifier';
import { OneToMany } from '../../src/engine/oneToMany';
import type { Params } from '../../src/engine/params';
import { Seq2Seq, type Seq2SeqConfig } from '../../src/engine/seq2seq/model';
import { SequenceTagger } from '../../src/engine/tagger';
import type { FloatArrayCtor } from '../../src/engine/tensor';
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
      const { worst, where } = worstGradientError(fast.params, ref.params);
      console.log(`      ${cell}: worst gradient error ${worst.toFixed(3)} of the tolerance (${where})`);
      assert.ok(worst <= 1, where);
    });
  }
});

// The other kinds, each on a heap sized by its own reserve (sizing/alloc.ts), against the same model in Float64:
// padded batches with mixed lengths, so masking runs on the fast path too.
describe('fast path gradients of every architecture (float32 on a sized WasmHeap) against Float64', () => {
  const Bs = 3, S = 6, Tt = 5, Vs = 13;
  const rng = new Rng(21);
  const ids = (n: number, lo = 4): Int32Array => Int32Array.from({ length: n }, () => lo + rng.int(Vs - lo));
  const src = ids(Bs * S), srcLengths = Int32Array.of(6, 3, 5), decIn = ids(Bs * Tt), targets = ids(Bs * Tt);
  for (let b = 0; b < Bs; b++) for (let j = srcLengths[b]; j < S; j++) src[b * S + j] = 0;
  targets[2 * Tt + 4] = 0; // PAD: ignored
  const labels = Int32Array.of(2, 0, 1), tags = Int32Array.from({ length: Bs * S }, (_, i) => (i % S < srcLengths[Math.floor(i / S)] ? i % 4 : -1));
  const cond = Float64Array.from({ length: Bs * 5 }, () => rng.uniform(-1, 1));
  const rnnCfg = (cell: 'lstm' | 'gru', bidirectional: boolean, merge: 'concat' | 'weighted' = 'concat') => ({ cell, hiddenSize: 16, numLayers: 2, bidirectional, merge, dropout: 0 });

  interface Model { params: Params; reserve(...a: number[]): void }
  const cases: [string, (ctor: FloatArrayCtor) => Model, (m: Model, f64: boolean) => void, number[]][] = [];
  const s2s: [string, Partial<Seq2SeqConfig>][] = [
    ['no attention, lstm, learned bridge', { bridge: 'always' }], ['dot, gru', { cell: 'gru', attention: 'dot' }],
    ['general, bidirectional encoder', { attention: 'general', encoder: { hiddenSize: 8, numLayers: 2, bidirectional: true } }],
    ['additive, Luong query', { attention: 'additive', attentionQuery: 'output' }],
    ['additive, location-aware (kernel 3), reversed source', { attention: 'additive', locationKernel: 3, reverseSource: true }],
  ];
  for (const [label, over] of s2s) {
    cases.push([`seq2seq ${label}`, (ctor) => new Seq2Seq({
      srcVocab: Vs, tgtVocab: Vs, embeddingSize: 8, cell: 'lstm', encoder: { hiddenSize: 16, numLayers: 2, bidirectional: false },
      decoder: { hiddenSize: 16, numLayers: 2 }, attention: 'none', attentionSize: 12, ...over,
    }, ctor), (m) => {
      (m as Seq2Seq).forward(src, srcLengths, Bs, S, decIn, Tt);
      (m as Seq2Seq).lossAndBackward(targets, 'sum');
    }, [Bs, S, Tt]]);
  }
  for (const [cell, bi, merge] of [['lstm', true, 'concat'], ['gru', true, 'weighted'], ['lstm', false, 'concat']] as const) {
    cases.push([`classifier ${cell}${bi ? ` bi ${merge}` : ''}`, (ctor) => new SequenceClassifier({ vocabSize: Vs, embeddingSize: 8, numClasses: 3, rnn: rnnCfg(cell, bi, merge) }, ctor), (m) => {
      (m as SequenceClassifier).forward(src, srcLengths, Bs, S);
      (m as SequenceClassifier).lossAndBackward(labels, 'sum');
    }, [Bs, S]]);
    cases.push([`tagger ${cell}${bi ? ` bi ${merge}` : ''}`, (ctor) => new SequenceTagger({ vocabSize: Vs, embeddingSize: 8, numTags: 4, rnn: rnnCfg(cell, bi, merge) }, ctor), (m) => {
      (m as SequenceTagger).forward(src, srcLengths, Bs, S);
      (m as SequenceTagger).lossAndBackward(tags, 'sum');
    }, [Bs, S]]);
  }
  for (const cell of ['lstm', 'gru'] as const) {
    cases.push([`one-to-many ${cell}, vector condition`, (ctor) => new OneToMany({
      vocabSize: Vs, embeddingSize: 8, condition: { kind: 'vector', size: 5 }, rnn: { cell, hiddenSize: 16, numLayers: 2, dropout: 0 },
    }, ctor), (m, f64) => {
      (m as OneToMany).forward(f64 ? cond : Float32Array.from(cond), decIn, Bs, Tt);
      (m as OneToMany).lossAndBackward(targets, 'sum');
    }, [Bs, Tt]]);
  }

  for (const [label, build, run, shape] of cases) {
    it(`${label}: every parameter gradient within 1e-4 + 1e-3·|ref|, every product zero-copy`, () => {
      const setup = (ctor: FloatArrayCtor) => {
        const m = build(ctor);
        m.reserve(...shape);
        return m;
      };
      const heap = sizedHeap(setup);
      assert.ok(heap, 'WebAssembly SIMD is available in Node');
      const fast = setup(asFloatCtor(heap)), ref = build(Float64Array);
      (ref as unknown as { initialize(r: Rng): void }).initialize(new Rng(11));
      for (let i = 0; i < ref.params.data.length; i++) ref.params.data[i] *= 2; // gates into their saturated ranges too
      fast.params.data.set(ref.params.data);
      const products = { ...wasmStats }, cells = pointwiseStats.lstm + pointwiseStats.gru;
      fast.params.zeroGrad();
      run(fast, false);
      assert.equal(wasmStats.copied, products.copied, 'no product copied its operands');
      assert.ok(pointwiseStats.lstm + pointwiseStats.gru > cells, 'the SIMD cells ran (padded batches included)');
      ref.params.zeroGrad();
      run(ref, true);
      assert.equal(heap.overflow.arrays, 0, 'nothing fell back to plain arrays');
      assert.equal(heap.heap.used, heap.sized);
      const { worst, where } = worstGradientError(fast.params, ref.params);
      console.log(`      ${label}: worst gradient error ${worst.toFixed(3)} of the tolerance (${where})`);
      assert.ok(worst <= 1, where);
    });
  }
});

/** The largest float32-vs-Float64 gradient difference, in units of the tolerance 1e-4 + 1e-3·|reference|. */
function worstGradientError(fast: Params, ref: Params): { worst: number; where: string } {
  let worst = 0, where = '';
  for (const e of ref.entries) {
    const g = fast.gradOf(e.name), r = ref.gradOf(e.name);
    for (let i = 0; i < r.length; i++) {
      const excess = Math.abs(g[i] - r[i]) / (1e-4 + 1e-3 * Math.abs(r[i]));
      if (excess > worst) [worst, where] = [excess, `${e.name}[${i}]: ${g[i]} vs ${r[i]}`];
    }
  }
  return { worst, where };
}
