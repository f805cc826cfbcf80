// Builds an optimizer from a JSON-friendly discriminated-union config (see optimizer.ts for the fields and
// their torch defaults). The learning rate is not part of the config: it is passed to step() by the trainer,
// from a schedule (schedule.ts).
import type { Params } from '../params';
import { Adam } from './adam';
import type { Optimizer, OptimizerConfig } from './optimizer';
import { Rmsprop } from './rmsprop';
import { Sgd } from './sgd';

export function createOptimizer(params: Params, config: OptimizerConfig): Optimizer {
  switch (config.kind) {
    case 'sgd':
      return new Sgd(params, config);
    case 'adam':
      return new Adam(params, config, false);
    case 'adamw':
      return new Adam(params, config, true);
    case 'rmsprop':
      return new Rmsprop(params, config);
    default: {
      const never: never = config;
      throw new Error(`unknown optimizer kind ${(never as { kind: string }).kind}`);
    }
  }
}
