// A language model's inference twin on a WasmHeap: the same config and weights, with parameters, activation
// caches and (through params.ctor) the Completer's carried states in ONE heap, so every product of a
// suggestion — the batch-1 steps of re-reading the window and the beam's batch-K steps — runs on the SIMD
// kernels with no operand copies (product.ts). A model built the ordinary way (plain Float32Array) copies each
// operand into a scratch heap per product: at batch 1 that copy of W_hh is most of the work.
// Caches grow only (lm.ts, recurrent.ts, direction.ts `ensure`), and a heap never grows, so the twin sizes
// them once for the largest shapes it will see — one forward of (1, maxTokens) and one of (maxBatch, 1) — and
// its heap is sized by doing exactly that on a recording model (trainingHeap.ts measureHeapFloats), plus the
// carried states a Completer (prefix and beam) or a generation (prompt reader and decoder) grows to.
// Legend: V vocabulary, E embedding, H hidden, L layers, K hypotheses.
import { hasCellState } from '../cells/cell';
import { LanguageModel } from '../lm';
import { StepState } from '../stepState';
import type { FloatArrayCtor } from '../tensor';
import { measureHeapFloats } from './trainingHeap';
import { asFloatCtor, wasmFloatCtor } from './alloc';

/** The caches of the largest shapes the twin runs. */
function warm(model: LanguageModel, maxTokens: number, maxBatch: number): void {
  const probe = new Int32Array(Math.max(maxTokens, maxBatch));
  model.forward(probe, 1, maxTokens);
  model.forward(probe, maxBatch, 1);
}

/** Two carried states (a Completer's prefix and beam, or a generation's reader and decoder), each grown one
 *  hypothesis at a time to maxBatch: the most a StepState allocates on its way there (stepState.ts `ensure`). */
function growStates(model: LanguageModel, ctor: FloatArrayCtor, maxBatch: number): void {
  const c = model.rnn.cfg;
  for (let s = 0; s < 2; s++) {
    const state = new StepState(c.numLayers, c.hiddenSize, hasCellState(c.cell), ctor);
    for (let K = 1; K <= maxBatch; K++) state.replicate(null, null, K);
  }
}

/** The twin, or null when this runtime has no WebAssembly SIMD (the caller keeps the model itself). */
export function inferenceTwin(lm: LanguageModel, maxTokens: number, maxBatch: number): LanguageModel | null {
  const floats = measureHeapFloats(
    (ctor) => ({ model: new LanguageModel(lm.cfg, ctor), ctor }),
    ({ model, ctor }) => {
      warm(model, maxTokens, maxBatch);
      growStates(model, ctor, maxBatch);
    },
  );
  const ctor = floats === null ? null : wasmFloatCtor(floats);
  if (!ctor) return null;
  const twin = new LanguageModel(lm.cfg, asFloatCtor(ctor));
  twin.params.data.set(lm.params.data);
  warm(twin, maxTokens, maxBatch);
  return twin;
}
