// Which earlier tokens a language model's suggestion depends on (the question of Distill's "Visualizing
// memorization in RNNs", Madsen 2019): one number per prompt token, its contribution to log P(word | prompt).
//
// Method: gradient × input on the embeddings (Shrikumar et al. 2016, "Not Just a Black Box"; Ancona et al. 2018):
//   a_t = Σ_e x_{t,e} · ∂ log P(word | prompt) / ∂x_{t,e}        x_t = embedding of token t   (E values)
// a_t is the first-order change of log P when token t's embedding is scaled from x_t towards 0 (its directional
// derivative along x_t), so positive = the token pushed the model towards the word, negative = away from it.
// Why not occlusion: occluding needs a "neutral" token to put in each position, and a character vocabulary has
// none (a space or <unk> is itself evidence); and it costs one forward per position (T forwards over T tokens,
// O(T²)) where gradient × input is ONE forward and ONE backward of the model's own training code (lm.forward,
// lossAndBackward: no second implementation of either), linear in the prompt.
// log P(word) of a multi-token word is Σ_i log P(w_i | prompt, w_<i) (teacher forcing), which is exactly the
// negative of the model's summed cross-entropy with the word as targets after the prompt's last token.
// Legend: T = prompt tokens + word tokens − 1, E embedding size, V vocabulary.
import type { LanguageModel } from '../lm';

/** Longest prompt attributed at once (one forward and backward over it). */
export const MAX_SALIENCY_TOKENS = 4096;

export interface Saliency {
  /** One value per prompt token: its gradient × input contribution to log P(word | prompt). */
  attributions: Float64Array;
  /** log P(word | prompt) under the model (natural log). */
  logProb: number;
}

/**
 * Gradient × input of every prompt token for log P(word | prompt). Uses (and leaves zeroed) the model's gradient
 * arena: call it on a model that is not training, such as a copy of the weights (the editor makes one).
 */
export function gradientTimesInput(lm: LanguageModel, prompt: ArrayLike<number>, word: ArrayLike<number>): Saliency {
  const P = prompt.length, K = word.length;
  if (P === 0) throw new Error('saliency: the prompt is empty');
  if (K === 0) throw new Error('saliency: the word is empty');
  if (P + K - 1 > MAX_SALIENCY_TOKENS) throw new Error(`saliency: at most ${MAX_SALIENCY_TOKENS} tokens, got ${P + K - 1}`);
  if (lm.rnn.D !== 1) throw new Error('saliency: a bidirectional language model cannot suggest (it reads the future)');
  const T = P + K - 1, E = lm.E;
  const inputs = new Int32Array(T), targets = new Int32Array(T).fill(-1);
  for (let t = 0; t < P; t++) inputs[t] = prompt[t];
  for (let i = 0; i < K - 1; i++) inputs[P + i] = word[i];
  for (let i = 0; i < K; i++) targets[P - 1 + i] = word[i]; // position P−1+i predicts w_i
  lm.params.zeroGrad();
  lm.forward(inputs, 1, T);
  const { loss } = lm.lossAndBackward(targets, 'sum', -1); // loss = −log P(word | prompt)
  const dX = lm.rnn.dX, wEmb = lm.params.value('embedding.weight');
  const attributions = new Float64Array(P);
  for (let t = 0; t < P; t++) {
    const x = inputs[t] * E, g = t * E;
    let a = 0;
    for (let e = 0; e < E; e++) a -= wEmb[x + e] * dX[g + e]; // ∂logP/∂x = −∂loss/∂x
    attributions[t] = a;
  }
  lm.params.zeroGrad();
  return { attributions, logProb: -loss };
}
