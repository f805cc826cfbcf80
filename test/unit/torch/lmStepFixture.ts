// kind "lm_step": embedding → rnn → head, cross-entropy summed over batch and time, clip_grad_norm_, one Adam
// step — the whole training step, checked against PyTorch at every stage.
import { LanguageModel } from '../../../src/engine/lm';
import { clipByGlobalNorm } from '../../../src/engine/optim/clip';
import { createOptimizer } from '../../../src/engine/optim/factory';
import type { CellKind } from '../../../src/engine/cells/cell';
import type { FloatArrayCtor } from '../../../src/engine/tensor';
import { compare, flat, type Fixture, type TensorReport } from './fixtures';

const MODES: Record<string, CellKind> = { LSTM: 'lstm', GRU: 'gru', RNN_TANH: 'rnn_tanh', RNN_RELU: 'rnn_relu' };

export function checkLmStepFixture(fx: Fixture, ctor: FloatArrayCtor = Float32Array): TensorReport[] {
  const c = fx.config as {
    mode: string; vocab_size: number; embedding_size: number; hidden_size: number; num_layers: number;
    clip_grad_norm: number; adam: { lr: number; beta1: number; beta2: number; eps: number };
  };
  const lm = new LanguageModel({
    vocabSize: c.vocab_size, embeddingSize: c.embedding_size,
    rnn: { cell: MODES[c.mode], hiddenSize: c.hidden_size, numLayers: c.num_layers, bidirectional: false, merge: 'concat', dropout: 0 },
  }, ctor);
  const p = lm.params;
  p.load(Object.fromEntries(Object.entries(fx.params).map(([k, v]) => [k, flat(v)])));
  const tokensNested = fx.inputs.tokens as number[][];
  const B = tokensNested.length, T = tokensNested[0].length;
  const tokens = Int32Array.from(flat(fx.inputs.tokens));
  const targets = Int32Array.from(flat(fx.inputs.targets));
  lm.forward(tokens, B, T);
  const reports: TensorReport[] = [compare('logits', lm.logits.subarray(0, B * T * c.vocab_size), fx.outputs.logits)];
  p.zeroGrad();
  const { loss } = lm.lossAndBackward(targets, 'sum');
  reports.push(compare('loss', [loss], [fx.outputs.loss]));
  for (const e of p.entries) reports.push(compare(`grad ${e.name}`, p.gradOf(e.name), fx.grads[e.name]));
  const stats = clipByGlobalNorm(p, c.clip_grad_norm);
  reports.push(compare('grad_norm_before_clip', [stats.normBefore], [fx.outputs.grad_norm_before_clip]));
  const clipped = fx.clipped_grads as Record<string, unknown>;
  for (const e of p.entries) reports.push(compare(`clipped ${e.name}`, p.gradOf(e.name), clipped[e.name]));
  const opt = createOptimizer(p, { kind: 'adam', beta1: c.adam.beta1, beta2: c.adam.beta2, eps: c.adam.eps });
  opt.step(c.adam.lr);
  const after = fx.params_after_adam_step as Record<string, unknown>;
  for (const e of p.entries) reports.push(compare(`adam ${e.name}`, p.value(e.name), after[e.name]));
  return reports;
}
