// LanguageModel.forward's `rows` (lm.ts): 'last' fills exactly the logits of position T − 1 of every row, equal
// to the full forward's (float rounding: the one-row product may sum in another order), and leaves the other
// positions untouched; 'none' fills no logits; the states are those of the full forward either way; and a
// loss after such a forward is refused rather than computed on stale logits. Plain arrays and the WASM heap.
import * as assert from 'node:assert/strict';
import { LanguageModel, type LogitRows } from '../../src/engine/lm';
import { Rng } from '../../src/engine/rng';
import { asFloatCtor, wasmFloatCtor } from '../../src/engine/sizing/alloc';
import type { FloatArrayCtor } from '../../src/engine/tensor';

const V = 23, B = 3, T = 9;

function model(ctor: FloatArrayCtor): LanguageModel {
  const m = new LanguageModel({ vocabSize: V, embeddingSize: 5, rnn: { cell: 'lstm', hiddenSize: 12, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0 } }, ctor);
  m.initialize(new Rng(4));
  return m;
}

describe('language model forward: which positions get logits', () => {
  const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V);
  for (const [name, ctor] of [['plain Float32Array', Float32Array], ['WASM heap', null]] as const) {
    const make = (): LanguageModel => model(ctor ?? asFloatCtor(wasmFloatCtor(1 << 20)!));
    it(`${name}: 'last' equals the full forward at T − 1 and touches nothing else; 'none' touches no logit`, () => {
      const full = make();
      const all = Float32Array.from(full.forward(tokens, B, T));
      for (const rows of ['last', 'none'] as LogitRows[]) {
        const m = make();
        m.forward(tokens, B, T); // fills every position
        m.logits.fill(42, 0, B * T * V); // a sentinel the partial forward must overwrite only where asked
        m.forward(tokens, B, T, {}, rows);
        for (let b = 0; b < B; b++)
          for (let t = 0; t < T; t++)
            for (let v = 0; v < V; v++) {
              const i = (b * T + t) * V + v;
              if (rows === 'last' && t === T - 1) assert.ok(Math.abs(m.logits[i] - all[i]) <= 1e-5 * (1 + Math.abs(all[i])), `${rows} b${b} v${v}: ${m.logits[i]} vs ${all[i]}`);
              else assert.equal(m.logits[i], 42, `${rows}: position (${b}, ${t}) was written`);
            }
        assert.deepEqual(Array.from(m.rnn.hN), Array.from(full.rnn.hN), 'the same final states');
        assert.throws(() => m.loss(new Int32Array(B * T), 'mean'), /needs the logits of every position/);
        assert.throws(() => m.lossAndBackward(new Int32Array(B * T), 'mean'), /needs the logits of every position/);
        m.forward(tokens, B, T);
        assert.ok(Number.isFinite(m.loss(new Int32Array(B * T), 'mean').loss), 'a full forward makes the loss available again');
      }
    });
  }
});
