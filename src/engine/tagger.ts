// Many-to-many, aligned: one label per input token (part-of-speech or named-entity tagging).
//   tokens (B, T) with lengths → embedding → RecurrentStack (bidirectional is the usual choice: a tag depends on
//   both sides) → head Linear per position → tag logits (B, T, C) → cross-entropy over positions; padded
//   positions carry the ignore index in `tags` and count for nothing.
// Parameter names: embedding.weight, rnn.*, head.weight (C, O), head.bias (C).
// Legend: B batch, T time, E embedding, O recurrent output size, C tags.
import { RecurrentStack, type RecurrentConfig, type RecurrentForwardOptions } from './layers/recurrent';
import { crossEntropyBackward, crossEntropyForward, reductionScale, type Reduction } from './loss';
import { embeddingBackward, embeddingForward } from './ops/embedding';
import { linearBackward, linearForward } from './ops/linear';
import { ParamLayout, type Params } from './params';
import type { Rng } from './rng';
import type { FloatArrayCtor, Floats } from './tensor';
import type { NamedActivation } from './sentinel';

export interface TaggerConfig {
  vocabSize: number;
  embeddingSize: number;
  numTags: number;
  rnn: Omit<RecurrentConfig, 'inputSize'>;
}

export class SequenceTagger {
  readonly params: Params;
  readonly rnn: RecurrentStack;
  readonly C: number;
  private B = 0;
  private T = 0;
  private cap = 0;
  private tokens!: Int32Array;
  private emb!: Floats; // (B, T, E)
  /** (B, T, C) logits and probabilities of the last forward. */
  logits!: Floats;
  probs!: Floats;
  private dLogits!: Floats;
  private dOut!: Floats; // (B, T, O)
  private readonly counted = new Int32Array(1);

  constructor(readonly cfg: TaggerConfig, ctor: FloatArrayCtor = Float32Array) {
    const layout = new ParamLayout();
    layout.add('embedding.weight', [cfg.vocabSize, cfg.embeddingSize], { kind: 'normal', std: 1 });
    this.rnn = new RecurrentStack({ ...cfg.rnn, inputSize: cfg.embeddingSize }, 'rnn.', layout);
    this.C = cfg.numTags;
    const O = this.rnn.outputSize, bound = 1 / Math.sqrt(O);
    layout.add('head.weight', [this.C, O], { kind: 'uniform', bound });
    layout.add('head.bias', [this.C], { kind: 'uniform', bound });
    this.params = layout.allocate(ctor);
    this.rnn.bind(this.params);
  }

  initialize(rng: Rng): void {
    this.params.initialize(rng);
    this.rnn.postInitialize(this.params);
  }

  private ensure(B: number, T: number): void {
    [this.B, this.T] = [B, T];
    this.reserve(B, T);
  }

  /** Allocates every batch-sized buffer (the stack's too) for batches of up to B rows and T steps, so forwards
   *  within that size allocate nothing (grown, never shrunk; sizing/alloc.ts counts what this allocates). */
  reserve(B: number, T: number): void {
    this.rnn.reserve(B, T);
    if (B * T <= this.cap) return;
    const n = B * T, ctor = this.params.ctor;
    this.emb = new ctor(n * this.cfg.embeddingSize);
    this.logits = new ctor(n * this.C);
    this.probs = new ctor(n * this.C);
    this.dLogits = new ctor(n * this.C);
    this.dOut = new ctor(n * this.rnn.outputSize);
    this.cap = n;
  }

  /** The last forward's activations in order (sentinel.ts names the first non-finite one). */
  activations(): NamedActivation[] {
    const n = this.B * this.T;
    return [{ name: 'embedding output', values: this.emb.subarray(0, n * this.cfg.embeddingSize) }, ...this.rnn.activations(), { name: 'logits', values: this.logits.subarray(0, n * this.C) }];
  }

  /** tokens (B, T), lengths (B) or null. Returns logits (B, T, C). */
  forward(tokens: Int32Array, lengths: Int32Array | null, B: number, T: number, opts: Omit<RecurrentForwardOptions, 'lengths'> = {}): Floats {
    this.ensure(B, T);
    this.tokens = tokens;
    const p = this.params;
    embeddingForward(this.emb, p.value('embedding.weight'), tokens, B * T, this.cfg.embeddingSize, this.cfg.vocabSize);
    this.rnn.forward(this.emb, B, T, { ...opts, lengths });
    linearForward(this.logits, this.rnn.output, p.value('head.weight'), p.value('head.bias'), B * T, this.rnn.outputSize, this.C);
    return this.logits;
  }

  /** Cross-entropy over positions of the last forward; tags (B, T), ignoreIndex at padding. No backward. */
  loss(tags: Int32Array, reduction: Reduction, ignoreIndex = -1): { loss: number; count: number } {
    const total = crossEntropyForward(this.probs, this.logits, tags, this.B * this.T, this.C, ignoreIndex, this.counted);
    return { loss: total * reductionScale(reduction, this.counted[0]), count: this.counted[0] };
  }

  /** Loss, then backward into params.grad (accumulated). */
  lossAndBackward(tags: Int32Array, reduction: Reduction, ignoreIndex = -1): { loss: number; count: number } {
    const N = this.B * this.T, C = this.C, O = this.rnn.outputSize, p = this.params;
    const res = this.loss(tags, reduction, ignoreIndex);
    this.dLogits.fill(0, 0, N * C);
    crossEntropyBackward(this.dLogits, this.probs, tags, N, C, ignoreIndex, reductionScale(reduction, res.count));
    this.dOut.fill(0, 0, N * O);
    linearBackward(this.dOut, p.gradOf('head.weight'), p.gradOf('head.bias'), this.dLogits, this.rnn.output, p.value('head.weight'), N, O, C);
    this.rnn.backward(this.dOut);
    embeddingBackward(p.gradOf('embedding.weight'), this.rnn.dX, this.tokens, N, this.cfg.embeddingSize);
    return res;
  }

  /** out (B, T) ← argmax tag per position of the last forward (padding included: mask it yourself). */
  predict(out: Int32Array): void {
    const C = this.C;
    for (let n = 0; n < this.B * this.T; n++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (this.logits[n * C + c] > this.logits[n * C + best]) best = c;
      out[n] = best;
    }
  }
}
