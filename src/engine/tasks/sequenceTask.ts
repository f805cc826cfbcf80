// Classification (many-to-one, `text<TAB>label`) and tagging (many-to-many aligned, CoNLL `token<TAB>tag`) as
// one task over padded, length-bucketed batches; they differ only in the model (SequenceClassifier: one label
// from the merged final states; SequenceTagger: one tag per position) and in where labels live.
//   classify  the tokenizer (char / word / bpe) learns the texts; a text is its token ids
//   tag       the vocabulary is the CoNLL tokens themselves (a word tokenizer whose entries are those tokens,
//             so "U.S." stays ONE position, aligned with its tag); unseen tokens map to UNK
// Legend: B batch, T steps (longest sequence in the batch), C classes or tags.
import { SequenceClassifier, type ClassifierConfig } from '../classifier';
import { BatchOrder, PaddedBatch, gatherLabels } from '../data/batch';
import { toLabelIds, type LabeledText, type TaggedSentence } from '../data/readers';
import type { MemoryLimit } from '../modelMemory';
import { Rng } from '../rng';
import { SequenceTagger, type TaggerConfig } from '../tagger';
import { TrainStep, type StepStats } from '../trainer';
import { buildTokenizer, byCountThenText, NUM_SPECIAL, UNK, WordTokenizer, type Tokenizer } from '../tokenize/tokenizer';
import type { RunConfig } from '../run/config';
import { clipNorm, optimizerConfig, schedule, tokenizerOptions } from '../runDerived';
import { checkSequenceTraining } from './taskMemory';

export type SequenceArchitecture =
  | { kind: 'classify'; config: ClassifierConfig; labels: string[] }
  | { kind: 'tag'; config: TaggerConfig; labels: string[] };

export interface AccuracyEval {
  task: 'classify' | 'tag';
  examples: number;
  accuracy: number;
}

const IGNORE = -1;

export class SequenceTask {
  readonly kind: 'classify' | 'tag';
  readonly model: SequenceClassifier | SequenceTagger;
  epoch = 0;
  private readonly vocab = new Map<string, number>(); // tag: token text → id
  /** The training batches, order, step and generator; null for a loaded (inference) task. */
  train: {
    seqs: number[][]; labels: number[][] | Int32Array; order: BatchOrder; batch: PaddedBatch; targets: Int32Array;
    core: TrainStep; rng: Rng;
  } | null = null;
  private readonly closure = (): { loss: number; count: number } => {
    const t = this.train!, b = t.batch;
    this.model.forward(b.tokens, b.lengths, b.rows, b.steps, { training: true, rng: t.rng });
    return this.model.lossAndBackward(t.targets, 'mean', IGNORE);
  };

  private constructor(readonly architecture: SequenceArchitecture, readonly tokenizer: Tokenizer, readonly seed: number) {
    this.kind = architecture.kind;
    this.model = architecture.kind === 'classify' ? new SequenceClassifier(architecture.config) : new SequenceTagger(architecture.config);
    if (this.kind === 'tag') for (let id = NUM_SPECIAL; id < tokenizer.vocabSize; id++) this.vocab.set(tokenizer.tokenText(id), id);
  }

  /** Rebuilds an (untrained) model from a checkpoint's architecture; the caller loads the weights. */
  static fromArchitecture(a: SequenceArchitecture, tokenizer: Tokenizer, seed: number): SequenceTask {
    if (!Array.isArray(a.labels) || a.labels.length < 1 || !a.labels.every((l) => typeof l === 'string')) throw new Error('labels must be a list of strings');
    if (a.config?.vocabSize !== tokenizer.vocabSize) throw new Error(`the tokenizer has ${tokenizer.vocabSize} tokens, the model was built for ${a.config?.vocabSize}`);
    return new SequenceTask(a, tokenizer, seed);
  }

  static createClassifier(o: RunConfig, examples: readonly LabeledText[], labels: readonly string[], memoryLimit?: MemoryLimit | null): SequenceTask {
    const tokenizer = buildTokenizer(o.tokenizer, examples.map((e) => e.text), tokenizerOptions(o));
    const config: ClassifierConfig = { vocabSize: tokenizer.vocabSize, embeddingSize: o.embedding, numClasses: labels.length, rnn: rnnConfig(o) };
    // Texts are cut at seqLen, as the run config says of every task but lm (the protocol then bounds T by it).
    const seqs = examples.map((e) => tokenizer.encode(e.text).slice(0, o.seqLen)); // = task.encode, cut, before the model is built
    checkSequenceTraining('classify', config, Math.min(o.batch, examples.length), seqs.reduce((m, q) => Math.max(m, q.length), 1), optimizerConfig(o), memoryLimit);
    const task = new SequenceTask({ kind: 'classify', config, labels: [...labels] }, tokenizer, o.seed);
    task.prepare(o, seqs, toLabelIds(examples.map((e) => e.label), labels));
    return task;
  }

  static createTagger(o: RunConfig, sentences: readonly TaggedSentence[], tags: readonly string[], memoryLimit?: MemoryLimit | null): SequenceTask {
    const counts = new Map<string, number>();
    for (const s of sentences) for (const t of s.tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    const tokens = [...counts].sort(byCountThenText).map((e) => e[0]);
    const tokenizer = WordTokenizer.fromJSON({ kind: 'word', version: 1, tokens: o.vocabSize ? tokens.slice(0, o.vocabSize - NUM_SPECIAL) : tokens });
    const config: TaggerConfig = { vocabSize: tokenizer.vocabSize, embeddingSize: o.embedding, numTags: tags.length, rnn: rnnConfig(o) };
    const T = Math.min(o.seqLen, sentences.reduce((m, q) => Math.max(m, q.tokens.length), 1)); // sentences are cut at seqLen
    checkSequenceTraining('tag', config, Math.min(o.batch, sentences.length), T, optimizerConfig(o), memoryLimit);
    const task = new SequenceTask({ kind: 'tag', config, labels: [...tags] }, tokenizer, o.seed);
    const seqs = sentences.map((s) => task.encodeTokens(s.tokens).slice(0, o.seqLen));
    // One label index for all sentences (one per sentence made 100,001 one-word sentences quadratic: hours).
    const ids = toLabelIds(sentences.flatMap((s) => s.tags), tags);
    let at = 0;
    const tagIds = sentences.map((s) => Array.from(ids.subarray(at, (at += s.tags.length))).slice(0, o.seqLen));
    task.prepare(o, seqs, tagIds);
    return task;
  }

  private prepare(o: RunConfig, seqs: number[][], labels: number[][] | Int32Array): void {
    const rng = new Rng(o.seed);
    this.model.initialize(rng);
    const B = Math.min(o.batch, seqs.length);
    const batch = PaddedBatch.forSequences(seqs, B);
    this.train = {
      seqs, labels, rng, batch,
      targets: new Int32Array(this.kind === 'tag' ? batch.maxRows * batch.maxSteps : B),
      order: new BatchOrder(seqs.length, B, rng, { lengths: seqs.map((s) => s.length), bucketBatches: 8 }),
      core: new TrainStep(this.model.params, {
        optimizer: optimizerConfig(o), schedule: schedule(o), clipNorm: clipNorm(o), classes: this.architecture.labels.length,
      }, () => this.model.activations()),
    };
  }

  get params() {
    return this.model.params;
  }

  get labels(): readonly string[] {
    return this.architecture.labels;
  }

  /** Classification input → ids (cut to nothing special: the model reads any length). */
  encode(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  /** Tagging input (already split into tokens) → one id per token. */
  encodeTokens(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.vocab.get(t) ?? UNK);
  }

  trainStep(): StepStats {
    const t = this.train!, { order, batch } = t;
    if (!order.next()) {
      order.reset();
      order.next();
      this.epoch++;
    }
    batch.fill(t.seqs, order.order, order.start, order.count);
    if (t.labels instanceof Int32Array) gatherLabels(t.labels, order.order, order.start, order.count, t.targets);
    else {
      const T = batch.steps, lab = t.labels;
      for (let r = 0; r < order.count; r++) {
        const row = lab[order.order[order.start + r]];
        for (let s = 0; s < T; s++) t.targets[r * T + s] = s < row.length ? row[s] : IGNORE;
      }
    }
    return t.core.run(this.closure);
  }

  /** Class probabilities (C) of one text, or per-token tag probabilities (n, C) of one token list. */
  predict(ids: readonly number[]): Float32Array {
    if (ids.length === 0) throw new Error('the input is empty');
    const n = ids.length, C = this.labels.length;
    this.model.forward(Int32Array.from(ids), Int32Array.of(n), 1, n);
    const logits = this.model.logits, rows = this.kind === 'tag' ? n : 1, out = new Float32Array(rows * C);
    for (let r = 0; r < rows; r++) {
      let max = -Infinity, sum = 0;
      for (let c = 0; c < C; c++) max = Math.max(max, logits[r * C + c]);
      for (let c = 0; c < C; c++) sum += (out[r * C + c] = Math.exp(logits[r * C + c] - max));
      for (let c = 0; c < C; c++) out[r * C + c] /= sum;
    }
    return out;
  }

  /** Accuracy of argmax predictions: per text (classify) or per token (tag). One example at a time, exact lengths. */
  evaluate(items: readonly LabeledText[] | readonly TaggedSentence[]): AccuracyEval {
    const C = this.labels.length, index = new Map(this.labels.map((l, i) => [l, i]));
    let right = 0, total = 0;
    for (const it of items) {
      const tagged = 'tokens' in it;
      const ids = tagged ? this.encodeTokens(it.tokens) : this.encode(it.text);
      const gold = tagged ? it.tags : [it.label];
      if (ids.length === 0) {
        total += gold.length;
        continue;
      }
      const p = this.predict(ids);
      for (let r = 0; r < gold.length; r++) {
        let best = 0;
        for (let c = 1; c < C; c++) if (p[r * C + c] > p[r * C + best]) best = c;
        if (index.get(gold[r]) === best) right++;
        total++;
      }
    }
    return { task: this.kind, examples: items.length, accuracy: total ? right / total : 0 };
  }
}

function rnnConfig(o: RunConfig): ClassifierConfig['rnn'] {
  return { cell: o.cell, hiddenSize: o.hidden, numLayers: o.layers, bidirectional: o.bidirectional, merge: o.merge, dropout: o.dropout };
}
