// Validation of a run: the mean loss on held-out data (+ bits per character for a language model) and the task's
// own metrics, over a bounded share (the first `validBatches` batches), so a validation costs about as much as
// that many training steps. It runs the TRAINING model forward only: no backward, no optimizer, no generator, and
// no state the next step reads (the forward caches it overwrites are recomputed by the next step's forward, and the
// carried BPTT state lives in LmTrainer, not in the model). test/unit/trainingRun.test.ts checks that a run with
// validations takes bit for bit the steps of one without.
// Legend: B batch rows, T steps, C classes or tags.
import { BatchOrder, LmBatcher, PaddedBatch } from '../data/batch';
import { toLabelIds, type LabeledText } from '../data/readers';
import type { OneToManyTask } from '../tasks/oneToManyTask';
import type { LmTask } from '../tasks/lmTask';
import type { Seq2SeqTask } from '../tasks/seq2seqTask';
import type { SequenceTask } from '../tasks/sequenceTask';
import { BOS, EOS } from '../tokenize/tokenizer';
import type { TaskData } from './data';
import type { Validation } from './report';

const LN2 = Math.log(2);
const IGNORE = -1;

/** Held-out lm text, read as B streams with the state carried from chunk to chunk (as training reads). */
export class LmValidation {
  private readonly batcher: LmBatcher | null;
  private readonly tokensPerChar: number;
  private h: Float32Array | Float64Array | null = null;
  private c: Float32Array | Float64Array | null = null;

  constructor(private readonly task: LmTask, text: string, trainRows: number) {
    const ids = text ? task.tokenizer.encode(text) : [];
    const B = Math.max(1, Math.min(trainRows, Math.floor(ids.length / 2)));
    this.batcher = ids.length >= 2 ? new LmBatcher(ids, B, task.batcher!.seqLen) : null;
    this.tokensPerChar = ids.length / Math.max(1, Array.from(text).length);
  }

  get examples(): number {
    return this.batcher ? this.batcher.rowLength * this.batcher.batchSize : 0;
  }

  run(batches: number): Validation | null {
    const vb = this.batcher;
    if (!vb || batches === 0) return null;
    const m = this.task.model, rnn = m.rnn, LBH = rnn.cfg.numLayers * vb.batchSize * rnn.cfg.hiddenSize;
    if (!this.h) [this.h, this.c] = [new m.params.ctor(LBH), new m.params.ctor(LBH)];
    let sum = 0, count = 0;
    vb.reset();
    for (let k = 0; k < batches && vb.next(); k++) {
      m.forward(vb.inputs, vb.batchSize, vb.steps, { h0: k > 0 ? this.h : null, c0: k > 0 ? this.c : null });
      const r = m.loss(vb.targets, 'sum');
      sum += r.loss;
      count += r.count;
      this.h.set(rnn.hN.subarray(0, LBH));
      if (rnn.cN.length >= LBH) this.c!.set(rnn.cN.subarray(0, LBH));
    }
    const loss = sum / Math.max(1, count);
    return { loss, bitsPerChar: (loss / LN2) * this.tokensPerChar, metrics: {} };
  }
}

/** Held-out pairs: teacher-forced loss per target token, then greedy decoding for exact match and token accuracy. */
export class Seq2SeqValidation {
  private readonly src: number[][];
  private readonly tgt: number[][];
  private readonly srcB: PaddedBatch;
  private readonly inB: PaddedBatch;
  private readonly outB: PaddedBatch;
  private readonly order: BatchOrder;

  constructor(private readonly task: Seq2SeqTask, private readonly data: Extract<TaskData, { kind: 'seq2seq' }>, B: number, seqLen: number) {
    const cut = (s: string): number[] => task.tokenizer.encode(s).slice(0, seqLen);
    this.src = data.pairs.map((p) => cut(p.source));
    this.tgt = data.pairs.map((p) => cut(p.target));
    this.srcB = PaddedBatch.forSequences(this.src, B);
    this.inB = PaddedBatch.forSequences(this.tgt, B, 1);
    this.outB = PaddedBatch.forSequences(this.tgt, B, 1);
    this.order = new BatchOrder(Math.max(1, this.src.length), B, null);
  }

  get examples(): number {
    return this.src.length;
  }

  run(batches: number): Validation | null {
    if (this.src.length === 0 || batches === 0) return null;
    const m = this.task.model, o = this.order;
    let sum = 0, count = 0, seen = 0;
    o.reset();
    for (let k = 0; k < batches && o.next(); k++) {
      this.srcB.fill(this.src, o.order, o.start, o.count);
      this.inB.fill(this.tgt, o.order, o.start, o.count, { prefix: BOS });
      this.outB.fill(this.tgt, o.order, o.start, o.count, { suffix: EOS });
      m.forward(this.srcB.tokens, this.srcB.lengths, o.count, this.srcB.steps, this.inB.tokens, this.inB.steps);
      const r = m.loss(this.outB.tokens, 'sum');
      sum += r.loss;
      count += r.count;
      seen += o.count;
    }
    const e = this.task.evaluate(this.data.pairs.slice(0, seen));
    return { loss: sum / Math.max(1, count), metrics: { exactMatch: e.exact_match, tokenAccuracy: e.token_accuracy } };
  }
}

/** Held-out texts (classify) or sentences (tag): loss per label / per token, and the argmax accuracy. */
export class SequenceValidation {
  private readonly seqs: number[][];
  private readonly labels: number[][];
  private readonly batch: PaddedBatch;
  private readonly order: BatchOrder;
  private readonly targets: Int32Array;
  private readonly predicted: Int32Array;

  constructor(private readonly task: SequenceTask, data: Extract<TaskData, { kind: 'classify' | 'tag' }>, B: number, seqLen: number) {
    if (data.kind === 'classify') {
      this.seqs = data.examples.map((e) => task.encode(e.text).slice(0, seqLen));
      const ids = toLabelIds(data.examples.map((e) => e.label), task.labels);
      this.labels = Array.from(ids, (id) => [id]);
    } else {
      this.seqs = data.sentences.map((s) => task.encodeTokens(s.tokens).slice(0, seqLen));
      const ids = toLabelIds(data.sentences.flatMap((s) => s.tags), task.labels);
      let at = 0;
      this.labels = data.sentences.map((s) => Array.from(ids.subarray(at, (at += s.tags.length))).slice(0, seqLen));
    }
    this.batch = PaddedBatch.forSequences(this.seqs, B);
    this.order = new BatchOrder(Math.max(1, this.seqs.length), B, null);
    this.targets = new Int32Array(B * Math.max(1, this.batch.maxSteps));
    this.predicted = new Int32Array(this.targets.length);
  }

  get examples(): number {
    return this.seqs.length;
  }

  run(batches: number): Validation | null {
    if (this.seqs.length === 0 || batches === 0) return null;
    const m = this.task.model, o = this.order, b = this.batch, tag = this.task.kind === 'tag';
    let sum = 0, count = 0, right = 0;
    o.reset();
    for (let k = 0; k < batches && o.next(); k++) {
      b.fill(this.seqs, o.order, o.start, o.count);
      const T = b.steps, width = tag ? T : 1;
      for (let r = 0; r < o.count; r++) {
        const row = this.labels[o.order[o.start + r]];
        for (let s = 0; s < width; s++) this.targets[r * width + s] = s < row.length ? row[s] : IGNORE;
      }
      m.forward(b.tokens, b.lengths, o.count, T);
      const res = m.loss(this.targets, 'sum', IGNORE);
      sum += res.loss;
      count += res.count;
      m.predict(this.predicted);
      for (let i = 0; i < o.count * width; i++) if (this.targets[i] !== IGNORE && this.predicted[i] === this.targets[i]) right++;
    }
    return { loss: sum / Math.max(1, count), metrics: { accuracy: count ? right / count : 0 } };
  }
}

/**
 * Held-out label<TAB>text lines of a one-to-many run: loss per generated token under each text's own label, and
 * label accuracy, the share of texts most likely under their own label (OneToManyTask.evaluate says why that
 * metric). It reads the first `batches × B` texts, one at a time at their exact length, forward only.
 */
export class OneToManyValidation {
  constructor(private readonly task: OneToManyTask, private readonly data: LabeledText[], private readonly B: number) {}

  get examples(): number {
    return this.data.length;
  }

  run(batches: number): Validation | null {
    if (this.data.length === 0 || batches === 0) return null;
    const e = this.task.evaluate(this.data.slice(0, batches * this.B));
    return { loss: e.loss, metrics: e.label_accuracy === null ? {} : { accuracy: e.label_accuracy } };
  }
}
