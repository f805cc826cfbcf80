// Zero-copy training: a `FloatArrayCtor` whose `new ctor(n)` hands out views of ONE WasmHeap, so a model built
// with it (new LanguageModel(cfg, ctor), Seq2Seq, Classifier, …) keeps parameters, gradients, optimizer moments
// (`new params.ctor(n)`), activation caches and carried states in the heap, and every matrix product on them
// takes the zero-copy path of product.ts (no operand copies, and batch-1 products run on the SIMD kernels too).
//
// Why a constructor look-alike: the engine already threads `params.ctor` everywhere it allocates, so no module
// needs to know about heaps. A plain function called with `new` that returns an object yields that object (ECMA-262
// [[Construct]]), so `new HeapFloat32Array(n)` returns `heap.alloc(n)` — a genuine Float32Array.
//
// Capacity: heaps never grow (growing would detach every view, heap.ts). When the heap is full, allocation
// falls back to a plain Float32Array (counted in `overflow`): still correct, those products just copy. So size
// the heap generously — only touched pages cost resident memory. `lmArenaFloats` estimates a language model's
// need. Opt-in per model: a caller passes the ctor (`lmTrainingCtor` below for language-model training runs).
import { gateCount } from '../cells/cell';
import type { LmConfig } from '../lm';
import type { FloatArrayCtor } from '../tensor';
import { WasmHeap, wasmAvailable } from '../kernels/heap';

export interface HeapFloatCtor {
  /** Use with `new`: a zeroed Float32Array view of the heap (or a plain one when the heap is full). */
  new (n: number): Float32Array;
  readonly BYTES_PER_ELEMENT: 4;
  readonly heap: WasmHeap;
  /** Floats that did not fit and were allocated as plain arrays. */
  readonly overflow: { arrays: number; floats: number };
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
    if (n <= heap.free - 4) a = heap.alloc(n);
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
  return Object.assign(HeapFloat32Array, { BYTES_PER_ELEMENT: 4 as const, heap, overflow }) as unknown as HeapFloatCtor;
}

/** `wasmFloatCtor` typed for the engine's constructors (LanguageModel(cfg, ctor), ParamLayout.allocate(ctor)). */
export function asFloatCtor(c: HeapFloatCtor): FloatArrayCtor {
  return c as unknown as Float32ArrayConstructor;
}

/**
 * Floats a recurrent language model trained with Adam needs in its heap, with ~25% headroom: parameters ×
 * (value, grad, 2 moments) + per position: logits/probs/dLogits (3·V), embeddings (≤ 3·E), head input gradient
 * (H), and per layer and direction ~(4·gates + 10)·H (gate pre-activations x/h, activations, their gradients;
 * states, cell, tanh c, layer output, dropout buffers, input gradients) + carried states. Measured use (B 32,
 * T 64, V 113, E 32) is 70–74% of this for LSTM 1×128, LSTM 2×256 and GRU 1×128.
 */
export function lmArenaFloats(o: {
  params: number; vocab: number; embed: number; hidden: number; layers: number; gates: number;
  directions?: number; batch: number; seqLen: number;
}): number {
  const D = o.directions ?? 1, BT = o.batch * o.seqLen;
  const perPos = 3 * o.vocab + 3 * o.embed + o.hidden + o.layers * D * (4 * o.gates + 10) * o.hidden;
  return Math.ceil(1.25 * (4 * o.params + BT * perPos + 8 * o.layers * D * o.batch * o.hidden)) + (1 << 16);
}

/**
 * The ctor a unidirectional language model trains fastest on: a WasmHeap sized by `lmArenaFloats` for batches of
 * (batch, seqLen), so its products are zero-copy and its cells run the SIMD pointwise kernels; Float32Array when
 * the runtime has no WebAssembly SIMD. Used by the CLI's and the editor's training runs alike.
 */
export function lmTrainingCtor(cfg: LmConfig, batch: number, seqLen: number): FloatArrayCtor {
  const { vocabSize: V, embeddingSize: E } = cfg, H = cfg.rnn.hiddenSize, L = cfg.rnn.numLayers, G = gateCount(cfg.rnn.cell) * H;
  let params = V * E + V * H + V;
  for (let l = 0; l < L; l++) params += G * ((l === 0 ? E : H) + H) + 2 * G;
  const ctor = wasmFloatCtor(lmArenaFloats({ params, vocab: V, embed: E, hidden: H, layers: L, gates: gateCount(cfg.rnn.cell), batch, seqLen }));
  return ctor ? asFloatCtor(ctor) : Float32Array;
}
