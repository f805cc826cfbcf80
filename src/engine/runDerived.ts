// What a RunConfig (run/config.ts) means for the optimizer, the learning-rate schedule, gradient clipping and the
// tokenizer. Kept out of run/ so the task classes (tasks/) can derive their training setup from a RunConfig while
// the run (run/run.ts) builds those tasks: run → tasks → runDerived, with no directory cycle (engineCycles.test.ts).
import type { OptimizerConfig, OptimizerKind, Schedule } from './optim';
import type { TokenizerKind } from './tokenize/tokenizer';

/** The RunConfig fields read here (named structurally: run/config.ts re-exports this file, so it cannot import it). */
interface Derivable {
  optimizer: OptimizerKind;
  momentum: number;
  lr: number;
  decay: boolean;
  steps: number;
  clip: number;
  tokenizer: TokenizerKind;
  vocabSize: number;
}

/** torch.optim's config for the chosen optimizer (momentum only where the optimizer has one). */
export function optimizerConfig(c: Derivable): OptimizerConfig {
  if (c.optimizer === 'sgd' || c.optimizer === 'rmsprop') return c.momentum > 0 ? { kind: c.optimizer, momentum: c.momentum } : { kind: c.optimizer };
  return { kind: c.optimizer };
}

/** Constant, or a cosine decay to lr/10 over the step limit (Loshchilov & Hutter 2017, without restarts). */
export function schedule(c: Derivable): Schedule {
  return c.decay && c.steps > 1 ? { kind: 'cosine', lr: c.lr, totalSteps: c.steps, minLr: c.lr / 10 } : { kind: 'constant', lr: c.lr };
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
