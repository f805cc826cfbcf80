// Decoding strategies: the sampling distribution (temperature, top-k, top-p) against hand-computed values;
// draws follow it; sampled tokens stay inside the allowed set; a seed fixes the output; greedy stops at EOS;
// beam width 1 equals greedy; a wider beam never scores worse than greedy by the model's own log-probability;
// beam search works for seq2seq (with attention rows) and for the language model.
import * as assert from 'node:assert/strict';
import { LanguageModel } from '../../src/engine/lm';
import { LmStepDecoder } from '../../src/engine/lmDecoder';
import { Rng } from '../../src/engine/rng';
import { beamSearch, decode, drawToken, samplingDistribution, sampleSequence, type StepDecoder } from '../../src/engine/sample';
import { Seq2Seq } from '../../src/engine/seq2seq/model';
import { Seq2SeqStepDecoder } from '../../src/engine/seq2seq/step';
import { EOS } from '../../src/engine/tokenize/types';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-12) => b.forEach((x, i) => assert.ok(Math.abs(a[i] - x) < tol, `${i}: ${a[i]} vs ${x}`));

function lm(seed: number, V = 12): LanguageModel {
  const m = new LanguageModel({
    vocabSize: V, embeddingSize: 6, rnn: { cell: 'gru', hiddenSize: 8, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0 },
  }, Float64Array);
  m.initialize(new Rng(seed));
  // Sharper distributions than the default initialisation, so paths differ in interesting ways.
  const w = m.params.value('head.weight');
  for (let i = 0; i < w.length; i++) w[i] *= 4;
  m.params.value('head.bias')[EOS] += 2; // so that sequences do end
  return m;
}

function s2s(seed: number): Seq2Seq {
  const m = new Seq2Seq({
    srcVocab: 10, tgtVocab: 10, embeddingSize: 6, cell: 'lstm', encoder: { hiddenSize: 5, numLayers: 1, bidirectional: true },
    decoder: { hiddenSize: 8, numLayers: 1 }, attention: 'general',
  }, Float64Array);
  m.initialize(new Rng(seed));
  const w = m.params.value('head.weight');
  for (let i = 0; i < w.length; i++) w[i] *= 4;
  m.params.value('head.bias')[EOS] += 2;
  return m;
}

/** Independent scorer: log P(tokens [+ EOS]) by feeding the tokens one by one through a fresh decoder. */
function logProbOf(dec: StepDecoder, tokens: number[], withEos: boolean): number {
  const V = dec.vocabSize, seq = withEos ? [...tokens, EOS] : tokens;
  dec.reset(1);
  let prev = dec.startToken, total = 0;
  for (const tok of seq) {
    const z = dec.step(Int32Array.of(prev), 1);
    let max = -Infinity, sum = 0;
    for (let v = 0; v < V; v++) max = Math.max(max, z[v]);
    for (let v = 0; v < V; v++) sum += Math.exp(z[v] - max);
    total += z[tok] - max - Math.log(sum);
    prev = tok;
  }
  return total;
}

describe('decoding', () => {
  const logp = Float64Array.from([0.5, 0.3, 0.15, 0.05].map(Math.log));
  it('sampling distribution: temperature, top-k, top-p', () => {
    const d = new Float64Array(4);
    samplingDistribution(d, logp, 4, {});
    close(d, [0.5, 0.3, 0.15, 0.05]);
    samplingDistribution(d, logp, 4, { topK: 2 });
    close(d, [0.625, 0.375, 0, 0]);
    samplingDistribution(d, logp, 4, { topP: 0.7 });
    close(d, [0.625, 0.375, 0, 0]);
    samplingDistribution(d, logp, 4, { topP: 0.9 });
    close(d, [0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0]);
    samplingDistribution(d, logp, 4, { topP: 0.4 });
    close(d, [1, 0, 0, 0]);
    samplingDistribution(d, logp, 4, { temperature: 0.5 });
    const s = 0.25 + 0.09 + 0.0225 + 0.0025;
    close(d, [0.25 / s, 0.09 / s, 0.0225 / s, 0.0025 / s]);
  });

  it('draws follow the distribution and never pick a zero-probability token', () => {
    const d = Float64Array.of(0.2, 0, 0.5, 0.3, 0), counts = [0, 0, 0, 0, 0], rng = new Rng(1);
    for (let i = 0; i < 20000; i++) counts[drawToken(d, 5, rng)]++;
    assert.equal(counts[1] + counts[4], 0);
    [0.2, 0, 0.5, 0.3, 0].forEach((p, i) => assert.ok(Math.abs(counts[i] / 20000 - p) < 0.015, `${i}: ${counts[i]}`));
  });

  it('top-k and top-p sampling only emit allowed tokens; a seed fixes the output', () => {
    const m = lm(3);
    for (const opts of [{ topK: 3 }, { topP: 0.6 }, { topK: 4, topP: 0.8, temperature: 1.5 }]) {
      const run = (seed: number) => sampleSequence(new LmStepDecoder(m, [4, 5]), { strategy: 'sample', maxLength: 30, rng: new Rng(seed), alternatives: 12, ...opts });
      const r = run(7);
      for (const st of r.steps) {
        const rank = st.alternatives.findIndex((a) => a.token === st.token);
        assert.ok(rank >= 0);
        const { topK, topP, temperature } = opts as { topK?: number; topP?: number; temperature?: number };
        if (topK !== undefined) assert.ok(rank < topK, `rank ${rank}`);
        if (topP !== undefined && temperature === undefined) {
          const before = st.alternatives.slice(0, rank).reduce((a, b) => a + b.prob, 0);
          assert.ok(before < topP, `mass before the token ${before}`);
        }
      }
      assert.deepEqual(run(7).tokens, r.tokens);
      assert.notDeepEqual(run(8).tokens, r.tokens);
    }
  });

  it('greedy picks the argmax at every step and stops at EOS', () => {
    const m = s2s(5);
    let stopped = 0;
    for (let s = 0; s < 10; s++) {
      const src = Array.from({ length: 3 + (s % 3) }, (_, i) => 4 + ((s + i * 3) % 6));
      const r = decode(new Seq2SeqStepDecoder(m, src), { maxLength: 15, eos: EOS, alternatives: 3 });
      for (const st of r.steps) assert.equal(st.token, st.alternatives[0].token);
      if (r.finished) {
        stopped++;
        assert.equal(r.steps[r.steps.length - 1].token, EOS);
        assert.ok(!r.tokens.includes(EOS));
      } else assert.equal(r.tokens.length, 15);
    }
    assert.ok(stopped > 0, 'no greedy decode reached EOS');
  });

  it('beam width 1 equals greedy; wider beams never score worse than greedy (seq2seq and LM)', () => {
    const cases: [string, () => StepDecoder][] = [];
    for (let s = 0; s < 8; s++) {
      const m = s2s(10 + s);
      cases.push([`s2s ${s}`, () => new Seq2SeqStepDecoder(m, [4 + s % 6, 5, 9, 4 + (s * 7) % 6])]);
      const l = lm(20 + s);
      cases.push([`lm ${s}`, () => new LmStepDecoder(l, [4, 4 + s])]);
    }
    let strictlyBetter = 0;
    for (const [name, make] of cases) {
      const g = decode(make(), { maxLength: 10, eos: EOS });
      const b1 = beamSearch(make(), { maxLength: 10, eos: EOS, beamWidth: 1 })[0];
      assert.deepEqual(b1.tokens, g.tokens, name);
      assert.ok(Math.abs(b1.logProb - g.logProb) < 1e-9);
      assert.ok(Math.abs(logProbOf(make(), g.tokens, g.finished) - g.logProb) < 1e-9, 'greedy logProb is the model log-probability');
      for (const W of [2, 4, 8]) {
        const b = beamSearch(make(), { maxLength: 10, eos: EOS, beamWidth: W })[0];
        assert.ok(Math.abs(logProbOf(make(), b.tokens, b.finished) - b.logProb) < 1e-9, `${name} W=${W}: beam logProb is the model's`);
        if (b.finished === g.finished) {
          assert.ok(b.logProb >= g.logProb - 1e-9, `${name} W=${W}: beam ${b.logProb} < greedy ${g.logProb}`);
          if (b.logProb > g.logProb + 1e-9) strictlyBetter++;
        } else assert.ok(b.finished, `${name} W=${W}: beam unfinished while greedy finished`);
      }
    }
    console.log(`      ${strictlyBetter} of ${cases.length * 3} wider beams strictly beat greedy`);
    assert.ok(strictlyBetter > 0, 'beam search never found anything better than greedy: the test would not notice a broken beam');
  });

  it('unlikely hypotheses that end early do not stop the search before the best one reaches EOS', () => {
    // A scripted model over {EOS, a, b}: after a run of 'a' it says 'a' (p ≈ 0.999) until 12 tokens, then EOS;
    // after any 'b' it says EOS at once. Every step, the beam's runner-up is "…a b" and finishes one step later
    // at log p ≈ −7.6, so W finished hypotheses exist long before the best ("a"×12, log p ≈ −0.012) ends.
    const V = 3, END = 0, A = 1, Bt = 2, LEN = 12;
    const dec = (): StepDecoder => {
      let hyps: number[][] = [[]];
      const logits = new Float32Array(8 * V);
      return {
        vocabSize: V, startToken: A,
        reset: (K) => { hyps = Array.from({ length: K }, () => []); },
        step(tokens, K) {
          for (let k = 0; k < K; k++) {
            const h = hyps[k], row = logits.subarray(k * V, (k + 1) * V);
            h.push(tokens[k]); // the fed tokens: the start token, then the hypothesis's own outputs
            if (h.includes(Bt)) row.set([10, -10, -10]);
            else if (h.length > LEN) row.set([10, -10, -10]);
            else row.set([-10, 0, -7.6]);
          }
          return logits;
        },
        reorder(parents, K) { hyps = Array.from({ length: K }, (_, k) => [...hyps[parents[k]]]); },
        attention: () => null,
      };
    };
    const g = decode(dec(), { maxLength: 20, eos: END });
    assert.ok(g.finished && g.tokens.length === LEN && g.tokens.every((t) => t === A), `greedy: ${g.tokens}`);
    for (const W of [2, 3, 4]) {
      const b = beamSearch(dec(), { maxLength: 20, eos: END, beamWidth: W })[0];
      assert.deepEqual(b.tokens, g.tokens, `W=${W}`);
      assert.ok(b.logProb >= g.logProb - 1e-9);
    }
  });

  it('length normalisation ranks by logProb / length^α and returns attention rows per step', () => {
    const m = s2s(31);
    const src = [4, 7, 9, 5, 6];
    const res = beamSearch(new Seq2SeqStepDecoder(m, src), { maxLength: 12, eos: EOS, beamWidth: 5, lengthPenalty: 1 });
    for (const r of res) {
      assert.ok(Math.abs(r.score - r.logProb / r.steps.length) < 1e-12);
      for (const st of r.steps) assert.equal(st.attention!.length, src.length);
    }
    for (let i = 1; i < res.length; i++) assert.ok(res[i - 1].score >= res[i].score);
  });
});
