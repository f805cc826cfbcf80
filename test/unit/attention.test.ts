// Attention (dot, general, additive) over several queries per row with padded sources: Float64 central-
// difference gradient checks of the encoder states, queries and every parameter; masking is exact (zero
// weight and zero gradient past a source's length); T queries at once equal T separate one-query calls.
import * as assert from 'node:assert/strict';
import { Attention, type AttentionScore } from '../../src/engine/attention';
import { ParamLayout } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { checkGradient, copyOf, dot, randomArray } from './gradcheck/numeric';

const B = 2, T = 3, S = 4, He = 5, A = 6;

function setup(score: AttentionScore) {
  const Hd = score === 'dot' ? He : 3;
  const layout = new ParamLayout();
  const attn = new Attention({ score, encoderSize: He, decoderSize: Hd, attentionSize: A }, 'attention.', layout);
  const params = layout.allocate(Float64Array);
  const rng = new Rng(7);
  params.initialize(rng);
  attn.bind(params);
  const enc = randomArray(B * S * He, rng), q = randomArray(B * T * Hd, rng);
  const rCtx = randomArray(B * T * He, rng), rW = randomArray(B * T * S, rng);
  const lengths = Int32Array.of(4, 2);
  return { attn, params, enc, q, rCtx, rW, lengths, Hd };
}

describe('attention', () => {
  for (const score of ['dot', 'general', 'additive'] as const) {
    it(`${score}: Float64 gradients match central differences`, () => {
      const { attn, params, enc, q, rCtx, rW, lengths, Hd } = setup(score);
      const f = (): number => {
        attn.forward(enc, B, S, lengths, q, T);
        return dot(attn.context, rCtx) + dot(attn.weights, rW);
      };
      f();
      params.zeroGrad();
      attn.backward(rCtx, rW);
      const checks = [
        checkGradient('enc', f, enc, copyOf(attn.dEnc, B * S * He)),
        checkGradient('query', f, q, copyOf(attn.dQuery, B * T * Hd)),
        ...params.entries.map((e) => checkGradient(e.name, f, params.value(e.name), copyOf(params.gradOf(e.name)))),
      ];
      for (const c of checks) console.log(`      ${score} ${c.name}: max rel err ${c.maxRel.toExponential(2)}`);
      assert.deepEqual(checks.filter((c) => !c.ok).map((c) => c.name), []);
    });

    it(`${score}: padding gets zero weight and zero gradient; rows sum to 1`, () => {
      const { attn, enc, q, rCtx, rW, lengths } = setup(score);
      attn.forward(enc, B, S, lengths, q, T);
      for (let t = 0; t < T; t++) {
        const r = (1 * T + t) * S;
        assert.equal(attn.weights[r + 2], 0);
        assert.equal(attn.weights[r + 3], 0);
        for (let b = 0; b < B; b++) {
          let sum = 0;
          for (let j = 0; j < S; j++) sum += attn.weights[(b * T + t) * S + j];
          assert.ok(Math.abs(sum - 1) < 1e-12);
        }
      }
      attn.backward(rCtx, rW);
      for (let j = 2; j < S; j++) for (let i = 0; i < He; i++) assert.equal(attn.dEnc[(1 * S + j) * He + i], 0);
    });

    it(`${score}: T queries at once equal T one-query calls`, () => {
      const { attn, enc, q, lengths, Hd } = setup(score);
      attn.forward(enc, B, S, lengths, q, T);
      const all = copyOf(attn.context, B * T * He);
      const one = new Float64Array(Hd);
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++) {
          one.set(q.subarray((b * T + t) * Hd, (b * T + t + 1) * Hd));
          attn.forward(enc.subarray(b * S * He, (b + 1) * S * He), 1, S, lengths.subarray(b, b + 1), one, 1);
          for (let i = 0; i < He; i++) assert.ok(Math.abs(attn.context[i] - all[(b * T + t) * He + i]) < 1e-12);
        }
    });
  }
});
