// Inference twins on a WasmHeap: the same config and weights as a model, with parameters and activation caches in
// ONE heap sized for the largest shapes inference will use, so every product of a suggestion, a translation or a
// classification — batch-1 steps included — runs on the SIMD kernels with no operand copies (product.ts). A
// model built the ordinary way (plain Float32Array, e.g. loaded from a checkpoint) copies each operand into a
// scratch heap per product: at batch 1 that copy of W_hh is most of the work. A training model's own heap is
// sized for its training batches; inference shapes (a long source, a beam) would outgrow it.
// Caches grow only and a heap never grows, so each twin reserves its shapes up front (the models' `reserve*`),
// and the heap is sized by counting exactly that (alloc.ts sizedHeap). Decoding states live outside the heap
// (stepState.ts), so a twin does not fill up however long it is used.
// Legend: V vocabulary, E embedding, H hidden, L layers, S source tokens, K hypotheses, T tokens.
import { SequenceClassifier } from '../classifier';
import { LanguageModel } from '../lm';
import type { Params } from '../params';
import { Seq2Seq } from '../seq2seq/model';
import { SequenceTagger } from '../tagger';
import type { FloatArrayCtor } from '../tensor';
import { asFloatCtor, sizedHeap } from './alloc';

/** `build(ctor)` (a model of `model`'s config with its shapes reserved) on an exactly sized heap, holding
 *  `model`'s weights; null when this runtime has no WebAssembly SIMD or the twin would be too large. */
export function heapTwin<M extends { params: Params }>(model: M, build: (ctor: FloatArrayCtor) => M): M | null {
  const heap = sizedHeap(build);
  if (!heap) return null;
  const twin = build(asFloatCtor(heap));
  twin.params.data.set(model.params.data);
  return twin;
}

/** A language model's twin for one forward of (1, maxTokens) (a prompt chunk) and one of (maxBatch, 1) (a beam step). */
export function inferenceTwin(lm: LanguageModel, maxTokens: number, maxBatch: number): LanguageModel | null {
  return heapTwin(lm, (ctor) => {
    const twin = new LanguageModel(lm.cfg, ctor);
    twin.reserve(maxBatch, maxTokens, Math.max(maxTokens, maxBatch));
    return twin;
  });
}

/** A seq2seq model's twin for decoding sources of up to S tokens with up to K hypotheses (Seq2SeqStepDecoder). */
export function seq2seqTwin(model: Seq2Seq, S: number, K: number): Seq2Seq | null {
  return heapTwin(model, (ctor) => {
    const twin = new Seq2Seq(model.cfg, ctor);
    twin.reserveDecoding(S, K);
    return twin;
  });
}

/** A classifier's or tagger's twin for one sequence of up to T tokens at a time. */
export function sequenceTwin<M extends SequenceClassifier | SequenceTagger>(model: M, T: number): M | null {
  return heapTwin(model, (ctor) => {
    const twin = (model instanceof SequenceClassifier ? new SequenceClassifier(model.cfg, ctor) : new SequenceTagger((model as SequenceTagger).cfg, ctor)) as M;
    twin.reserve(1, T);
    return twin;
  });
}
