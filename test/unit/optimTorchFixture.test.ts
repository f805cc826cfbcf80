// clip_grad_norm_ + one Adam step against PyTorch itself: every `lm_step` fixture (dispatching on `kind`, not
// the file name) in test/fixtures/torch/ and in $SEQLAB_TORCH_FIXTURES if set. The fixture's raw `grads` are
// loaded into a Params arena, so this checks the optimizer path without needing the LSTM forward/backward:
//   clipByGlobalNorm(max_norm)  vs  outputs.grad_norm_before_clip and clipped_grads
//   Adam(lr, betas, eps).step   vs  params_after_adam_step
// Tolerance (fixtures README): |ours − ref| <= 1e-4 + 1e-3·|ref| in Float32; 1e-12 relative in Float64.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clipByGlobalNorm, createOptimizer } from '../../src/engine/optim';
import { ParamLayout, type Params } from '../../src/engine/params';
import type { FloatArrayCtor } from '../../src/engine/tensor';

type Nested = number | Nested[];
type TensorMap = Record<string, Nested>;

interface LmStepFixture {
  name: string;
  kind: 'lm_step';
  config: { clip_grad_norm: number; adam: { lr: number; beta1: number; beta2: number; eps: number } };
  params: TensorMap;
  outputs: { grad_norm_before_clip: number };
  grads: TensorMap;
  clipped_grads: TensorMap;
  params_after_adam_step: TensorMap;
}

function shapeOf(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...shapeOf(x[0])] : [];
}

function flat(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

function fixtureFiles(): string[] {
  const dirs = [path.resolve(__dirname, '../../../test/fixtures/torch')];
  if (process.env.SEQLAB_TORCH_FIXTURES) dirs.push(path.resolve(process.env.SEQLAB_TORCH_FIXTURES));
  const files: string[] = [];
  for (const d of dirs) {
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).sort()) if (f.endsWith('.json')) files.push(path.join(d, f));
  }
  return files;
}

/** Params laid out in the fixture's state_dict order, values from `params`, gradients from `grads`. */
function loadParams(fx: LmStepFixture, ctor: FloatArrayCtor): Params {
  const layout = new ParamLayout();
  for (const [name, v] of Object.entries(fx.params)) layout.add(name, shapeOf(v), { kind: 'zeros' });
  const p = layout.allocate(ctor);
  const values: Record<string, number[]> = {};
  for (const [name, v] of Object.entries(fx.params)) values[name] = flat(v);
  p.load(values);
  for (const e of p.entries) {
    const g = flat(fx.grads[e.name]);
    assert.equal(g.length, e.size, `grads.${e.name} size`);
    p.gradOf(e.name).set(g);
  }
  return p;
}

/** Max |ours − ref| and the max of |ours − ref| / (abs + rel·|ref|) (≤ 1 passes) over a tensor map. */
function compare(p: Params, arena: 'data' | 'grad', ref: TensorMap, abs: number, relTol: number) {
  let maxDiff = 0;
  let worst = 0;
  let worstName = '';
  for (const e of p.entries) {
    const r = flat(ref[e.name]);
    const ours = arena === 'data' ? p.value(e.name) : p.gradOf(e.name);
    assert.equal(r.length, e.size, `${e.name} size`);
    for (let i = 0; i < e.size; i++) {
      const d = Math.abs(ours[i] - r[i]);
      maxDiff = Math.max(maxDiff, d);
      const ratio = d / (abs + relTol * Math.abs(r[i]));
      if (!(ratio <= worst)) {
        worst = ratio;
        worstName = `${e.name}[${i}]`;
      }
    }
  }
  return { maxDiff, worst, worstName };
}

describe('clip + Adam vs PyTorch lm_step fixtures', () => {
  const fixtures = fixtureFiles()
    .map((f) => ({ file: f, fx: JSON.parse(fs.readFileSync(f, 'utf8')) as { kind: string } }))
    .filter((x) => x.fx.kind === 'lm_step');

  it('finds at least one lm_step fixture', () => {
    assert.ok(fixtures.length > 0, 'no lm_step fixture in test/fixtures/torch');
  });

  for (const { file, fx: raw } of fixtures) {
    const fx = raw as LmStepFixture;
    const cases: [string, FloatArrayCtor, number, number][] = [
      ['Float32', Float32Array, 1e-4, 1e-3],
      ['Float64', Float64Array, 1e-14, 1e-12],
    ];
    for (const [label, ctor, abs, relTol] of cases) {
      it(`${path.basename(file)} (${fx.name}) in ${label}`, () => {
        const p = loadParams(fx, ctor);
        const stats = clipByGlobalNorm(p, fx.config.clip_grad_norm);
        const refNorm = fx.outputs.grad_norm_before_clip;
        const normDiff = Math.abs(stats.normBefore - refNorm);
        assert.equal(stats.clipped, refNorm + 1e-6 > fx.config.clip_grad_norm);
        const clip = compare(p, 'grad', fx.clipped_grads, abs, relTol);
        const adamCfg = fx.config.adam;
        const opt = createOptimizer(p, { kind: 'adam', beta1: adamCfg.beta1, beta2: adamCfg.beta2, eps: adamCfg.eps });
        opt.step(adamCfg.lr);
        const step = compare(p, 'data', fx.params_after_adam_step, abs, relTol);
        console.log(
          `      ${label}: |Δnorm| ${normDiff.toExponential(2)} (norm ${refNorm.toFixed(6)}, clipped ${stats.clipped}); ` +
            `clipped grads max |Δ| ${clip.maxDiff.toExponential(2)}; params after Adam max |Δ| ${step.maxDiff.toExponential(2)}`,
        );
        assert.ok(normDiff <= abs + relTol * Math.abs(refNorm), `grad_norm_before_clip: ${stats.normBefore} vs ${refNorm}`);
        assert.ok(clip.worst <= 1, `clipped_grads out of tolerance at ${clip.worstName} (${clip.worst}× the tolerance)`);
        assert.ok(step.worst <= 1, `params_after_adam_step out of tolerance at ${step.worstName} (${step.worst}× the tolerance)`);
      });
    }
  }
});
