// The one-to-many task: `label<TAB>text` lines → one tokenizer over the texts → OneToMany (the label's learned
// embedding sets the initial state, then the text is written token by token), trained with teacher forcing on
// padded, length-bucketed batches: BOS-prefixed inputs and EOS-suffixed targets, as Seq2SeqTask's decoder. The
// model learns p(text | label); generation is greedy, sampled or beam over OneToManyStepDecoder.
// Evaluation reports two numbers a held-out file alone can give (no training texts are in a checkpoint):
//   loss            mean cross-entropy per token in nats, EOS included, teacher forced
//   label_accuracy  share of texts whose OWN label gives them the highest likelihood, argmax_l p(text | l)
//                   (Bayes' rule under a uniform prior): chance is 1/N, and it rises only when the model uses
//                   the condition, which is what a one-to-many model adds over a language model of the lines.
// Legend: B batch, T steps (|text| + 1), N labels, K label embedding size (= E), E embedding, V vocabulary.
import type { OneToManyArchitecture } from '../checkpoint/architecture';
import { BatchOrder, PaddedBatch, gatherLabels } from '../data/batch';
import { toLabelIds, type LabeledText } from '../data/readers';
import type { MemoryLimit } from '../modelMemory';
import { OneToMany, OneToManyStepDecoder, type OneToManyConfig } from '../oneToMany';
import { Rng } from '../rng';
import type { RunConfig } from '../run/config';
import { clipNorm, optimizerConfig, schedule, tokenizerOptions } from '../runDerived';
import { decode, type DecodeOptions, type DecodeResult } from '../sample';
import type { FloatArrayCtor, Floats } from '../tensor';
import { TrainStep, type StepStats } from '../trainer';
import { buildTokenizer, BOS, EOS, type DecodeOptions as TokenizerDecodeOptions, type Tokenizer } from '../tokenize/tokenizer';
import { checkOneToManyTraining } from './taskMemory';

export interface OneToManyEval {
  task: 'one-to-many';
  examples: number;
  /** Tokens scored: each text's tokens and its EOS. */
  tokens: number;
  /** Mean cross-entropy per token (nats), under each text's own label. */
  loss: number;
  /** Share of texts most likely under their own label; null with one label (nothing to tell apart). */
  label_accuracy: number | null;
}

/** Rows per forward when every label is tried on one text (bounds evaluation memory for many labels). */
const LABEL_ROWS = 64;

export class OneToManyTask {
  readonly kind = 'one-to-many' as const;
  epoch = 0;
  /** The training loop's state (null when loaded from a checkpoint); a run's checkpoint saves core, rng and order. */
  train: {
    seqs: number[][]; ids: Int32Array; order: BatchOrder; inB: PaddedBatch; outB: PaddedBatch; cond: Int32Array; core: TrainStep; rng: Rng;
  } | null = null;
  private readonly closure = (): { loss: number; count: number } => {
    const t = this.train!;
    this.model.forward(t.cond, t.inB.tokens, t.inB.rows, t.inB.steps, { training: true, rng: t.rng });
    return this.model.lossAndBackward(t.outB.tokens, 'mean');
  };

  /** Label names; label id i is labels[i]. */
  readonly labels: readonly string[];

  /** `architecture` is the registry's (checkpoint/kinds/oneToMany.ts); this task is the label-conditioned model,
   *  so it must name its labels. architecture.maxLength is the longest training text in tokens. */
  constructor(readonly model: OneToMany, readonly tokenizer: Tokenizer, readonly architecture: OneToManyArchitecture, readonly seed: number) {
    if (!architecture.labels) throw new Error('a one-to-many task is conditioned on a label: its architecture names no labels');
    this.labels = architecture.labels;
  }

  /** A fresh model whose tokenizer learns the texts, ready to train on them; refused (ModelMemoryError) before it
   *  is built if training would need more than `memoryLimit`. `ctor` Float64Array serves gradient checks. */
  static create(
    c: RunConfig, examples: readonly LabeledText[], labels: readonly string[], memoryLimit?: MemoryLimit | null, ctor: FloatArrayCtor = Float32Array,
  ): OneToManyTask {
    if (c.bidirectional) throw new Error('a one-to-many model cannot be bidirectional: it writes its text left to right');
    if (examples.length === 0 || labels.length === 0) throw new Error('one-to-many training needs at least one label<TAB>text line');
    const tokenizer = buildTokenizer(c.tokenizer, examples.map((e) => e.text), tokenizerOptions(c));
    const seqs = examples.map((e) => tokenizer.encode(e.text).slice(0, c.seqLen));
    const ids = toLabelIds(examples.map((e) => e.label), labels);
    // The label embedding takes the token embedding's width E (K = E): the run config has one embedding size, and a
    // label is looked up exactly like a token, from a vocabulary of its own.
    const config: OneToManyConfig = {
      vocabSize: tokenizer.vocabSize, embeddingSize: c.embedding,
      condition: { kind: 'label', numLabels: labels.length, size: c.embedding },
      rnn: { cell: c.cell, hiddenSize: c.hidden, numLayers: c.layers, dropout: c.dropout },
    };
    const maxLength = seqs.reduce((m, s) => Math.max(m, s.length), 1);
    const B = Math.min(c.batch, examples.length);
    checkOneToManyTraining(config, B, maxLength + 1, optimizerConfig(c), memoryLimit); // T = BOS + longest text
    const rng = new Rng(c.seed);
    const model = new OneToMany(config, ctor);
    model.initialize(rng);
    const task = new OneToManyTask(model, tokenizer, { kind: 'one-to-many', config, labels: [...labels], maxLength }, c.seed);
    task.train = {
      seqs, ids, rng, cond: new Int32Array(B),
      order: new BatchOrder(seqs.length, B, rng, { lengths: seqs.map((s) => s.length), bucketBatches: 8 }),
      inB: PaddedBatch.forSequences(seqs, B, 1), outB: PaddedBatch.forSequences(seqs, B, 1),
      core: new TrainStep(model.params, {
        optimizer: optimizerConfig(c), schedule: schedule(c), clipNorm: clipNorm(c), classes: tokenizer.vocabSize,
      }, () => model.activations()),
    };
    return task;
  }

  get params() {
    return this.model.params;
  }

  /** One optimizer step on the next batch; a new epoch (reshuffled) starts when the data runs out. */
  trainStep(): StepStats {
    this.nextBatch();
    return this.train!.core.run(this.closure);
  }

  /** Loads the next batch without stepping: decoder inputs [BOS, y…], targets [y…, EOS], one label id per row. */
  nextBatch(): void {
    const t = this.train;
    if (!t) throw new Error('this one-to-many task was loaded from a checkpoint; it has no training data');
    const o = t.order;
    if (!o.next()) {
      o.reset();
      o.next();
      this.epoch++;
    }
    t.inB.fill(t.seqs, o.order, o.start, o.count, { prefix: BOS });
    t.outB.fill(t.seqs, o.order, o.start, o.count, { suffix: EOS });
    gatherLabels(t.ids, o.order, o.start, o.count, t.cond);
  }

  /** Mean loss of the loaded batch without dropout; with `backward`, its gradient is added to params.grad. */
  batchLoss(backward = false): number {
    const t = this.train!;
    this.model.forward(t.cond, t.inB.tokens, t.inB.rows, t.inB.steps);
    return (backward ? this.model.lossAndBackward(t.outB.tokens, 'mean') : this.model.loss(t.outB.tokens, 'mean')).loss;
  }

  /** Label name → id, or an error naming the label and the known ones. */
  labelId(label: string): number {
    const id = this.labels.indexOf(label);
    if (id < 0) throw new Error(`unknown label ${JSON.stringify(label)}; this model knows ${this.labels.map((l) => JSON.stringify(l)).join(', ')}`);
    return id;
  }

  /** Writes a text for `label`: greedy, sampled (opts.rng) or beam, ending at EOS or at maxLength (default 2×
   *  the longest training text + 10). */
  generate(label: string, opts: Omit<DecodeOptions, 'maxLength'> & { maxLength?: number } = {}, text: TokenizerDecodeOptions = {}): { text: string; result: DecodeResult } {
    const dec = new OneToManyStepDecoder(this.model, this.labelId(label));
    const result = decode(dec, { maxLength: 2 * this.architecture.maxLength + 10, eos: EOS, ...opts });
    return { text: this.tokenizer.decode(result.tokens, text), result };
  }

  /** Held-out loss per token and label accuracy (see the file header), one text at a time at its exact length. */
  evaluate(examples: readonly LabeledText[]): OneToManyEval {
    const own = toLabelIds(examples.map((e) => e.label), this.labels);
    const N = this.labels.length, rows = Math.min(N, LABEL_ROWS), m = this.model, cond = new Int32Array(rows);
    let nll = 0, tokens = 0, right = 0;
    examples.forEach((e, i) => {
      const text = this.tokenizer.encode(e.text), T = text.length + 1;
      const decIn = new Int32Array(rows * T), targets = new Int32Array(rows * T);
      for (let r = 0; r < rows; r++) {
        decIn[r * T] = BOS;
        decIn.set(text, r * T + 1);
        targets.set(text, r * T);
        targets[r * T + T - 1] = EOS;
      }
      let best = -Infinity, bestLabel = -1;
      for (let first = 0; first < N; first += rows) {
        const n = Math.min(rows, N - first);
        for (let r = 0; r < n; r++) cond[r] = first + r;
        const logits = m.forward(cond, decIn, n, T);
        for (let r = 0; r < n; r++) {
          const ll = sequenceLogProb(logits, targets, r * T, T, m.V);
          if (first + r === own[i]) nll -= ll;
          if (ll > best) [best, bestLabel] = [ll, first + r];
        }
      }
      tokens += T;
      if (bestLabel === own[i]) right++;
    });
    return { task: 'one-to-many', examples: examples.length, tokens, loss: tokens ? nll / tokens : 0, label_accuracy: N > 1 && examples.length ? right / examples.length : null };
  }
}

/** Σ_t log softmax(logits_t)[target_t] over T positions from position `at`, in Float64 (no underflow to −∞). */
function sequenceLogProb(logits: Floats, targets: Int32Array, at: number, T: number, V: number): number {
  let sum = 0;
  for (let t = at; t < at + T; t++) {
    const o = t * V;
    let max = -Infinity, z = 0;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[o + v]);
    for (let v = 0; v < V; v++) z += Math.exp(logits[o + v] - max);
    sum += logits[o + targets[t]] - max - Math.log(z);
  }
  return sum;
}
