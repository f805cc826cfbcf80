// Seq2seq end to end on tiny seeded data: teacher-forced training (and scheduled sampling) makes the loss fall
// and learns to reverse short sequences; greedy decoding then reproduces held-out reversals and stops at EOS;
// attention weights come back per decoded step; buffers are reused from step to step.
import * as assert from 'node:assert/strict';
import { PaddedBatch } from '../../src/engine/data/batch';
import { Rng } from '../../src/engine/rng';
import { decode } from '../../src/engine/sample';
import { Seq2Seq, type Seq2SeqConfig } from '../../src/engine/seq2seq/model';
import { Seq2SeqStepDecoder } from '../../src/engine/seq2seq/step';
import { BOS, EOS, NUM_SPECIAL } from '../../src/engine/tokenize/types';
import { TrainStep } from '../../src/engine/trainer';

const SYMBOLS = 6, V = NUM_SPECIAL + SYMBOLS;

function randomSeqs(rng: Rng, n: number, maxLen: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: 1 + rng.int(maxLen) }, () => NUM_SPECIAL + rng.int(SYMBOLS)));
}

export function trainReverse(cfg: Partial<Seq2SeqConfig>, steps: number, ratio = 1, seed = 1) {
  const rng = new Rng(seed);
  const model = new Seq2Seq({
    srcVocab: V, tgtVocab: V, embeddingSize: 16, cell: 'gru',
    encoder: { hiddenSize: 32, numLayers: 1, bidirectional: false }, decoder: { hiddenSize: 32, numLayers: 1 },
    attention: 'additive', ...cfg,
  });
  model.initialize(rng);
  const trainer = new TrainStep(model.params, { optimizer: { kind: 'adam' }, schedule: { kind: 'constant', lr: 1e-2 }, clipNorm: 5 });
  const B = 32, maxLen = 5;
  const srcB = new PaddedBatch(B, maxLen), inB = new PaddedBatch(B, maxLen + 1), tgtB = new PaddedBatch(B, maxLen + 1);
  const order = Int32Array.from({ length: B }, (_, i) => i);
  const losses: number[] = [];
  let buffers: unknown[] = [];
  for (let s = 0; s < steps; s++) {
    const xs = randomSeqs(rng, B, maxLen), ys = xs.map((x) => [...x].reverse());
    srcB.fill(xs, order, 0, B);
    inB.fill(ys, order, 0, B, { prefix: BOS });
    tgtB.fill(ys, order, 0, B, { suffix: EOS });
    const st = trainer.run(() => model.trainForwardBackward(
      srcB.tokens, srcB.lengths, B, srcB.steps, inB.tokens, tgtB.tokens, inB.steps, 'mean', ratio, rng));
    losses.push(st.loss);
    if (s === 1) buffers = [model.logits, model.encoder.output, model.decoder.output, model.attentionWeights];
    if (s === steps - 1) {
      const now = [model.logits, model.encoder.output, model.decoder.output, model.attentionWeights];
      assert.ok(now.every((b, i) => b === buffers[i]), 'training steps reallocated buffers');
    }
  }
  return { model, losses, rng };
}

function mean(a: number[]): number {
  return a.reduce((x, y) => x + y, 0) / a.length;
}

describe('seq2seq', () => {
  it('learns to reverse sequences of length ≤ 5 with additive attention; greedy decoding stops at EOS', function () {
    this.timeout(20000);
    const t0 = Date.now();
    const { model, losses } = trainReverse({}, 300);
    const first = mean(losses.slice(0, 10)), last = mean(losses.slice(-10));
    const test = randomSeqs(new Rng(99), 50, 5);
    let exact = 0;
    for (const x of test) {
      const r = decode(new Seq2SeqStepDecoder(model, x), { maxLength: 12, eos: EOS });
      if (r.finished && r.tokens.join() === [...x].reverse().join()) exact++;
      assert.equal(r.steps.length, r.finished ? r.tokens.length + 1 : r.tokens.length);
      for (const st of r.steps) {
        assert.equal(st.attention!.length, x.length);
        assert.ok(Math.abs(st.attention!.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      }
    }
    console.log(`      loss ${first.toFixed(3)} → ${last.toFixed(3)}; held-out exact match ${exact}/50; ${Date.now() - t0} ms`);
    assert.ok(last < 0.25 * first, `loss did not fall enough: ${first} → ${last}`);
    assert.ok(exact >= 40, `only ${exact}/50 exact reversals`);
  });

  it('without attention and with scheduled sampling (ratio 0.5) the loss still falls', function () {
    this.timeout(20000);
    for (const [cfg, ratio] of [[{ attention: 'none' }, 1], [{}, 0.5]] as const) {
      const { losses } = trainReverse(cfg, 60, ratio, 2);
      const first = mean(losses.slice(0, 5)), last = mean(losses.slice(-5));
      console.log(`      ${cfg.attention ?? 'additive'} ratio ${ratio}: loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
      assert.ok(last < 0.8 * first);
    }
  });

  it('scheduled sampling at ratio 1 draws nothing and equals teacher forcing; ratio 0 feeds the model its own argmax', () => {
    const { model } = trainReverse({ attention: 'dot' }, 0);
    const src = Int32Array.of(4, 5, 6), len = Int32Array.of(3);
    const decIn = Int32Array.of(BOS, 6, 5, 4), tgt = Int32Array.of(6, 5, 4, EOS);
    const rng = new Rng(5), before = rng.getState();
    model.params.zeroGrad();
    const a = model.trainForwardBackward(src, len, 1, 3, decIn, tgt, 4, 'sum', 1, rng);
    assert.deepEqual(rng.getState(), before);
    model.forward(src, len, 1, 3, decIn, 4);
    assert.ok(Math.abs(model.loss(tgt, 'sum').loss - a.loss) < 1e-6);
    // ratio 0: inputs 1… are the greedy predictions of the teacher-forced pass.
    model.forward(src, len, 1, 3, decIn, 4);
    const pred = [0, 1, 2].map((t) => {
      let best = 0;
      for (let v = 1; v < V; v++) if (model.logits[t * V + v] > model.logits[t * V + best]) best = v;
      return best;
    });
    const mixedIn = Int32Array.of(BOS, ...pred);
    model.forward(src, len, 1, 3, mixedIn, 4);
    const expected = model.loss(tgt, 'sum').loss;
    const b = model.trainForwardBackward(src, len, 1, 3, decIn, tgt, 4, 'sum', 0, new Rng(6));
    assert.ok(Math.abs(b.loss - expected) < 1e-6, `${b.loss} vs ${expected}`);
  });
});

describe('seq2seq: reversed source and location-aware attention', () => {
  const cfg = (over: Partial<Seq2SeqConfig>): Seq2SeqConfig => ({
    srcVocab: V, tgtVocab: V, embeddingSize: 5, cell: 'lstm', encoder: { hiddenSize: 6, numLayers: 2, bidirectional: false },
    decoder: { hiddenSize: 6, numLayers: 1 }, attention: 'additive', ...over,
  });
  const S = 4;
  it('reverseSource = the reverse half of a bidirectional encoder with the same weights, in source order', () => {
    const bi = new Seq2Seq(cfg({ encoder: { hiddenSize: 6, numLayers: 1, bidirectional: true } }));
    bi.initialize(new Rng(2));
    // One-layer reverse half of `bi` ← layer 0 of `rs` (its forward weights applied right to left).
    const one = new Seq2Seq(cfg({ reverseSource: true, encoder: { hiddenSize: 6, numLayers: 1, bidirectional: false } }));
    one.initialize(new Rng(1));
    for (const e of one.params.entries) if (e.name.startsWith('encoder.') || e.name === 'src_embedding.weight') {
      const to = e.name.startsWith('encoder.') ? `${e.name}_reverse` : e.name;
      bi.params.value(to).set(one.params.value(e.name));
    }
    const B = 2, x = Int32Array.of(4, 5, 6, 7, 9, 8, 4, 0), len = Int32Array.of(4, 3), Ce = 6;
    one.encode(x, len, B, S);
    bi.encode(x, len, B, S);
    let maxDiff = 0;
    for (let b = 0; b < B; b++)
      for (let j = 0; j < len[b]; j++)
        for (let i = 0; i < Ce; i++) {
          const a = one.encoderOutput[(b * S + j) * Ce + i], r = bi.encoderOutput[(b * S + j) * 2 * Ce + Ce + i];
          maxDiff = Math.max(maxDiff, Math.abs(a - r));
        }
    console.log(`      reversed source vs bidirectional reverse half: max diff ${maxDiff.toExponential(2)}`);
    assert.ok(maxDiff < 1e-6);
    // Annotation j holds nothing from the left of j: changing x_0 leaves every other position as it was.
    const before = Float32Array.from(one.encoderOutput.subarray(0, B * S * Ce));
    x[0] = 9;
    one.encode(x, len, B, S);
    for (let i = Ce; i < B * S * Ce; i++) assert.equal(one.encoderOutput[i], before[i]);
    assert.ok(Math.abs(one.encoderOutput[0] - before[0]) > 1e-6);
    assert.throws(() => new Seq2Seq(cfg({ reverseSource: true, encoder: { hiddenSize: 6, numLayers: 1, bidirectional: true } })), /unidirectional/);
  });

  it('location-aware attention: step-by-step (beam) decoding reproduces the teacher-forced chained weights', function () {
    this.timeout(20000);
    // Briefly trained (an untrained model's weights are near uniform and its hypotheses alike).
    const { model: m } = trainReverse({ locationKernel: 3, reverseSource: true }, 120, 1, 4);
    const x = [4, 5, 6, 7, 8];
    const r = decode(new Seq2SeqStepDecoder(m, x), { strategy: 'greedy', maxLength: 6, eos: EOS });
    const T = r.steps.length, dec = Int32Array.from([BOS, ...r.steps.slice(0, T - 1).map((s) => s.token)]);
    m.forward(Int32Array.from(x), Int32Array.of(x.length), 1, x.length, dec, T);
    let maxDiff = 0;
    for (let t = 0; t < T; t++)
      for (let j = 0; j < x.length; j++) maxDiff = Math.max(maxDiff, Math.abs(r.steps[t].attention![j] - m.attentionWeights![t * x.length + j]));
    console.log(`      ${T} greedy steps vs one teacher-forced pass: max attention diff ${maxDiff.toExponential(2)}`);
    assert.ok(T >= 3 && maxDiff < 1e-5);
    // A beam of 1 is greedy. Hypotheses keep their own previous weights through reorders: drive the step
    // decoder by hand (A = BOS 5 6, B = BOS 7 4; rows swap before the last step) against teacher forcing.
    const b1 = decode(new Seq2SeqStepDecoder(m, x), { strategy: 'beam', beamWidth: 1, maxLength: 6, eos: EOS });
    assert.deepEqual(b1.tokens, r.tokens);
    // A fresh model with sharpened scores, so that the two hypotheses really attend differently.
    const u = new Seq2Seq(cfg({ locationKernel: 3, reverseSource: true, cell: 'gru' }));
    u.initialize(new Rng(4));
    for (const [name, k] of [['attention.v', 4], ['attention.W_s', 3], ['attention.location.weight', 4]] as const) {
      const w = u.params.value(name);
      for (let i = 0; i < w.length; i++) w[i] *= k;
    }
    const S = x.length, tf = (inp: number[]): Float64Array => {
      u.forward(Int32Array.from(x), Int32Array.of(S), 1, S, Int32Array.from(inp), inp.length);
      return Float64Array.from(u.attentionWeights!.subarray(0, inp.length * S));
    };
    const A = tf([BOS, 5, 6]), Bw = tf([BOS, 7, 4]);
    const sd = new Seq2SeqStepDecoder(u, x), rows = (): Float64Array => Float64Array.from(sd.attention()!.weights.subarray(0, 2 * S));
    const near = (got: Float64Array, go: number, want: Float64Array, wo: number): void => {
      for (let j = 0; j < S; j++) assert.ok(Math.abs(got[go + j] - want[wo + j]) < 1e-5, `${got[go + j]} vs ${want[wo + j]}`);
    };
    sd.reset(1);
    sd.step(Int32Array.of(BOS), 1);
    sd.reorder(Int32Array.of(0, 0), 2);
    sd.step(Int32Array.of(5, 7), 2);
    let got = rows();
    near(got, 0, A, S);
    near(got, S, Bw, S);
    sd.reorder(Int32Array.of(1, 0), 2);
    sd.step(Int32Array.of(4, 6), 2);
    got = rows();
    near(got, 0, Bw, 2 * S);
    near(got, S, A, 2 * S);
    let differ = 0;
    for (let j = 0; j < S; j++) differ = Math.max(differ, Math.abs(A[2 * S + j] - Bw[2 * S + j]));
    assert.ok(differ > 1e-3, 'the two hypotheses should attend differently at their last step');
    // The location features matter: zeroing the conv changes the weights of steps after the first.
    m.params.value('attention.location.weight').fill(0);
    m.forward(Int32Array.from(x), Int32Array.of(x.length), 1, x.length, dec, T);
    let changed = 0;
    for (let j = 0; j < x.length; j++) changed = Math.max(changed, Math.abs(m.attentionWeights![x.length + j] - r.steps[1].attention![j]));
    assert.ok(changed > 1e-6, `location conv had no effect (${changed})`);
  });
});
