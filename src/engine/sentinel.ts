// The step sentinel: what keeps a diverging run from destroying its own weights. Every driver of TrainStep (the
// CLI, the editor's worker, the experiments, bench) gets it, because it sits inside TrainStep.run:
//   forward/backward → loss finite? gradients finite? → save() → optimizer update → parameters finite?
// Before each update it copies the parameter arena and the optimizer state (moments, step count) into ONE
// preallocated buffer per arena, so a failed step costs one copy back and a good step one memcpy-sized copy,
// with no allocation. On any non-finite value the run is put back to the last state whose forward AND
// backward were finite:
//   - the loss (or a gradient) of step k is NaN/Inf: the weights that produced it came from update k−1, which
//     was applied to finite, well-behaved weights; those (saved before update k−1) are restored. This catches
//     the classic overflow: finite 1e30-sized weights whose forward is Inf − Inf = NaN.
//   - a parameter is NaN/Inf right after update k: the weights saved just before it are restored.
//   - an optimizer moment is NaN/Inf right after update k while every parameter is finite: the same. Adam's and
//     RMSprop's v ← β v + (1 − β) g² overflows float32 (max 3.4e38) once |g| passes ~1e19 (~1e20 for RMSprop's
//     α = 0.99), and then m / √v = 0 freezes that weight for good, while a checkpoint of it could never be resumed.
// It also flags, once, a loss that is finite but far above chance (see HUGE_LOSS_FACTOR).
import type { Optimizer, OptimizerState } from './optim';
import type { Params } from './params';
import type { Floats } from './tensor';

/**
 * A mean cross-entropy above HUGE_LOSS_FACTOR · ln(K) (K = classes the softmax ranges over: vocabulary, labels,
 * tags) is flagged. ln(K) is the loss of the uniform guess, which is what a freshly initialised model scores, so
 * a loss ten times that puts on average K^−10 on the right answer (for K = 30, e^−34): no learning run gets
 * there, only one whose updates overshoot. `--lr 1e6` reaches ~1e6 while ln(30) ≈ 3.4.
 */
export const HUGE_LOSS_FACTOR = 10;

export function hugeLossThreshold(classes: number): number {
  return HUGE_LOSS_FACTOR * Math.log(Math.max(2, classes));
}

export type NonFiniteKind = 'loss' | 'gradient' | 'parameter' | 'optimizer';

/** An activation of the last forward, in forward order, sized to that forward's batch (models list them). */
export interface NamedActivation {
  name: string;
  values: Floats;
}

/** The first activation (forward order) holding a NaN or ±Infinity: where the forward pass went wrong. */
export function firstNonFiniteActivation(list: readonly NamedActivation[]): string | null {
  for (const a of list) for (let i = 0; i < a.values.length; i++) if (!Number.isFinite(a.values[i])) return a.name;
  return null;
}

/** Name of the first tensor (arena order) whose VALUE holds a NaN or ±Infinity, or null. */
export function firstNonFiniteParam(params: Params): string | null {
  const d = params.data, entries = params.entries;
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k];
    for (let i = e.offset, end = e.offset + e.size; i < end; i++) if (!Number.isFinite(d[i])) return e.name;
  }
  return null;
}

/**
 * The first optimizer moment (moment-name order, then arena order) holding a NaN or ±Infinity, named as the
 * checkpoint's training.safetensors names it ("optim.exp_avg_sq.rnn.weight_hh_l0"), or null.
 */
export function firstNonFiniteMoment(params: Params, optimizer: Optimizer): string | null {
  for (const m of optimizer.momentNames) {
    const d = optimizer.moment(m);
    for (const e of params.entries) {
      for (let i = e.offset, end = e.offset + e.size; i < end; i++) if (!Number.isFinite(d[i])) return `optim.${m}.${e.name}`;
    }
  }
  return null;
}

/** The tensor holding the largest |value| and that value: the usual suspect when a forward overflows. */
export function largestWeight(params: Params): { name: string; abs: number } {
  const d = params.data, entries = params.entries;
  let name = '', abs = -1;
  for (const e of entries) {
    for (let i = e.offset, end = e.offset + e.size; i < end; i++) {
      const a = Math.abs(d[i]);
      if (a > abs) [abs, name] = [a, e.name];
    }
  }
  return { name, abs };
}

/** One line for the user: what became non-finite, where, at which step. */
export function describeNonFinite(
  kind: NonFiniteKind, tensor: string, step: number, largest?: { name: string; abs: number } | null, activation?: string | null,
): string {
  if (kind === 'parameter') return `parameter ${tensor} became NaN or Infinity in the update of step ${step}`;
  if (kind === 'optimizer') {
    return `optimizer state ${tensor} became NaN or Infinity in the update of step ${step} (a gradient too large for float32 when squared)`;
  }
  const at = kind === 'gradient' ? `the gradient of ${tensor} is NaN or Infinity at step ${step}` : `the loss is NaN or Infinity at step ${step}`;
  // Weights of this size overflow float32 products (|w|·|x|·width > 3.4e38 once |w| is far past any trained value).
  const big = largest && largest.abs > LARGE_WEIGHT ? `${largest.name} holds |w| = ${largest.abs.toExponential(2)}` : '';
  const first = activation ? `the first non-finite activation is ${activation}` : '';
  const hint = [first, big].filter(Boolean).join('; ');
  return hint ? `${at} (the forward pass overflowed: ${hint})` : at;
}

/** A weight this large is worth naming: trained recurrent weights stay within a few units, init within 1. */
const LARGE_WEIGHT = 1e4;

/** One line for the user about a finite loss far above chance (the caller adds what to do). */
export function hugeLossMessage(loss: number, step: number, classes: number): string {
  return `the loss is ${loss.toPrecision(3)} at step ${step}, more than ${HUGE_LOSS_FACTOR} × the chance level ` +
    `ln(${classes}) = ${Math.log(classes).toFixed(2)}: training is diverging`;
}

/** Throws naming the first non-finite parameter: no checkpoint may carry NaN/Inf weights. */
export function assertFiniteParams(params: Params, what: string, makeError: (m: string) => Error = (m) => new Error(m)): void {
  const bad = firstNonFiniteParam(params);
  if (bad !== null) throw makeError(`refusing to write ${what}: parameter ${bad} holds NaN or Infinity`);
}

/** The saved copy of the parameters and optimizer state from just before the latest update. */
export class StepRollback {
  private readonly savedParams: Floats;
  private readonly saved: OptimizerState;
  private valid = false;

  constructor(private readonly params: Params, private readonly optimizer: Optimizer) {
    this.savedParams = new params.ctor(params.size);
    const moments: Record<string, Floats> = {};
    // Through params.ctor like every arena, so heap sizing counts these copies without making them (sizing/count.ts).
    for (const name of optimizer.momentNames) moments[name] = new params.ctor(params.size);
    this.saved = { kind: optimizer.kind, stepCount: 0, moments };
  }

  /** Copies weights and optimizer state (call right before optimizer.step). */
  save(): void {
    this.savedParams.set(this.params.data);
    for (const name of this.optimizer.momentNames) this.saved.moments[name].set(this.optimizer.moment(name));
    this.saved.stepCount = this.optimizer.stepCount;
    this.valid = true;
  }

  /** Puts the saved state back; false when nothing was saved since the weights were last loaded. */
  restore(): boolean {
    if (!this.valid) return false;
    this.params.data.set(this.savedParams);
    this.optimizer.loadState(this.saved);
    this.valid = false;
    return true;
  }

  /** Weights were replaced from outside (checkpoint, rollback): the saved copy no longer precedes them. */
  forget(): void {
    this.valid = false;
  }
}
