// Initialisers: PyTorch's default U(±1/√H), Xavier bounds, orthogonal blocks, the LSTM forget-gate bias,
// and the parameter arena's names, shapes and layer groups.
import * as assert from 'node:assert/strict';
import { RecurrentStack } from '../../src/engine/layers/recurrent';
import { defaultGroup, ParamLayout } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';

function stack(weightInit: 'default' | 'xavier' | 'orthogonal', forgetBias?: number) {
  const layout = new ParamLayout();
  const rnn = new RecurrentStack({
    cell: 'lstm', inputSize: 5, hiddenSize: 6, numLayers: 2, bidirectional: true, merge: 'concat', dropout: 0,
    weightInit, forgetBias,
  }, 'rnn.', layout);
  const params = layout.allocate(Float64Array);
  rnn.bind(params);
  params.initialize(new Rng(4));
  rnn.postInitialize(params);
  return params;
}

describe('initialisation and the parameter arena', () => {
  it('lays out PyTorch state_dict names and shapes, with layer groups', () => {
    const p = stack('default');
    assert.deepEqual(p.entry('rnn.weight_ih_l1_reverse').shape, [24, 12]);
    assert.deepEqual(p.entry('rnn.weight_hh_l0').shape, [24, 6]);
    assert.equal(p.entries.length, 16);
    assert.equal(p.size, p.entries.reduce((s, e) => s + e.size, 0));
    assert.equal(defaultGroup('rnn.weight_hh_l1_reverse'), 'rnn.l1_reverse');
    assert.equal(defaultGroup('head.bias'), 'head');
    // Views share the arena's memory.
    p.value('rnn.bias_hh_l0')[0] = 123;
    assert.equal(p.data[p.entry('rnn.bias_hh_l0').offset], 123);
  });

  it('default: every weight and bias in U(±1/√H), as torch.nn.LSTM', () => {
    const p = stack('default');
    const bound = 1 / Math.sqrt(6);
    assert.ok(p.data.every((v) => Math.abs(v) <= bound));
    let max = -Infinity;
    for (const v of p.data) max = Math.max(max, v); // a loop, not Math.max(...data): the arena can be large
    assert.ok(max > 0.8 * bound, 'values should fill the range');
  });

  it('orthogonal: each gate block of W_hh has orthonormal columns', () => {
    const p = stack('orthogonal');
    const w = p.value('rnn.weight_hh_l0'); // (4·6, 6): four (6, 6) blocks
    for (let g = 0; g < 4; g++)
      for (let a = 0; a < 6; a++)
        for (let b = 0; b < 6; b++) {
          let dot = 0;
          for (let r = 0; r < 6; r++) dot += w[(g * 6 + r) * 6 + a] * w[(g * 6 + r) * 6 + b];
          assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-9, `block ${g} (${a},${b}) = ${dot}`);
        }
  });

  it('xavier: W_ih within ±√(6/(fan_in + fan_out)) per gate block, zero biases', () => {
    const p = stack('xavier');
    const bound = Math.sqrt(6 / (6 + 5));
    assert.ok(p.value('rnn.weight_ih_l0').every((v) => Math.abs(v) <= bound));
    assert.ok(p.value('rnn.bias_ih_l0').every((v) => v === 0));
  });

  it('forget-gate bias sets rows H…2H of b_ih and clears them in b_hh', () => {
    const p = stack('default', 1.5);
    for (const name of ['rnn.bias_ih_l0', 'rnn.bias_ih_l1_reverse']) {
      const b = p.value(name);
      assert.deepEqual(Array.from(b.subarray(6, 12)), new Array(6).fill(1.5));
      assert.ok(b.subarray(0, 6).some((v) => v !== 1.5));
    }
    assert.deepEqual(Array.from(p.value('rnn.bias_hh_l0').subarray(6, 12)), new Array(6).fill(0));
  });
});
