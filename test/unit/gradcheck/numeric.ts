// Test helpers around the engine's gradient check (src/engine/gradcheck.ts: central differences in Float64, one
// named tolerance, the same code the experiments' "Check Gradients" job runs): random inputs and a random linear
// functional that turn any output tensor into a scalar loss. Each check returns its worst error so the tests can
// print it.
import type { Floats } from '../../../src/engine/tensor';

export { checkGradient, type GradError } from '../../../src/engine/gradcheck';

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
