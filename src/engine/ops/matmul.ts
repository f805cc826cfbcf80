// Matrix-product kernels: the hot loops of training. Every buffer is row-major and contiguous, addressed by an
// element offset into a (possibly larger) arena, so the time loop never creates subarray views.
// Dimension legend: M rows of the result, N its columns, K the reduced dimension.
//
// These are the portable TypeScript kernels; a faster implementation may replace them behind the same
// signatures, and must give results equal to these within float32 rounding (tested).
import type { Floats } from '../tensor';

/** C(M,N) (+)= A(M,K) · B(N,K)ᵀ — the forward of y = x·Wᵀ with W stored (out, in) as in PyTorch. */
export function matmulNT(
  C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  for (let m = 0; m < M; m++) {
    const a = aOff + m * K;
    const c = cOff + m * N;
    for (let n = 0; n < N; n++) {
      const b = bOff + n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a + k] * B[b + k];
      C[c + n] = accumulate ? C[c + n] + s : s;
    }
  }
}

/** C(M,N) (+)= A(M,K) · B(K,N) — the input gradient dx = dy·W. */
export function matmulNN(
  C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  for (let m = 0; m < M; m++) {
    const c = cOff + m * N;
    if (!accumulate) for (let n = 0; n < N; n++) C[c + n] = 0;
    for (let k = 0; k < K; k++) {
      const a = A[aOff + m * K + k];
      if (a === 0) continue;
      const b = bOff + k * N;
      for (let n = 0; n < N; n++) C[c + n] += a * B[b + n];
    }
  }
}

/** C(M,N) (+)= A(K,M)ᵀ · B(K,N) — the weight gradient dW = dyᵀ·x. */
export function matmulTN(
  C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  if (!accumulate) for (let i = 0; i < M * N; i++) C[cOff + i] = 0;
  for (let k = 0; k < K; k++) {
    const aRow = aOff + k * M;
    const bRow = bOff + k * N;
    for (let m = 0; m < M; m++) {
      const a = A[aRow + m];
      if (a === 0) continue;
      const c = cOff + m * N;
      for (let n = 0; n < N; n++) C[c + n] += a * B[bRow + n];
    }
  }
}
