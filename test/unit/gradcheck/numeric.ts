// Central-difference gradient checking in Float64 (micrograd / llm.c test style): for every entry v of a
// tensor, (f(v + ε) − f(v − ε)) / 2ε is compared with the analytic gradient. Each check returns its worst
// error so the tests can print it.
import type { Floats } from '../../../src/engine/tensor';

export const EPS = 1e-6;

export interface GradError {
  name: string;
  maxAbs: number;
  maxRel: number;
  ok: boolean;
}

/**
 * Checks analytic gradient `analytic` of scalar `f` with respect to the values in `x` (perturbed in place and
 * restored). Tolerance: |a − n| ≤ atol + rtol·|n|.
 */
export function checkGradient(
  name: string, f: () => number, x: Floats, analytic: ArrayLike<number>, atol = 1e-7, rtol = 1e-5,
): GradError {
  if (analytic.length !== x.length) throw new Error(`${name}: ${analytic.length} gradients for ${x.length} values`);
  let maxAbs = 0, maxRel = 0, ok = true;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v + EPS;
    const fp = f();
    x[i] = v - EPS;
    const fm = f();
    x[i] = v;
    const num = (fp - fm) / (2 * EPS);
    const a = analytic[i];
    const abs = Math.abs(a - num);
    const rel = abs / Math.max(1e-12, Math.abs(a) + Math.abs(num));
    if (!(abs <= atol + rtol * Math.abs(num))) ok = false;
    if (!(abs <= maxAbs)) maxAbs = abs;
    if (Math.abs(num) > 1e-6 && !(rel <= maxRel)) maxRel = rel;
  }
  return { name, maxAbs, maxRel, ok };
}

/** Σ a·r: a random linear functional turns any output tensor into a scalar loss. */
export function dot(a: ArrayLike<number>, r: ArrayLike<number>, n = r.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * r[i];
  return s;
}

export function randomArray(n: number, rng: { normal(): number }, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

export function copyOf(a: Floats, n = a.length): Float64Array {
  return Float64Array.from(a.subarray(0, n));
}
