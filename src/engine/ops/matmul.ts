// Matrix-product kernels: the hot loops of training. Every buffer is row-major and contiguous, addressed by an
// element offset into a (possibly larger) arena, so the time loop never creates subarray views.
// Dimension legend: M rows of the result, N its columns, K the reduced dimension.
//
// Dispatch: Float32Array operands go to the WebAssembly SIMD kernels (src/engine/kernels, ~30–40 GFLOP/s vs
// ~2–4 for the TypeScript ones). Zero-copy when all three operands are views of one WasmHeap — allocate the
// model's arenas with `new WasmHeap(n).alloc(...)`; plain Float32Arrays are copied in and out of a scratch
// heap when the product is big enough to repay the copy. Float64Array (gradient checks), tiny products, and
// `setKernelBackend('js')` use the register-blocked TypeScript kernels in matmulJs.ts. All paths agree
// within float32 rounding (test/unit/matmul.test.ts checks each against a float64 naive reference).
import type { Floats } from '../tensor';
import { wasmWanted } from '../kernels/backend';
import { wasmProduct } from '../kernels/product';
import { nnJs, ntJs, tnJs } from './matmulJs';

// The switch lives in the kernel layer (pointwise steps obey it too); re-exported for the callers of products.
export { kernelBackend, setKernelBackend, type KernelBackend } from '../kernels/backend';

/** Below this many multiply-adds a JS→WASM call (even zero-copy) is not worth it. */
const MIN_WORK = 512;

// The copying path moves M·K + K·N + 2·M·N floats (memcpy speed) for M·K·N multiply-adds: worth it once each
// copied float feeds several multiply-adds (measured: at M = 1 a copy of B costs as much as the JS product).
function copyPays(M: number, K: number, N: number): boolean {
  return M >= 4 && M * K * N >= 4096;
}

/** C(M,N) (+)= A(M,K) · B(N,K)ᵀ — the forward of y = x·Wᵀ with W stored (out, in) as in PyTorch. */
export function matmulNT(
  C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  if (wasmWanted() && M * K * N >= MIN_WORK &&
    wasmProduct('nt', C, cOff, A, aOff, B, bOff, M, K, N, accumulate, copyPays(M, K, N))) return;
  ntJs(C, cOff, A, aOff, B, bOff, M, K, N, accumulate);
}

/** C(M,N) (+)= A(M,K) · B(K,N) — the input gradient dx = dy·W. */
export function matmulNN(
  C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  if (wasmWanted() && M * K * N >= MIN_WORK &&
    wasmProduct('nn', C, cOff, A, aOff, B, bOff, M, K, N, accumulate, copyPays(M, K, N))) return;
  nnJs(C, cOff, A, aOff, B, bOff, M, K, N, accumulate);
}

/** C(M,N) (+)= A(K,M)ᵀ · B(K,N) — the weight gradient dW = dyᵀ·x. */
export function matmulTN(
  C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  if (wasmWanted() && M * K * N >= MIN_WORK &&
    wasmProduct('tn', C, cOff, A, aOff, B, bOff, M, K, N, accumulate, copyPays(M, K, N))) return;
  tnJs(C, cOff, A, aOff, B, bOff, M, K, N, accumulate);
}
