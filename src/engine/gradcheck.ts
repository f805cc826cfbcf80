// Central-difference gradient checking, the one implementation used by the experiments' "Check Gradients" job
// and by the unit tests (test/unit/gradcheck/numeric.ts re-exports it). For an entry v of a tensor the numeric
// derivative of a scalar loss f is
//   n = (f(v + ε) − f(v − ε)) / 2ε
// whose truncation error is ε²/6 · f'''(ξ) (Taylor expansion to third order) and whose rounding error is about
// u·|f|/ε with u = 2⁻⁵³ in Float64 (Press et al., Numerical Recipes §5.7). With ε = 1e-6 and losses of a few
// nats the total is ~1e-9 (the models' own rounding included: ≤ 2e-9 measured on the job's small language
// models), two orders under the tolerance. Hence Float64: in Float32 (u = 2⁻²⁴) the rounding error alone would be ~0.06.
import type { Floats } from './tensor';

/** The step ε of the central difference. */
export const GRADCHECK_EPSILON = 1e-6;

/**
 * The one pass criterion, |a − n| ≤ atol + rtol·|n| (numpy.allclose's form). rtol = 1e-5: any wrong term of a
 * backward pass (a missing factor, a dropped path) moves a gradient by far more than 1e-5 of itself. atol = 1e-7:
 * for small gradients the difference's own ~1e-9 rounding error dominates their relative error, so they are judged
 * absolutely, with a 50× margin over that error.
 */
export const GRADCHECK_TOLERANCE = { atol: 1e-7, rtol: 1e-5 } as const;

/** Numeric gradients smaller than this are left out of the reported worst relative error (see atol). */
const NEAR_ZERO = 1e-6;

/** The symmetric relative error |a − n| / (|a| + |n|) (CS231n's gradient-check notes use the max form). */
export function relativeError(analytic: number, numeric: number): number {
  return Math.abs(analytic - numeric) / Math.max(1e-12, Math.abs(analytic) + Math.abs(numeric));
}

export function withinTolerance(analytic: number, numeric: number): boolean {
  return Math.abs(analytic - numeric) <= GRADCHECK_TOLERANCE.atol + GRADCHECK_TOLERANCE.rtol * Math.abs(numeric);
}

/** (f(x[i] + ε) − f(x[i] − ε)) / 2ε, perturbing x in place and restoring it. */
export function centralDifference(f: () => number, x: Floats, i: number, epsilon = GRADCHECK_EPSILON): number {
  const v = x[i];
  x[i] = v + epsilon;
  const up = f();
  x[i] = v - epsilon;
  const down = f();
  x[i] = v;
  return (up - down) / (2 * epsilon);
}

export interface GradError {
  name: string;
  /** Entries compared. */
  checked: number;
  maxAbs: number;
  maxRel: number;
  ok: boolean;
}

/**
 * Compares the analytic gradient `analytic` of the scalar `f` with central differences for the values in `x`
 * (all of them, or only the indices given). x must be a Float64 tensor for the tolerance to hold.
 */
export function checkGradient(
  name: string, f: () => number, x: Floats, analytic: ArrayLike<number>, indices: readonly number[] | null = null,
): GradError {
  if (analytic.length !== x.length) throw new Error(`${name}: ${analytic.length} gradients for ${x.length} values`);
  let maxAbs = 0, maxRel = 0, ok = true;
  const count = indices === null ? x.length : indices.length;
  for (let k = 0; k < count; k++) {
    const i = indices === null ? k : indices[k];
    const num = centralDifference(f, x, i), a = analytic[i];
    const abs = Math.abs(a - num);
    if (!withinTolerance(a, num)) ok = false;
    // Written as !(≤) so that a NaN error is the worst one, not skipped.
    if (!(abs <= maxAbs)) maxAbs = abs;
    if (Math.abs(num) > NEAR_ZERO && !(relativeError(a, num) <= maxRel)) maxRel = relativeError(a, num);
  }
  return { name, checked: count, maxAbs, maxRel, ok };
}
