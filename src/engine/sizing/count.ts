// Counting what a model allocates, without allocating it: `countFloats(setup)` runs `setup` with a "constructor"
// (the look-alike of alloc.ts) that records every size asked for and hands out views of ONE shared scratch
// buffer, so the model's own code runs — its constructor, `reserve` for the batch shapes, the optimizer's
// moments, the roll-back copy — and the result is what the same code will ask of a real heap. Views rather than
// empty arrays because setup code may read and write what it allocated (lengths, fills, copies); their values
// are garbage (every view aliases the same floats) and must never be used.
// Memory: the scratch is replaced by a larger one when a larger array is asked for, at least doubling, so
// counting holds at most about twice the largest single array, never the model (a model of 300 M floats in
// 40 arrays is counted with ~1.2 GB less than building it). Sizing by running a training step on plain arrays
// was tried and made peak memory 1.27× (instead of 0.76×) of params + grads + Adam + one batch on W2.
import { alignedFloats } from '../kernels/heap';
import type { FloatArrayCtor } from '../tensor';

/** Thrown inside `setup` to stop counting once the count passes the limit (the result is discarded). */
class PastLimit {}

/**
 * Floats a WasmHeap needs to hold everything `setup` allocates through the ctor it is given: Σ alignedFloats(n)
 * over the allocations (heap.ts pads each to 16 bytes), so a heap of this capacity fits them exactly. Past
 * `limit` counting stops (setup is abandoned mid-way, nothing larger is made) and Infinity is returned: a model
 * too large for a heap trains on plain arrays, and sizing it must not allocate its largest arrays first.
 */
export function countFloats(setup: (ctor: FloatArrayCtor) => unknown, limit = Infinity): number {
  let scratch = new ArrayBuffer(0);
  let total = 0;
  function CountingFloat32Array(arg: number | ArrayLike<number>): Float32Array {
    const n = typeof arg === 'number' ? arg : arg.length;
    total += alignedFloats(n);
    if (total > limit) throw new PastLimit();
    if (n * 4 > scratch.byteLength) scratch = new ArrayBuffer(Math.max(n * 4, Math.min(2 * scratch.byteLength, limit * 4)));
    return new Float32Array(scratch, 0, n);
  }
  CountingFloat32Array.prototype = Float32Array.prototype;
  try {
    setup(Object.assign(CountingFloat32Array, { BYTES_PER_ELEMENT: 4 }) as unknown as FloatArrayCtor);
  } catch (e) {
    if (e instanceof PastLimit) return Infinity;
    throw e;
  }
  return total;
}
