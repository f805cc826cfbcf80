// Classification (many-to-one, `text<TAB>label`) and tagging (many-to-many aligned, CoNLL `token<TAB>tag`) as
// one task over padded, length-bucketed batches; they differ only in the model (SequenceClassifier: one label
// from the merged final states; SequenceTagger: one tag per position) and in where labels live.
//   classify  the tokenizer (char / word / bpe) learns the texts; a text is its token ids
//   tag       the vocabulary is the CoNLL tokens themselves (a word tokenizer whose entries are those tokens,
//             so "U.S." stays ONE position, aligned with its tag); unseen tokens map to UNK
// Legend: B batch, T steps (longest sequence in the batch), C classes or tags.
import { buildModel, type SequenceArchitecture } from '../checkpoint/architecture';
import { SequenceClassifier, type ClassifierConfig } from '../classifier';
import { BatchOrder, PaddedBatch, gatherLabels } from '../data/batch';
import { toLabelIds, type LabeledText, type TaggedSentence } from '../data/readers';
import type { MemoryLimit } from '../modelMemory';
import { Rng } from '../rng';
import { SequenceTagger, type TaggerConfig } from '../tagger';
import { TrainStep, type StepStats, type TrainStepConfig } from '../trainer';
import { sizedHeapCtor } from '../sizing/alloc';
import { sequenceTwin } from '../sizing/inferenceTwin';
import type { FloatArrayCtor } from '../tensor';
import { buildTokenizer, byCountThenText, NUM_SPECIAL, UNK, WordTokenizer, type Tokenizer } from '../tokenize/tokenizer';
import type { RunConfig } from '../run/config';
import { clipNorm, optimizerConfig, schedule, tokenizerOptions } from '../runDerived';
import { checkSequenceTraining } from './taskMemory';

export type { SequenceArchitecture };

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
  /** The inference twin (inferenceModel) and the shapes it is reserved for. */
  private twin: { model: SequenceClassifier | SequenceTagger; T: number } | null = null;
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

  /** `source`: the model a checkpoint built, or the ctor to build a fresh one on (a sized heap for training). */
  private constructor(
    readonly architecture: SequenceArchitecture, readonly tokenizer: Tokenizer, readonly seed: number,
    source: SequenceClassifier | SequenceTagger | FloatArrayCtor = Float32Array,
  ) {
    this.kind = architecture.kind;
    this.model = typeof source === 'function' ? buildSequenceModel(architecture, source) : source;
    if (this.kind === 'tag') for (let id = NUM_SPECIAL; id < tokenizer.vocabSize; id++) this.vocab.set(tokenizer.tokenText(id), id);
  }

  /** The task of a model a checkpoint built (engine/checkpoint.ts readCheckpoint checked it against its tokenizer). */
  static fromModel(
    built: { architecture: SequenceArchitecture; model: SequenceClassifier | SequenceTagger }, tokenizer: Tokenizer, seed: number,
  ): SequenceTask {
    return new SequenceTask(built.architecture, tokenizer, seed, built.model);
  }

  static createClassifier(o: RunConfig, examples: readonly LabeledText[], labels: readonly string[], memoryLimit?: MemoryLimit | null): SequenceTask {
    const tokenizer = buildTokenizer(o.tokenizer, examples.map((e) => e.text), tokenizerOptions(o));
    const config: ClassifierConfig = { vocabSize: tokenizer.vocabSize, embeddingSize: o.embedding, numClasses: labels.length, rnn: rnnConfig(o) };
    // Texts are cut at seqLen, as the run config says of every task but lm (the protocol then bounds T by it).
    const seqs = examples.map((e) => tokenizer.encode(e.text).slice(0, o.seqLen)); // = task.encode, cut, before the model is built
    checkSequenceTraining('classify', config, Math.min(o.batch, examples.length), seqs.reduce((m, q) => Math.max(m, q.length), 1), optimizerConfig(o), memoryLimit);
    const architecture: SequenceArchitecture = { kind: 'classify', config, labels: [...labels] };
    const T = seqs.reduce((m, q) => Math.max(m, q.length), 1);
    const task = new SequenceTask(architecture, tokenizer, o.seed, trainingCtor(architecture, o, Math.min(o.batch, seqs.length), T));
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
    const architecture: SequenceArchitecture = { kind: 'tag', config, labels: [...tags] };
    const task = new SequenceTask(architecture, tokenizer, o.seed, trainingCtor(architecture, o, Math.min(o.batch, sentences.length), T));
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
    this.model.reserve(B, batch.maxSteps); // as trainingCtor counted: no step allocates
    this.train = {
      seqs, labels, rng, batch,
      targets: new Int32Array(this.kind === 'tag' ? batch.maxRows * batch.maxSteps : B),
      order: new BatchOrder(seqs.length, B, rng, { lengths: seqs.map((s) => s.length), bucketBatches: 8 }),
      core: new TrainStep(this.model.params, stepConfig(o, this.architecture), () => this.model.activations()),
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

  /**
   * The model to infer with: an inference twin on a WasmHeap (sizing/inferenceTwin.ts) for one sequence of up to
   * T tokens, holding the current weights, so every product is zero-copy on the SIMD kernels and a training
   * model's own heap and caches stay untouched. Kept and reused while long enough (the weights are copied in each
   * time: they may have trained since); the model itself when this runtime has no WebAssembly SIMD.
   */
  inferenceModel(T: number): SequenceClassifier | SequenceTagger {
    const t = this.twin;
    if (t && T <= t.T) {
      t.model.params.data.set(this.model.params.data);
      return t.model;
    }
    const model = sequenceTwin(this.model, T);
    if (!model) return this.model;
    this.twin = { model, T };
    return model;
  }

  /** Class probabilities (C) of one text, or per-token tag probabilities (n, C) of one token list. */
  predict(ids: readonly number[], model = this.inferenceModel(ids.length)): Float32Array {
    if (ids.length === 0) throw new Error('the input is empty');
    const n = ids.length, C = this.labels.length;
    model.forward(Int32Array.from(ids), Int32Array.of(n), 1, n);
    const logits = model.logits, rows = this.kind === 'tag' ? n : 1, out = new Float32Array(rows * C);
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
    const encoded = items.map((it) => ('tokens' in it ? this.encodeTokens(it.tokens) : this.encode(it.text)));
    const model = this.inferenceModel(encoded.reduce((m, ids) => Math.max(m, ids.length), 1)); // one twin for every item
    for (const [i, it] of items.entries()) {
      const tagged = 'tokens' in it;
      const ids = encoded[i];
      const gold = tagged ? it.tags : [it.label];
      if (ids.length === 0) {
        total += gold.length;
        continue;
      }
      const p = this.predict(ids, model);
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

/** The registry's build (checkpoint/architecture.ts), typed for the two kinds of this task. */
function buildSequenceModel(a: SequenceArchitecture, ctor: FloatArrayCtor): SequenceClassifier | SequenceTagger {
  return buildModel(a, ctor).model as SequenceClassifier | SequenceTagger;
}

function stepConfig(o: RunConfig, a: SequenceArchitecture): TrainStepConfig {
  return { optimizer: optimizerConfig(o), schedule: schedule(o), clipNorm: clipNorm(o), classes: a.labels.length };
}

/**
 * The WasmHeap ctor for training `a` on batches of up to B sequences of T steps, sized by running what a training
 * run allocates (the model, its reserve(B, T), TrainStep's optimizer and roll-back arenas) on a counting ctor.
 */
function trainingCtor(a: SequenceArchitecture, o: RunConfig, B: number, T: number): FloatArrayCtor {
  return sizedHeapCtor((ctor) => {
    const m = buildSequenceModel(a, ctor);
    m.reserve(B, T);
    return new TrainStep(m.params, stepConfig(o, a));
  });
}

function rnnConfig(o: RunConfig): ClassifierConfig['rnn'] {
  return { cell: o.cell, hiddenSize: o.hidden, numLayers: o.layers, bidirectional: o.bidirectional, merge: o.merge, dropout: o.dropout };
}
