// The training step shared by every architecture, and the language-model trainer with truncated BPTT.
//   zero grads → model forward + loss + backward (the caller's closure) → non-finite check
//   → clip (global L2 norm, clip_grad_norm_ semantics, and/or by value) → per-tensor / per-layer norms
//   → save weights and optimizer state → optimizer step with the scheduled learning rate → parameters finite?
//   → optimizer moments finite?
// A non-finite loss, gradient or updated parameter rolls the run back to the last weights whose forward and
// backward were finite (sentinel.ts) and names the tensor in the stats; the driver decides to stop or pause.
// Statistics are RETURNED, never logged (recurrentjs's Solver returns ratio_clipped the same way): the worker
// ships them and the dashboard plots them. The returned StepStats object is reused from step to step, so a
// step allocates nothing; copy what you keep.
import type { LanguageModel } from './lm';
import type { RecurrentForwardOptions, RecurrentStack } from './layers/recurrent';
import type { Reduction } from './loss';
import {
  clipByGlobalNorm, clipByValue, createOptimizer, firstNonFiniteGrad, gradNorms, groupNames, learningRate, newClipStats,
  type ClipStats, type Optimizer, type OptimizerConfig, type Schedule,
} from './optim';
import type { Params } from './params';
import type { Rng } from './rng';
import type { Floats } from './tensor';
import {
  firstNonFiniteActivation, firstNonFiniteMoment, firstNonFiniteParam, hugeLossThreshold, largestWeight, StepRollback, type NamedActivation, type NonFiniteKind,
} from './sentinel';

export interface TrainStepConfig {
  optimizer: OptimizerConfig;
  schedule: Schedule;
  /** Max global L2 norm of all gradients; null = no norm clipping. */
  clipNorm: number | null;
  /** Clamp every gradient entry to ±clipValue; null = off. Applied before norm clipping. */
  clipValue?: number | null;
  /**
   * Classes the (mean-reduced) cross-entropy ranges over (vocabulary, labels, tags): a loss above
   * hugeLossThreshold(classes) is flagged once in StepStats.hugeLoss. Omitted: no flag.
   */
  classes?: number;
}

export interface StepStats {
  step: number;
  loss: number;
  /** Positions that counted in the loss (targets not ignored). */
  tokens: number;
  lr: number;
  gradNorm: number;
  gradNormAfterClip: number;
  clipped: boolean;
  /** Gradient entries changed by clip-by-value. */
  valueClipped: number;
  /**
   * When the step failed: the first tensor found non-finite ("loss", the parameter whose gradient or value it
   * was, or the optimizer moment "optim.<moment>.<parameter>") and which kind; the run was rolled back to `lastGoodStep`. Else null.
   */
  nonFinite: string | null;
  nonFiniteKind: NonFiniteKind | null;
  /** On a failed step: the largest |weight| (before the roll-back) and its tensor, the usual culprit of an overflow. */
  largestWeight: { name: string; abs: number } | null;
  /** On a non-finite loss: the first activation of the forward holding NaN/Inf, when the model lists them. */
  activation: string | null;
  /** Optimizer steps contained in the weights now in the arena (after a roll-back, fewer than step − 1). */
  lastGoodStep: number;
  /** True on the first step whose finite loss exceeded hugeLossThreshold(cfg.classes); false on every other. */
  hugeLoss: boolean;
  /** ‖∂L/∂param‖ per tensor, in params.entries order. */
  perTensorNorm: Float64Array;
  /** ‖∂L/∂param‖ per layer group, in groupNames(params) order. */
  perGroupNorm: Float64Array;
}

export class TrainStep {
  readonly optimizer: Optimizer;
  readonly groups: readonly string[];
  private readonly clipStats: ClipStats = newClipStats();
  private readonly rollback: StepRollback;
  private hugeLossSeen = false;
  /** Set by data-parallel training (parallel/dataParallel.ts): the N-thread forward and backward of the same batch. */
  private parallel: (() => { loss: number; count: number }) | null = null;
  readonly stats: StepStats;

  /** `activations` lists the model's forward buffers, read only when a loss is not finite (to name the first bad one). */
  constructor(readonly params: Params, readonly cfg: TrainStepConfig, private readonly activations?: () => readonly NamedActivation[]) {
    this.optimizer = createOptimizer(params, cfg.optimizer);
    this.rollback = new StepRollback(params, this.optimizer);
    this.groups = groupNames(params);
    this.stats = {
      step: 0, loss: 0, tokens: 0, lr: 0, gradNorm: 0, gradNormAfterClip: 0, clipped: false, valueClipped: 0,
      nonFinite: null, nonFiniteKind: null, largestWeight: null, activation: null, lastGoodStep: 0, hugeLoss: false,
      perTensorNorm: new Float64Array(params.entries.length), perGroupNorm: new Float64Array(this.groups.length),
    };
  }

  /** Call after loading weights or optimizer state from outside: the saved pre-update copy is then stale. */
  weightsReplaced(): void {
    this.rollback.forget();
  }

  /**
   * Data-parallel training: `fb` computes the gradient of the batch the caller's closure would have (its rows shared
   * among threads) and is called instead of it; null goes back to the caller's closure.
   */
  replaceForwardBackward(fb: (() => { loss: number; count: number }) | null): void {
    this.parallel = fb;
  }

  /** One optimizer step. `forwardBackward` runs the model and accumulates gradients; returns loss and count. */
  run(forwardBackward: () => { loss: number; count: number }): StepStats {
    const s = this.stats;
    this.params.zeroGrad();
    const { loss, count } = (this.parallel ?? forwardBackward)();
    s.step = this.optimizer.stepCount + 1;
    s.loss = loss;
    s.tokens = count;
    s.lr = learningRate(this.cfg.schedule, this.optimizer.stepCount);
    s.valueClipped = 0;
    s.hugeLoss = false;
    s.nonFinite = Number.isFinite(loss) ? firstNonFiniteGrad(this.params) : 'loss';
    if (s.nonFinite !== null) {
      // No update (one NaN would poison every weight through the optimizer moments), and back to the weights
      // before the previous update: these weights' forward or backward was not finite.
      s.gradNorm = s.gradNormAfterClip = NaN;
      s.clipped = false;
      return this.failed(s.nonFinite === 'loss' ? 'loss' : 'gradient', s.nonFinite);
    }
    if (!this.hugeLossSeen && this.cfg.classes !== undefined && loss > hugeLossThreshold(this.cfg.classes)) {
      this.hugeLossSeen = s.hugeLoss = true;
    }
    if (this.cfg.clipValue != null) s.valueClipped = clipByValue(this.params, this.cfg.clipValue);
    gradNorms(this.params, s.perTensorNorm, s.perGroupNorm);
    if (this.cfg.clipNorm != null) {
      clipByGlobalNorm(this.params, this.cfg.clipNorm, this.clipStats);
      s.gradNorm = this.clipStats.normBefore;
      s.gradNormAfterClip = this.clipStats.normAfter;
      s.clipped = this.clipStats.clipped;
    } else {
      let n2 = 0;
      for (let i = 0; i < s.perTensorNorm.length; i++) n2 += s.perTensorNorm[i] ** 2;
      s.gradNorm = s.gradNormAfterClip = Math.sqrt(n2);
      s.clipped = false;
    }
    this.rollback.save();
    this.optimizer.step(s.lr);
    const badParam = firstNonFiniteParam(this.params);
    if (badParam !== null) return this.failed('parameter', badParam);
    const badMoment = firstNonFiniteMoment(this.params, this.optimizer);
    if (badMoment !== null) return this.failed('optimizer', badMoment);
    s.nonFiniteKind = null;
    s.largestWeight = null;
    s.activation = null;
    s.lastGoodStep = this.optimizer.stepCount;
    return s;
  }

  private failed(kind: NonFiniteKind, tensor: string): StepStats {
    const s = this.stats;
    s.nonFinite = tensor;
    s.nonFiniteKind = kind;
    s.largestWeight = largestWeight(this.params);
    s.activation = kind === 'loss' && this.activations ? firstNonFiniteActivation(this.activations()) : null;
    this.rollback.restore();
    s.lastGoodStep = this.optimizer.stepCount;
    return s;
  }
}

/** ‖∂L/∂h_t‖ of the first sequence for every layer, direction and step: (L·D, T) row-major, into `out`. */
export function gradientThroughTime(rnn: RecurrentStack, T: number, out: Float64Array): void {
  const L = rnn.cfg.numLayers, D = rnn.D;
  for (let l = 0; l < L; l++)
    for (let d = 0; d < D; d++) {
      const src = rnn.direction(l, d).gradNormThroughTime;
      const row = (l * D + d) * T;
      for (let t = 0; t < T; t++) out[row + t] = src[t];
    }
}

export interface LmBatch {
  /** (B, T) input tokens and (B, T) next-token targets. */
  inputs: Int32Array;
  targets: Int32Array;
  B: number;
  T: number;
  /** True at the start of the token streams: the carried state is reset to zero. */
  resetState: boolean;
}

/**
 * Language-model trainer with truncated BPTT (Williams & Peng 1990): each chunk of T steps is
 * backpropagated on its own, and its final state starts the next chunk, carried detached (no gradient flows
 * into the previous chunk). With one chunk per sequence this is full BPTT.
 */
export class LmTrainer {
  readonly core: TrainStep;
  private hCarry: Float32Array | Float64Array | null = null;
  private cCarry: Float32Array | Float64Array | null = null;
  private carried = false;
  private carryRows = 0;
  private current: LmBatch | null = null;
  /** Reused forward options and closure: a step allocates no objects. */
  private readonly forwardOptions: RecurrentForwardOptions;
  private readonly forwardBackward = (): { loss: number; count: number } => {
    const b = this.current!;
    this.model.forward(b.inputs, b.B, b.T, this.forwardOptions);
    return this.model.lossAndBackward(b.targets, this.reduction);
  };
  /** (L·D, T) ‖∂L/∂h_t‖ of the first sequence of the last step. */
  gradThroughTime = new Float64Array(0);

  /** `rng` drives dropout between layers; it is required when the model has dropout. */
  constructor(
    readonly model: LanguageModel, cfg: TrainStepConfig, readonly reduction: Reduction = 'mean', private readonly rng?: Rng,
  ) {
    this.core = new TrainStep(model.params, cfg, () => model.activations());
    this.forwardOptions = { h0: null, c0: null, training: true, rng: this.rng };
  }

  step(batch: LmBatch): StepStats {
    const { B, T } = batch;
    const rnn = this.model.rnn;
    const LDBH = rnn.cfg.numLayers * rnn.D * B * rnn.cfg.hiddenSize;
    this.reserve(B);
    if (B !== this.carryRows) {
      this.carryRows = B; // a state carried over rows of another batch size means nothing
      this.carried = false;
    }
    if (this.gradThroughTime.length !== rnn.cfg.numLayers * rnn.D * T) {
      this.gradThroughTime = new Float64Array(rnn.cfg.numLayers * rnn.D * T);
    }
    const useCarry = this.carried && !batch.resetState;
    const o = this.forwardOptions;
    o.h0 = useCarry ? this.hCarry : null;
    o.c0 = useCarry ? this.cCarry : null;
    this.current = batch;
    const stats = this.core.run(this.forwardBackward);
    if (stats.nonFinite !== null) {
      this.carried = false; // a NaN state must not leak into the next chunk
      return stats;
    }
    // Detach: copy the final state (values only) for the next chunk.
    const hN = rnn.hN, cN = rnn.cN;
    for (let i = 0; i < LDBH; i++) this.hCarry![i] = hN[i];
    if (cN.length >= LDBH) for (let i = 0; i < LDBH; i++) this.cCarry![i] = cN[i];
    this.carried = true;
    gradientThroughTime(rnn, T, this.gradThroughTime);
    return stats;
  }

  /** Allocates the carried states for batches of up to B rows (grown, never shrunk; sizing/alloc.ts counts them). */
  reserve(B: number): void {
    const rnn = this.model.rnn, n = rnn.cfg.numLayers * rnn.D * B * rnn.cfg.hiddenSize;
    if (this.hCarry && this.hCarry.length >= n) return;
    this.hCarry = new this.model.params.ctor(n);
    this.cCarry = new this.model.params.ctor(n);
    this.carried = false;
  }

  /** Forgets the carried state (e.g. at an epoch boundary). */
  resetState(): void {
    this.carried = false;
  }

  /** The carried (L·D·B·H) state and whether the next chunk continues from it, for a checkpoint (null before the first step). */
  carry(): { h: Floats | null; c: Floats | null; carried: boolean } {
    return { h: this.hCarry, c: this.cCarry, carried: this.carried };
  }

  /** Continues from a checkpoint's carry: the next step reads it when `carried` (and its batch keeps B rows). */
  restoreCarry(h: ArrayLike<number>, c: ArrayLike<number>, carried: boolean): void {
    const rnn = this.model.rnn, perRow = rnn.cfg.numLayers * rnn.D * rnn.cfg.hiddenSize, n = h.length;
    if (n % perRow !== 0) throw new Error(`a carried state of ${n} values is not a whole number of rows of ${perRow}`);
    this.reserve(n / perRow);
    this.hCarry!.set(h);
    if (c.length === n) this.cCarry!.set(c);
    else this.cCarry!.fill(0);
    // The rows it was carried over: the next step keeps it only for a batch of as many rows.
    this.carryRows = n / perRow;
    this.carried = carried;
  }
}
