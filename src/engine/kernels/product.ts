// Runs a matrix product on the WebAssembly SIMD kernels. Zero-copy when A, B and C are all views of the same
// WasmHeap (see heap.ts); otherwise the operands are copied into a private scratch heap and C is copied back.
// Dimension legend: M rows of C, N its columns, K the reduced dimension; offsets are in elements.
import type { Floats } from '../tensor';
import { WasmHeap, wasmAvailable } from './heap';

/** Which product: NT C=A·Bᵀ (A (M,K), B (N,K)), NN C=A·B (A (M,K), B (K,N)), TN C=Aᵀ·B (A (K,M), B (K,N)). */
export type ProductKind = 'nt' | 'nn' | 'tn';

let lastBuffer: ArrayBufferLike | null = null;
let lastHeap: WasmHeap | undefined;
let scratch: WasmHeap | null = null;
let scratchF32: Float32Array | null = null;
/** Products that went through the scratch copy (for tests and the bench to see which path ran). */
export const wasmStats = { zeroCopy: 0, copied: 0 };

function heapOf(buf: ArrayBufferLike): WasmHeap | undefined {
  if (buf !== lastBuffer) {
    lastBuffer = buf;
    lastHeap = WasmHeap.ofBuffer(buf);
  }
  return lastHeap;
}

/**
 * C (+)= product on the WASM kernels. Returns false (having done nothing) when the operands are not all
 * Float32Array or WASM SIMD is unavailable, so the caller falls back to the TypeScript kernels.
 * `copyOk` = whether the copying path is worth it for this size (the caller decides).
 */
export function wasmProduct(
  kind: ProductKind, C: Floats, cOff: number, A: Floats, aOff: number, B: Floats, bOff: number,
  M: number, K: number, N: number, accumulate: boolean, copyOk: boolean,
): boolean {
  if (!(C instanceof Float32Array && A instanceof Float32Array && B instanceof Float32Array)) return false;
  const buf = C.buffer;
  if (A.buffer === buf && B.buffer === buf) {
    const heap = heapOf(buf);
    if (heap) {
      wasmStats.zeroCopy++;
      heap.kernels[kind](C.byteOffset + cOff * 4, A.byteOffset + aOff * 4, B.byteOffset + bOff * 4, M, K, N,
        accumulate ? 1 : 0);
      return true;
    }
  }
  if (!copyOk || !wasmAvailable()) return false;
  wasmStats.copied++;
  const nA = M * K;
  const nB = K * N;
  const nC = M * N;
  // Layout in scratch (floats, 4-aligned so v128 loads stay within one cache line more often): A, B, C.
  const pA = 0;
  const pB = (nA + 3) & ~3;
  const pC = pB + ((nB + 3) & ~3);
  const f = ensureScratch(pC + nC);
  f.set(A.subarray(aOff, aOff + nA), pA);
  f.set(B.subarray(bOff, bOff + nB), pB);
  if (accumulate) f.set(C.subarray(cOff, cOff + nC), pC);
  const base = f.byteOffset;
  scratch!.kernels[kind](base + pC * 4, base + pA * 4, base + pB * 4, M, K, N, accumulate ? 1 : 0);
  C.set(f.subarray(pC, pC + nC), cOff);
  return true;
}

function ensureScratch(floats: number): Float32Array {
  if (!scratch || scratchF32!.length < floats) {
    // Replaced, never grown: growing would detach scratchF32 (harmless here, but a new heap is as cheap).
    scratch = new WasmHeap(Math.max(floats, (scratch?.capacity ?? 0) * 2, 1 << 16));
    scratchF32 = scratch.alloc(scratch.capacity - 4);
  }
  return scratchF32!;
}
