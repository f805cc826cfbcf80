// The seq2seq task: `source<TAB>target` pairs → one tokenizer over both sides (shared ids, so a copy task can
// copy) → Seq2Seq (encoder, bridge, decoder, optional attention), trained with teacher forcing (a ratio < 1
// is scheduled sampling) on padded, length-bucketed batches; evaluated by greedy decoding to EOS.
// Legend: B batch, S source length, T target steps (|y| + 1: BOS-prefixed inputs, EOS-suffixed targets).
import type { Seq2SeqArchitecture } from '../checkpoint/architecture';
import { BatchOrder, PaddedBatch } from '../data/batch';
import type { ParallelPair } from '../data/readers';
import type { MemoryLimit } from '../modelMemory';
import { Rng } from '../rng';
import { decode, type DecodeOptions, type DecodeResult } from '../sample';
import { Seq2Seq, type Seq2SeqConfig } from '../seq2seq/model';
import { MAX_SOURCE_TOKENS, Seq2SeqStepDecoder } from '../seq2seq/step';
import { seq2seqTwin } from '../sizing/inferenceTwin';
import { sizedHeapCtor } from '../sizing/alloc';
import type { FloatArrayCtor } from '../tensor';
import { TrainStep, type StepStats } from '../trainer';
import { buildTokenizer, BOS, EOS, type DecodeOptions as TokenizerDecodeOptions, type Tokenizer } from '../tokenize/tokenizer';
import type { RunConfig } from '../run/config';
import { clipNorm, optimizerConfig, schedule, tokenizerOptions } from '../runDerived';
import { checkSeq2SeqTraining } from './taskMemory';

export type { Seq2SeqArchitecture };

export interface Seq2SeqEval {
  task: 'seq2seq';
  examples: number;
  exact_match: number;
  token_accuracy: number;
  /** Share of output steps whose attention argmax is source position S − 1 − t (reversal), when asked. */
  attention_mirrored?: number;
  /** Share whose argmax is S − t instead: the source position of the PREVIOUS output token (attention one step behind). */
  attention_behind?: number;
}

export interface Translation {
  output: string;
  /** Display text of each source token and each output token (EOS shown as <eos> when reached). */
  sourceTokens: string[];
  outputTokens: string[];
  /** (output steps, S) attention weights, or null without attention. */
  attention: number[][] | null;
  logProb: number;
  finished: boolean;
}

export class Seq2SeqTask {
  readonly kind = 'seq2seq' as const;
  epoch = 0;
  /** The inference twin (inferenceModel) and the shapes it is reserved for. */
  private twin: { model: Seq2Seq; S: number; K: number } | null = null;
  /** The training batches, order, step and generator; null for a loaded (inference) task. */
  train: {
    src: number[][]; tgt: number[][]; order: BatchOrder; srcB: PaddedBatch; inB: PaddedBatch; outB: PaddedBatch;
    core: TrainStep; rng: Rng; ratio: number;
  } | null = null;
  private readonly closure = (): { loss: number; count: number } => {
    const t = this.train!, { srcB, inB, outB } = t;
    return this.model.trainForwardBackward(
      srcB.tokens, srcB.lengths, srcB.rows, srcB.steps, inB.tokens, outB.tokens, inB.steps, 'mean', t.ratio, t.rng,
    );
  };

  constructor(readonly model: Seq2Seq, readonly tokenizer: Tokenizer, readonly architecture: Seq2SeqArchitecture, readonly seed: number) {}

  static create(o: RunConfig, pairs: readonly ParallelPair[], memoryLimit?: MemoryLimit | null): Seq2SeqTask {
    if (o.cell !== 'lstm' && o.cell !== 'gru') throw new Error(`seq2seq needs an lstm or gru encoder/decoder, not ${o.cell}`);
    const tokenizer = buildTokenizer(o.tokenizer, pairs.flatMap((p) => [p.source, p.target]), tokenizerOptions(o));
    const cut = (s: string): number[] => tokenizer.encode(s).slice(0, o.seqLen);
    const src = pairs.map((p) => cut(p.source)), tgt = pairs.map((p) => cut(p.target));
    const config: Seq2SeqConfig = {
      srcVocab: tokenizer.vocabSize, tgtVocab: tokenizer.vocabSize, embeddingSize: o.embedding, cell: o.cell,
      encoder: { hiddenSize: o.hidden, numLayers: o.layers, bidirectional: o.bidirectional, dropout: o.dropout },
      decoder: { hiddenSize: o.hidden, numLayers: o.layers, dropout: o.dropout },
      attention: o.attention,
    };
    if (o.reverseSource) config.reverseSource = true;
    if (o.attentionLocation) config.locationKernel = o.attentionLocation;
    const maxTargetLength = tgt.reduce((m, s) => Math.max(m, s.length), 1);
    // Decoder rows are BOS + target (PaddedBatch with one extra step): T = longest target + 1.
    checkSeq2SeqTraining(config, Math.min(o.batch, pairs.length), src.reduce((m, s) => Math.max(m, s.length), 1), maxTargetLength + 1, optimizerConfig(o), memoryLimit);
    const rng = new Rng(o.seed);
    const B = Math.min(o.batch, pairs.length);
    const srcB = PaddedBatch.forSequences(src, B), inB = PaddedBatch.forSequences(tgt, B, 1);
    // Everything a training step touches, allocated up front for the largest batch (B pairs, the longest source,
    // the longest target + BOS): run once on a counting ctor to size the WasmHeap (sizing/alloc.ts), then for real.
    const stepConfig = { optimizer: optimizerConfig(o), schedule: schedule(o), clipNorm: clipNorm(o), classes: config.tgtVocab };
    const setup = (ctor: FloatArrayCtor) => {
      const m = new Seq2Seq(config, ctor);
      m.reserve(B, srcB.maxSteps, inB.maxSteps);
      return { model: m, core: new TrainStep(m.params, stepConfig, () => m.activations()) };
    };
    const { model, core } = setup(sizedHeapCtor(setup));
    model.initialize(rng);
    const task = new Seq2SeqTask(model, tokenizer, { kind: 'seq2seq', config, maxTargetLength }, o.seed);
    task.train = {
      src, tgt, rng, ratio: o.teacherForcing, core, srcB, inB,
      order: new BatchOrder(src.length, B, rng, { lengths: src.map((s) => s.length), bucketBatches: 8 }),
      outB: PaddedBatch.forSequences(tgt, B, 1),
    };
    return task;
  }

  get params() {
    return this.model.params;
  }

  trainStep(): StepStats {
    const t = this.train!;
    if (!t.order.next()) {
      t.order.reset();
      t.order.next();
      this.epoch++;
    }
    const { order } = t;
    t.srcB.fill(t.src, order.order, order.start, order.count);
    t.inB.fill(t.tgt, order.order, order.start, order.count, { prefix: BOS });
    t.outB.fill(t.tgt, order.order, order.start, order.count, { suffix: EOS });
    return t.core.run(this.closure);
  }

  /**
   * The model to decode with: an inference twin on a WasmHeap (sizing/inferenceTwin.ts) able to decode sources of
   * up to S tokens with K hypotheses, holding the current weights, so every product is zero-copy on the SIMD
   * kernels and the training model's own heap and caches stay untouched. Kept and reused while it is large
   * enough (the weights are copied in each time: they may have trained since); the model itself without SIMD,
   * or for a source past MAX_SOURCE_TOKENS (which the decoder then refuses in one line).
   */
  inferenceModel(S: number, K: number): Seq2Seq {
    if (S > MAX_SOURCE_TOKENS) return this.model;
    const t = this.twin;
    if (t && S <= t.S && K <= t.K) {
      t.model.params.data.set(this.model.params.data);
      return t.model;
    }
    const model = seq2seqTwin(this.model, Math.max(S, t?.S ?? 0), Math.max(K, t?.K ?? 0));
    if (!model) return this.model;
    this.twin = { model, S: Math.max(S, t?.S ?? 0), K: Math.max(K, t?.K ?? 0) };
    return model;
  }

  /** extra: minLength and a token constraint (what users see); evaluation decodes without them. */
  decodeIds(model: Seq2Seq, src: number[], beam: number, extra: Pick<DecodeOptions, 'minLength' | 'constraint'> = {}): DecodeResult {
    const maxLength = 2 * this.architecture.maxTargetLength + 10;
    const dec = new Seq2SeqStepDecoder(model, src);
    return decode(dec, { ...(beam > 1 ? { strategy: 'beam', beamWidth: beam } : { strategy: 'greedy' }), eos: EOS, maxLength, ...extra });
  }

  translate(input: string, beam = 1, extra: Pick<DecodeOptions, 'minLength' | 'constraint'> = {}, text: TokenizerDecodeOptions = {}): Translation {
    const src = this.tokenizer.encode(input);
    if (src.length === 0) throw new Error('the input is empty');
    const model = this.inferenceModel(src.length, beam);
    const r = this.decodeIds(model, src, beam, extra);
    return {
      output: this.tokenizer.decode(r.tokens, text),
      sourceTokens: src.map((id) => this.tokenizer.tokenText(id)),
      outputTokens: r.steps.map((s) => (s.token === EOS ? '<eos>' : this.tokenizer.tokenText(s.token))),
      attention: model.attention ? r.steps.map((s) => Array.from(s.attention ?? [])) : null,
      logProb: r.logProb,
      finished: r.finished,
    };
  }

  /** Greedy decoding of every source: exact match, per-token accuracy (EOS included) and, optionally, the mirror alignment. */
  evaluate(pairs: readonly ParallelPair[], opts: { mirror?: boolean } = {}): Seq2SeqEval {
    let exact = 0, right = 0, total = 0, mirrored = 0, behind = 0, steps = 0;
    const sources = pairs.map((p) => this.tokenizer.encode(p.source));
    const model = this.inferenceModel(sources.reduce((m, s) => Math.max(m, s.length), 1), 1); // one twin for every pair
    for (const [i, p] of pairs.entries()) {
      const src = sources[i];
      const ref = this.tokenizer.encode(p.target).concat(EOS);
      const r = src.length ? this.decodeIds(model, src, 1) : null;
      const out = r ? r.steps.map((s) => s.token) : [];
      if (r && r.finished && this.tokenizer.decode(r.tokens) === p.target) exact++;
      for (let i = 0; i < ref.length; i++) if (out[i] === ref[i]) right++;
      total += ref.length;
      if (opts.mirror && r && this.model.attention) {
        const S = src.length;
        r.steps.forEach((s, t) => {
          if (s.token === EOS || t >= S || !s.attention) return;
          let best = 0;
          for (let j = 1; j < S; j++) if (s.attention[j] > s.attention[best]) best = j;
          steps++;
          if (best === S - 1 - t) mirrored++;
          if (best === S - t) behind++;
        });
      }
    }
    const n = pairs.length;
    const res: Seq2SeqEval = { task: 'seq2seq', examples: n, exact_match: n ? exact / n : 0, token_accuracy: total ? right / total : 0 };
    if (opts.mirror) [res.attention_mirrored, res.attention_behind] = [steps ? mirrored / steps : 0, steps ? behind / steps : 0];
    return res;
  }
}
