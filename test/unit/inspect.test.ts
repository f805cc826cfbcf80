// Seeing inside the network (issue #17), engine side: the neuron states painted on a text are the model's own
// states; "find units like this" ranks a planted bracket-tracking unit first; gate-saturation shares equal a
// direct count from a naive LSTM/GRU written here; gradient × input equals central differences in Float64.
import * as assert from 'node:assert/strict';
import type { CellKind } from '../../src/engine/cells/cell';
import { GateSaturationMeter } from '../../src/engine/inspect/gateSaturation';
import { neuronStates, unitSeries } from '../../src/engine/inspect/neuronStates';
import { rankUnits, rocAuc } from '../../src/engine/inspect/unitRanking';
import { gradientTimesInput } from '../../src/engine/inspect/saliency';
import { RecurrentStack } from '../../src/engine/layers/recurrent';
import { LanguageModel } from '../../src/engine/lm';
import { ParamLayout } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { StepState } from '../../src/engine/stepState';
import { runConfig } from '../../src/engine/run/config';
import { parseTaskData } from '../../src/engine/run/data';
import { SATURATION_EVERY, TrainingRun } from '../../src/engine/run/run';
import { parseWorkerToHost } from '../../src/protocol/training';

function lmOf(cell: CellKind, layers: number, V = 12, ctor: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array, seed = 5): LanguageModel {
  const lm = new LanguageModel({ vocabSize: V, embeddingSize: 5, rnn: { cell, hiddenSize: 7, numLayers: layers, bidirectional: false, merge: 'concat', dropout: 0 } }, ctor);
  lm.initialize(new Rng(seed));
  return lm;
}

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

describe('neuron view: the painted activations are the model\'s own states', () => {
  for (const cell of ['lstm', 'gru', 'rnn_tanh'] as CellKind[]) {
    it(`${cell}, 2 layers, read in chunks of 3: every layer's h (and c) after every token equals a token-by-token run of the model`, () => {
      const lm = lmOf(cell, 2);
      const rng = new Rng(9);
      const tokens = Array.from({ length: 11 }, () => Math.floor(rng.next() * 12));
      const s = neuronStates(lm, tokens, 3);
      const L = 2, H = 7, lstm = cell === 'lstm';
      const state = new StepState(L, H, lstm, Float64Array);
      state.replicate(null, null, 1);
      let worst = 0;
      for (let t = 0; t < tokens.length; t++) {
        lm.forward(Int32Array.of(tokens[t]), 1, 1, { h0: state.h, c0: lstm ? state.c : null });
        state.update(lm.rnn.hN, lstm ? lm.rnn.cN : null);
        for (let l = 0; l < L; l++)
          for (let j = 0; j < H; j++) {
            worst = Math.max(worst, Math.abs(s.hidden[l][t * H + j] - state.h[l * H + j]));
            if (lstm) worst = Math.max(worst, Math.abs(s.cell![l][t * H + j] - state.c[l * H + j]));
          }
      }
      console.log(`      max |painted − step-by-step| = ${worst.toExponential(2)}`);
      assert.ok(worst < 1e-6, `worst ${worst}`);
      assert.equal(s.cell === null, !lstm);
      const series = unitSeries(s, 1, 4, 'h');
      assert.equal(series.length, tokens.length);
      assert.equal(series[5], s.hidden[1][5 * H + 4]);
      if (!lstm) assert.throws(() => unitSeries(s, 0, 0, 'c'), /only an LSTM has a cell state/);
    });
  }
});

describe('find units like this: ROC AUC ranking', () => {
  it('rocAuc equals the pair count P(marked > other) + ½ P(tie), ties included', () => {
    const rng = new Rng(2);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(rng.next() * 30);
      const v = Array.from({ length: n }, () => Math.round(rng.next() * 6) / 2); // many ties
      const m = Array.from({ length: n }, (_, i) => i === 0 || (i !== 1 && rng.next() < 0.4));
      let wins = 0, pairs = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (m[i] && !m[j]) {
        pairs++;
        wins += v[i] > v[j] ? 1 : v[i] === v[j] ? 0.5 : 0;
      }
      assert.ok(Math.abs(rocAuc(v, m) - wins / pairs) < 1e-12);
    }
  });

  it('a unit planted to hold 1 inside brackets and 0 outside ranks first, with separation 1, among random units', () => {
    // Character vocabulary of the test text; one-hot embeddings, so weights can be set per character.
    const text = 'ab (cd e) fg (h) ijk (abc de) f (g h) ij ka (bcd) efg hi (jk) abc';
    const chars = [...new Set(text)];
    const V = chars.length, H = 6;
    const lm = new LanguageModel({ vocabSize: V, embeddingSize: V, rnn: { cell: 'lstm', hiddenSize: H, numLayers: 1, bidirectional: false, merge: 'concat', dropout: 0 } }, Float64Array);
    lm.initialize(new Rng(4));
    const p = lm.params;
    const emb = p.value('embedding.weight'), wIh = p.value('rnn.weight_ih_l0'), wHh = p.value('rnn.weight_hh_l0');
    const bIh = p.value('rnn.bias_ih_l0'), bHh = p.value('rnn.bias_hh_l0');
    emb.fill(0);
    for (let v = 0; v < V; v++) emb[v * V + v] = 1;
    // Unit 0: i opens only on '(' (writing g = 1), f closes only on ')', o always open: c = 1 inside, 0 outside.
    const u = 0, open = chars.indexOf('('), close = chars.indexOf(')');
    const row = (gate: number): number => (gate * H + u) * V;
    for (let v = 0; v < V; v++) {
      wIh[row(0) + v] = v === open ? 20 : -20; // i
      wIh[row(1) + v] = v === close ? -20 : 20; // f
      wIh[row(2) + v] = 0; // g
      wIh[row(3) + v] = 20; // o
    }
    for (let g = 0; g < 4; g++) {
      for (let j = 0; j < H; j++) wHh[(g * H + u) * H + j] = 0;
      bHh[g * H + u] = 0;
    }
    bIh[0 * H + u] = 0; bIh[1 * H + u] = 0; bIh[2 * H + u] = 20; bIh[3 * H + u] = 0;
    const tokens = [...text].map((c) => chars.indexOf(c));
    // Marked: the characters strictly inside brackets (the state after reading them is "inside").
    let inside = false;
    const marked = [...text].map((c) => {
      if (c === '(') inside = true;
      else if (c === ')') inside = false;
      return inside && c !== '(';
    }).map((x, i) => x || text[i] === '(');
    const ranked = rankUnits(neuronStates(lm, tokens), marked);
    console.log(`      top: ${ranked.slice(0, 3).map((r) => `${r.kind}${r.layer}:${r.unit} AUC ${r.auc.toFixed(3)}`).join(', ')}`);
    assert.equal(ranked[0].unit, u);
    assert.equal(ranked[0].layer, 0);
    assert.ok(ranked[0].separation > 0.999);
    assert.ok(ranked[0].meanMarked > ranked[0].meanOther);
    assert.equal(ranked.length, 2 * H); // h and c of every unit
    const other = ranked.find((r) => r.unit !== u)!;
    assert.ok(other.separation < 0.999, 'a random unit does not separate perfectly');
  });

  it('refuses an empty selection and one that covers everything', () => {
    const lm = lmOf('gru', 1);
    const s = neuronStates(lm, [1, 2, 3]);
    assert.throws(() => rankUnits(s, [0, 0, 0]), /no position/);
    assert.throws(() => rankUnits(s, [1, 1, 1]), /whole text/);
  });
});

/** A naive LSTM/GRU layer over (B, T, I) with lengths, gate by gate from the weights; calls `gate(row, value)`. */
function naiveGates(stack: RecurrentStack, p: ReturnType<ParamLayout['allocate']>, x: Float64Array, B: number, T: number, lengths: number[], onGate: (l: number, block: number, a: number) => void): void {
  const cfg = stack.cfg, H = cfg.hiddenSize, lstm = cfg.cell === 'lstm', G = lstm ? 4 : 3;
  for (let b = 0; b < B; b++) {
    let input: number[][] = Array.from({ length: lengths[b] }, (_, t) => Array.from(x.subarray((b * T + t) * cfg.inputSize, (b * T + t + 1) * cfg.inputSize)));
    for (let l = 0; l < cfg.numLayers; l++) {
      const wIh = p.value(`weight_ih_l${l}`), wHh = p.value(`weight_hh_l${l}`), bIh = p.value(`bias_ih_l${l}`), bHh = p.value(`bias_hh_l${l}`);
      const I = input[0]?.length ?? 0;
      let h = new Array(H).fill(0), c = new Array(H).fill(0);
      const out: number[][] = [];
      for (const xt of input) {
        const gx = (r: number): number => { let s = bIh[r]; for (let i = 0; i < I; i++) s += wIh[r * I + i] * xt[i]; return s; };
        const gh = (r: number): number => { let s = bHh[r]; for (let j = 0; j < H; j++) s += wHh[r * H + j] * h[j]; return s; };
        const hn = new Array(H).fill(0), cn = new Array(H).fill(0);
        for (let j = 0; j < H; j++) {
          if (lstm) {
            const i = sig(gx(j) + gh(j)), f = sig(gx(H + j) + gh(H + j)), g = Math.tanh(gx(2 * H + j) + gh(2 * H + j)), o = sig(gx(3 * H + j) + gh(3 * H + j));
            onGate(l, 0, i); onGate(l, 1, f); onGate(l, 3, o);
            cn[j] = f * c[j] + i * g;
            hn[j] = o * Math.tanh(cn[j]);
          } else {
            const r = sig(gx(j) + gh(j)), z = sig(gx(H + j) + gh(H + j)), n = Math.tanh(gx(2 * H + j) + r * gh(2 * H + j));
            onGate(l, 0, r); onGate(l, 1, z);
            hn[j] = (1 - z) * n + z * h[j];
          }
        }
        void G;
        h = hn; c = cn;
        out.push(h);
      }
      input = out;
    }
  }
}

describe('gate saturation: shares equal a direct count', () => {
  for (const cell of ['lstm', 'gru'] as CellKind[]) {
    it(`${cell}, 2 layers, a padded batch: the shares < 0.1 and > 0.9 per gate and layer equal a naive forward's count`, () => {
      const layout = new ParamLayout();
      const stack = new RecurrentStack({ cell, inputSize: 4, hiddenSize: 5, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0 }, '', layout);
      const p = layout.allocate(Float64Array);
      stack.bind(p);
      const rng = new Rng(7);
      p.initialize(rng);
      for (let i = 0; i < p.data.length; i++) p.data[i] *= 6; // big weights: plenty of saturation both ways
      const B = 3, T = 6, lengths = [6, 4, 2];
      const x = new Float64Array(B * T * 4).map(() => rng.normal());
      stack.forward(x, B, T, { lengths: Int32Array.from(lengths) });
      const meter = new GateSaturationMeter(stack);
      meter.measure();
      const K = meter.gates.length, blocks = cell === 'lstm' ? [0, 1, 3] : [0, 1];
      const lo = new Float64Array(2 * K), hi = new Float64Array(2 * K), n = new Float64Array(2 * K);
      naiveGates(stack, p, x, B, T, lengths, (l, block, a) => {
        const k = l * K + blocks.indexOf(block);
        n[k]++;
        if (a < 0.1) lo[k]++;
        else if (a > 0.9) hi[k]++;
      });
      for (let k = 0; k < 2 * K; k++) {
        assert.ok(Math.abs(meter.low[k] - lo[k] / n[k]) < 1e-12, `low[${k}] ${meter.low[k]} vs ${lo[k] / n[k]}`);
        assert.ok(Math.abs(meter.high[k] - hi[k] / n[k]) < 1e-12, `high[${k}] ${meter.high[k]} vs ${hi[k] / n[k]}`);
      }
      assert.ok([...meter.low].some((v) => v > 0) && [...meter.high].some((v) => v > 0), 'the case saturates both ways');
      const before = meter.low;
      meter.measure();
      assert.equal(meter.low, before, 'measuring reuses its buffers');
    });
  }

  it('a plain RNN has no gates to count', () => {
    const layout = new ParamLayout();
    const stack = new RecurrentStack({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 3, numLayers: 1, bidirectional: false, merge: 'concat', dropout: 0 }, '', layout);
    stack.bind(layout.allocate());
    assert.equal(new GateSaturationMeter(stack).hasGates, false);
  });
});

describe('saliency: gradient × input on the embeddings', () => {
  for (const cell of ['lstm', 'gru'] as CellKind[]) {
    it(`${cell}: each prompt token's attribution equals the central difference of log P(word) along its embedding (Float64)`, () => {
      const lm = lmOf(cell, 2, 12);
      const prompt = [3, 7, 1, 9, 4, 0], word = [5, 11, 2]; // distinct tokens: scaling one embedding row moves one position
      const { attributions, logProb } = gradientTimesInput(lm, prompt, word);
      const emb = lm.params.value('embedding.weight'), E = lm.E;
      const logP = (): number => {
        const inputs = Int32Array.from([...prompt, ...word.slice(0, -1)]);
        const targets = new Int32Array(inputs.length).fill(-1);
        word.forEach((w, i) => (targets[prompt.length - 1 + i] = w));
        lm.forward(inputs, 1, inputs.length);
        return -lm.loss(targets, 'sum', -1).loss;
      };
      assert.ok(Math.abs(logP() - logProb) < 1e-12);
      const eps = 1e-5;
      let worst = 0;
      prompt.forEach((tok, t) => {
        const row = emb.subarray(tok * E, (tok + 1) * E), orig = Float64Array.from(row);
        // a_t = d/dε log P(x_t · (1 + ε)) at ε = 0: the directional derivative along x_t.
        for (let e = 0; e < E; e++) row[e] = orig[e] * (1 + eps);
        const up = logP();
        for (let e = 0; e < E; e++) row[e] = orig[e] * (1 - eps);
        const down = logP();
        row.set(orig);
        const fd = (up - down) / (2 * eps);
        worst = Math.max(worst, Math.abs(fd - attributions[t]) / Math.max(1, Math.abs(fd)));
      });
      console.log(`      max relative |g×i − finite difference| = ${worst.toExponential(2)}`);
      assert.ok(worst < 1e-7, `worst ${worst}`);
      assert.ok([...lm.params.grad].every((g) => g === 0), 'the gradient arena is left zeroed');
    });
  }
});

describe('gate saturation in the run\'s metric points and the training protocol', () => {
  it('every SATURATION_EVERY-th step of an LSTM run carries the shares of its stack; the host checks their shape and range', () => {
    const cfg = runConfig({ task: 'lm', cell: 'lstm', layers: 2, hidden: 8, embedding: 6, batch: 4, seqLen: 8, seed: 3 });
    const run = TrainingRun.create(cfg, parseTaskData('lm', [{ source: 'a.txt', text: 'the cat sat on the mat. '.repeat(40) }]));
    const points: ReturnType<typeof run.metric>[] = [];
    for (let i = 0; i < SATURATION_EVERY; i++) points.push(run.metric(run.trainStep(), 100));
    assert.ok(points.slice(0, -1).every((p) => p.gateSaturation === undefined));
    const sat = points[SATURATION_EVERY - 1].gateSaturation!;
    assert.equal(sat.length, 1);
    assert.equal(sat[0].low.length, 2 * 3); // 2 layers × (input, forget, output)
    assert.ok([...sat[0].low, ...sat[0].high].every((v) => v >= 0 && v <= 1));
    for (let k = 0; k < 6; k++) assert.ok(sat[0].low[k] + sat[0].high[k] <= 1 + 1e-12);
    const shape = { groups: points[0].groupNorms.length, stackRows: [2], seqLen: 8, paramCount: run.info().paramCount };
    const msg = { type: 'metrics', points: [points[SATURATION_EVERY - 1]] };
    assert.equal(parseWorkerToHost(msg, shape).type, 'metrics');
    const bad = (s: unknown): unknown => ({ type: 'metrics', points: [{ ...points[SATURATION_EVERY - 1], gateSaturation: s }] });
    assert.throws(() => parseWorkerToHost(bad([{ low: [1.5], high: [0] }])), /gateSaturation/);
    assert.throws(() => parseWorkerToHost(bad([{ low: [0, 0, 0, 0, 0], high: [0, 0, 0, 0, 0] }]), shape), /gateSaturation\[0\] must hold 2 rows/);
    assert.throws(() => parseWorkerToHost(bad([{ low: [0, 0], high: [0, 0] }, { low: [0, 0], high: [0, 0] }]), shape), /one per recurrent stack/);
  });
});
