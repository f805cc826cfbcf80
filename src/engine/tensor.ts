// Typed-array helpers shared by every kernel. The engine computes in Float32Array for speed; gradient checks
// run the very same kernels in Float64Array, so every kernel is typed over `Floats`.

export type Floats = Float32Array | Float64Array;
export type FloatArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Row-major shape, e.g. [4 * H, I] for an LSTM input weight. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Sum of squares of a[off .. off+n). */
export function sumSquares(a: Floats, off = 0, n = a.length - off): number {
  let s = 0;
  for (let i = off; i < off + n; i++) s += a[i] * a[i];
  return s;
}

/** First index in a that is NaN or ±Infinity, or -1. */
export function firstNonFinite(a: Floats): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/** Largest |a[i] - b[i]|, for tests and fixture reports. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
