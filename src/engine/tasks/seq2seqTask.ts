// The seq2seq task: `source<TAB>target` pairs → one tokenizer over both sides (shared ids, so a copy task can
// copy) → Seq2Seq (encoder, bridge, decoder, optional attention), trained with teacher forcing (a ratio < 1
// is scheduled sampling) on padded, length-bucketed batches; evaluated by greedy decoding to EOS.
// Legend: B batch, S source length, T target steps (|y| + 1: BOS-prefixed inputs, EOS-suffixed targets).
import { BatchOrder, PaddedBatch } from '../data/batch';
import type { ParallelPair } from '../data/readers';
import type { MemoryLimit } from '../modelMemory';
import { Rng } from '../rng';
import { decode, type DecodeOptions, type DecodeResult } from '../sample';
import { Seq2Seq, type Seq2SeqConfig } from '../seq2seq/model';
import { Seq2SeqStepDecoder } from '../seq2seq/step';
import { TrainStep, type StepStats } from '../trainer';
import { buildTokenizer, BOS, EOS, type DecodeOptions as TokenizerDecodeOptions, type Tokenizer } from '../tokenize/tokenizer';
import type { RunConfig } from '../run/config';
import { clipNorm, optimizerConfig, schedule, tokenizerOptions } from '../runDerived';
import { checkSeq2SeqTraining } from './taskMemory';

export interface Seq2SeqArchitecture {
  kind: 'seq2seq';
  config: Seq2SeqConfig;
  /** Longest training target in tokens: decoding stops at 2× this (plus slack) if EOS never comes. */
  maxTargetLength: number;
}

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
    const model = new Seq2Seq(config);
    model.initialize(rng);
    const task = new Seq2SeqTask(model, tokenizer, { kind: 'seq2seq', config, maxTargetLength }, o.seed);
    const B = Math.min(o.batch, pairs.length);
    task.train = {
      src, tgt, rng, ratio: o.teacherForcing,
      order: new BatchOrder(src.length, B, rng, { lengths: src.map((s) => s.length), bucketBatches: 8 }),
      srcB: PaddedBatch.forSequences(src, B), inB: PaddedBatch.forSequences(tgt, B, 1), outB: PaddedBatch.forSequences(tgt, B, 1),
      core: new TrainStep(model.params, { optimizer: optimizerConfig(o), schedule: schedule(o), clipNorm: clipNorm(o), classes: config.tgtVocab }, () => model.activations()),
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

  /** extra: minLength and a token constraint (what users see); evaluation decodes without them. */
  decodeIds(src: number[], beam: number, extra: Pick<DecodeOptions, 'minLength' | 'constraint'> = {}): DecodeResult {
    const maxLength = 2 * this.architecture.maxTargetLength + 10;
    const dec = new Seq2SeqStepDecoder(this.model, src);
    return decode(dec, { ...(beam > 1 ? { strategy: 'beam', beamWidth: beam } : { strategy: 'greedy' }), eos: EOS, maxLength, ...extra });
  }

  translate(input: string, beam = 1, extra: Pick<DecodeOptions, 'minLength' | 'constraint'> = {}, text: TokenizerDecodeOptions = {}): Translation {
    const src = this.tokenizer.encode(input);
    if (src.length === 0) throw new Error('the input is empty');
    const r = this.decodeIds(src, beam, extra);
    return {
      output: this.tokenizer.decode(r.tokens, text),
      sourceTokens: src.map((id) => this.tokenizer.tokenText(id)),
      outputTokens: r.steps.map((s) => (s.token === EOS ? '<eos>' : this.tokenizer.tokenText(s.token))),
      attention: this.model.attention ? r.steps.map((s) => Array.from(s.attention ?? [])) : null,
      logProb: r.logProb,
      finished: r.finished,
    };
  }

  /** Greedy decoding of every source: exact match, per-token accuracy (EOS included) and, optionally, the mirror alignment. */
  evaluate(pairs: readonly ParallelPair[], opts: { mirror?: boolean } = {}): Seq2SeqEval {
    let exact = 0, right = 0, total = 0, mirrored = 0, behind = 0, steps = 0;
    for (const p of pairs) {
      const src = this.tokenizer.encode(p.source);
      const ref = this.tokenizer.encode(p.target).concat(EOS);
      const r = src.length ? this.decodeIds(src, 1) : null;
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
