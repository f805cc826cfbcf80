// kind "one_to_many" (written by test/interop/one_to_many_fixture.py): the label embedding → tanh(init_h/init_c)
// initial states → embedding → recurrent stack → head, cross-entropy summed with PAD ignored; logits, loss and
// every parameter's gradient checked against PyTorch.
import { OneToMany } from '../../../src/engine/oneToMany';
import type { CellKind } from '../../../src/engine/cells/cell';
import type { FloatArrayCtor } from '../../../src/engine/tensor';
import { compare, flat, type Fixture, type TensorReport } from './fixtures';

const MODES: Record<string, CellKind> = { LSTM: 'lstm', GRU: 'gru', RNN_TANH: 'rnn_tanh', RNN_RELU: 'rnn_relu' };

export function checkOneToManyFixture(fx: Fixture, ctor: FloatArrayCtor = Float32Array): TensorReport[] {
  const c = fx.config as {
    mode: string; num_layers: number; hidden_size: number; condition_size: number; embedding_size: number; vocab_size: number; num_labels: number;
  };
  const cell = MODES[c.mode];
  if (!cell) throw new Error(`${fx.name}: unknown mode ${c.mode}`);
  const m = new OneToMany({
    vocabSize: c.vocab_size, embeddingSize: c.embedding_size, condition: { kind: 'label', numLabels: c.num_labels, size: c.condition_size },
    rnn: { cell, hiddenSize: c.hidden_size, numLayers: c.num_layers, dropout: 0 },
  }, ctor);
  const p = m.params;
  p.load(Object.fromEntries(Object.entries(fx.params).map(([k, v]) => [k, flat(v)])));
  const decNested = fx.inputs.dec_in as number[][];
  const B = decNested.length, T = decNested[0].length;
  const labels = Int32Array.from(flat(fx.inputs.labels)), decIn = Int32Array.from(flat(fx.inputs.dec_in)), targets = Int32Array.from(flat(fx.inputs.targets));
  m.forward(labels, decIn, B, T);
  const reports: TensorReport[] = [compare('logits', m.logits.subarray(0, B * T * c.vocab_size), fx.outputs.logits)];
  p.zeroGrad();
  const { loss } = m.lossAndBackward(targets, 'sum');
  reports.push(compare('loss', [loss], [fx.outputs.loss]));
  for (const e of p.entries) reports.push(compare(`grad ${e.name}`, p.gradOf(e.name), fx.grads[e.name]));
  return reports;
}
