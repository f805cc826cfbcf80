// Texts with a rule to learn (the next letter follows the alphabet 60% of the time, else any letter) and noise to
// memorise: on 400 characters a large model first learns the rule (validation loss falls), then the noise of its
// own text (validation loss rises while training loss falls). The overfitting tests of the best checkpoint, early
// stopping and the memorising notice (engine, CLI and editor session) all train on these.
import { Rng } from '../../src/engine/rng';

/** A training text and a validation text of `n` characters each, the same on every call. */
export function ruleTexts(n = 400): { train: string; valid: string } {
  const rng = new Rng(5);
  const text = (): string => {
    let p = 0, s = '';
    for (let i = 0; i < n; i++) {
      p = rng.next() < 0.6 ? (p + 1) % 8 : Math.floor(rng.next() * 8);
      s += 'abcdefgh'[p];
    }
    return s;
  };
  const train = text();
  return { train, valid: text() };
}
