// A language model's inference twin on a WasmHeap: the same config and weights, with parameters, activation
// caches and (through params.ctor) the Completer's carried states in ONE heap, so every product of a
// suggestion — the batch-1 steps of re-reading the window and the beam's batch-K steps — runs on the SIMD
// kernels with no operand copies (product.ts). A model built the ordinary way (plain Float32Array) copies each
// operand into a scratch heap per product: at batch 1 that copy of W_hh is most of the work.
// Caches grow only (lm.ts, recurrent.ts, direction.ts `ensure`), and a heap never grows, so the twin sizes
// them once for the largest shapes it will see: one forward of (1, maxTokens) and one of (maxBatch, 1).
// Legend: V vocabulary, E embedding, H hidden, L layers.
import { gateCount } from '../cells/cell';
import { LanguageModel } from '../lm';
import { asFloatCtor, lmArenaFloats, wasmFloatCtor } from './alloc';

/** The twin, or null when this runtime has no WebAssembly SIMD (the caller keeps the model itself). */
export function inferenceTwin(lm: LanguageModel, maxTokens: number, maxBatch: number): LanguageModel | null {
  const c = lm.rnn.cfg;
  const ctor = wasmFloatCtor(lmArenaFloats({
    params: lm.params.data.length, vocab: lm.V, embed: lm.E, hidden: c.hiddenSize, layers: c.numLayers,
    gates: gateCount(c.cell), directions: lm.rnn.D, batch: 1, seqLen: 2 * (maxTokens + maxBatch),
  }));
  if (!ctor) return null;
  const twin = new LanguageModel(lm.cfg, asFloatCtor(ctor));
  twin.params.data.set(lm.params.data);
  const probe = new Int32Array(Math.max(maxTokens, maxBatch));
  twin.forward(probe, 1, maxTokens);
  twin.forward(probe, maxBatch, 1);
  return twin;
}
