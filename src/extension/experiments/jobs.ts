// The experiments worker's jobs, as pure code (engine + protocol types only, no I/O, no timers) so mocha tests
// run them directly and the worker (worker.ts) only schedules them:
//   LongLagJob   tanh RNN and LSTM trained side by side on the long-lag task (engine/experiments/longLag.ts),
//                one step of each per tick; its view carries both ‖∂L/∂h_t‖ curves (Bengio et al. 1994).
//   gradCheck    numeric vs analytic gradients of a checkpointed language model, per parameter tensor, on a
//                Float64 copy (engine/gradcheck.ts's central differences on a seeded sample of entries).
//   TextSampler  a short generated text from a weight snapshot, refreshed while a run trains.
// Legend: B batch, T time, V vocabulary, L layers, H hidden.
import type { CellKind } from '../../engine/cells/cell';
import { loadWeights, readCheckpoint, type CheckpointFiles } from '../../engine/checkpoint';
import { GRADCHECK_EPSILON, checkGradient } from '../../engine/gradcheck';
import { LONG_LAG_DEFAULTS, LongLagExperiment } from '../../engine/experiments/longLag';
import { LanguageModel, type LmConfig } from '../../engine/lm';
import { LmStepDecoder } from '../../engine/lmDecoder';
import { Rng } from '../../engine/rng';
import { sampleSequence } from '../../engine/sample';
import { TokenFilter } from '../../engine/tokenFilter';
import { buildTokenizer, type Tokenizer } from '../../engine/tokenize/tokenizer';
import type { ExperimentView, GradCheckRow, GradCheckView } from '../../protocol/dashboard';
import type { LongLagOptions } from '../../protocol/experiments';
import { tokenizerOptions, type RunConfig } from '../../engine/run/config';

export type { LongLagOptions };

export const LONG_LAG_JOB_DEFAULTS: LongLagOptions = { steps: LONG_LAG_DEFAULTS.steps, trainSteps: 300, hiddenSize: LONG_LAG_DEFAULTS.hiddenSize, seed: LONG_LAG_DEFAULTS.seed };

const CELLS: readonly { cell: CellKind; label: string }[] = [
  { cell: 'rnn_tanh', label: 'tanh RNN' },
  { cell: 'lstm', label: 'LSTM' },
];

export class LongLagJob {
  private readonly models: LongLagExperiment[];
  private readonly losses: { step: number; loss: number }[][];
  private readonly gtt: number[][];
  private readonly accuracy: (number | null)[];
  private stepsDone = 0;

  constructor(readonly opts: LongLagOptions) {
    this.models = CELLS.map(({ cell }) => new LongLagExperiment({ ...LONG_LAG_DEFAULTS, cell, steps: opts.steps, hiddenSize: opts.hiddenSize, seed: opts.seed }));
    this.losses = CELLS.map(() => []);
    this.gtt = CELLS.map(() => []);
    this.accuracy = CELLS.map(() => null);
  }

  get done(): boolean {
    return this.stepsDone >= this.opts.trainSteps;
  }

  /** One training step of each model; after the last one, their held-out accuracy. */
  tick(): void {
    if (this.done) return;
    this.stepsDone++;
    this.models.forEach((m, k) => {
      const s = m.step();
      this.losses[k].push({ step: s.step, loss: s.loss });
      this.gtt[k] = Array.from(m.gradThroughTime.subarray(0, this.opts.steps));
    });
    if (this.done) this.models.forEach((m, k) => (this.accuracy[k] = m.accuracy(4, this.opts.seed + 1000)));
  }

  view(): ExperimentView {
    return {
      title: `Long-lag task: the class is the first of ${this.opts.steps} tokens, the loss is at the last`,
      T: this.opts.steps, step: this.stepsDone, totalSteps: this.opts.trainSteps, done: this.done,
      series: CELLS.map(({ cell, label }, k) => ({
        label, cell, loss: this.losses[k].slice(), gradThroughTime: this.gtt[k].slice(), accuracy: this.accuracy[k],
      })),
    };
  }
}

export interface GradCheckOptions {
  /** Entries checked per tensor (all of them when the tensor is smaller). */
  entriesPerTensor: number;
  /** Sequence length and rows of the sample batch. */
  T: number;
  B: number;
  seed: number;
}

export const GRAD_CHECK_DEFAULTS: GradCheckOptions = { entriesPerTensor: 6, T: 12, B: 2, seed: 7 };

/**
 * Builds a Float64 copy of the checkpoint's model (dropout off, so the loss is a deterministic function of the
 * weights) and compares, for a seeded sample of entries of every tensor, the analytic ∂L/∂θ of one backward pass
 * with the central difference of src/engine/gradcheck.ts (its ε, relative error and tolerance, shared with the tests).
 */
export function gradCheck(files: CheckpointFiles, text: string, name: string, opts: GradCheckOptions = GRAD_CHECK_DEFAULTS): GradCheckView {
  const ck = readCheckpoint(files, name);
  const arch = ck.architecture;
  if (arch.kind !== 'lm') throw new Error(`${name} holds a ${arch.kind} model; the gradient check runs on language models`);
  const cfg: LmConfig = { ...arch.config, rnn: { ...arch.config.rnn, dropout: 0 } };
  const lm = new LanguageModel(cfg, Float64Array);
  loadWeights(lm.params, ck.weights);
  const { inputs, targets, B, T } = sampleBatch(ck.tokenizer, text, opts.B, opts.T);
  const loss = (): number => {
    lm.forward(inputs, B, T);
    return lm.loss(targets, 'mean').loss;
  };
  lm.params.zeroGrad();
  lm.forward(inputs, B, T, { training: true });
  lm.lossAndBackward(targets, 'mean');
  const analytic = Float64Array.from(lm.params.grad);
  const rng = new Rng(opts.seed);
  const rows: GradCheckRow[] = [];
  for (const e of lm.params.entries) {
    const at = e.offset, end = e.offset + e.size;
    const c = checkGradient(e.name, loss, lm.params.data.subarray(at, end), analytic.subarray(at, end), pickEntries(e.size, opts.entriesPerTensor, rng));
    rows.push({ tensor: e.name, shape: [...e.shape], checked: c.checked, maxAbsError: c.maxAbs, maxRelError: c.maxRel, ok: c.ok });
  }
  const r = cfg.rnn;
  return { model: `${name}: ${r.cell.toUpperCase()} ${r.numLayers}×${r.hiddenSize}, vocabulary ${cfg.vocabSize}, batch ${B}×${T}`, epsilon: GRADCHECK_EPSILON, rows };
}

function sampleBatch(tok: Tokenizer, text: string, B: number, T: number): { inputs: Int32Array; targets: Int32Array; B: number; T: number } {
  const ids = tok.encode(text.slice(0, 20_000));
  if (ids.length < 2) throw new Error('the text to check gradients on gives fewer than two tokens');
  const t = Math.max(1, Math.min(T, Math.floor((ids.length - 1) / B) || ids.length - 1));
  const b = Math.max(1, Math.min(B, Math.floor((ids.length - 1) / t)));
  const inputs = new Int32Array(b * t), targets = new Int32Array(b * t);
  for (let r = 0; r < b; r++)
    for (let s = 0; s < t; s++) {
      inputs[r * t + s] = ids[r * t + s];
      targets[r * t + s] = ids[r * t + s + 1];
    }
  return { inputs, targets, B: b, T: t };
}

function pickEntries(size: number, n: number, rng: Rng): number[] {
  if (size <= n) return Array.from({ length: size }, (_, i) => i);
  const set = new Set<number>();
  while (set.size < n) set.add(rng.int(size));
  return [...set].sort((a, b) => a - b);
}

/** Generates text from weight snapshots of one run; the tokenizer is rebuilt once per run from its training text. */
export class TextSampler {
  private cache: { runId: string; tokenizer: Tokenizer; lm: LanguageModel; filter: TokenFilter } | null = null;

  sample(runId: string, config: RunConfig, train: string, weights: Float32Array, length: number, seed: number): { prompt: string; text: string } {
    if (this.cache?.runId !== runId) {
      // The same tokenizer and layout as LmTask.create (the run's), so the ids and the snapshot match the worker's model.
      const tokenizer = buildTokenizer(config.tokenizer, train, tokenizerOptions(config));
      const lm = new LanguageModel({
        vocabSize: tokenizer.vocabSize, embeddingSize: config.embedding,
        rnn: { cell: config.cell, hiddenSize: config.hidden, numLayers: config.layers, bidirectional: false, merge: config.merge, dropout: config.dropout },
      });
      this.cache = { runId, tokenizer, lm, filter: new TokenFilter(tokenizer) };
    }
    const { tokenizer, lm, filter } = this.cache;
    if (weights.length !== lm.params.size) throw new Error(`the snapshot has ${weights.length} values, the model ${lm.params.size}`);
    lm.params.data.set(weights);
    const rng = new Rng(seed);
    const prompt = promptOf(train, rng);
    const ids = tokenizer.encode(prompt);
    const result = sampleSequence(new LmStepDecoder(lm, ids.length ? ids : [0]), { maxLength: length, strategy: 'sample', temperature: 0.8, rng, constraint: filter });
    return { prompt, text: tokenizer.decode(result.tokens) };
  }
}

/** A few words from a seeded place in the training text (starting at a word), as the generation's prompt. */
function promptOf(train: string, rng: Rng): string {
  if (train.length <= 24) return train;
  let at = rng.int(train.length - 24);
  const space = train.indexOf(' ', at);
  if (space >= 0 && space < train.length - 24) at = space + 1;
  return train.slice(at, at + 24);
}
