// Counting floats by constructing the REAL model: the engine threads one `FloatArrayCtor` (params.ctor) through
// every allocation of a model — parameter and gradient arenas, optimizer moments, activation caches, carried
// states — so a ctor that records each size it is asked for learns the model's true layout from the model's own
// code (its tensor list, bridges, attention, merge weights, caches for a batch shape), with no formula to keep
// in step with it. Two uses, one recorder:
//   - layout only (`allocate` false): empty arrays are handed out, nothing of the model's size is allocated —
//     enough to count parameters before refusing a model too large for the machine (modelMemory.ts);
//   - a sizing run (`allocate` true): real zeroed arrays, so a training step can run and allocate its caches;
//     the sum sizes a WasmHeap exactly (trainingHeap.ts, inferenceTwin.ts).
// Why a constructor look-alike: a plain function called with `new` that returns an object yields that object
// (ECMA-262 [[Construct]]), as wasmFloatCtor (alloc.ts) does for heap views.
import type { FloatArrayCtor } from '../tensor';

/** Thrown (and caught by recordSizes) once a sizing run asks for more than its limit: stops a run for a model
 *  that will not get a heap anyway before it allocates that much twice. */
class OverLimit extends Error {}

/**
 * Runs `build` with a recording ctor; returns every size asked for, in order, or null when the running total
 * passed `limitFloats`. `build` must pass the ctor to what it constructs (new LanguageModel(cfg, ctor), …).
 * Throws what `build` throws.
 */
export function recordSizes(build: (ctor: FloatArrayCtor) => void, allocate: boolean, limitFloats = Infinity): number[] | null {
  const sizes: number[] = [];
  let total = 0;
  function RecordingFloat32Array(arg: number | ArrayLike<number>): Float32Array {
    const n = typeof arg === 'number' ? arg : arg.length;
    sizes.push(n);
    total += n;
    if (total > limitFloats) throw new OverLimit();
    if (!allocate) return new Float32Array(0);
    return typeof arg === 'number' ? new Float32Array(n) : Float32Array.from(arg);
  }
  // `x instanceof ctor` and `ctor.BYTES_PER_ELEMENT` behave as for Float32Array.
  RecordingFloat32Array.prototype = Float32Array.prototype;
  try {
    build(Object.assign(RecordingFloat32Array, { BYTES_PER_ELEMENT: 4 }) as unknown as FloatArrayCtor);
  } catch (e) {
    if (e instanceof OverLimit) return null;
    throw e;
  }
  return sizes;
}

/**
 * Floats in the parameter arena of the model `build` constructs, without allocating it. Throws what the
 * constructor throws.
 */
export function countParams(build: (ctor: FloatArrayCtor) => unknown): number {
  // Params allocates its value arena first (params.ts: data, then grad of the same length).
  return recordSizes((ctor) => void build(ctor), false)![0] ?? 0;
}

/**
 * Heap capacity (floats) that holds these allocations made in this order: WasmHeap.alloc rounds each up to
 * 16 bytes (4 floats), and wasmFloatCtor keeps a 4-float margin before the end (alloc.ts).
 */
export function heapFloatsFor(sizes: readonly number[]): number {
  let floats = 4;
  for (const n of sizes) floats += (n + 3) & ~3;
  return floats;
}
