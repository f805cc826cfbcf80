// Float64 central-difference gradient checks of the recurrent stack: every cell, 1–3 layers, one and two
// directions, every merge mode, padding masks, dropout between layers, and truncated BPTT.
import * as assert from 'node:assert/strict';
import type { CellKind } from '../../src/engine/cells/cell';
import { RecurrentStack, type MergeMode, type RecurrentConfig } from '../../src/engine/layers/recurrent';
import { ParamLayout, type Params } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { checkGradient, copyOf, dot, randomArray, type GradError } from './gradcheck/numeric';

interface Case {
  cell: CellKind;
  layers: number;
  bidirectional: boolean;
  merge: MergeMode;
  lengths?: number[];
  dropout?: number;
}

function build(c: Case, B: number, I: number, H: number): { rnn: RecurrentStack; params: Params } {
  const cfg: RecurrentConfig = {
    cell: c.cell, inputSize: I, hiddenSize: H, numLayers: c.layers, bidirectional: c.bidirectional,
    merge: c.merge, dropout: c.dropout ?? 0,
  };
  const layout = new ParamLayout();
  const rnn = new RecurrentStack(cfg, 'rnn.', layout);
  const params = layout.allocate(Float64Array);
  rnn.bind(params);
  params.initialize(new Rng(11));
  // Move merge weights off 0.5 so that the two directions' gradients differ.
  for (const e of params.entries) if (e.name.includes('merge_weight')) params.value(e.name).set([0.7, -0.4]);
  void B;
  return { rnn, params };
}

/** Runs every gradient check for one configuration; returns the reports. */
function checkCase(c: Case): GradError[] {
  const B = 2, T = 4, I = 3, H = 3;
  const { rnn, params } = build(c, B, I, H);
  const rng = new Rng(5);
  const LD = c.layers * (c.bidirectional ? 2 : 1);
  const x = randomArray(B * T * I, rng);
  const h0 = randomArray(LD * B * H, rng, 0.5);
  const c0 = randomArray(LD * B * H, rng, 0.5);
  const rOut = randomArray(B * T * rnn.outputSize, rng);
  const rH = randomArray(LD * B * H, rng);
  const rC = randomArray(LD * B * H, rng);
  const lengths = c.lengths ? Int32Array.from(c.lengths) : null;
  const isLstm = c.cell === 'lstm';
  const loss = (): number => {
    rnn.forward(x, B, T, { h0, c0: isLstm ? c0 : null, lengths, training: !!c.dropout, rng: new Rng(99) });
    return dot(rnn.output, rOut) + dot(rnn.hN, rH) + (isLstm ? dot(rnn.cN, rC) : 0);
  };
  loss();
  params.zeroGrad();
  rnn.backward(rOut, rH, isLstm ? rC : null);
  const reports: GradError[] = [];
  const dX = copyOf(rnn.dX, x.length), dh0 = copyOf(rnn.dh0, h0.length), dc0 = copyOf(rnn.dc0, isLstm ? c0.length : 0);
  const grads = copyOf(params.grad);
  reports.push(checkGradient('x', loss, x, dX));
  reports.push(checkGradient('h0', loss, h0, dh0));
  if (isLstm) reports.push(checkGradient('c0', loss, c0, dc0));
  for (const e of params.entries) {
    reports.push(checkGradient(e.name, loss, params.value(e.name), grads.subarray(e.offset, e.offset + e.size)));
  }
  return reports;
}

function label(c: Case): string {
  return `${c.cell} L=${c.layers} ${c.bidirectional ? `bi/${c.merge}` : 'uni'}${c.lengths ? ' padded' : ''}${c.dropout ? ' dropout' : ''}`;
}

const CELLS: CellKind[] = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'];
const cases: Case[] = [];
for (const cell of CELLS) {
  for (const layers of [1, 2, 3]) {
    cases.push({ cell, layers, bidirectional: false, merge: 'concat' });
    cases.push({ cell, layers, bidirectional: true, merge: 'concat' });
  }
  for (const merge of ['sum', 'mean', 'weighted'] as MergeMode[]) cases.push({ cell, layers: 2, bidirectional: true, merge });
  cases.push({ cell, layers: 2, bidirectional: true, merge: 'concat', lengths: [4, 2] });
  cases.push({ cell, layers: 1, bidirectional: false, merge: 'concat', lengths: [3, 1] });
}
cases.push({ cell: 'lstm', layers: 3, bidirectional: true, merge: 'weighted', dropout: 0.3 });
cases.push({ cell: 'gru', layers: 2, bidirectional: false, merge: 'concat', dropout: 0.5 });

describe('gradient check (Float64, central differences): recurrent stack', () => {
  let worst = 0;
  for (const c of cases) {
    it(label(c), () => {
      const reports = checkCase(c);
      const bad = reports.filter((r) => !r.ok).map((r) => `${r.name} (abs ${r.maxAbs.toExponential(2)})`);
      for (const r of reports) worst = Math.max(worst, r.maxRel);
      assert.deepEqual(bad, []);
    });
  }
  after(() => console.log(`      worst relative error over ${cases.length} configurations: ${worst.toExponential(2)}`));
});

describe('gradient check: truncated BPTT', () => {
  it('two chunks with the state carried detached give the gradient of L1(θ) + L2(θ; h1 held fixed)', () => {
    for (const cell of CELLS) {
      const B = 2, T = 3, I = 2, H = 3;
      const { rnn, params } = build({ cell, layers: 2, bidirectional: false, merge: 'concat' }, B, I, H);
      const rng = new Rng(8);
      const LDBH = 2 * B * H;
      const x1 = randomArray(B * T * I, rng), x2 = randomArray(B * T * I, rng);
      const r1 = randomArray(B * T * H, rng), r2 = randomArray(B * T * H, rng);
      const isLstm = cell === 'lstm';
      // The carried state at the unperturbed parameters: a constant for the second chunk.
      rnn.forward(x1, B, T);
      const hFixed = copyOf(rnn.hN, LDBH), cFixed = copyOf(rnn.cN, isLstm ? LDBH : 0);
      const loss = (): number => {
        rnn.forward(x1, B, T);
        const l1 = dot(rnn.output, r1);
        rnn.forward(x2, B, T, { h0: hFixed, c0: isLstm ? cFixed : null });
        return l1 + dot(rnn.output, r2);
      };
      // Analytic: chunk 1 forward/backward, then chunk 2 from the detached state, gradients accumulating.
      params.zeroGrad();
      rnn.forward(x1, B, T);
      rnn.backward(r1);
      rnn.forward(x2, B, T, { h0: hFixed, c0: isLstm ? cFixed : null });
      rnn.backward(r2);
      const grads = copyOf(params.grad);
      for (const e of params.entries) {
        const r = checkGradient(`${cell} ${e.name}`, loss, params.value(e.name), grads.subarray(e.offset, e.offset + e.size));
        assert.ok(r.ok, `${r.name}: abs error ${r.maxAbs}`);
      }
    }
  });
});
