// Recurrent language model (the "one-to-one" architecture: each output is fed back as the next input when
// generating): tokens → embedding → recurrent stack → linear head → logits over the vocabulary.
// Parameter names follow a torch module with attributes `embedding`, `rnn`, `head`:
//   embedding.weight (V, E), rnn.weight_ih_l0 (G·H, E), …, head.weight (V, O), head.bias (V)
// Legend: B batch, T time, V vocabulary, E embedding size, H hidden, O recurrent output size.
import { crossEntropyBackward, crossEntropyForward, reductionScale, type Reduction } from './loss';
import { embeddingBackward, embeddingForward } from './ops/embedding';
import { linearBackward, linearForward } from './ops/linear';
import { addBiasRows } from './ops/bias';
import { matmulNT } from './ops/matmul';
import { ParamLayout, type Params } from './params';
import { RecurrentStack, type RecurrentConfig, type RecurrentForwardOptions } from './layers/recurrent';
import type { Rng } from './rng';
import type { FloatArrayCtor, Floats } from './tensor';
import type { NamedActivation } from './sentinel';

/**
 * Which positions a forward computes logits for. Training and scoring need every position ('all'); reading a
 * prompt or a context needs only the distribution after its last token ('last', position T − 1 of each row) or
 * none at all ('none': a chunk of a longer prompt). The head is (V × O) per position: on a 64-character context
 * of W1's model it was a quarter of a suggestion's products.
 */
export type LogitRows = 'all' | 'last' | 'none';

export interface LmConfig {
  vocabSize: number;
  embeddingSize: number;
  rnn: Omit<RecurrentConfig, 'inputSize'>;
}

export class LanguageModel {
  readonly params: Params;
  readonly rnn: RecurrentStack;
  readonly V: number;
  readonly E: number;
  private B = 0;
  private T = 0;
  private cap = 0;
  private tokens!: Int32Array; // (B, T) of the last forward
  private emb!: Floats; // (B, T, E)
  /** (B, T, V) logits of the last forward. */
  logits!: Floats;
  probs!: Floats; // (B, T, V)
  private dLogits!: Floats; // (B, T, V)
  private dRnnOut!: Floats; // (B, T, O)
  private readonly counted = new Int32Array(1);
  /** What the last forward's logits hold: a loss needs all of them. */
  private logitRows: LogitRows = 'all';
  /** Reused result of loss() / lossAndBackward(), so a training step allocates nothing. */
  private readonly lossResult = { loss: 0, count: 0 };
  private wEmb!: Floats;
  private dWEmb!: Floats;
  private wHead!: Floats;
  private bHead!: Floats;
  private dWHead!: Floats;
  private dBHead!: Floats;

  constructor(readonly cfg: LmConfig, ctor: FloatArrayCtor = Float32Array) {
    const layout = new ParamLayout();
    this.V = cfg.vocabSize;
    this.E = cfg.embeddingSize;
    // torch.nn.Embedding initialises N(0, 1); torch.nn.Linear U(±1/√in) for weight and bias.
    layout.add('embedding.weight', [this.V, this.E], { kind: 'normal', std: 1 });
    this.rnn = new RecurrentStack({ ...cfg.rnn, inputSize: this.E }, 'rnn.', layout);
    const O = this.rnn.outputSize;
    layout.add('head.weight', [this.V, O], { kind: 'uniform', bound: 1 / Math.sqrt(O) });
    layout.add('head.bias', [this.V], { kind: 'uniform', bound: 1 / Math.sqrt(O) });
    this.params = layout.allocate(ctor);
    this.bind();
  }

  private bind(): void {
    const p = this.params;
    this.rnn.bind(p);
    this.wEmb = p.value('embedding.weight');
    this.dWEmb = p.gradOf('embedding.weight');
    this.wHead = p.value('head.weight');
    this.bHead = p.value('head.bias');
    this.dWHead = p.gradOf('head.weight');
    this.dBHead = p.gradOf('head.bias');
  }

  initialize(rng: Rng): void {
    this.params.initialize(rng);
    this.rnn.postInitialize(this.params);
  }

  private ensure(B: number, T: number): void {
    this.B = B;
    this.T = T;
    this.reserve(B, T);
  }

  /**
   * Allocates every batch-sized buffer (the stack's caches too) for batches of up to B rows, T steps and `rows`
   * positions in all (default B·T; fewer when no batch is both the widest and the longest, as an inference twin's
   * prompt chunk and beam step), grown, never shrunk, so forwards within those sizes allocate nothing. It is the
   * method forward grows them with, so sizing/alloc.ts counts exactly what training will use.
   */
  reserve(B: number, T: number, rows = B * T): void {
    this.rnn.reserve(B, T, rows);
    if (rows <= this.cap) return;
    const ctor = this.params.ctor;
    this.emb = new ctor(rows * this.E);
    this.logits = new ctor(rows * this.V);
    this.probs = new ctor(rows * this.V);
    this.dLogits = new ctor(rows * this.V);
    this.dRnnOut = new ctor(rows * this.rnn.outputSize);
    this.cap = rows;
  }

  /** The last forward's activations in order (sentinel.ts names the first non-finite one). */
  activations(): NamedActivation[] {
    const n = this.B * this.T;
    return [{ name: 'embedding output', values: this.emb.subarray(0, n * this.E) }, ...this.rnn.activations(), { name: 'logits', values: this.logits.subarray(0, n * this.V) }];
  }

  /**
   * Forward over tokens (B, T); logits land in this.logits (B, T, V) at the positions `rows` asks for (others
   * keep stale values), final states in this.rnn.hN / cN.
   */
  forward(tokens: Int32Array, B: number, T: number, opts: RecurrentForwardOptions = {}, rows: LogitRows = 'all'): Floats {
    this.ensure(B, T);
    this.tokens = tokens;
    this.logitRows = rows;
    embeddingForward(this.emb, this.wEmb, tokens, B * T, this.E, this.V);
    this.rnn.forward(this.emb, B, T, opts);
    const O = this.rnn.outputSize, V = this.V;
    if (rows === 'all' || (rows === 'last' && T === 1)) linearForward(this.logits, this.rnn.output, this.wHead, this.bHead, B * T, O, V);
    else if (rows === 'last') {
      // Row by row at offsets (no views: nothing allocated per call), the same product and bias as linearForward.
      for (let b = 0; b < B; b++) {
        const r = b * T + T - 1;
        matmulNT(this.logits, r * V, this.rnn.output, r * O, this.wHead, 0, 1, O, V, false);
        addBiasRows(this.logits, r * V, this.bHead, 1, V);
      }
    }
    return this.logits;
  }

  private needAllLogits(): void {
    if (this.logitRows !== 'all') throw new Error(`a loss needs the logits of every position; the last forward computed '${this.logitRows}'`);
  }

  /**
   * Cross-entropy of the last forward against targets (B, T) (positions equal to ignoreIndex skipped), then
   * its backward into the parameter gradients (accumulated: call params.zeroGrad() first). Returns the loss.
   */
  lossAndBackward(targets: Int32Array, reduction: Reduction, ignoreIndex = -1): { loss: number; count: number } {
    this.needAllLogits();
    const { B, T, V } = this;
    const N = B * T;
    const total = crossEntropyForward(this.probs, this.logits, targets, N, V, ignoreIndex, this.counted);
    const count = this.counted[0];
    const scale = reductionScale(reduction, count);
    this.dLogits.fill(0, 0, N * V);
    crossEntropyBackward(this.dLogits, this.probs, targets, N, V, ignoreIndex, scale);
    this.backwardFromLogits();
    this.lossResult.loss = total * scale;
    this.lossResult.count = count;
    return this.lossResult;
  }

  /** Cross-entropy of the last forward without a backward pass (evaluation). */
  loss(targets: Int32Array, reduction: Reduction, ignoreIndex = -1): { loss: number; count: number } {
    this.needAllLogits();
    const N = this.B * this.T;
    const total = crossEntropyForward(this.probs, this.logits, targets, N, this.V, ignoreIndex, this.counted);
    const count = this.counted[0];
    this.lossResult.loss = total * reductionScale(reduction, count);
    this.lossResult.count = count;
    return this.lossResult;
  }

  /** Backward from this.dLogits (already filled) through head, recurrent stack and embedding. */
  private backwardFromLogits(): void {
    const { B, T, V } = this;
    const N = B * T, O = this.rnn.outputSize;
    this.dRnnOut.fill(0, 0, N * O);
    linearBackward(this.dRnnOut, this.dWHead, this.dBHead, this.dLogits, this.rnn.output, this.wHead, N, O, V);
    this.rnn.backward(this.dRnnOut);
    embeddingBackward(this.dWEmb, this.rnn.dX, this.tokens, N, this.E);
  }
}
