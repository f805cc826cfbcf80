// Seq2seq as a StepDecoder (sample.ts): the source is encoded once; each step runs the decoder with T = 1 for
// the K hypotheses, which are then the K attention queries over the one source (attention batch (1, K)), so
// beam hypotheses share the encoder states without copies. The first input is BOS.
// Legend: K hypotheses, S source length, Ce encoder output size, Ld decoder layers, Hd decoder hidden.
import type { StepDecoder } from '../sample';
import { StepState } from '../stepState';
import type { Floats } from '../tensor';
import { BOS } from '../tokenize/types';
import type { Seq2Seq } from './model';

const INFERENCE = {}; // run options: no dropout

/**
 * Longest source decoded, in tokens: the longest sequence training keeps (seqlab train --seq-len ≤ 100,000), so no
 * model has read a longer one. The bound is what keeps a long input's cost finite: the encoder's caches grow with
 * S, and every beam node keeps its (S) attention row, W × T × S floats in all (64 × 50 × 2 M source tokens was
 * 25 GB); at the bound, beam 64 stays near 1 GB.
 */
export const MAX_SOURCE_TOKENS = 100_000;

export class Seq2SeqStepDecoder implements StepDecoder {
  readonly vocabSize: number;
  readonly startToken: number;
  private readonly S: number;
  private readonly enc: Floats; // (1, S, Ce) copy (the model's kept annotations): later forwards reuse the encoder's buffers
  private readonly lengths: Int32Array;
  private readonly h1: Floats; // (Ld, 1, Hd) the bridged thought vector
  private readonly c1: Floats | null;
  private readonly state: StepState;
  /** Location-aware attention: each hypothesis's previous weights (1, K, S), reordered with the hypotheses. */
  private readonly prevAttention: StepState | null;

  constructor(private readonly model: Seq2Seq, source: ArrayLike<number>, startToken = BOS) {
    if (source.length === 0) throw new Error('cannot translate an empty source');
    if (source.length > MAX_SOURCE_TOKENS) {
      throw new Error(`the source is ${source.length} tokens; a seq2seq model reads at most ${MAX_SOURCE_TOKENS} (the longest sequence training keeps): translate a shorter text`);
    }
    this.vocabSize = model.V;
    this.startToken = startToken;
    this.S = source.length;
    this.lengths = Int32Array.of(this.S);
    model.encode(Int32Array.from(source), this.lengths, 1, this.S);
    // Kept in the model's own buffer, so on a heap the attention products over it stay zero-copy.
    this.enc = model.keptAnnotations(this.S);
    this.enc.set(model.encoderOutput.subarray(0, this.S * model.Ce));
    const n = model.cfg.decoder.numLayers * model.Hd;
    this.h1 = model.bridge.h0.slice(0, n);
    this.c1 = model.cellState ? model.bridge.c0.slice(0, n) : null;
    this.state = new StepState(model.cfg.decoder.numLayers, model.Hd, model.cellState, model.params.ctor);
    this.prevAttention = model.attention?.locationKernel ? new StepState(1, this.S, false, model.params.ctor) : null;
  }

  reset(K: number): void {
    this.state.replicate(this.h1, this.c1, K);
    this.prevAttention?.replicate(null, null, K); // zeros before the first step, as in training
  }

  step(tokens: Int32Array, K: number): Floats {
    const s = this.state, m = this.model;
    const pa = this.prevAttention;
    const logits = m.decode(tokens, K, 1, s.h, s.cellState ? s.c : null, this.enc, this.lengths, this.S, 1, K, INFERENCE, pa ? pa.h : null);
    s.update(m.decoder.hN, m.decoder.cN);
    pa?.update(m.attentionWeights!, null);
    return logits;
  }

  reorder(parents: Int32Array, K: number): void {
    this.state.reorder(parents, K);
    this.prevAttention?.reorder(parents, K);
  }

  attention(): { weights: Floats; sourceLength: number } | null {
    const w = this.model.attentionWeights;
    return w ? { weights: w, sourceLength: this.S } : null;
  }
}
