// Encoder–decoder (seq2seq; Sutskever et al. 2014) with optional Luong attention (Luong et al. 2015 §3.1):
//   src (B, S) → src_embedding → encoder RecurrentStack (LSTM/GRU, stacked, optionally bidirectional, `lengths`
//   masked) → encOut (B, S, Ce), final states → Bridge → decoder h0/c0 (the thought vector)
//   reverseSource: the (unidirectional) encoder reads each source right to left (reverse.ts); encOut is flipped
//   back, so annotation j and attention weight j still belong to source position j
//   decIn (B, T) → tgt_embedding → decoder RecurrentStack → h_t (B, T, Hd)
//   attention none:  feat_t = h_t
//   otherwise:       ctx_t = Σ_j a_tj encOut_j (masked past each source length), feat_t = tanh(W_c [h_t; ctx_t] + b_c)
//   logits_t = head(feat_t) (B, T, V); cross-entropy with the padding id ignored.
// Parameter names: src_embedding.weight, encoder.weight_ih_l0[_reverse]…, tgt_embedding.weight, decoder.…,
// bridge.weight/bias (bridge_c.* for the LSTM cell state), attention.W | attention.W_h/W_s/v,
// combine.weight (Hd, Hd + Ce)/bias, head.weight (V, Hd)/bias.
// Legend: B batch, S source length, T target steps, E embedding, He/Hd encoder/decoder hidden, D directions,
// Ce = D·He encoder output size, V target vocabulary, K decoding hypotheses.
import { Attention } from '../attention';
import { hasCellState } from '../cells/cell';
import { RecurrentStack } from '../layers/recurrent';
import { crossEntropyBackward, crossEntropyForward, reductionScale, type Reduction } from '../loss';
import { embeddingBackward, embeddingForward } from '../ops/embedding';
import { linearBackward, linearForward } from '../ops/linear';
import { ParamLayout, type Params } from '../params';
import type { Rng } from '../rng';
import type { FloatArrayCtor, Floats } from '../tensor';
import type { NamedActivation } from '../sentinel';
import { PAD } from '../tokenize/types';
import { Bridge } from './bridge';
import type { Seq2SeqConfig } from './config';
import { flipWithinLengths } from './reverse';
import { mixGreedyInputs } from './scheduledSampling';

export type { AttentionKind, Seq2SeqConfig } from './config';

export interface Seq2SeqRunOptions {
  training?: boolean;
  rng?: Rng;
}

export class Seq2Seq {
  readonly params: Params;
  readonly encoder: RecurrentStack;
  readonly decoder: RecurrentStack;
  readonly bridge: Bridge;
  readonly attention: Attention | null;
  readonly V: number;
  readonly E: number;
  readonly Hd: number;
  readonly Ce: number;
  /** LSTM: states come in (h, c) pairs. */
  readonly cellState: boolean;
  private B = 0;
  private T = 0;
  private S = 0;
  private caps = [0, 0]; // B·S, B·T
  private src!: Int32Array; // (B, S) the token ids the encoder read (srcRev when reverseSource)
  private srcLengths!: Int32Array;
  private srcRev!: Int32Array; // (B, S) reverseSource: each row flipped within its length
  private encFlip!: Floats; // (B, S, Ce) reverseSource: encoder outputs back in source order
  private dEncFlip!: Floats; // (B, S, Ce) reverseSource: ∂L/∂annotations in the encoder's reading order
  private decIn!: Int32Array;
  private srcEmb!: Floats; // (B, S, E)
  private tgtEmb!: Floats; // (B, T, E)
  private cat!: Floats; // (B, T, Hd + Ce) [h_t; ctx_t]
  private feat!: Floats; // (B, T, Hd) tanh(combine(cat))
  private query!: Floats; // (B, T, Hd) attention queries when attentionQuery = 'previous'
  /** (B, T, V) logits and softmax of the last forward. */
  logits!: Floats;
  probs!: Floats;
  private dLogits!: Floats;
  private dFeat!: Floats; // (B, T, Hd)
  private dCat!: Floats; // (B, T, Hd + Ce)
  private dDecOut!: Floats; // (B, T, Hd)
  private dCtx!: Floats; // (B, T, Ce)
  private mixed!: Int32Array; // (B, T) scheduled-sampling decoder inputs
  private kept: Floats | null = null; // (S, Ce) keptAnnotations(): a step decoder's copy of the encoder states
  private readonly counted = new Int32Array(1);
  private w: Record<string, Floats> = {};
  private g: Record<string, Floats> = {};

  constructor(readonly cfg: Seq2SeqConfig, ctor: FloatArrayCtor = Float32Array) {
    if (cfg.reverseSource && cfg.encoder.bidirectional) {
      throw new Error('reverseSource needs a unidirectional encoder: a bidirectional one already reads the source right to left');
    }
    const layout = new ParamLayout();
    const { embeddingSize: E, encoder: ec, decoder: dc } = cfg;
    [this.V, this.E, this.Hd] = [cfg.tgtVocab, E, dc.hiddenSize];
    this.cellState = hasCellState(cfg.cell);
    layout.add('src_embedding.weight', [cfg.srcVocab, E], { kind: 'normal', std: 1 }); // nn.Embedding: N(0, 1)
    this.encoder = new RecurrentStack({
      cell: cfg.cell, inputSize: E, hiddenSize: ec.hiddenSize, numLayers: ec.numLayers, bidirectional: ec.bidirectional,
      merge: 'concat', dropout: ec.dropout ?? 0,
    }, 'encoder.', layout);
    this.Ce = this.encoder.outputSize;
    layout.add('tgt_embedding.weight', [cfg.tgtVocab, E], { kind: 'normal', std: 1 });
    this.decoder = new RecurrentStack({
      cell: cfg.cell, inputSize: E, hiddenSize: dc.hiddenSize, numLayers: dc.numLayers, bidirectional: false,
      merge: 'concat', dropout: dc.dropout ?? 0,
    }, 'decoder.', layout);
    this.bridge = new Bridge({
      encLayers: ec.numLayers, directions: this.encoder.D, encHidden: ec.hiddenSize, decLayers: dc.numLayers,
      decHidden: dc.hiddenSize, cellState: hasCellState(cfg.cell), forceLearned: cfg.bridge === 'always',
    }, layout);
    this.attention = cfg.attention === 'none' ? null : new Attention({
      score: cfg.attention, encoderSize: this.Ce, decoderSize: this.Hd, attentionSize: cfg.attentionSize,
      locationKernel: cfg.locationKernel,
    }, 'attention.', layout);
    const lin = (name: string, out: number, inp: number): void => {
      const bound = 1 / Math.sqrt(inp); // torch.nn.Linear default U(±1/√in)
      layout.add(`${name}.weight`, [out, inp], { kind: 'uniform', bound });
      layout.add(`${name}.bias`, [out], { kind: 'uniform', bound });
    };
    if (this.attention) lin('combine', this.Hd, this.Hd + this.Ce);
    lin('head', this.V, this.Hd);
    this.params = layout.allocate(ctor);
    this.bind();
  }

  private bind(): void {
    const p = this.params;
    this.encoder.bind(p);
    this.decoder.bind(p);
    this.bridge.bind(p);
    this.attention?.bind(p);
    for (const e of p.entries) [this.w[e.name], this.g[e.name]] = [p.value(e.name), p.gradOf(e.name)];
  }

  initialize(rng: Rng): void {
    this.params.initialize(rng);
    this.encoder.postInitialize(this.params);
    this.decoder.postInitialize(this.params);
  }

  /** Buffers for nSrc = B·S source positions and nTgt = B·T target positions (grown, never shrunk). */
  private ensure(nSrc: number, nTgt: number): void {
    if (nSrc <= this.caps[0] && nTgt <= this.caps[1]) return;
    const bs = Math.max(nSrc, this.caps[0]), bt = Math.max(nTgt, this.caps[1]);
    const ctor = this.params.ctor, { E, V, Hd, Ce } = this, C = this.attention ? Hd + Ce : 0;
    this.srcEmb = new ctor(bs * E);
    const rev = this.cfg.reverseSource ? bs : 0;
    this.srcRev = new Int32Array(rev);
    this.encFlip = new ctor(rev * Ce);
    this.dEncFlip = new ctor(rev * Ce);
    this.tgtEmb = new ctor(bt * E);
    this.cat = new ctor(bt * C);
    this.feat = new ctor(this.attention ? bt * Hd : 0);
    this.query = new ctor(this.attention && this.queriesPrevious ? bt * Hd : 0);
    this.logits = new ctor(bt * V);
    this.probs = new ctor(bt * V);
    this.dLogits = new ctor(bt * V);
    this.dFeat = new ctor(bt * Hd);
    this.dCat = new ctor(bt * C);
    this.dDecOut = new ctor(bt * Hd);
    this.dCtx = new ctor(this.attention ? bt * Ce : 0);
    this.mixed = new Int32Array(bt);
    this.caps = [bs, bt];
  }

  /**
   * Allocates every buffer a teacher-forced batch of up to B pairs, S source and T target steps uses (encoder,
   * bridge, decoder, attention and the model's own; grown, never shrunk), so training steps within those sizes
   * allocate nothing. The methods forward grows them with, so sizing/alloc.ts counts what training will use.
   */
  reserve(B: number, S: number, T: number): void {
    this.encoder.reserve(B, S);
    this.bridge.reserve(B);
    this.decoder.reserve(B, T);
    this.attention?.reserve(B, T, S);
    this.ensure(B * S, B * T);
  }

  /**
   * Allocates what decoding one source of up to S tokens with up to K hypotheses uses (Seq2SeqStepDecoder: the
   * encoder over (1, S), K decoder rows of one step, attention as (1, K) queries over S, and the kept copy of the
   * annotations), so decoding within those sizes allocates nothing.
   */
  reserveDecoding(S: number, K: number): void {
    this.encoder.reserve(1, S);
    this.bridge.reserve(1);
    this.decoder.reserve(K, 1);
    this.attention?.reserve(1, K, S);
    this.ensure(S, K);
    this.keptAnnotations(S);
  }

  /**
   * A buffer of this model (grown, never shrunk) holding a copy of the last encode()'s S annotations (1, S, Ce),
   * for a step decoder to attend over while later forwards reuse the encoder's buffers. One buffer per model:
   * the next call overwrites it, so one decoder decodes on a model at a time (decode() runs to completion).
   */
  keptAnnotations(S: number): Floats {
    const n = S * this.Ce;
    if (!this.kept || this.kept.length < n) this.kept = new this.params.ctor(n);
    return this.kept;
  }

  /** Runs the encoder and the bridge: encoderOutput (B, S, Ce), bridge.h0 / bridge.c0 (Ld, B, Hd). */
  encode(src: Int32Array, srcLengths: Int32Array, B: number, S: number, opts: Seq2SeqRunOptions = {}): void {
    this.ensure(B * S, 0);
    this.srcLengths = srcLengths;
    if (this.cfg.reverseSource) {
      flipWithinLengths(this.srcRev, src, srcLengths, B, S, 1);
      src = this.srcRev;
    }
    this.src = src;
    embeddingForward(this.srcEmb, this.w['src_embedding.weight'], src, B * S, this.E, this.cfg.srcVocab);
    this.encoder.forward(this.srcEmb, B, S, { lengths: srcLengths, training: opts.training, rng: opts.rng });
    if (this.cfg.reverseSource) flipWithinLengths(this.encFlip, this.encoder.output, srcLengths, B, S, this.Ce);
    this.bridge.forward(this.encoder.hN, this.encoder.cN, B);
  }

  /** (B, S, Ce) annotations of the last encode(), in source order (what attention reads). */
  get encoderOutput(): Floats {
    return this.cfg.reverseSource ? this.encFlip : this.encoder.output;
  }

  /**
   * Decoder + attention + head over decIn (B, T) from initial states h0/c0 (Ld, B, Hd). Attention reads
   * enc (attB, S, Ce) with attT queries per row, attB·attT = B·T: (B, T) in training, (1, K) when K hypotheses of
   * one source step together (their T = 1 rows are then the K queries of one source). Returns logits (B, T, V).
   * prevAttention (attB·attT, S): location-aware attention's previous weights per query, for K hypotheses;
   * null: the attT queries of a row are consecutive steps (teacher forcing) and chain their own weights.
   */
  decode(
    decIn: Int32Array, B: number, T: number, h0: Floats, c0: Floats | null, enc: Floats, srcLengths: Int32Array, S: number,
    attB: number, attT: number, opts: Seq2SeqRunOptions = {}, prevAttention: Floats | null = null,
  ): Floats {
    this.ensure(0, B * T);
    this.decIn = decIn;
    const { E, Hd, Ce, V } = this, N = B * T;
    embeddingForward(this.tgtEmb, this.w['tgt_embedding.weight'], decIn, N, E, V);
    this.decoder.forward(this.tgtEmb, B, T, { h0, c0, training: opts.training, rng: opts.rng });
    let feat = this.decoder.output;
    if (this.attention) {
      let q = this.decoder.output;
      if (this.queriesPrevious) {
        this.shiftQueries(h0, B, T);
        q = this.query;
      }
      this.attention.forward(enc, attB, S, srcLengths, q, attT, prevAttention);
      const C = Hd + Ce, h = this.decoder.output, ctx = this.attention.context;
      for (let n = 0; n < N; n++) {
        for (let i = 0; i < Hd; i++) this.cat[n * C + i] = h[n * Hd + i];
        for (let i = 0; i < Ce; i++) this.cat[n * C + Hd + i] = ctx[n * Ce + i];
      }
      linearForward(this.feat, this.cat, this.w['combine.weight'], this.w['combine.bias'], N, C, Hd);
      for (let i = 0; i < N * Hd; i++) this.feat[i] = Math.tanh(this.feat[i]);
      feat = this.feat;
    }
    linearForward(this.logits, feat, this.w['head.weight'], this.w['head.bias'], N, Hd, V);
    return this.logits;
  }

  get queriesPrevious(): boolean {
    return (this.cfg.attentionQuery ?? 'previous') === 'previous';
  }

  /** query[b, t] = decoder output[b, t − 1], query[b, 0] = top layer of h0 (Ld, B, Hd). */
  private shiftQueries(h0: Floats, B: number, T: number): void {
    const Hd = this.Hd, out = this.decoder.output, top = (this.cfg.decoder.numLayers - 1) * B * Hd;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < Hd; i++) this.query[b * T * Hd + i] = h0[top + b * Hd + i];
      for (let t = 1; t < T; t++) {
        const d = (b * T + t) * Hd, s = (b * T + t - 1) * Hd;
        for (let i = 0; i < Hd; i++) this.query[d + i] = out[s + i];
      }
    }
  }

  /** Teacher-forced forward over a padded batch: src (B, S) with lengths, decIn (B, T) = [BOS, y…]. */
  forward(src: Int32Array, srcLengths: Int32Array, B: number, S: number, decIn: Int32Array, T: number, opts: Seq2SeqRunOptions = {}): Floats {
    [this.B, this.S, this.T] = [B, S, T];
    this.encode(src, srcLengths, B, S, opts);
    return this.decode(decIn, B, T, this.bridge.h0, this.bridge.c0, this.encoderOutput, srcLengths, S, B, T, opts);
  }

  /** The last teacher-forced forward's activations in order (sentinel.ts names the first non-finite one). */
  activations(): NamedActivation[] {
    const { B, S, T, E } = this, att = this.attention ? [{ name: 'attentional hidden state', values: this.feat.subarray(0, B * T * this.Hd) }] : [];
    return [
      { name: 'src_embedding output', values: this.srcEmb.subarray(0, B * S * E) }, ...this.encoder.activations(),
      { name: 'tgt_embedding output', values: this.tgtEmb.subarray(0, B * T * E) }, ...this.decoder.activations(), ...att,
      { name: 'logits', values: this.logits.subarray(0, B * T * this.V) },
    ];
  }

  /** (B, T, S) attention weights of the last forward (null without attention). */
  get attentionWeights(): Floats | null {
    return this.attention ? this.attention.weights : null;
  }

  /** Cross-entropy of the last forward (no backward). */
  loss(targets: Int32Array, reduction: Reduction, ignoreIndex = PAD): { loss: number; count: number } {
    const total = crossEntropyForward(this.probs, this.logits, targets, this.B * this.T, this.V, ignoreIndex, this.counted);
    return { loss: total * reductionScale(reduction, this.counted[0]), count: this.counted[0] };
  }

  /** Cross-entropy of the last (teacher-forced) forward, then backward into params.grad (accumulated). */
  lossAndBackward(targets: Int32Array, reduction: Reduction, ignoreIndex = PAD): { loss: number; count: number } {
    const N = this.B * this.T, V = this.V;
    const total = crossEntropyForward(this.probs, this.logits, targets, N, V, ignoreIndex, this.counted);
    const count = this.counted[0], scale = reductionScale(reduction, count);
    this.dLogits.fill(0, 0, N * V);
    crossEntropyBackward(this.dLogits, this.probs, targets, N, V, ignoreIndex, scale);
    this.backward();
    return { loss: total * scale, count };
  }

  private backward(): void {
    const { B, T, S, Hd, Ce, V, E } = this, N = B * T, w = this.w, g = this.g;
    const feat = this.attention ? this.feat : this.decoder.output;
    this.dFeat.fill(0, 0, N * Hd);
    linearBackward(this.dFeat, g['head.weight'], g['head.bias'], this.dLogits, feat, w['head.weight'], N, Hd, V);
    let dDec = this.dFeat;
    if (this.attention) {
      const C = Hd + Ce;
      for (let i = 0; i < N * Hd; i++) this.dFeat[i] *= 1 - this.feat[i] * this.feat[i]; // tanh′
      this.dCat.fill(0, 0, N * C);
      linearBackward(this.dCat, g['combine.weight'], g['combine.bias'], this.dFeat, this.cat, w['combine.weight'], N, C, Hd);
      for (let n = 0; n < N; n++) for (let i = 0; i < Ce; i++) this.dCtx[n * Ce + i] = this.dCat[n * C + Hd + i];
      this.attention.backward(this.dCtx, null);
      const dq = this.attention.dQuery;
      for (let n = 0; n < N; n++) for (let i = 0; i < Hd; i++) this.dDecOut[n * Hd + i] = this.dCat[n * C + i];
      if (!this.queriesPrevious) for (let i = 0; i < N * Hd; i++) this.dDecOut[i] += dq[i];
      else
        for (let b = 0; b < B; b++)
          for (let t = 1; t < T; t++) {
            const d = (b * T + t - 1) * Hd, s = (b * T + t) * Hd;
            for (let i = 0; i < Hd; i++) this.dDecOut[d + i] += dq[s + i];
          }
      dDec = this.dDecOut;
    }
    this.decoder.backward(dDec);
    if (this.attention && this.queriesPrevious) {
      // The t = 0 query is the initial state itself: its gradient joins ∂L/∂h0 of the top decoder layer.
      const dq = this.attention.dQuery, dh0 = this.decoder.dh0, top = (this.cfg.decoder.numLayers - 1) * B * Hd;
      for (let b = 0; b < B; b++) for (let i = 0; i < Hd; i++) dh0[top + b * Hd + i] += dq[b * T * Hd + i];
    }
    embeddingBackward(g['tgt_embedding.weight'], this.decoder.dX, this.decIn, N, E);
    this.bridge.backward(this.decoder.dh0, this.cellState ? this.decoder.dc0 : null);
    let dEnc = this.attention ? this.attention.dEnc : null;
    if (dEnc && this.cfg.reverseSource) {
      flipWithinLengths(this.dEncFlip, dEnc, this.srcLengths, B, S, Ce); // back into the encoder's reading order
      dEnc = this.dEncFlip;
    }
    this.encoder.backward(dEnc, this.bridge.dhN, this.cellState ? this.bridge.dcN : null);
    embeddingBackward(g['src_embedding.weight'], this.encoder.dX, this.src, B * S, E);
  }

  /**
   * One training forward + backward with teacher forcing at `ratio` (1 = always the reference token).
   * ratio < 1 is scheduled sampling done in parallel (Duckworth et al. 2019, "Parallel Scheduled Sampling"):
   * a first teacher-forced pass, without backward, gives the model's greedy prediction ŷ_t at every step; each
   * decoder input y_t (t ≥ 1, not padding) is then replaced by ŷ_{t−1} with probability 1 − ratio (drawn from
   * `rng`), and a second teacher-forced pass on those mixed inputs is the one backpropagated. No gradient flows
   * through the choice of ŷ (as in Bengio et al. 2015).
   */
  trainForwardBackward(
    src: Int32Array, srcLengths: Int32Array, B: number, S: number, decIn: Int32Array, targets: Int32Array, T: number,
    reduction: Reduction, ratio: number, rng: Rng, ignoreIndex = PAD,
  ): { loss: number; count: number } {
    let inputs = decIn;
    if (ratio < 1) {
      this.forward(src, srcLengths, B, S, decIn, T, { training: false });
      mixGreedyInputs(this.mixed, decIn, this.logits, B, T, this.V, ratio, rng, ignoreIndex);
      inputs = this.mixed;
    }
    this.forward(src, srcLengths, B, S, inputs, T, { training: true, rng });
    return this.lossAndBackward(targets, reduction, ignoreIndex);
  }
}
