// Zero-copy training: a `FloatArrayCtor` whose `new ctor(n)` hands out views of ONE WasmHeap, so a model built
// with it (new LanguageModel(cfg, ctor), Seq2Seq, Classifier, …) keeps parameters, gradients, optimizer moments
// (`new params.ctor(n)`), activation caches and carried states in the heap, and every matrix product on them
// takes the zero-copy path of product.ts (no operand copies, and batch-1 products run on the SIMD kernels too).
//
// Why a constructor look-alike: the engine already threads `params.ctor` everywhere it allocates, so no module
// needs to know about heaps. A plain function called with `new` that returns an object yields that object (ECMA-262
// [[Construct]]), so `new HeapFloat32Array(n)` returns `heap.alloc(n)` — a genuine Float32Array.
//
// Capacity: heaps never grow (growing would detach every view, heap.ts). So a heap is sized from the REAL layout
// before it is made: `sizedHeapCtor(setup)` runs the caller's own setup (the model's constructor, its `reserve`
// for the batch shapes, the optimizer and roll-back arenas of TrainStep) once with a counting ctor (count.ts)
// and makes a heap of exactly the floats counted — no estimate, no headroom. The count includes heap.ts's
// 16-byte alignment of every allocation (alignedFloats), so a run that allocates what its setup did fills the
// heap to the float: the only slack is the rounding of the heap to whole 64 KiB WebAssembly pages.
// Should something allocate past that anyway, it falls back to a plain Float32Array (counted in `overflow`):
// still correct, those products just copy.
import { LanguageModel, type LmConfig } from '../lm';
import type { OptimizerConfig } from '../optim';
import type { FloatArrayCtor } from '../tensor';
import { TrainStep } from '../trainer';
import { alignedFloats, WasmHeap, wasmAvailable } from '../kernels/heap';
import { countFloats } from './count';

export interface HeapFloatCtor {
  /** Use with `new`: a zeroed Float32Array view of the heap (or a plain one when the heap is full). */
  new (n: number): Float32Array;
  readonly BYTES_PER_ELEMENT: 4;
  readonly heap: WasmHeap;
  /** Floats that did not fit and were allocated as plain arrays. */
  readonly overflow: { arrays: number; floats: number };
  /** Floats the heap was sized for (sizedHeapCtor: the count of its setup), alignment included. */
  readonly sized: number;
}

/**
 * Largest heap asked for: 1 GiB of floats. A 32-bit WebAssembly memory tops out at 4 GiB and a laptop's address
 * space and RAM much sooner; a model that needs more trains on plain arrays (correct, its products copy).
 */
export const MAX_HEAP_FLOATS = 2 ** 28;

/** A heap-backed Float32Array "constructor" holding up to `capacityFloats`; null without WASM SIMD, or when
 *  the heap would be too large or its memory cannot be had (the caller keeps Float32Array). */
export function wasmFloatCtor(capacityFloats: number): HeapFloatCtor | null {
  if (!wasmAvailable() || capacityFloats > MAX_HEAP_FLOATS) return null;
  let heap: WasmHeap;
  try {
    heap = new WasmHeap(capacityFloats);
  } catch {
    return null; // RangeError: the runtime would not reserve that much memory
  }
  const overflow = { arrays: 0, floats: 0 };
  function HeapFloat32Array(arg: number | ArrayLike<number>): Float32Array {
    const n = typeof arg === 'number' ? arg : arg.length;
    let a: Float32Array;
    if (alignedFloats(n) <= heap.free) a = heap.alloc(n);
    else {
      overflow.arrays++;
      overflow.floats += n;
      a = new Float32Array(n);
    }
    if (typeof arg !== 'number') a.set(arg);
    return a;
  }
  // `x instanceof ctor` and `ctor.BYTES_PER_ELEMENT` behave as for Float32Array.
  HeapFloat32Array.prototype = Float32Array.prototype;
  return Object.assign(HeapFloat32Array, { BYTES_PER_ELEMENT: 4 as const, heap, overflow, sized: capacityFloats }) as unknown as HeapFloatCtor;
}

/** `wasmFloatCtor` typed for the engine's constructors (LanguageModel(cfg, ctor), ParamLayout.allocate(ctor)). */
export function asFloatCtor(c: HeapFloatCtor): FloatArrayCtor {
  return c as unknown as Float32ArrayConstructor;
}

/** The heap (and its counters) behind a ctor, or null for Float32Array / Float64Array. */
export function heapCtorOf(ctor: FloatArrayCtor): HeapFloatCtor | null {
  const c = ctor as unknown as Partial<HeapFloatCtor>;
  return c.heap instanceof WasmHeap ? (ctor as unknown as HeapFloatCtor) : null;
}

/**
 * A heap ctor holding exactly what `setup` allocates through the ctor it is given (counted first by running
 * `setup` on a counting ctor, count.ts); `setup` is then run again by the caller with the result. Float32Array
 * when this runtime has no WebAssembly SIMD or the count passes MAX_HEAP_FLOATS.
 */
export function sizedHeapCtor(setup: (ctor: FloatArrayCtor) => unknown): FloatArrayCtor {
  const c = sizedHeap(setup);
  return c ? asFloatCtor(c) : Float32Array;
}

/** sizedHeapCtor's heap itself, or null (no SIMD, or too large). */
export function sizedHeap(setup: (ctor: FloatArrayCtor) => unknown): HeapFloatCtor | null {
  if (!wasmAvailable()) return null;
  const floats = countFloats(setup, MAX_HEAP_FLOATS);
  return Number.isFinite(floats) ? wasmFloatCtor(floats) : null;
}

/**
 * The heap ctor of a language-model training run driven outside the tasks (the editor's lmRun.ts, until the one
 * engine run replaces it): sized by counting what such a run allocates — the model, its caches for (batch,
 * seqLen), TrainStep's optimizer moments and roll-back copy — for the run's optimizer (Adam when not given).
 */
export function lmTrainingCtor(cfg: LmConfig, batch: number, seqLen: number, optimizer: OptimizerConfig = { kind: 'adam' }): FloatArrayCtor {
  return sizedHeapCtor((ctor) => {
    const model = new LanguageModel(cfg, ctor);
    model.reserve(batch, seqLen);
    return new TrainStep(model.params, { optimizer, schedule: { kind: 'constant', lr: 0 }, clipNorm: null });
  });
}
