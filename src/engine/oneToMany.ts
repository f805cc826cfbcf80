// One-to-many: one input sets the initial state, then a sequence is generated from it ("make up a word in
// language X", captioning from an image vector). The condition is a class label (looked up in a learned
// embedding `condition.weight` (N, K)) or any given vector (K):
//   c (B, K) → h0 = tanh(init_h(c)) reshaped to (L, B, H)  [and c0 = tanh(init_c(c)) for the LSTM]
//   decIn (B, T) = [BOS, y…] → embedding → RecurrentStack from (h0, c0) → head → logits (B, T, V)
//   cross-entropy against [y…, EOS], padding (PAD by default) ignored. Generation: OneToManyStepDecoder.
// Parameter names: condition.weight, init_h.weight (L·H, K), init_h.bias, init_c.*, embedding.weight, rnn.*,
// head.weight (V, H), head.bias (V).
// Legend: B batch, T time, K condition size, N labels, L layers, H hidden, E embedding, V vocabulary.
import { hasCellState } from './cells/cell';
import { RecurrentStack, type RecurrentConfig } from './layers/recurrent';
import { crossEntropyBackward, crossEntropyForward, reductionScale, type Reduction } from './loss';
import { embeddingBackward, embeddingForward } from './ops/embedding';
import { linearBackward, linearForward } from './ops/linear';
import { ParamLayout, type Params } from './params';
import type { Rng } from './rng';
import type { StepDecoder } from './sample';
import type { NamedActivation } from './sentinel';
import { StepState } from './stepState';
import type { FloatArrayCtor, Floats } from './tensor';
import { BOS, PAD } from './tokenize/types';

export interface OneToManyConfig {
  vocabSize: number;
  embeddingSize: number;
  /** A label id per row (looked up in a learned embedding), or a given vector per row. */
  condition: { kind: 'label'; numLabels: number; size: number } | { kind: 'vector'; size: number };
  rnn: Omit<RecurrentConfig, 'inputSize' | 'bidirectional' | 'merge'>;
}

export class OneToMany {
  readonly params: Params;
  readonly rnn: RecurrentStack;
  readonly V: number;
  readonly K: number;
  readonly cellState: boolean;
  private B = 0;
  private T = 0;
  private caps = [0, 0];
  private labels: Int32Array | null = null;
  private tokens!: Int32Array;
  private cond!: Floats; // (B, K)
  private pre!: Floats; // (B, L·H) scratch
  /** (L, B, H) initial states of the last forward. */
  h0!: Floats;
  c0!: Floats;
  private emb!: Floats; // (B, T, E)
  logits!: Floats; // (B, T, V)
  probs!: Floats;
  private dLogits!: Floats;
  private dOut!: Floats; // (B, T, H)
  private dCond!: Floats; // (B, K)
  private readonly counted = new Int32Array(1);

  constructor(readonly cfg: OneToManyConfig, ctor: FloatArrayCtor = Float32Array) {
    const layout = new ParamLayout();
    const K = (this.K = cfg.condition.size), LH = cfg.rnn.numLayers * cfg.rnn.hiddenSize, H = cfg.rnn.hiddenSize;
    this.cellState = hasCellState(cfg.rnn.cell);
    if (cfg.condition.kind === 'label') layout.add('condition.weight', [cfg.condition.numLabels, K], { kind: 'normal', std: 1 });
    for (const n of this.cellState ? ['init_h', 'init_c'] : ['init_h']) {
      layout.add(`${n}.weight`, [LH, K], { kind: 'uniform', bound: 1 / Math.sqrt(K) });
      layout.add(`${n}.bias`, [LH], { kind: 'uniform', bound: 1 / Math.sqrt(K) });
    }
    this.V = cfg.vocabSize;
    layout.add('embedding.weight', [this.V, cfg.embeddingSize], { kind: 'normal', std: 1 });
    this.rnn = new RecurrentStack({ ...cfg.rnn, inputSize: cfg.embeddingSize, bidirectional: false, merge: 'concat' }, 'rnn.', layout);
    layout.add('head.weight', [this.V, H], { kind: 'uniform', bound: 1 / Math.sqrt(H) });
    layout.add('head.bias', [this.V], { kind: 'uniform', bound: 1 / Math.sqrt(H) });
    this.params = layout.allocate(ctor);
    this.rnn.bind(this.params);
  }

  initialize(rng: Rng): void {
    this.params.initialize(rng);
    this.rnn.postInitialize(this.params);
  }

  private ensure(B: number, T: number): void {
    this.reserve(B, T);
  }

  /** Allocates every batch-sized buffer (the stack's too, when T > 0) for batches of up to B rows and T steps,
   *  so forwards within that size allocate nothing (grown, never shrunk; sizing/alloc.ts counts it). */
  reserve(B: number, T: number): void {
    if (T > 0) this.rnn.reserve(B, T);
    const ctor = this.params.ctor, LBH = this.cfg.rnn.numLayers * B * this.cfg.rnn.hiddenSize;
    if (B > this.caps[0]) {
      this.cond = new ctor(B * this.K);
      this.dCond = new ctor(B * this.K);
      this.pre = new ctor(LBH);
      this.h0 = new ctor(LBH);
      this.c0 = new ctor(this.cellState ? LBH : 0);
      this.caps[0] = B;
    }
    if (B * T > this.caps[1]) {
      const n = B * T, H = this.cfg.rnn.hiddenSize;
      this.emb = new ctor(n * this.cfg.embeddingSize);
      this.logits = new ctor(n * this.V);
      this.probs = new ctor(n * this.V);
      this.dLogits = new ctor(n * this.V);
      this.dOut = new ctor(n * H);
      this.caps[1] = n;
    }
  }

  /** condition: label ids (B) or vectors (B, K), per cfg.condition.kind. Fills this.h0 / this.c0 (L, B, H). */
  initialState(condition: Int32Array | Floats, B: number): void {
    this.ensure(B, 0);
    const K = this.K, p = this.params;
    if (this.cfg.condition.kind === 'label') {
      if (!(condition instanceof Int32Array)) throw new Error('a label-conditioned model takes label ids (Int32Array)');
      this.labels = condition;
      embeddingForward(this.cond, p.value('condition.weight'), condition, B, K, this.cfg.condition.numLabels);
    } else {
      if (condition instanceof Int32Array) throw new Error('a vector-conditioned model takes float vectors (B, K)');
      this.labels = null;
      for (let i = 0; i < B * K; i++) this.cond[i] = condition[i];
    }
    this.initOne('init_h', this.h0, B);
    if (this.cellState) this.initOne('init_c', this.c0, B);
  }

  private initOne(name: string, out: Floats, B: number): void {
    const L = this.cfg.rnn.numLayers, H = this.cfg.rnn.hiddenSize, p = this.params;
    linearForward(this.pre, this.cond, p.value(`${name}.weight`), p.value(`${name}.bias`), B, this.K, L * H);
    // (B, L·H) → (L, B, H)
    for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) for (let i = 0; i < H; i++) out[(l * B + b) * H + i] = Math.tanh(this.pre[(b * L + l) * H + i]);
  }

  /** Teacher-forced forward: condition for B rows, decIn (B, T). Returns logits (B, T, V). */
  forward(condition: Int32Array | Floats, decIn: Int32Array, B: number, T: number, opts: { training?: boolean; rng?: Rng } = {}): Floats {
    this.initialState(condition, B);
    return this.decode(decIn, B, T, this.h0, this.cellState ? this.c0 : null, opts);
  }

  /** Embedding → recurrent stack from (h0, c0) (L, B, H) → head, over decIn (B, T). Returns logits (B, T, V). */
  decode(decIn: Int32Array, B: number, T: number, h0: Floats, c0: Floats | null, opts: { training?: boolean; rng?: Rng } = {}): Floats {
    this.ensure(B, T);
    [this.B, this.T, this.tokens] = [B, T, decIn];
    const p = this.params, H = this.cfg.rnn.hiddenSize;
    embeddingForward(this.emb, p.value('embedding.weight'), decIn, B * T, this.cfg.embeddingSize, this.V);
    this.rnn.forward(this.emb, B, T, { h0, c0, ...opts });
    linearForward(this.logits, this.rnn.output, p.value('head.weight'), p.value('head.bias'), B * T, H, this.V);
    return this.logits;
  }

  /** The last forward's activations in order (sentinel.ts names the first non-finite one). */
  activations(): NamedActivation[] {
    const { B, T } = this, LBH = this.cfg.rnn.numLayers * B * this.cfg.rnn.hiddenSize;
    const states = [{ name: 'init_h output', values: this.h0.subarray(0, LBH) }];
    if (this.cellState) states.push({ name: 'init_c output', values: this.c0.subarray(0, LBH) });
    return [
      ...states, { name: 'embedding output', values: this.emb.subarray(0, B * T * this.cfg.embeddingSize) }, ...this.rnn.activations(),
      { name: 'logits', values: this.logits.subarray(0, B * T * this.V) },
    ];
  }

  loss(targets: Int32Array, reduction: Reduction, ignoreIndex = PAD): { loss: number; count: number } {
    const total = crossEntropyForward(this.probs, this.logits, targets, this.B * this.T, this.V, ignoreIndex, this.counted);
    return { loss: total * reductionScale(reduction, this.counted[0]), count: this.counted[0] };
  }

  /** Loss of the last forward, then backward into params.grad (accumulated), down to the condition. */
  lossAndBackward(targets: Int32Array, reduction: Reduction, ignoreIndex = PAD): { loss: number; count: number } {
    const { B, T, V, K } = this, N = B * T, H = this.cfg.rnn.hiddenSize, L = this.cfg.rnn.numLayers, p = this.params;
    const res = this.loss(targets, reduction, ignoreIndex);
    this.dLogits.fill(0, 0, N * V);
    crossEntropyBackward(this.dLogits, this.probs, targets, N, V, ignoreIndex, reductionScale(reduction, res.count));
    this.dOut.fill(0, 0, N * H);
    linearBackward(this.dOut, p.gradOf('head.weight'), p.gradOf('head.bias'), this.dLogits, this.rnn.output, p.value('head.weight'), N, H, V);
    this.rnn.backward(this.dOut);
    embeddingBackward(p.gradOf('embedding.weight'), this.rnn.dX, this.tokens, N, this.cfg.embeddingSize);
    this.dCond.fill(0, 0, B * K);
    this.initBackward('init_h', this.h0, this.rnn.dh0, B, L, H);
    if (this.cellState) this.initBackward('init_c', this.c0, this.rnn.dc0, B, L, H);
    if (this.labels) embeddingBackward(p.gradOf('condition.weight'), this.dCond, this.labels, B, K);
    return res;
  }

  private initBackward(name: string, y: Floats, dY: Floats, B: number, L: number, H: number): void {
    const p = this.params;
    // (L, B, H) → (B, L·H), through tanh′ = 1 − y²
    for (let b = 0; b < B; b++)
      for (let l = 0; l < L; l++)
        for (let i = 0; i < H; i++) {
          const s = (l * B + b) * H + i;
          this.pre[(b * L + l) * H + i] = dY[s] * (1 - y[s] * y[s]);
        }
    linearBackward(this.dCond, p.gradOf(`${name}.weight`), p.gradOf(`${name}.bias`), this.pre, this.cond, p.value(`${name}.weight`), B, this.K, L * H);
  }
}

/** Generation from one condition (a label id or a vector), fed back token by token from BOS. */
export class OneToManyStepDecoder implements StepDecoder {
  readonly vocabSize: number;
  readonly startToken: number;
  private readonly state: StepState;
  private readonly h1: Floats;
  private readonly c1: Floats | null;

  constructor(private readonly model: OneToMany, condition: number | Floats, startToken = BOS) {
    this.vocabSize = model.V;
    this.startToken = startToken;
    model.initialState(typeof condition === 'number' ? Int32Array.of(condition) : condition, 1);
    const LH = model.cfg.rnn.numLayers * model.cfg.rnn.hiddenSize;
    this.h1 = model.h0.slice(0, LH);
    this.c1 = model.cellState ? model.c0.slice(0, LH) : null;
    this.state = new StepState(model.cfg.rnn.numLayers, model.cfg.rnn.hiddenSize, model.cellState, model.params.ctor);
  }

  reset(K: number): void {
    this.state.replicate(this.h1, this.c1, K);
  }

  step(tokens: Int32Array, K: number): Floats {
    const m = this.model, s = this.state;
    const logits = m.decode(tokens, K, 1, s.h, s.cellState ? s.c : null);
    s.update(m.rnn.hN, m.rnn.cN);
    return logits;
  }

  reorder(parents: Int32Array, K: number): void {
    this.state.reorder(parents, K);
  }

  attention(): null {
    return null;
  }
}
