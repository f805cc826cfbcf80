// The PyTorch training-step fixtures on the data-parallel path: the batch's rows shared by 2 real threads
// (dist/trainThread.js; each helper a replica on its own WasmHeap), their gradients reduced by
// engine/parallel/dataParallel.ts, then clipping and Adam as in the 1-thread check. The threads give the
// full batch's MEAN gradient; the fixtures sum over batch and time, so loss and gradients are scaled by the
// counted targets before they are compared. (The "rnn" and "attention" fixtures check one layer, not a model
// a batch is shared by: they have no threaded path.)
import * as path from 'node:path';
import { nodeThreadHost } from '../../../src/cli/threads';
import type { CellKind } from '../../../src/engine/cells/cell';
import { LanguageModel, type LmConfig } from '../../../src/engine/lm';
import { OneToMany, type OneToManyConfig } from '../../../src/engine/oneToMany';
import { clipByGlobalNorm } from '../../../src/engine/optim/clip';
import { createOptimizer } from '../../../src/engine/optim/factory';
import { DataParallel, type ParallelSource } from '../../../src/engine/parallel/dataParallel';
import { setBatchShape } from '../../../src/engine/parallel/rowShare';
import type { Params } from '../../../src/engine/params';
import { Rng } from '../../../src/engine/rng';
import type { FloatArrayCtor } from '../../../src/engine/tensor';
import { compare, flat, type Fixture, type TensorReport } from './fixtures';

const MODES: Record<string, CellKind> = { LSTM: 'lstm', GRU: 'gru', RNN_TANH: 'rnn_tanh', RNN_RELU: 'rnn_relu' };
const THREADS = 2;
const host = nodeThreadHost(path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'trainThread.js'), THREADS);

/** The summed loss and gradient of the fixture's batch, computed by THREADS threads (into params.grad). */
function threadedSum(source: ParallelSource): number {
  const dp = DataParallel.start(source, THREADS, host, 0);
  try {
    source.params.zeroGrad();
    const { loss, count } = dp.forwardBackward();
    const g = source.params.grad;
    for (let i = 0; i < g.length; i++) g[i] *= count;
    return loss * count;
  } finally {
    dp.stop();
  }
}

function loadParams(p: Params, fx: Fixture): void {
  p.load(Object.fromEntries(Object.entries(fx.params).map(([k, v]) => [k, flat(v)])));
}

export function checkLmStepThreaded(fx: Fixture, ctor: FloatArrayCtor = Float32Array): TensorReport[] {
  const c = fx.config as {
    mode: string; vocab_size: number; embedding_size: number; hidden_size: number; num_layers: number;
    clip_grad_norm: number; adam: { lr: number; beta1: number; beta2: number; eps: number };
  };
  const config: LmConfig = {
    vocabSize: c.vocab_size, embeddingSize: c.embedding_size,
    rnn: { cell: MODES[c.mode], hiddenSize: c.hidden_size, numLayers: c.num_layers, bidirectional: false, merge: 'concat', dropout: 0 },
  };
  const lm = new LanguageModel(config, ctor), p = lm.params;
  loadParams(p, fx);
  const B = (fx.inputs.tokens as number[][]).length, T = (fx.inputs.tokens as number[][])[0].length;
  const tokens = flat(fx.inputs.tokens), targets = flat(fx.inputs.targets);
  const loss = threadedSum({
    built: { kind: 'lm', model: lm }, params: p, architecture: { kind: 'lm', config }, rng: new Rng(0), ratio: 1,
    capacity: { rows: B, S: 0, T }, ints: [B * T, B * T, 0, 0], carry: 0, step: () => 1,
    publish: (block) => {
      block.ints[0].set(tokens);
      block.ints[1].set(targets);
      setBatchShape(block, B, 0, T);
      return B;
    },
  });
  const reports: TensorReport[] = [compare('loss', [loss], [fx.outputs.loss])];
  for (const e of p.entries) reports.push(compare(`grad ${e.name}`, p.gradOf(e.name), fx.grads[e.name]));
  const stats = clipByGlobalNorm(p, c.clip_grad_norm);
  reports.push(compare('grad_norm_before_clip', [stats.normBefore], [fx.outputs.grad_norm_before_clip]));
  const clipped = fx.clipped_grads as Record<string, unknown>;
  for (const e of p.entries) reports.push(compare(`clipped ${e.name}`, p.gradOf(e.name), clipped[e.name]));
  createOptimizer(p, { kind: 'adam', beta1: c.adam.beta1, beta2: c.adam.beta2, eps: c.adam.eps }).step(c.adam.lr);
  const after = fx.params_after_adam_step as Record<string, unknown>;
  for (const e of p.entries) reports.push(compare(`adam ${e.name}`, p.value(e.name), after[e.name]));
  return reports;
}

export function checkOneToManyThreaded(fx: Fixture, ctor: FloatArrayCtor = Float32Array): TensorReport[] {
  const c = fx.config as {
    mode: string; num_layers: number; hidden_size: number; condition_size: number; embedding_size: number; vocab_size: number; num_labels: number;
  };
  const config: OneToManyConfig = {
    vocabSize: c.vocab_size, embeddingSize: c.embedding_size, condition: { kind: 'label', numLabels: c.num_labels, size: c.condition_size },
    rnn: { cell: MODES[c.mode], hiddenSize: c.hidden_size, numLayers: c.num_layers, dropout: 0 },
  };
  const m = new OneToMany(config, ctor), p = m.params;
  loadParams(p, fx);
  const B = (fx.inputs.dec_in as number[][]).length, T = (fx.inputs.dec_in as number[][])[0].length;
  const labels = flat(fx.inputs.labels), decIn = flat(fx.inputs.dec_in), targets = flat(fx.inputs.targets);
  const names = Array.from({ length: c.num_labels }, (_, i) => `label${i}`);
  const loss = threadedSum({
    built: { kind: 'one-to-many', model: m }, params: p, architecture: { kind: 'one-to-many', config, labels: names, maxLength: T },
    rng: new Rng(0), ratio: 1, capacity: { rows: B, S: 0, T }, ints: [B, B * T, B * T, 0], carry: 0, step: () => 1,
    publish: (block) => {
      block.ints[0].set(labels);
      block.ints[1].set(decIn);
      block.ints[2].set(targets);
      setBatchShape(block, B, 0, T);
      return B;
    },
  });
  const reports: TensorReport[] = [compare('loss', [loss], [fx.outputs.loss])];
  for (const e of p.entries) reports.push(compare(`grad ${e.name}`, p.gradOf(e.name), fx.grads[e.name]));
  return reports;
}
