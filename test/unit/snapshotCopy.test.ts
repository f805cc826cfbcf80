// A run's weight snapshot reaches the host-side seq2seq / classifier model tensor by tensor, by name, whatever
// the order and padding of the worker's arena; a snapshot of another model changes nothing.
import * as assert from 'node:assert/strict';
import { ParamLayout } from '../../src/engine/params';
import { copySnapshot, type SnapshotTensor } from '../../src/extension/use/snapshotCopy';

function model() {
  const l = new ParamLayout();
  l.add('encoder.weight_ih_l0', [6, 3], { kind: 'zeros' });
  l.add('attention.v', [4], { kind: 'zeros' });
  l.add('head.bias', [5], { kind: 'zeros' });
  return l.allocate();
}

/** An arena holding the tensors in REVERSE order with 3 floats of padding before each; tensor k holds k*100 + i. */
function paddedArena(): { tensors: SnapshotTensor[]; data: Float32Array } {
  const shapes: [string, number[]][] = [['head.bias', [5]], ['attention.v', [4]], ['encoder.weight_ih_l0', [6, 3]]];
  const tensors: SnapshotTensor[] = [];
  const values: number[] = [];
  shapes.forEach(([name, shape], k) => {
    values.push(-1, -1, -1);
    tensors.push({ name, shape, offset: values.length });
    for (let i = 0; i < shape.reduce((a, b) => a * b, 1); i++) values.push(k * 100 + i);
  });
  return { tensors, data: Float32Array.from(values) };
}

describe('weight snapshot → host model', () => {
  it('copies each tensor by name from its own offset', () => {
    const p = model();
    const { tensors, data } = paddedArena();
    assert.equal(copySnapshot(p, tensors, data), true);
    assert.deepEqual(Array.from(p.value('head.bias')), [0, 1, 2, 3, 4]);
    assert.deepEqual(Array.from(p.value('attention.v')), [100, 101, 102, 103]);
    assert.deepEqual(Array.from(p.value('encoder.weight_ih_l0')), Array.from({ length: 18 }, (_, i) => 200 + i));
  });

  it('changes nothing for a snapshot of another model (missing, renamed, resized, duplicated or out-of-range tensors)', () => {
    const { tensors, data } = paddedArena();
    const cases: [string, SnapshotTensor[], Float32Array][] = [
      ['a tensor missing', tensors.slice(1), data],
      ['a tensor renamed', tensors.map((t, i) => (i === 0 ? { ...t, name: 'head.weight' } : t)), data],
      ['a tensor resized', tensors.map((t, i) => (i === 1 ? { ...t, shape: [5] } : t)), data],
      ['a tensor twice', [tensors[0], tensors[0], tensors[2]], data],
      ['past the end', tensors, data.subarray(0, data.length - 1)],
      ['a negative offset', tensors.map((t, i) => (i === 2 ? { ...t, offset: -2 } : t)), data],
    ];
    for (const [what, ts, d] of cases) {
      const p = model();
      assert.equal(copySnapshot(p, ts, d), false, what);
      assert.ok(p.data.every((v) => v === 0), `${what}: the model was changed`);
    }
  });
});
