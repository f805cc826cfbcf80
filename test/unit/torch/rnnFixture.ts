// kind "rnn": a torch.nn.RNN/LSTM/GRU forward and backward, checked tensor by tensor.
import { RecurrentStack } from '../../../src/engine/layers/recurrent';
import { ParamLayout } from '../../../src/engine/params';
import type { CellKind } from '../../../src/engine/cells/cell';
import type { FloatArrayCtor } from '../../../src/engine/tensor';
import { compare, flat, type Fixture, type TensorReport } from './fixtures';

const MODES: Record<string, CellKind> = { LSTM: 'lstm', GRU: 'gru', RNN_TANH: 'rnn_tanh', RNN_RELU: 'rnn_relu' };

export function checkRnnFixture(fx: Fixture, ctor: FloatArrayCtor = Float32Array): TensorReport[] {
  const c = fx.config as { mode: string; input_size: number; hidden_size: number; num_layers: number; bidirectional: boolean };
  const cell = MODES[c.mode];
  if (!cell) throw new Error(`${fx.name}: unknown mode ${c.mode}`);
  const layout = new ParamLayout();
  const rnn = new RecurrentStack({
    cell, inputSize: c.input_size, hiddenSize: c.hidden_size, numLayers: c.num_layers,
    bidirectional: c.bidirectional, merge: 'concat', dropout: 0,
  }, '', layout);
  const params = layout.allocate(ctor);
  params.load(Object.fromEntries(Object.entries(fx.params).map(([k, v]) => [k, flat(v)])));
  rnn.bind(params);
  const x = Float32Array.from(flat(fx.inputs.x));
  const [B, T] = [(fx.inputs.x as unknown[]).length, ((fx.inputs.x as unknown[])[0] as unknown[]).length];
  const h0 = Float32Array.from(flat(fx.inputs.h0));
  const c0 = fx.inputs.c0 ? Float32Array.from(flat(fx.inputs.c0)) : null;
  rnn.forward(x, B, T, { h0, c0 });
  const reports: TensorReport[] = [];
  const O = rnn.outputSize, LDBH = h0.length;
  reports.push(compare('output', rnn.output.subarray(0, B * T * O), fx.outputs.output));
  reports.push(compare('h_n', rnn.hN.subarray(0, LDBH), fx.outputs.h_n));
  if (fx.outputs.c_n) reports.push(compare('c_n', rnn.cN.subarray(0, LDBH), fx.outputs.c_n));
  const loss = fx.loss as Record<string, unknown>;
  params.zeroGrad();
  rnn.backward(
    Float32Array.from(flat(loss.R_output)),
    Float32Array.from(flat(loss.R_h_n)),
    loss.R_c_n ? Float32Array.from(flat(loss.R_c_n)) : null,
  );
  reports.push(compare('grad x', rnn.dX.subarray(0, x.length), fx.grads.x));
  reports.push(compare('grad h0', rnn.dh0.subarray(0, LDBH), fx.grads.h0));
  if (fx.grads.c0) reports.push(compare('grad c0', rnn.dc0.subarray(0, LDBH), fx.grads.c0));
  for (const e of params.entries) reports.push(compare(`grad ${e.name}`, params.gradOf(e.name), fx.grads[e.name]));
  return reports;
}
