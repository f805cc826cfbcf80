// Optimizers against independent naive per-element references written here in float64 straight from the
// torch.optim documented pseudo-code (torch 1.13 docs for SGD, Adam, AdamW, RMSprop), plus hand-computed single
// steps, the Adam step-1 closed form, checkpoint round trips and buffer identity.
import * as assert from 'node:assert/strict';
import { createOptimizer, type Optimizer, type OptimizerConfig } from '../../src/engine/optim';
import { ParamLayout, type Params } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import type { FloatArrayCtor } from '../../src/engine/tensor';

function makeParams(ctor: FloatArrayCtor = Float64Array): Params {
  const layout = new ParamLayout();
  layout.add('rnn.weight_ih_l0', [4, 3], { kind: 'uniform', bound: 1 });
  layout.add('rnn.bias_ih_l0', [4], { kind: 'uniform', bound: 1 });
  layout.add('head.weight', [2, 5], { kind: 'uniform', bound: 1 });
  return layout.allocate(ctor);
}

/** One parameter with given values and gradient (for hand-computed steps). */
function scalarParams(values: number[]): Params {
  const layout = new ParamLayout();
  layout.add('w', [values.length], { kind: 'zeros' });
  const p = layout.allocate(Float64Array);
  p.data.set(values);
  return p;
}

/** Seeded gradient sequence: varied magnitudes, some exact zeros, some negative. */
function gradSequence(rng: Rng, steps: number, n: number): number[][] {
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    const g: number[] = [];
    for (let i = 0; i < n; i++) g.push(i % 11 === 5 && t % 2 === 0 ? 0 : rng.normal() * Math.pow(10, rng.uniform(-3, 1)));
    out.push(g);
  }
  return out;
}

// ---- naive references: one element at a time, documented algorithm, float64 -------------------------------

type Hyper = Record<string, number | boolean>;

/** torch.optim.SGD documented algorithm for one scalar parameter. */
function refSgd(theta: number, gs: number[], lrs: number[], h: Hyper): number {
  const lambda = (h.weightDecay as number) ?? 0;
  const mu = (h.momentum as number) ?? 0;
  const tau = (h.dampening as number) ?? 0;
  let b = 0;
  for (let t = 1; t <= gs.length; t++) {
    let g = gs[t - 1];
    if (lambda !== 0) g = g + lambda * theta;
    if (mu !== 0) {
      if (t > 1) b = mu * b + (1 - tau) * g;
      else b = g;
      if (h.nesterov) g = g + mu * b;
      else g = b;
    }
    theta = theta - lrs[t - 1] * g;
  }
  return theta;
}

/** torch.optim.Adam / AdamW documented algorithm for one scalar parameter (bias-corrected m̂, v̂). */
function refAdam(theta: number, gs: number[], lrs: number[], h: Hyper, decoupled: boolean): number {
  const b1 = (h.beta1 as number) ?? 0.9;
  const b2 = (h.beta2 as number) ?? 0.999;
  const eps = (h.eps as number) ?? 1e-8;
  const lambda = (h.weightDecay as number) ?? (decoupled ? 1e-2 : 0);
  let m = 0;
  let v = 0;
  for (let t = 1; t <= gs.length; t++) {
    const lr = lrs[t - 1];
    let g = gs[t - 1];
    if (decoupled) theta = theta - lr * lambda * theta;
    else if (lambda !== 0) g = g + lambda * theta;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const mHat = m / (1 - b1 ** t);
    const vHat = v / (1 - b2 ** t);
    theta = theta - (lr * mHat) / (Math.sqrt(vHat) + eps);
  }
  return theta;
}

/** torch.optim.RMSprop documented algorithm for one scalar parameter. */
function refRmsprop(theta: number, gs: number[], lrs: number[], h: Hyper): number {
  const alpha = (h.alpha as number) ?? 0.99;
  const eps = (h.eps as number) ?? 1e-8;
  const lambda = (h.weightDecay as number) ?? 0;
  const mu = (h.momentum as number) ?? 0;
  let v = 0;
  let gAve = 0;
  let b = 0;
  for (let t = 1; t <= gs.length; t++) {
    let g = gs[t - 1];
    if (lambda !== 0) g = g + lambda * theta;
    v = alpha * v + (1 - alpha) * g * g;
    let vTilde = v;
    if (h.centered) {
      gAve = gAve * alpha + (1 - alpha) * g;
      vTilde = vTilde - gAve * gAve;
    }
    if (mu > 0) {
      b = mu * b + g / (Math.sqrt(vTilde) + eps);
      theta = theta - lrs[t - 1] * b;
    } else {
      theta = theta - (lrs[t - 1] * g) / (Math.sqrt(vTilde) + eps);
    }
  }
  return theta;
}

function reference(cfg: OptimizerConfig, theta: number, gs: number[], lrs: number[]): number {
  const { kind, ...h } = cfg;
  switch (kind) {
    case 'sgd':
      return refSgd(theta, gs, lrs, h);
    case 'adam':
      return refAdam(theta, gs, lrs, h, false);
    case 'adamw':
      return refAdam(theta, gs, lrs, h, true);
    case 'rmsprop':
      return refRmsprop(theta, gs, lrs, h);
  }
}

/** Runs the engine optimizer and the per-element reference; returns the max scaled error. */
function compareWithReference(cfg: OptimizerConfig, ctor: FloatArrayCtor, steps: number, seed: number): number {
  const rng = new Rng(seed);
  const params = makeParams(ctor);
  params.initialize(rng);
  const theta0 = Array.from(params.data);
  const n = params.size;
  const grads = gradSequence(rng, steps, n);
  const lrs = Array.from({ length: steps }, (_, t) => 0.05 / (1 + t)); // lr changes every step
  const opt = createOptimizer(params, cfg);
  for (let t = 0; t < steps; t++) {
    params.grad.set(grads[t]);
    opt.step(lrs[t]);
  }
  assert.equal(opt.stepCount, steps);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const ref = reference(
      cfg,
      theta0[i],
      grads.map((g) => g[i]),
      lrs,
    );
    const err = Math.abs(params.data[i] - ref) / (1 + Math.abs(ref));
    assert.ok(Number.isFinite(params.data[i]), `${cfg.kind}: non-finite at ${i}`);
    worst = Math.max(worst, err);
  }
  // The run must actually have moved the parameters, or a no-op optimizer would pass.
  let moved = 0;
  for (let i = 0; i < n; i++) moved = Math.max(moved, Math.abs(params.data[i] - theta0[i]));
  assert.ok(moved > 1e-3, `${cfg.kind}: parameters barely moved (${moved})`);
  return worst;
}

const CONFIGS: OptimizerConfig[] = [
  { kind: 'sgd' },
  { kind: 'sgd', weightDecay: 0.1 },
  { kind: 'sgd', momentum: 0.9 },
  { kind: 'sgd', momentum: 0.9, dampening: 0.3, weightDecay: 0.01 },
  { kind: 'sgd', momentum: 0.8, nesterov: true, weightDecay: 0.05 },
  { kind: 'adam' },
  { kind: 'adam', beta1: 0.5, beta2: 0.9, eps: 1e-4, weightDecay: 0.1 },
  { kind: 'adamw' },
  { kind: 'adamw', weightDecay: 0.3, beta1: 0.8 },
  { kind: 'rmsprop' },
  { kind: 'rmsprop', alpha: 0.9, weightDecay: 0.02 },
  { kind: 'rmsprop', momentum: 0.9 },
  { kind: 'rmsprop', centered: true },
  { kind: 'rmsprop', centered: true, momentum: 0.5, weightDecay: 0.01, eps: 1e-6 },
];

describe('optimizers vs naive torch-pseudo-code references', () => {
  for (const cfg of CONFIGS) {
    it(`${JSON.stringify(cfg)}: Float64 over 7 steps matches to 1e-12, Float32 to 1e-5`, () => {
      const e64 = compareWithReference(cfg, Float64Array, 7, 11);
      const e32 = compareWithReference(cfg, Float32Array, 7, 11);
      console.log(`      max scaled error: float64 ${e64.toExponential(2)}, float32 ${e32.toExponential(2)}`);
      assert.ok(e64 <= 1e-12, `float64 error ${e64}`);
      assert.ok(e32 <= 1e-5, `float32 error ${e32}`);
    });
  }
});

describe('optimizers: hand-computed steps', () => {
  const close = (a: number, b: number, tol = 1e-14) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

  it('SGD with momentum and weight decay', () => {
    const p = scalarParams([1]);
    const opt = createOptimizer(p, { kind: 'sgd', momentum: 0.9, weightDecay: 0.1 });
    p.grad[0] = 0.5;
    opt.step(0.1); // g = 0.5 + 0.1·1 = 0.6; b = 0.6; θ = 1 − 0.06
    close(p.data[0], 0.94);
    close(opt.moment('momentum_buffer')[0], 0.6);
    opt.step(0.1); // g = 0.5 + 0.094 = 0.594; b = 0.54 + 0.594 = 1.134; θ = 0.94 − 0.1134
    close(p.data[0], 0.8266);
  });

  it('SGD first momentum step is undamped (torch clones the gradient)', () => {
    const p = scalarParams([0]);
    const opt = createOptimizer(p, { kind: 'sgd', momentum: 0.9, dampening: 0.5 });
    p.grad[0] = 2;
    opt.step(1); // b = 2 (not 1)
    close(p.data[0], -2);
    opt.step(1); // b = 0.9·2 + 0.5·2 = 2.8
    close(p.data[0], -4.8);
  });

  it('SGD Nesterov', () => {
    const p = scalarParams([1]);
    const opt = createOptimizer(p, { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 0.1 });
    p.grad[0] = 0.5;
    opt.step(0.1); // g = 0.6, b = 0.6, update g + 0.9 b = 1.14
    close(p.data[0], 0.886);
  });

  it('plain SGD keeps no state and leaves the gradient arena alone', () => {
    const p = scalarParams([3, -1]);
    const opt = createOptimizer(p, { kind: 'sgd', weightDecay: 0.5 });
    p.grad.set([1, 2]);
    opt.step(0.1); // 3 − 0.1(1 + 1.5) = 2.75;  −1 − 0.1(2 − 0.5) = −1.15
    close(p.data[0], 2.75);
    close(p.data[1], -1.15);
    assert.deepEqual(Array.from(p.grad), [1, 2]);
    assert.deepEqual(opt.momentNames, []);
  });

  it('Adam step 1 equals the closed form lr·g/(|g|+eps)', () => {
    const rng = new Rng(5);
    const vals = [0, 1e-9, -1e-6, 3e-3, -0.7, 42];
    const p = scalarParams(vals.map(() => rng.uniform(-1, 1)));
    const before = Array.from(p.data);
    p.grad.set(vals);
    const lr = 0.01;
    const eps = 1e-8;
    createOptimizer(p, { kind: 'adam', eps }).step(lr);
    for (let i = 0; i < vals.length; i++) {
      const g = vals[i];
      close(p.data[i], before[i] - (lr * g) / (Math.abs(g) + eps), 1e-15);
    }
    // eps sits outside the root: for |g| = eps the step is exactly half of lr, for g = 0 it is 0.
    assert.equal(p.data[0], before[0]);
  });

  it('AdamW step 1: decoupled shrink then the Adam step', () => {
    const p = scalarParams([2]);
    p.grad[0] = -0.5;
    createOptimizer(p, { kind: 'adamw', weightDecay: 0.1 }).step(0.01);
    close(p.data[0], 2 * (1 - 0.001) + (0.01 * 0.5) / (0.5 + 1e-8));
  });

  it('Adam with weight decay folds λθ into the gradient (unlike AdamW)', () => {
    const p = scalarParams([2]);
    p.grad[0] = -0.1; // g = −0.1 + 0.1·2 = 0.1 > 0: the step goes down although the raw gradient is negative
    createOptimizer(p, { kind: 'adam', weightDecay: 0.1 }).step(0.01);
    close(p.data[0], 2 - (0.01 * 0.1) / (0.1 + 1e-8));
  });

  it('RMSprop step 1, plain and centered', () => {
    const p = scalarParams([1]);
    p.grad[0] = 0.2;
    createOptimizer(p, { kind: 'rmsprop' }).step(0.01); // v = 0.01·0.04; θ −= 0.01·0.2/(0.02 + 1e-8)
    close(p.data[0], 1 - (0.01 * 0.2) / (Math.sqrt(0.0004) + 1e-8));
    const q = scalarParams([1]);
    q.grad[0] = 0.2;
    createOptimizer(q, { kind: 'rmsprop', centered: true }).step(0.01); // ṽ = 0.0004 − (0.002)² = 0.000396
    close(q.data[0], 1 - (0.01 * 0.2) / (Math.sqrt(0.000396) + 1e-8));
  });

  it('rejects invalid hyperparameters as torch does', () => {
    const p = scalarParams([1]);
    assert.throws(() => createOptimizer(p, { kind: 'sgd', nesterov: true }), /Nesterov/);
    assert.throws(() => createOptimizer(p, { kind: 'sgd', nesterov: true, momentum: 0.9, dampening: 0.1 }), /Nesterov/);
    assert.throws(() => createOptimizer(p, { kind: 'adam', beta1: 1 }), /beta1/);
    assert.throws(() => createOptimizer(p, { kind: 'rmsprop', momentum: -1 }), /momentum/);
    assert.throws(() => createOptimizer(p, { kind: 'adam' }).step(-0.1), /lr/);
  });
});

describe('optimizer state', () => {
  const stateful: OptimizerConfig[] = [
    { kind: 'sgd', momentum: 0.9, nesterov: true },
    { kind: 'adam' },
    { kind: 'adamw', weightDecay: 0.05 },
    { kind: 'rmsprop', centered: true, momentum: 0.7 },
  ];
  for (const cfg of stateful) {
    it(`${cfg.kind}: restoring midway continues bit-identically`, () => {
      const rng = new Rng(21);
      const a = makeParams(Float32Array);
      a.initialize(rng);
      const grads = gradSequence(rng, 8, a.size);
      const optA = createOptimizer(a, cfg);
      const b = makeParams(Float32Array);
      const optB = createOptimizer(b, cfg);
      for (let t = 0; t < 8; t++) {
        if (t === 4) {
          // "checkpoint" A into a fresh B: parameters plus optimizer state (a JSON round trip, as a file would)
          const saved = JSON.parse(JSON.stringify({ ...optA.state(), moments: momentsAsArrays(optA) }));
          const moments: Record<string, Float32Array> = {};
          for (const k of Object.keys(saved.moments)) moments[k] = Float32Array.from(saved.moments[k] as number[]);
          b.data.set(a.data);
          optB.loadState({ kind: saved.kind, stepCount: saved.stepCount, moments });
          assert.equal(optB.stepCount, 4);
        }
        a.grad.set(grads[t]);
        optA.step(0.01);
        if (t >= 4) {
          b.grad.set(grads[t]);
          optB.step(0.01);
        }
      }
      assert.deepEqual(Array.from(b.data), Array.from(a.data));
      for (const name of optA.momentNames) assert.deepEqual(Array.from(optB.moment(name)), Array.from(optA.moment(name)));
    });
  }

  function momentsAsArrays(opt: Optimizer): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(opt.state().moments)) out[k] = Array.from(v);
    return out;
  }

  it('state() returns copies; loadState checks kind and sizes', () => {
    const p = makeParams();
    p.grad.fill(0.5);
    const opt = createOptimizer(p, { kind: 'adam' });
    opt.step(0.1);
    const s = opt.state();
    assert.notEqual(s.moments.exp_avg, opt.moment('exp_avg'));
    s.moments.exp_avg[0] = 123;
    assert.notEqual(opt.moment('exp_avg')[0], 123);
    assert.throws(() => createOptimizer(p, { kind: 'adamw' }).loadState(s), /adam/);
    const short = { ...s, moments: { exp_avg: new Float64Array(3), exp_avg_sq: new Float64Array(3) } };
    assert.throws(() => createOptimizer(p, { kind: 'adam' }).loadState(short), /expected/);
  });

  it('step() and loadState() keep using the same moment buffer objects', () => {
    for (const cfg of [{ kind: 'sgd', momentum: 0.9 }, { kind: 'adam' }, { kind: 'rmsprop', centered: true, momentum: 0.5 }] as OptimizerConfig[]) {
      const rng = new Rng(2);
      const p = makeParams();
      p.initialize(rng);
      const opt = createOptimizer(p, cfg);
      const bufs = opt.momentNames.map((n) => opt.moment(n));
      assert.ok(bufs.length > 0);
      for (const b of bufs) assert.equal(b.length, p.size);
      const dataBefore = p.data;
      for (let t = 0; t < 3; t++) {
        for (let i = 0; i < p.size; i++) p.grad[i] = rng.normal();
        const snap = bufs.map((b) => b.slice());
        opt.step(0.01);
        // the very same objects, and they were the ones updated
        opt.momentNames.forEach((n, k) => assert.equal(opt.moment(n), bufs[k]));
        assert.ok(bufs.some((b, k) => b.some((x, i) => x !== snap[k][i])), `${cfg.kind}: moments not updated in place`);
      }
      opt.loadState(opt.state());
      opt.momentNames.forEach((n, k) => assert.equal(opt.moment(n), bufs[k]));
      assert.equal(p.data, dataBefore);
    }
  });

  it('moment arenas have the parameter arena dtype', () => {
    const p32 = makeParams(Float32Array);
    assert.ok(createOptimizer(p32, { kind: 'adam' }).moment('exp_avg') instanceof Float32Array);
    const p64 = makeParams(Float64Array);
    assert.ok(createOptimizer(p64, { kind: 'rmsprop' }).moment('square_avg') instanceof Float64Array);
  });
});
