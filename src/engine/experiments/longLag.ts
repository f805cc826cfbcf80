// The long-time-lag task behind the vanishing-gradient demonstration (Hochreiter 1991; Bengio, Simard &
// Frasconi 1994): the first token of a T-step sequence is a class (0 or 1), every later token is noise, and
// only the last step has a target — that first token. Solving it needs ∂L/∂h_t to reach t = 0, which a tanh
// RNN's gradient does not (it shrinks by roughly ‖W_hh‖·tanh' per step), while the LSTM's additive cell path
// keeps it alive. Used by the unit test and by the "Run Vanishing-Gradient Experiment" command.
import type { CellKind } from '../cells/cell';
import { LanguageModel } from '../lm';
import { Rng } from '../rng';
import { LmTrainer, type LmBatch, type StepStats } from '../trainer';

export interface LongLagConfig {
  cell: CellKind;
  steps: number; // sequence length T
  batch: number;
  hiddenSize: number;
  noiseTokens: number;
  lr: number;
  /** LSTM forget-gate bias: a large value starts with the memory open (Gers et al. 2000). */
  forgetBias?: number;
  seed: number;
}

export const LONG_LAG_DEFAULTS: Omit<LongLagConfig, 'cell'> = {
  steps: 50, batch: 32, hiddenSize: 32, noiseTokens: 4, lr: 1e-2, forgetBias: 5, seed: 1,
};

/** Token ids: 0 and 1 are the classes, 2 … 2 + noiseTokens − 1 the noise. */
export function fillLongLagBatch(rng: Rng, batch: LmBatch, noiseTokens: number): void {
  const { B, T, inputs, targets } = batch;
  for (let b = 0; b < B; b++) {
    const cls = rng.int(2);
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = t === 0 ? cls : 2 + rng.int(noiseTokens);
      targets[b * T + t] = t === T - 1 ? cls : -1; // −1: ignored by the loss
    }
  }
}

export class LongLagExperiment {
  readonly model: LanguageModel;
  readonly trainer: LmTrainer;
  private readonly rng: Rng;
  private readonly batch: LmBatch;

  constructor(readonly cfg: LongLagConfig) {
    this.model = new LanguageModel({
      vocabSize: 2 + cfg.noiseTokens, embeddingSize: 8,
      rnn: {
        cell: cfg.cell, hiddenSize: cfg.hiddenSize, numLayers: 1, bidirectional: false, merge: 'concat', dropout: 0,
        forgetBias: cfg.cell === 'lstm' ? cfg.forgetBias : undefined,
      },
    });
    this.model.initialize(new Rng(cfg.seed));
    this.trainer = new LmTrainer(this.model, {
      optimizer: { kind: 'adam' }, schedule: { kind: 'constant', lr: cfg.lr }, clipNorm: 1,
    });
    this.rng = new Rng(cfg.seed + 1);
    const n = cfg.batch * cfg.steps;
    this.batch = { inputs: new Int32Array(n), targets: new Int32Array(n), B: cfg.batch, T: cfg.steps, resetState: true };
  }

  /** One training step on a fresh batch; ‖∂L/∂h_t‖ of its first sequence is in gradThroughTime (T values). */
  step(): StepStats {
    fillLongLagBatch(this.rng, this.batch, this.cfg.noiseTokens);
    return this.trainer.step(this.batch);
  }

  get gradThroughTime(): Float64Array {
    return this.trainer.gradThroughTime;
  }

  /** Accuracy at the last step on `batches` fresh batches from a separate seed. */
  accuracy(batches: number, seed: number): number {
    const rng = new Rng(seed);
    const { B, T } = this.batch;
    const V = this.model.V;
    let correct = 0;
    for (let k = 0; k < batches; k++) {
      fillLongLagBatch(rng, this.batch, this.cfg.noiseTokens);
      const logits = this.model.forward(this.batch.inputs, B, T);
      for (let b = 0; b < B; b++) {
        const r = (b * T + T - 1) * V;
        const predicted = logits[r] >= logits[r + 1] ? 0 : 1;
        if (predicted === this.batch.targets[b * T + T - 1]) correct++;
      }
    }
    return correct / (batches * B);
  }
}
