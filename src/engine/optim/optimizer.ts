// The optimizer interface and its configuration types, shared by sgd.ts, adam.ts, rmsprop.ts and factory.ts.
//
// Every optimizer updates `params.data` in place from `params.grad` (one arena each, see ../params.ts) and keeps
// its per-element state in "moment arenas": ONE typed array per role (torch's state names: `momentum_buffer`,
// `exp_avg`, `exp_avg_sq`, `square_avg`, `grad_avg`), of the arena's own dtype and laid out exactly like
// `params.data`, so element i of every moment belongs to parameter element i. A checkpoint saves them as is.
//
// The learning rate is an argument of step(), not a field: schedules (schedule.ts) stay outside the optimizer,
// exactly as a torch LR scheduler writes `group['lr']` before each `optimizer.step()`.
// Hyperparameter names and defaults are torch.optim's (1.13/2.x documentation).
import type { Params } from '../params';
import type { Floats } from '../tensor';

export interface OptimizerState {
  kind: OptimizerKind;
  /** Steps taken so far (torch's `state['step']`; Adam's bias correction uses it). */
  stepCount: number;
  /** Named moment arenas, each `params.size` long. Copies: the optimizer never writes into them. */
  moments: Record<string, Floats>;
}

export interface Optimizer {
  readonly kind: OptimizerKind;
  /** One update of params.data from params.grad with learning rate `lr`. Allocates nothing. */
  step(lr: number): void;
  readonly stepCount: number;
  /** A snapshot (copies) of the step count and moment arenas, for checkpoints. */
  state(): OptimizerState;
  /** Restores a snapshot into this optimizer's own buffers (which stay the same objects). */
  loadState(s: OptimizerState): void;
  /** Names of the live moment arenas, e.g. ['exp_avg', 'exp_avg_sq']; empty for plain SGD. */
  readonly momentNames: readonly string[];
  /** The live moment arena itself (not a copy): read it, e.g. for a zero-copy checkpoint; do not keep writing. */
  moment(name: string): Floats;
}

export type OptimizerKind = 'sgd' | 'adam' | 'adamw' | 'rmsprop';

/** torch.optim.SGD(momentum=0, dampening=0, weight_decay=0, nesterov=False). */
export interface SgdConfig {
  kind: 'sgd';
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/** torch.optim.Adam(betas=(0.9, 0.999), eps=1e-8, weight_decay=0): L2 penalty added to the gradient. */
export interface AdamConfig {
  kind: 'adam';
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** torch.optim.AdamW(betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2): decoupled decay p *= 1 - lr*wd. */
export interface AdamWConfig {
  kind: 'adamw';
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** torch.optim.RMSprop(alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False). */
export interface RmspropConfig {
  kind: 'rmsprop';
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

export type OptimizerConfig = SgdConfig | AdamConfig | AdamWConfig | RmspropConfig;

/**
 * torch's default learning rates (SGD has none in torch; 1e-3 is what torch 2.x later adopted). The optimizer
 * does not use these: they are for callers building a schedule when the user gave no lr.
 */
export const DEFAULT_LR: Readonly<Record<OptimizerKind, number>> = {
  sgd: 1e-3,
  adam: 1e-3,
  adamw: 1e-3,
  rmsprop: 1e-2,
};

/** One zeroed moment arena, same dtype and length as the parameter arena. */
export function allocMoment(params: Params): Floats {
  return new params.ctor(params.size);
}

/** Copies named moment arenas (for state()). */
export function copyMoments(moments: Record<string, Floats>): Record<string, Floats> {
  const out: Record<string, Floats> = {};
  for (const k of Object.keys(moments)) out[k] = moments[k].slice();
  return out;
}

/** Checks a snapshot against this optimizer's kind and buffers, then copies it in (never replacing buffers). */
export function restoreMoments(
  kind: OptimizerKind,
  own: Record<string, Floats>,
  s: OptimizerState,
): void {
  if (s.kind !== kind) throw new Error(`optimizer state is for '${s.kind}', not '${kind}'`);
  if (!Number.isInteger(s.stepCount) || s.stepCount < 0) throw new Error(`bad optimizer stepCount ${s.stepCount}`);
  const want = Object.keys(own).sort().join(',');
  const got = Object.keys(s.moments).sort().join(',');
  if (want !== got) throw new Error(`optimizer state has moments [${got}], expected [${want}]`);
  for (const k of Object.keys(own)) {
    if (s.moments[k].length !== own[k].length) {
      throw new Error(`moment ${k}: expected ${own[k].length} values, got ${s.moments[k].length}`);
    }
    own[k].set(s.moments[k]);
  }
}

/** Looks up a live moment arena by name, with a clear error. */
export function getMoment(own: Record<string, Floats>, name: string): Floats {
  const m = own[name];
  if (!m) throw new Error(`no optimizer moment named ${name} (have: ${Object.keys(own).join(', ') || 'none'})`);
  return m;
}

export function checkNonNegative(what: string, v: number): void {
  if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`invalid ${what}: ${v}`);
}

export function checkBeta(what: string, v: number): void {
  if (!(v >= 0 && v < 1)) throw new Error(`invalid ${what}: ${v} (must be in [0, 1))`);
}

/**
 * What every optimizer shares: the step counter and named moment arenas, with snapshot/restore for
 * checkpoints. Subclasses set `moments` in their constructor and implement step().
 */
export abstract class MomentOptimizer implements Optimizer {
  abstract readonly kind: OptimizerKind;
  protected steps = 0;
  protected abstract readonly moments: Record<string, Floats>;

  abstract step(lr: number): void;

  get stepCount(): number {
    return this.steps;
  }

  state(): OptimizerState {
    return { kind: this.kind, stepCount: this.steps, moments: copyMoments(this.moments) };
  }

  get momentNames(): readonly string[] {
    return Object.keys(this.moments);
  }

  moment(name: string): Floats {
    return getMoment(this.moments, name);
  }

  loadState(s: OptimizerState): void {
    restoreMoments(this.kind, this.moments, s);
    this.steps = s.stepCount;
  }
}
