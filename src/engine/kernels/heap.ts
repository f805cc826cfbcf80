// WebAssembly memory for the engine's arenas, so the SIMD kernels (wasm/matmul.ts) run on them with NO copy.
//
// Why: the kernels can only read their own linear memory. Copying A, B (and C) in and C out on every call
// costs O(MK + KN + MN) against O(MKN) work — about 15% at (32,160,512), and most of the time at M = 1.
// Instead a model allocates its arenas (parameters, gradients, optimizer moments, activation caches) from ONE
// WasmHeap: `heap.alloc(n)` returns a Float32Array VIEW into the heap's WebAssembly.Memory; matmul on such
// views passes byte offsets to the kernels directly.
//
// Detaching: `memory.grow` detaches every existing view of a (non-shared) memory. A WasmHeap therefore never
// grows: its capacity is fixed when it is created (the model knows its sizes up front), `alloc` past it throws,
// and a second model simply gets a second heap (one Memory + one Instance of the already-compiled module,
// ~microseconds). Views stay valid for the heap's whole life.
//
// Arrays that are not in a heap (plain Float32Array) still work: they are copied into a private scratch heap,
// which may be replaced by a larger one (never grown in place, and it never hands out views).
import { KERNELS_WASM_BASE64 } from './kernelsBinary';

/** Kernel entry points; pointers are byte offsets into the instance's memory (see wasm/matmul.ts). */
export interface Kernels {
  nt(c: number, a: number, b: number, M: number, K: number, N: number, acc: number): void;
  nn(c: number, a: number, b: number, M: number, K: number, N: number, acc: number): void;
  tn(c: number, a: number, b: number, M: number, K: number, N: number, acc: number): void;
  /** Pointwise LSTM / GRU steps (wasm/cells.ts). */
  lstmCell(act: number, h: number, c: number, tc: number, gx: number, gh: number, hp: number, cp: number, B: number, H: number): void;
  gruCell(act: number, h: number, gx: number, gh: number, hp: number, B: number, H: number): void;
  /** y(N, C) += b(C) on every row (wasm/cells.ts). */
  addRows(y: number, b: number, N: number, C: number): void;
}

const PAGE = 65536;
/**
 * First byte handed out. Below it: address 0 kept unused, and from 64 the kernels' packing panel (wasm/matmul.ts
 * PACK, PACK_BYTES = 256 × 8 floats), which every memory they run on must leave free.
 */
const BASE = 64 + 256 * 8 * 4;
let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null when this runtime lacks WebAssembly SIMD. Compiled once, synchronously. */
export function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64)) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export function wasmAvailable(): boolean {
  return kernelModule() !== null;
}

/** Floats an allocation of n takes in a heap: n rounded up to 4, so every view starts 16-byte aligned (v128). */
export function alignedFloats(n: number): number {
  return (n + 3) & ~3;
}

const heapByBuffer = new WeakMap<ArrayBufferLike, WasmHeap>();

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  readonly kernels: Kernels;
  /** Capacity in floats (what `alloc` can hand out in total, before 16-byte alignment padding). */
  readonly capacity: number;
  private top = BASE;

  /** A heap able to hold `capacityFloats` floats. Throws if WebAssembly SIMD is unavailable. */
  constructor(capacityFloats: number) {
    const mod = kernelModule();
    if (!mod) throw new Error('WebAssembly SIMD is not available in this runtime');
    const pages = Math.max(1, Math.ceil((BASE + capacityFloats * 4 + 16) / PAGE));
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.kernels = new WebAssembly.Instance(mod, { env: { memory: this.memory } }).exports as unknown as Kernels;
    this.capacity = Math.floor((pages * PAGE - BASE) / 4);
    heapByBuffer.set(this.memory.buffer, this);
  }

  /** Floats still available. */
  get free(): number {
    return (this.memory.buffer.byteLength - this.top) >> 2;
  }

  /** Floats handed out so far, alignment padding included (Σ alignedFloats(n) over every alloc). */
  get used(): number {
    return (this.top - BASE) >> 2;
  }

  /** A zeroed Float32Array of n floats living in this heap, 16-byte aligned. Valid for the heap's life. */
  alloc(n: number): Float32Array {
    if (!Number.isInteger(n) || n < 0) throw new Error(`bad allocation size ${n}`);
    if (n > this.free) throw new Error(`WasmHeap full: asked ${n} floats, ${this.free} free of ${this.capacity}`);
    const view = new Float32Array(this.memory.buffer, this.top, n);
    this.top += alignedFloats(n) * 4;
    return view;
  }

  /** The heap whose memory is this buffer (e.g. `someView.buffer`), if any. */
  static ofBuffer(buf: ArrayBufferLike): WasmHeap | undefined {
    return heapByBuffer.get(buf);
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 → bytes without atob/Buffer, so the engine needs no host API. */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = B64.indexOf(clean[i]);
    if (v < 0) throw new Error(`bad base64 character ${clean[i]}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
