// The engine's gradient check itself (src/engine/gradcheck.ts), on functions whose gradients are known in closed
// form: a correct gradient passes, a wrong one by more than the tolerance fails, near-zero gradients are judged
// absolutely, a NaN is never a pass, only the given entries are compared, and the values are restored.
import * as assert from 'node:assert/strict';
import { GRADCHECK_TOLERANCE, centralDifference, checkGradient, relativeError, withinTolerance } from '../../src/engine/gradcheck';

/** f(x) = Σ sin(x_i)·x_i², ∂f/∂x_i = cos(x_i)·x_i² + 2·x_i·sin(x_i). */
const f = (x: Float64Array) => () => x.reduce((s, v) => s + Math.sin(v) * v * v, 0);
const grad = (x: Float64Array) => Float64Array.from(x, (v) => Math.cos(v) * v * v + 2 * v * Math.sin(v));

describe('gradient check (engine)', () => {
  it('a correct analytic gradient passes and the values come back unchanged', () => {
    const x = Float64Array.from([0.3, -1.7, 2.2, 0.05, -0.9]), before = x.slice();
    const r = checkGradient('x', f(x), x, grad(x));
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.checked, 5);
    assert.ok(r.maxAbs < 1e-8, `max abs error ${r.maxAbs}`);
    assert.deepEqual(x, before);
  });

  it('an analytic gradient off by more than the tolerance fails, and one within it passes', () => {
    const x = Float64Array.from([0.3, -1.7, 2.2]), g = grad(x);
    const off = (rel: number) => Float64Array.from(g, (v, i) => (i === 1 ? v * (1 + rel) : v));
    assert.equal(checkGradient('x', f(x), x, off(1e-3)).ok, false);
    assert.equal(checkGradient('x', f(x), x, off(10 * GRADCHECK_TOLERANCE.rtol)).ok, false);
    assert.equal(checkGradient('x', f(x), x, off(GRADCHECK_TOLERANCE.rtol / 10)).ok, true);
  });

  it('near-zero gradients are judged absolutely, a NaN never passes', () => {
    assert.equal(withinTolerance(5e-8, 0), true);
    assert.equal(withinTolerance(5e-7, 0), false);
    assert.equal(withinTolerance(NaN, 1), false);
    const x = Float64Array.from([0.5]);
    const r = checkGradient('x', f(x), x, [NaN]);
    assert.equal(r.ok, false);
    assert.ok(Number.isNaN(r.maxAbs));
    assert.equal(relativeError(1, 1), 0);
    assert.equal(relativeError(1, 3), 0.5);
  });

  it('compares only the given entries', () => {
    const x = Float64Array.from([0.3, -1.7, 2.2, 0.05]), g = grad(x);
    g[2] = 99; // wrong, but not among the entries checked
    const r = checkGradient('x', f(x), x, g, [0, 3]);
    assert.deepEqual([r.checked, r.ok], [2, true]);
    assert.equal(checkGradient('x', f(x), x, g, [2]).ok, false);
    assert.ok(Math.abs(centralDifference(f(x), x, 1) - grad(x)[1]) < 1e-8);
  });
});
