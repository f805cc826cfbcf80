// Which kernels Float32Array work runs on: the WebAssembly SIMD ones (default, when the runtime has them) or the
// TypeScript ones. One switch for products (ops/matmul.ts) and pointwise cell steps (pointwise.ts), so a test or
// the bench that asks for 'js' gets TypeScript everywhere. It lives in the kernel layer because pointwise.ts needs
// it and the kernel layer imports nothing above it.
import { wasmAvailable } from './heap';

export type KernelBackend = 'wasm' | 'js';
let useWasm = true;

/** 'wasm' (default, when the runtime has WebAssembly SIMD) or 'js' (TypeScript kernels only). */
export function setKernelBackend(backend: KernelBackend): void {
  useWasm = backend === 'wasm';
}

/** The backend Float32Array products actually use. */
export function kernelBackend(): KernelBackend {
  return useWasm && wasmAvailable() ? 'wasm' : 'js';
}

/** Whether the WebAssembly kernels are wanted (the caller still falls back when a product cannot run on them). */
export function wasmWanted(): boolean {
  return useWasm;
}
