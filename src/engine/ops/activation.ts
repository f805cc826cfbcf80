// Scalar activations used inside the fused cell loops. Kept as tiny functions so V8 inlines them.

/** Logistic sigmoid σ(x) = 1 / (1 + e^(−x)), written to avoid overflow of e^(−x) for very negative x. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** d tanh/dx expressed through the output y = tanh(x): 1 − y². */
export function tanhGradFromOutput(y: number): number {
  return 1 - y * y;
}

/** dσ/dx expressed through the output y = σ(x): y(1 − y). */
export function sigmoidGradFromOutput(y: number): number {
  return y * (1 - y);
}
