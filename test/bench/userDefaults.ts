// W5's and W8's SeqLab side (issue 16): what a user gets from `seqlab train --time 120` (and the editor's Train
// command) for a character language model, with W1's model shape (char LSTM 1×128, embedding 32) and every core,
// as the CLI's --threads 0 resolves it. Batch, BPTT length, learning rate, its schedule (auto: it follows the time
// budget, optim/budget.ts) and clipping come from the run config's lm defaults (engine/run/config.ts), so a change
// of those defaults reaches W5 and W8 here instead of being hidden by the peers' fixed numbers (W1's LM in main.ts,
// which the tf.layers peers keep).
import { defaultsFor } from '../../src/engine/run/config';
import { machineCores } from '../../src/cli/threads';
import type { CharLMConfig } from './sides';

export function userDefaultsLm(w1: CharLMConfig, seconds: number): CharLMConfig {
  const d = defaultsFor('lm');
  return {
    ...w1, // the model's shape, vocabulary and seed
    batch: d.batch, seqLen: d.seqLen, lr: d.lr, clipNorm: d.clip,
    threads: machineCores(), seconds,
  };
}
