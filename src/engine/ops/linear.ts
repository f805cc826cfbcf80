// Fully connected layer, torch.nn.Linear: y = x·Wᵀ + b with W (O, I) as in PyTorch's state_dict.
// Legend: N rows (e.g. B·T positions), I input features, O output features.
import { addBiasRows } from './bias';
import { matmulNN, matmulNT, matmulTN } from './matmul';
import type { Floats } from '../tensor';

/** y (N, O) = x (N, I) · W (O, I)ᵀ + b (O). */
export function linearForward(y: Floats, x: Floats, W: Floats, b: Floats | null, N: number, I: number, O: number): void {
  matmulNT(y, 0, x, 0, W, 0, N, I, O, false);
  if (b !== null) addBiasRows(y, 0, b, N, O);
}

/** Backward twin, accumulating: dx += dy·W (when dx given), dW += dyᵀ·x, db += Σ_n dy. */
export function linearBackward(
  dx: Floats | null, dW: Floats, db: Floats | null, dy: Floats, x: Floats, W: Floats, N: number, I: number, O: number,
): void {
  if (dx !== null) matmulNN(dx, 0, dy, 0, W, 0, N, O, I, true);
  matmulTN(dW, 0, dy, 0, x, 0, O, N, I, true);
  if (db !== null) for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) db[o] += dy[n * O + o];
}

/** Naive reference of linearForward (no kernel), for tests. */
export function linearForwardNaive(y: Floats, x: Floats, W: Floats, b: Floats | null, N: number, I: number, O: number): void {
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++) {
      let s = b === null ? 0 : b[o];
      for (let i = 0; i < I; i++) s += x[n * I + i] * W[o * I + i];
      y[n * O + o] = s;
    }
}
