// Public surface of the optimization package: clipping and gradient diagnostics, optimizers, schedules.
export {
  clipByGlobalNorm,
  clipByValue,
  firstNonFiniteGrad,
  globalGradNorm,
  gradNorms,
  groupNames,
  newClipStats,
} from './clip';
export type { ClipStats } from './clip';
export { Adam } from './adam';
export { Rmsprop } from './rmsprop';
export { Sgd } from './sgd';
export { createOptimizer } from './factory';
export { DEFAULT_LR } from './optimizer';
export type {
  AdamConfig,
  AdamWConfig,
  Optimizer,
  OptimizerConfig,
  OptimizerKind,
  OptimizerState,
  RmspropConfig,
  SgdConfig,
} from './optimizer';
export { learningRate } from './schedule';
export type { Schedule, Warmup } from './schedule';
export { budgetLearningRate, stepBudgetSchedule } from './budget';
