// Seeded training: a char-level LSTM language model learns a fixed text (loss strictly lower after N steps),
// two runs give identical numbers bit for bit, and a training step reuses the same buffers.
import * as assert from 'node:assert/strict';
import { LanguageModel } from '../../src/engine/lm';
import { Rng } from '../../src/engine/rng';
import { LmTrainer, type LmBatch } from '../../src/engine/trainer';

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(8);

function run(steps: number, seed: number): { losses: number[]; params: Float32Array; trainer: LmTrainer } {
  const chars = [...new Set(TEXT)].sort();
  const ids = Int32Array.from([...TEXT].map((c) => chars.indexOf(c)));
  const lm = new LanguageModel({
    vocabSize: chars.length, embeddingSize: 8,
    rnn: { cell: 'lstm', hiddenSize: 32, numLayers: 1, bidirectional: false, merge: 'concat', dropout: 0 },
  });
  lm.initialize(new Rng(seed));
  const trainer = new LmTrainer(lm, {
    optimizer: { kind: 'adam' }, schedule: { kind: 'constant', lr: 1e-2 }, clipNorm: 5,
  });
  const B = 4, T = 16;
  const inputs = new Int32Array(B * T), targets = new Int32Array(B * T);
  const rowLen = Math.floor((ids.length - 1) / B);
  const batch: LmBatch = { inputs, targets, B, T, resetState: true };
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const chunk = s % Math.floor(rowLen / T);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const i = b * rowLen + chunk * T + t;
        inputs[b * T + t] = ids[i];
        targets[b * T + t] = ids[i + 1];
      }
    batch.resetState = chunk === 0;
    losses.push(trainer.step(batch).loss);
  }
  return { losses, params: Float32Array.from(lm.params.data), trainer };
}

describe('seeded training', () => {
  it('a char LSTM language model gets a strictly lower loss, identically twice', () => {
    const a = run(60, 7);
    const b = run(60, 7);
    const first = a.losses.slice(0, 5).reduce((s, v) => s + v) / 5;
    const last = a.losses.slice(-5).reduce((s, v) => s + v) / 5;
    console.log(`      loss: first 5 steps ${first.toFixed(4)} → last 5 steps ${last.toFixed(4)}`);
    assert.ok(last < first * 0.6, `loss fell from ${first} to ${last} only`);
    assert.deepEqual(b.losses, a.losses, 'losses differ between two runs with the same seed');
    assert.deepEqual(b.params, a.params, 'parameters differ between two runs with the same seed');
    const c = run(5, 8);
    assert.notDeepEqual(c.losses, a.losses.slice(0, 5), 'another seed should give another run');
  });

  it('reuses the same buffers across training steps', () => {
    const chars = 'abcd';
    const lm = new LanguageModel({
      vocabSize: chars.length, embeddingSize: 4,
      rnn: { cell: 'gru', hiddenSize: 8, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0 },
    });
    lm.initialize(new Rng(1));
    const trainer = new LmTrainer(lm, { optimizer: { kind: 'adam' }, schedule: { kind: 'constant', lr: 1e-3 }, clipNorm: 1 });
    const batch: LmBatch = { inputs: new Int32Array(8).fill(1), targets: new Int32Array(8).fill(2), B: 2, T: 4, resetState: false };
    const snapshot = (): unknown[] => {
      const dir = lm.rnn.direction(1, 0);
      return [lm.logits, lm.probs, lm.rnn.output, lm.rnn.hN, lm.rnn.dX, dir.gx, dir.gh, dir.act, dir.hs, dir.dGx, dir.dh,
        lm.params.data, lm.params.grad, trainer.core.optimizer.moment('exp_avg'), trainer.core.stats, trainer.gradThroughTime];
    };
    trainer.step(batch);
    const before = snapshot();
    const stats1 = trainer.step(batch);
    const after = snapshot();
    assert.equal(after.length, before.length);
    after.forEach((buf, i) => assert.equal(buf, before[i], `buffer #${i} was reallocated`));
    assert.equal(trainer.step(batch), stats1, 'stats object is reused');
  });
});
