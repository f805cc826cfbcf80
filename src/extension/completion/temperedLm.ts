// A language model seen through a softmax temperature τ: the same weights and recurrent stack, with every
// forward's logits divided by τ (p ∝ exp(z / τ), as sampling does in engine/sample.ts). The shared Completer
// then ranks words under that distribution, so the probabilities Explain Suggestion shows are the ones the
// suggestions were chosen by. τ = 1 returns the model itself.
// Prototype delegation keeps `rnn`, `params` and `V` the model's own; only `forward` and `logits` differ.
import type { LanguageModel } from '../../engine/lm';

export function temperedLm(lm: LanguageModel, tau: number): LanguageModel {
  if (tau === 1) return lm;
  const view = Object.create(lm) as LanguageModel;
  let buf = new Float32Array(0);
  view.forward = (tokens, B, T, opts, rows) => {
    // Stale positions ('last', 'none') are divided too: cheaper than finding them, and never read.
    const z = lm.forward(tokens, B, T, opts, rows);
    if (buf.length < z.length) buf = new Float32Array(z.length);
    for (let i = 0; i < z.length; i++) buf[i] = z[i] / tau;
    view.logits = buf.subarray(0, z.length);
    return view.logits;
  };
  return view;
}
