// Many-to-one: sequence classification from the final state (e.g. "which language is this word").
//   tokens (B, T) with lengths → embedding → RecurrentStack (padding masked, so each row's final state is the
//   state at its own last token; a reverse direction's final state is at t = 0 after reading the whole row)
//   → top layer's final state(s) merged as the stack merges outputs: unidirectional h_N (H); bidirectional
//     concat [h_f; h_b] (2H), sum h_f + h_b, mean (h_f + h_b)/2, weighted α_f h_f + α_b h_b (the stack's own
//     `rnn.merge_weight_l{L−1}`, so the learned mix is shared with the outputs)
//   → head Linear → class logits (B, C) → cross-entropy.
// Parameter names: embedding.weight, rnn.*, head.weight (C, F), head.bias (C).
// Legend: B batch, T time, E embedding, H hidden, L layers, D directions, F feature size, C classes.
import { mergeRowBackward, mergeRowForward, mergeWeight } from './layers/merge';
import { RecurrentStack, type RecurrentConfig, type RecurrentForwardOptions } from './layers/recurrent';
import { crossEntropyBackward, crossEntropyForward, reductionScale, type Reduction } from './loss';
import { embeddingBackward, embeddingForward } from './ops/embedding';
import { linearBackward, linearForward } from './ops/linear';
import { ParamLayout, type Params } from './params';
import type { Rng } from './rng';
import type { FloatArrayCtor, Floats } from './tensor';
import type { NamedActivation } from './sentinel';

export interface ClassifierConfig {
  vocabSize: number;
  embeddingSize: number;
  numClasses: number;
  rnn: Omit<RecurrentConfig, 'inputSize'>;
}

export class SequenceClassifier {
  readonly params: Params;
  readonly rnn: RecurrentStack;
  /** Feature size F of the merged final state. */
  readonly F: number;
  readonly C: number;
  private B = 0;
  private T = 0;
  private capBT = 0;
  private capB = 0;
  private tokens!: Int32Array;
  private emb!: Floats; // (B, T, E)
  /** (B, F) merged final states, (B, C) logits and probabilities of the last forward. */
  features!: Floats;
  logits!: Floats;
  probs!: Floats;
  private dLogits!: Floats; // (B, C)
  private dFeat!: Floats; // (B, F)
  private dhN!: Floats; // (L·D, B, H)
  private readonly counted = new Int32Array(1);
  private alpha: Floats | null = null;
  private dAlpha: Floats | null = null;

  constructor(readonly cfg: ClassifierConfig, ctor: FloatArrayCtor = Float32Array) {
    const layout = new ParamLayout();
    layout.add('embedding.weight', [cfg.vocabSize, cfg.embeddingSize], { kind: 'normal', std: 1 });
    this.rnn = new RecurrentStack({ ...cfg.rnn, inputSize: cfg.embeddingSize }, 'rnn.', layout);
    this.F = this.rnn.outputSize;
    this.C = cfg.numClasses;
    const bound = 1 / Math.sqrt(this.F);
    layout.add('head.weight', [this.C, this.F], { kind: 'uniform', bound });
    layout.add('head.bias', [this.C], { kind: 'uniform', bound });
    this.params = layout.allocate(ctor);
    this.rnn.bind(this.params);
    const mw = `rnn.merge_weight_l${cfg.rnn.numLayers - 1}`;
    if (this.params.has(mw)) [this.alpha, this.dAlpha] = [this.params.value(mw), this.params.gradOf(mw)];
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
    const ctor = this.params.ctor, E = this.cfg.embeddingSize, { F, C } = this;
    if (B * T > this.capBT) {
      this.emb = new ctor(B * T * E);
      this.capBT = B * T;
    }
    if (B > this.capB) {
      this.features = new ctor(B * F);
      this.logits = new ctor(B * C);
      this.probs = new ctor(B * C);
      this.dLogits = new ctor(B * C);
      this.dFeat = new ctor(B * F);
      this.dhN = new ctor(this.cfg.rnn.numLayers * this.rnn.D * B * this.cfg.rnn.hiddenSize);
      this.capB = B;
    }
  }

  /** The last forward's activations in order (sentinel.ts names the first non-finite one). */
  activations(): NamedActivation[] {
    const { B, T } = this;
    return [
      { name: 'embedding output', values: this.emb.subarray(0, B * T * this.cfg.embeddingSize) }, ...this.rnn.activations(),
      { name: 'merged final states', values: this.features.subarray(0, B * this.F) }, { name: 'logits', values: this.logits.subarray(0, B * this.C) },
    ];
  }

  /** tokens (B, T), lengths (B) (null: all T). Returns logits (B, C). */
  forward(tokens: Int32Array, lengths: Int32Array | null, B: number, T: number, opts: Omit<RecurrentForwardOptions, 'lengths'> = {}): Floats {
    this.ensure(B, T);
    this.tokens = tokens;
    const { cfg } = this, E = cfg.embeddingSize;
    embeddingForward(this.emb, this.params.value('embedding.weight'), tokens, B * T, E, cfg.vocabSize);
    this.rnn.forward(this.emb, B, T, { ...opts, lengths });
    this.mergeFinal(B);
    linearForward(this.logits, this.features, this.params.value('head.weight'), this.params.value('head.bias'), B, this.F, this.C);
    return this.logits;
  }

  /** Index of top-layer direction d's final state row b in hN. */
  private hOff(d: number, b: number, B: number): number {
    const H = this.cfg.rnn.hiddenSize;
    return (((this.cfg.rnn.numLayers - 1) * this.rnn.D + d) * B + b) * H;
  }

  /** features (B, F) ← the top layer's final states merged by merge.ts's row helper, as the stack merges its outputs. */
  private mergeFinal(B: number): void {
    const H = this.cfg.rnn.hiddenSize, hN = this.rnn.hN, F = this.F, bi = this.rnn.D > 1, mode = this.cfg.rnn.merge;
    const wf = mergeWeight(mode, this.alpha, bi, 0), wb = mergeWeight(mode, this.alpha, bi, 1);
    for (let b = 0; b < B; b++)
      mergeRowForward(this.features, b * F, hN, this.hOff(0, b, B), bi ? hN : null, bi ? this.hOff(1, b, B) : 0, H, mode, wf, wb);
  }

  /** Cross-entropy of the last forward against labels (B) (ignoreIndex skipped), no backward. */
  loss(labels: Int32Array, reduction: Reduction, ignoreIndex = -1): { loss: number; count: number } {
    const total = crossEntropyForward(this.probs, this.logits, labels, this.B, this.C, ignoreIndex, this.counted);
    return { loss: total * reductionScale(reduction, this.counted[0]), count: this.counted[0] };
  }

  /** Loss, then backward into params.grad (accumulated). */
  lossAndBackward(labels: Int32Array, reduction: Reduction, ignoreIndex = -1): { loss: number; count: number } {
    const { B, T, C, F } = this, H = this.cfg.rnn.hiddenSize, E = this.cfg.embeddingSize, p = this.params;
    const res = this.loss(labels, reduction, ignoreIndex);
    this.dLogits.fill(0, 0, B * C);
    crossEntropyBackward(this.dLogits, this.probs, labels, B, C, ignoreIndex, reductionScale(reduction, res.count));
    this.dFeat.fill(0, 0, B * F);
    linearBackward(this.dFeat, p.gradOf('head.weight'), p.gradOf('head.bias'), this.dLogits, this.features, p.value('head.weight'), B, F, C);
    const dhN = this.dhN, hN = this.rnn.hN, bi = this.rnn.D > 1, mode = this.cfg.rnn.merge;
    const wf = mergeWeight(mode, this.alpha, bi, 0), wb = mergeWeight(mode, this.alpha, bi, 1);
    dhN.fill(0, 0, this.cfg.rnn.numLayers * this.rnn.D * B * H);
    // dAlpha accumulates term by term here (not via a Float64 batch sum as the stack's merge does), as it always has.
    for (let b = 0; b < B; b++) {
      const f = this.hOff(0, b, B), r = bi ? this.hOff(1, b, B) : 0;
      mergeRowBackward(dhN, f, bi ? dhN : null, r, this.dFeat, b * F, hN, f, bi ? hN : null, r, H, mode, wf, wb, this.dAlpha);
    }
    this.rnn.backward(null, dhN, null);
    embeddingBackward(p.gradOf('embedding.weight'), this.rnn.dX, this.tokens, B * T, E);
    return res;
  }

  /** out (B) ← argmax class of the last forward. */
  predict(out: Int32Array): void {
    for (let b = 0; b < this.B; b++) {
      let best = 0;
      for (let c = 1; c < this.C; c++) if (this.logits[b * this.C + c] > this.logits[b * this.C + best]) best = c;
      out[b] = best;
    }
  }
}
