// Portable TypeScript matrix-product kernels: the fallback when WebAssembly SIMD is unavailable, and the path
// for Float64Array (gradient checks). Register-blocked so each loaded value feeds several multiply-adds
// (a naive triple loop does one load per multiply-add and runs ~4× slower).
// Dimension legend: M rows of C, N its columns, K the reduced dimension. Offsets are in elements.
import type { Floats } from '../tensor';

/** C(M,N) (+)= A(M,K) · B(N,K)ᵀ — 2 rows of A × 2 rows of B per block: 4 dot products share their loads. */
export function ntJs(C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, accumulate: boolean): void {
  let m = 0;
  for (; m + 2 <= M; m += 2) {
    const a0 = aOff + m * K, a1 = a0 + K, c0 = cOff + m * N, c1 = c0 + N;
    let n = 0;
    for (; n + 2 <= N; n += 2) {
      const b0 = bOff + n * K, b1 = b0 + K;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k], x1 = A[a1 + k], w0 = B[b0 + k], w1 = B[b1 + k];
        s00 += x0 * w0; s01 += x0 * w1; s10 += x1 * w0; s11 += x1 * w1;
      }
      if (accumulate) { s00 += C[c0 + n]; s01 += C[c0 + n + 1]; s10 += C[c1 + n]; s11 += C[c1 + n + 1]; }
      C[c0 + n] = s00; C[c0 + n + 1] = s01; C[c1 + n] = s10; C[c1 + n + 1] = s11;
    }
    if (n < N) { dot(C, c0 + n, A, a0, B, bOff + n * K, K, accumulate); dot(C, c1 + n, A, a1, B, bOff + n * K, K, accumulate); }
  }
  if (m < M) for (let n = 0; n < N; n++) dot(C, cOff + m * N + n, A, aOff + m * K, B, bOff + n * K, K, accumulate);
}

function dot(C: Floats, c: number, A: Floats, a: number, B: Floats, b: number, K: number, accumulate: boolean): void {
  let s = 0;
  for (let k = 0; k < K; k++) s += A[a + k] * B[b + k];
  C[c] = accumulate ? C[c] + s : s;
}

/** C(M,N) (+)= A(M,K) · B(K,N). */
export function nnJs(C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, accumulate: boolean): void {
  outerJs(C, cOff, A, aOff, B, bOff, M, K, N, K, 1, accumulate);
}

/** C(M,N) (+)= A(K,M)ᵀ · B(K,N). */
export function tnJs(C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, accumulate: boolean): void {
  outerJs(C, cOff, A, aOff, B, bOff, M, K, N, 1, M, accumulate);
}

// C(M,N) (+)= Σ_k A[m·sm + k·sk] · B(k,:). Block: 2 rows × 4 columns = 8 accumulators in registers over k.
function outerJs(C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, sm: number, sk: number, accumulate: boolean): void {
  for (let m = 0; m < M; m += 2) {
    const two = m + 1 < M;
    const a0 = aOff + m * sm, a1 = two ? a0 + sm : a0, c0 = cOff + m * N, c1 = c0 + N;
    let n = 0;
    for (; n + 4 <= N; n += 4) {
      let p0 = 0, p1 = 0, p2 = 0, p3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
      for (let k = 0, pa = 0, pb = bOff + n; k < K; k++, pa += sk, pb += N) {
        const x = A[a0 + pa], y = A[a1 + pa], w0 = B[pb], w1 = B[pb + 1], w2 = B[pb + 2], w3 = B[pb + 3];
        p0 += x * w0; p1 += x * w1; p2 += x * w2; p3 += x * w3;
        q0 += y * w0; q1 += y * w1; q2 += y * w2; q3 += y * w3;
      }
      store(C, c0 + n, p0, accumulate); store(C, c0 + n + 1, p1, accumulate);
      store(C, c0 + n + 2, p2, accumulate); store(C, c0 + n + 3, p3, accumulate);
      if (two) {
        store(C, c1 + n, q0, accumulate); store(C, c1 + n + 1, q1, accumulate);
        store(C, c1 + n + 2, q2, accumulate); store(C, c1 + n + 3, q3, accumulate);
      }
    }
    for (; n < N; n++) {
      let p = 0, q = 0;
      for (let k = 0, pa = 0, pb = bOff + n; k < K; k++, pa += sk, pb += N) { p += A[a0 + pa] * B[pb]; q += A[a1 + pa] * B[pb]; }
      store(C, c0 + n, p, accumulate);
      if (two) store(C, c1 + n, q, accumulate);
    }
  }
}

function store(C: Floats, i: number, s: number, accumulate: boolean): void {
  C[i] = accumulate ? C[i] + s : s;
}
