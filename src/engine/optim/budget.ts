// The learning rate of a run that knows its budget: a short linear warm-up, then a cosine decay to a floor, over
// the WHOLE budget, whether that budget is counted in optimizer steps or in seconds of training.
//   warm-up   lr(p) = lr · (f + (1 − f) · p / w),                     p < w
//   cosine    lr(p) = lr·f + (lr − lr·f) · (1 + cos(π · (p − w) / (1 − w))) / 2,   w ≤ p ≤ 1 (held at lr·f after)
// with p the share of the budget spent (step / steps, or elapsed / seconds), w = WARMUP_SHARE, f = FLOOR.
// This is nanoGPT's get_lr (Karpathy, train.py: linear warm-up, cosine to min_lr = lr/10) and SGDR's cosine
// without restarts (Loshchilov & Hutter 2017, eq. 5). Warming up from lr·f rather than 0 keeps the first step
// useful (torch LinearLR with start_factor f). For a step budget this is exactly schedule.ts's cosine schedule
// with a warm-up (so resuming stays a pure function of the step); for a time budget the run evaluates
// budgetLearningRate at the share of its time spent, so the rate follows the clock.

import type { Schedule } from './schedule';

/** Share of the budget spent warming up (nanoGPT warms up for 2000 of 600000 iterations; 2 % suits short runs). */
export const WARMUP_SHARE = 0.02;
/** The rate decays to this share of the base rate (nanoGPT's min_lr = learning_rate / 10). */
export const FLOOR = 0.1;

/** The step-budget schedule: warm-up over ⌊WARMUP_SHARE · steps⌋ steps, cosine to lr·FLOOR at the last step. */
export function stepBudgetSchedule(lr: number, steps: number): Schedule {
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`a step budget needs at least 2 steps, got ${steps}`);
  const warm = Math.floor(WARMUP_SHARE * steps);
  return { kind: 'cosine', lr, totalSteps: steps, minLr: lr * FLOOR, ...(warm > 0 ? { warmup: { steps: warm, startFactor: FLOOR } } : {}) };
}

/** The rate after a share `spent` (clamped to [0, 1]) of a time budget: the same curve as stepBudgetSchedule. */
export function budgetLearningRate(lr: number, spent: number): number {
  const p = Math.min(1, Math.max(0, spent));
  if (p < WARMUP_SHARE) return lr * (FLOOR + ((1 - FLOOR) * p) / WARMUP_SHARE);
  const x = (p - WARMUP_SHARE) / (1 - WARMUP_SHARE);
  return lr * FLOOR + ((lr - lr * FLOOR) * (1 + Math.cos(Math.PI * x))) / 2;
}
