// Clipping and gradient diagnostics against naive computations written here: torch's clip_grad_norm_ (norm of
// the per-tensor norms, clip_coef = max_norm / (total + 1e-6), applied only when < 1), clip_grad_value_,
// per-tensor and per-layer norms, and the first non-finite gradient.
import * as assert from 'node:assert/strict';
import {
  clipByGlobalNorm,
  clipByValue,
  firstNonFiniteGrad,
  gradNorms,
  groupNames,
  newClipStats,
} from '../../src/engine/optim';
import { ParamLayout, type Params } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import type { FloatArrayCtor } from '../../src/engine/tensor';

function makeParams(ctor: FloatArrayCtor = Float64Array): Params {
  const layout = new ParamLayout();
  const u = { kind: 'uniform', bound: 1 } as const;
  layout.add('embedding.weight', [6, 3], u);
  layout.add('rnn.weight_ih_l0', [8, 3], u);
  layout.add('rnn.weight_hh_l0', [8, 2], u);
  layout.add('rnn.weight_ih_l1', [8, 2], u);
  layout.add('head.weight', [6, 2], u);
  layout.add('rnn.bias_ih_l0', [8], u); // back to group rnn.l0 after others: groups need not be contiguous
  layout.add('head.bias', [6], u);
  return layout.allocate(ctor);
}

function fillGrads(p: Params, seed: number, scale: number): void {
  const rng = new Rng(seed);
  for (let i = 0; i < p.size; i++) p.grad[i] = rng.normal() * scale;
}

/** Naive per-tensor norms from the named views (not the arena loop), and torch's norm of norms. */
function naiveNorms(p: Params): { perTensor: number[]; total: number } {
  const perTensor = p.entries.map((e) => Math.sqrt(Array.from(p.gradOf(e.name)).reduce((s, x) => s + x * x, 0)));
  return { perTensor, total: Math.sqrt(perTensor.reduce((s, x) => s + x * x, 0)) };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('clipByGlobalNorm (clip_grad_norm_ semantics)', () => {
  it('reports the norm before clipping and scales by max_norm / (total + 1e-6)', () => {
    const p = makeParams();
    fillGrads(p, 1, 3);
    const before = Array.from(p.grad);
    const { total } = naiveNorms(p);
    assert.ok(total > 5, 'test needs a norm above max_norm');
    const s = clipByGlobalNorm(p, 1.5);
    assert.ok(rel(s.normBefore, total) < 1e-14, `${s.normBefore} vs ${total}`);
    assert.equal(s.clipped, true);
    const coef = 1.5 / (total + 1e-6);
    for (let i = 0; i < p.size; i++) assert.ok(Math.abs(p.grad[i] - before[i] * coef) <= 1e-15 * Math.abs(before[i]) + 1e-300);
    assert.ok(rel(s.normAfter, naiveNorms(p).total) < 1e-14);
    assert.ok(rel(s.normAfter, (1.5 * total) / (total + 1e-6)) < 1e-12);
    console.log(`      norm ${total.toFixed(6)} → ${s.normAfter.toFixed(9)} (max 1.5)`);
  });

  it('is a no-op below the max norm (gradients bit-identical)', () => {
    const p = makeParams(Float32Array);
    fillGrads(p, 2, 0.01);
    const before = Array.from(p.grad);
    const s = clipByGlobalNorm(p, 1);
    assert.equal(s.clipped, false);
    assert.equal(s.normAfter, s.normBefore);
    assert.ok(rel(s.normBefore, naiveNorms(p).total) < 1e-14);
    assert.deepEqual(Array.from(p.grad), before);
  });

  it('clips (barely) when the norm equals max_norm, as torch does because of the 1e-6', () => {
    const p = makeParams();
    fillGrads(p, 3, 1);
    const total = naiveNorms(p).total;
    const s = clipByGlobalNorm(p, total);
    assert.equal(s.clipped, true);
    assert.ok(s.normAfter < total && s.normAfter > total * (1 - 1e-5));
  });

  it('fills and returns the caller-owned stats object', () => {
    const p = makeParams();
    fillGrads(p, 4, 1);
    const stats = newClipStats();
    assert.equal(clipByGlobalNorm(p, 0.5, stats), stats);
    assert.equal(clipByGlobalNorm(p, 0.5, stats), stats);
    assert.ok(Math.abs(stats.normBefore - 0.5) < 1e-5); // second call sees the already clipped gradients
    assert.equal(stats.clipped, true); // 0.5·total/(total+1e-6) / (that + 1e-6) < 1 again
  });

  it('leaves NaN gradients alone and reports a NaN norm (torch with error_if_nonfinite=False)', () => {
    const p = makeParams();
    fillGrads(p, 5, 1);
    p.grad[7] = NaN;
    const s = clipByGlobalNorm(p, 0.1);
    assert.ok(Number.isNaN(s.normBefore));
    assert.equal(s.clipped, false);
    assert.equal(p.grad[0], new Rng(5).normal());
  });

  it('rejects a non-positive max norm', () => {
    assert.throws(() => clipByGlobalNorm(makeParams(), 0), /maxNorm/);
  });
});

describe('clipByValue (clip_grad_value_)', () => {
  it('clamps into [-c, c], counts the changes and leaves the rest', () => {
    const p = makeParams();
    fillGrads(p, 6, 1);
    const before = Array.from(p.grad);
    const expected = before.filter((x) => Math.abs(x) > 0.5).length;
    assert.ok(expected > 5 && expected < p.size - 5);
    assert.equal(clipByValue(p, 0.5), expected);
    for (let i = 0; i < p.size; i++) assert.equal(p.grad[i], Math.min(0.5, Math.max(-0.5, before[i])));
    assert.equal(clipByValue(p, 0.5), 0);
  });

  it('keeps NaN and clamps infinities', () => {
    const p = makeParams();
    p.grad[0] = NaN;
    p.grad[1] = Infinity;
    p.grad[2] = -Infinity;
    assert.equal(clipByValue(p, 2), 2);
    assert.ok(Number.isNaN(p.grad[0]));
    assert.equal(p.grad[1], 2);
    assert.equal(p.grad[2], -2);
  });
});

describe('gradNorms and groupNames', () => {
  it('lists layer groups once, in first-appearance order, as the same array every call', () => {
    const p = makeParams();
    const names = groupNames(p);
    assert.deepEqual(names, ['embedding', 'rnn.l0', 'rnn.l1', 'head']);
    assert.equal(groupNames(p), names);
  });

  it('per tensor and per group L2 norms match a naive computation', () => {
    const p = makeParams();
    fillGrads(p, 7, 2);
    const perTensor = new Float64Array(p.entries.length);
    const perGroup = new Float64Array(groupNames(p).length);
    const total = gradNorms(p, perTensor, perGroup);
    const naive = naiveNorms(p);
    naive.perTensor.forEach((x, k) => assert.ok(rel(perTensor[k], x) < 1e-14, p.entries[k].name));
    assert.ok(rel(total, naive.total) < 1e-14);
    for (const [gi, g] of groupNames(p).entries()) {
      const members = p.entries.filter((e) => e.group === g).map((e) => Array.from(p.gradOf(e.name)));
      const ref = Math.sqrt(members.flat().reduce((s, x) => s + x * x, 0));
      assert.ok(rel(perGroup[gi], ref) < 1e-14, g);
    }
    // rnn.l0 holds three tensors, one of them after other groups
    const l0 = ['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0'].map((n) => perTensor[p.entries.findIndex((e) => e.name === n)]);
    assert.ok(rel(perGroup[1], Math.hypot(...l0)) < 1e-14);
    // outputs are overwritten, not accumulated, on a second call
    gradNorms(p, perTensor, perGroup);
    assert.ok(rel(total, Math.hypot(...Array.from(perGroup))) < 1e-14);
  });

  it('rejects wrongly sized outputs', () => {
    const p = makeParams();
    assert.throws(() => gradNorms(p, new Float64Array(3), new Float64Array(4)), /perTensor/);
    assert.throws(() => gradNorms(p, new Float64Array(7), new Float64Array(3)), /perGroup/);
  });
});

describe('firstNonFiniteGrad', () => {
  it('names the first tensor holding NaN or ±Inf, or null', () => {
    const p = makeParams(Float32Array);
    fillGrads(p, 8, 1);
    assert.equal(firstNonFiniteGrad(p), null);
    p.gradOf('head.bias')[5] = NaN;
    assert.equal(firstNonFiniteGrad(p), 'head.bias');
    p.gradOf('rnn.weight_hh_l0')[0] = -Infinity;
    assert.equal(firstNonFiniteGrad(p), 'rnn.weight_hh_l0');
    p.gradOf('embedding.weight')[17] = Infinity;
    assert.equal(firstNonFiniteGrad(p), 'embedding.weight');
  });
});
