// Every architecture trains on tiny seeded data through the shared TrainStep (clip + Adam): the loss falls and
// the model learns the toy rule; generation stops at EOS; step-by-step generation carries exactly the state a
// full forward computes.
import * as assert from 'node:assert/strict';
import { SequenceClassifier } from '../../src/engine/classifier';
import { PaddedBatch } from '../../src/engine/data/batch';
import { LanguageModel } from '../../src/engine/lm';
import { LmStepDecoder } from '../../src/engine/lmDecoder';
import { OneToMany, OneToManyStepDecoder } from '../../src/engine/oneToMany';
import { Rng } from '../../src/engine/rng';
import { decode } from '../../src/engine/sample';
import { SequenceTagger } from '../../src/engine/tagger';
import { BOS, EOS, NUM_SPECIAL } from '../../src/engine/tokenize/types';
import { TrainStep } from '../../src/engine/trainer';
import type { Params } from '../../src/engine/params';

const V = NUM_SPECIAL + 8;
const trainer = (p: Params, lr = 1e-2) => new TrainStep(p, { optimizer: { kind: 'adam' }, schedule: { kind: 'constant', lr }, clipNorm: 5 });
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
/** Three "languages", each writing words over its own 3 symbols (overlapping by one). */
const LANGS = [[4, 5, 6], [6, 7, 8], [8, 9, 10]];
function word(rng: Rng, lang: number, minLen = 2, maxLen = 6): number[] {
  return Array.from({ length: minLen + rng.int(maxLen - minLen + 1) }, () => LANGS[lang][rng.int(3)]);
}
const order = Int32Array.from({ length: 64 }, (_, i) => i);

describe('architectures on tiny seeded data', () => {
  it('many-to-one: a bidirectional GRU classifier learns which language a word is from', function () {
    this.timeout(10000);
    const rng = new Rng(11);
    const m = new SequenceClassifier({
      vocabSize: V, embeddingSize: 8, numClasses: 3,
      rnn: { cell: 'gru', hiddenSize: 16, numLayers: 1, bidirectional: true, merge: 'concat', dropout: 0 },
    });
    m.initialize(rng);
    const step = trainer(m.params), B = 32, batch = new PaddedBatch(B, 6), labels = new Int32Array(B), losses: number[] = [];
    const sample = (r: Rng, n: number) => {
      const langs = Array.from({ length: n }, () => r.int(3));
      return { langs, words: langs.map((l) => word(r, l)) };
    };
    for (let s = 0; s < 150; s++) {
      const { langs, words } = sample(rng, B);
      batch.fill(words, order, 0, B);
      labels.set(langs);
      losses.push(step.run(() => {
        m.forward(batch.tokens, batch.lengths, B, batch.steps);
        return m.lossAndBackward(labels, 'mean');
      }).loss);
    }
    const test = sample(new Rng(12), 64), tb = new PaddedBatch(64, 6), pred = new Int32Array(64);
    tb.fill(test.words, order, 0, 64);
    m.forward(tb.tokens, tb.lengths, 64, tb.steps);
    m.predict(pred);
    const acc = test.langs.filter((l, i) => pred[i] === l).length / 64;
    console.log(`      loss ${mean(losses.slice(0, 10)).toFixed(3)} → ${mean(losses.slice(-10)).toFixed(3)}, held-out accuracy ${acc.toFixed(3)}`);
    assert.ok(mean(losses.slice(-10)) < 0.5 * mean(losses.slice(0, 10)));
    assert.ok(acc >= 0.85, `accuracy ${acc}`);
  });

  it('many-to-many aligned: a bidirectional LSTM tagger learns a tag that needs both neighbours', function () {
    this.timeout(10000);
    const rng = new Rng(21);
    const m = new SequenceTagger({
      vocabSize: V, embeddingSize: 8, numTags: 3,
      rnn: { cell: 'lstm', hiddenSize: 16, numLayers: 1, bidirectional: true, merge: 'concat', dropout: 0 },
    });
    m.initialize(rng);
    // tag_t = 2 if the token equals its left neighbour, 1 if it equals its right neighbour, else 0.
    const tagOf = (w: number[]) => w.map((x, t) => (t > 0 && w[t - 1] === x ? 2 : t + 1 < w.length && w[t + 1] === x ? 1 : 0));
    const tr = trainer(m.params), B = 32, batch = new PaddedBatch(B, 7), tags = new Int32Array(B * 7), losses: number[] = [];
    const fillTags = (words: number[][], T: number, out: Int32Array) => {
      out.fill(-1, 0, words.length * T);
      words.forEach((w, b) => tagOf(w).forEach((g, t) => (out[b * T + t] = g)));
    };
    const words = (r: Rng, n: number) => Array.from({ length: n }, () => Array.from({ length: 2 + r.int(6) }, () => NUM_SPECIAL + r.int(3)));
    for (let s = 0; s < 200; s++) {
      const ws = words(rng, B);
      batch.fill(ws, order, 0, B);
      fillTags(ws, batch.steps, tags);
      losses.push(step(m, batch, tags));
    }
    function step(model: SequenceTagger, b: PaddedBatch, t: Int32Array): number {
      return tr.run(() => {
        model.forward(b.tokens, b.lengths, B, b.steps);
        return model.lossAndBackward(t, 'mean');
      }).loss;
    }
    const test = words(new Rng(22), 64), tb = new PaddedBatch(64, 7), tt = new Int32Array(64 * 7), pred = new Int32Array(64 * 7);
    tb.fill(test, order, 0, 64);
    fillTags(test, tb.steps, tt);
    m.forward(tb.tokens, tb.lengths, 64, tb.steps);
    m.predict(pred);
    let right = 0, total = 0;
    for (let i = 0; i < 64 * tb.steps; i++) if (tt[i] >= 0) [right, total] = [right + (pred[i] === tt[i] ? 1 : 0), total + 1];
    console.log(`      loss ${mean(losses.slice(0, 10)).toFixed(3)} → ${mean(losses.slice(-10)).toFixed(3)}, held-out token accuracy ${(right / total).toFixed(3)}`);
    assert.ok(mean(losses.slice(-10)) < 0.5 * mean(losses.slice(0, 10)));
    assert.ok(right / total >= 0.9, `accuracy ${right / total}`);
  });

  it('one-to-many: a label sets the initial state and the model makes up words of that language, stopping at EOS', function () {
    this.timeout(10000);
    const rng = new Rng(31);
    const m = new OneToMany({
      vocabSize: V, embeddingSize: 8, condition: { kind: 'label', numLabels: 3, size: 4 },
      rnn: { cell: 'lstm', hiddenSize: 16, numLayers: 1, dropout: 0 },
    });
    m.initialize(rng);
    const step = trainer(m.params), B = 32, inB = new PaddedBatch(B, 7), tgtB = new PaddedBatch(B, 7), labels = new Int32Array(B);
    const losses: number[] = [];
    for (let s = 0; s < 150; s++) {
      const langs = Array.from({ length: B }, () => rng.int(3)), ws = langs.map((l) => word(rng, l));
      labels.set(langs);
      inB.fill(ws, order, 0, B, { prefix: BOS });
      tgtB.fill(ws, order, 0, B, { suffix: EOS });
      losses.push(step.run(() => {
        m.forward(labels, inB.tokens, B, inB.steps);
        return m.lossAndBackward(tgtB.tokens, 'mean');
      }).loss);
    }
    console.log(`      loss ${mean(losses.slice(0, 10)).toFixed(3)} → ${mean(losses.slice(-10)).toFixed(3)}`);
    assert.ok(mean(losses.slice(-10)) < 0.6 * mean(losses.slice(0, 10)));
    for (let lang = 0; lang < 3; lang++) {
      const g = decode(new OneToManyStepDecoder(m, lang), { maxLength: 12, eos: EOS });
      assert.ok(g.finished, `language ${lang}: no EOS within 12 tokens (${g.tokens})`);
      assert.ok(g.tokens.length >= 1 && g.tokens.every((t) => LANGS[lang].includes(t)), `language ${lang}: ${g.tokens}`);
      const sRng = new Rng(40 + lang);
      for (let k = 0; k < 5; k++) {
        const w = decode(new OneToManyStepDecoder(m, lang), { strategy: 'sample', temperature: 0.7, maxLength: 12, eos: EOS, rng: sRng });
        console.log(`      language ${lang}: greedy ${g.tokens.join(' ')}; sampled ${w.tokens.join(' ')}`);
        assert.ok(w.tokens.filter((t) => LANGS[lang].includes(t)).length >= 0.8 * w.tokens.length);
      }
    }
  });

  it('one-to-one LM: generation feeds outputs back, stops at EOS, and carries the same state as a full forward', () => {
    const rng = new Rng(41);
    const lm = new LanguageModel({
      vocabSize: V, embeddingSize: 8, rnn: { cell: 'lstm', hiddenSize: 16, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0 },
    });
    lm.initialize(rng);
    const step = trainer(lm.params, 2e-2), cycle = [4, 5, 6, 7, 8, EOS], T = 12, B = 4;
    const x = new Int32Array(B * T), y = new Int32Array(B * T), losses: number[] = [];
    for (let s = 0; s < 120; s++) {
      for (let b = 0; b < B; b++) {
        const o = rng.int(6);
        for (let t = 0; t < T; t++) [x[b * T + t], y[b * T + t]] = [cycle[(o + t) % 6], cycle[(o + t + 1) % 6]];
      }
      losses.push(step.run(() => {
        lm.forward(x, B, T);
        return lm.lossAndBackward(y, 'mean');
      }).loss);
    }
    console.log(`      loss ${mean(losses.slice(0, 10)).toFixed(3)} → ${mean(losses.slice(-10)).toFixed(3)}`);
    assert.ok(mean(losses.slice(-10)) < 0.2 * mean(losses.slice(0, 10)));
    const g = decode(new LmStepDecoder(lm, [EOS, 4]), { maxLength: 20, eos: EOS });
    assert.deepEqual(g.tokens, [5, 6, 7, 8]);
    assert.ok(g.finished);
    // The same tokens through one full forward give the same per-step probabilities.
    const seq = Int32Array.of(EOS, 4, 5, 6, 7, 8);
    lm.forward(seq, 1, 6);
    lm.loss(Int32Array.of(4, 5, 6, 7, 8, EOS), 'sum');
    g.steps.forEach((st, i) => {
      assert.ok(Math.abs(lm.probs[(i + 1) * V + st.token] - st.prob) < 1e-5, `step ${i}`);
    });
  });
});
