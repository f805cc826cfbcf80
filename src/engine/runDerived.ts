// What a RunConfig (run/config.ts) means for the optimizer, the learning-rate schedule, gradient clipping and the
// tokenizer. Kept out of run/ so the task classes (tasks/) can derive their training setup from a RunConfig while
// the run (run/run.ts) builds those tasks: run → tasks → runDerived, with no directory cycle (engineCycles.test.ts).
import { stepBudgetSchedule, type OptimizerConfig, type OptimizerKind, type Schedule } from './optim';
import type { TokenizerKind } from './tokenize/tokenizer';

/** The RunConfig fields read here (named structurally: run/config.ts re-exports this file, so it cannot import it). */
interface Derivable {
  optimizer: OptimizerKind;
  momentum: number;
  lr: number;
  lrSchedule: LrScheduleKind;
  steps: number;
  time: number;
  clip: number;
  tokenizer: TokenizerKind;
  vocabSize: number;
}

/** torch.optim's config for the chosen optimizer (momentum only where the optimizer has one). */
export function optimizerConfig(c: Derivable): OptimizerConfig {
  if (c.optimizer === 'sgd' || c.optimizer === 'rmsprop') return c.momentum > 0 ? { kind: c.optimizer, momentum: c.momentum } : { kind: c.optimizer };
  return { kind: c.optimizer };
}

export const LR_SCHEDULES = ['auto', 'constant', 'cosine'] as const;
/** auto: follow the budget when the run has one (steps or time), else constant; cosine: the same, a budget required. */
export type LrScheduleKind = (typeof LR_SCHEDULES)[number];

/** Whether the rate follows a time budget: then the run sets it from its clock each step (run/budgetClock.ts). */
export function followsClock(c: Derivable): boolean {
  return c.lrSchedule !== 'constant' && c.steps === 0 && c.time > 0;
}

/**
 * The schedule over the step budget: warm-up then cosine to lr/10 (optim/budget.ts: nanoGPT's get_lr, SGDR without
 * restarts) when the config follows a budget of 2+ steps; constant otherwise. A time budget starts here at the base
 * rate and the run moves it with the clock (followsClock).
 */
export function schedule(c: Derivable): Schedule {
  return c.lrSchedule !== 'constant' && c.steps > 1 ? stepBudgetSchedule(c.lr, c.steps) : { kind: 'constant', lr: c.lr };
}

/** Norm clipping for TrainStep: null when off. */
export function clipNorm(c: Derivable): number | null {
  return c.clip > 0 ? c.clip : null;
}

/** Tokenizer options (vocabSize 0 = the tokenizer's default). */
export function tokenizerOptions(c: Derivable): Record<string, number> {
  if (!c.vocabSize) return {};
  return c.tokenizer === 'bpe' ? { vocabSize: c.vocabSize } : { maxVocab: c.vocabSize };
}
