// Learning-rate schedules at their boundary steps, against values computed by hand from the formulas in
// src/engine/optim/schedule.ts (torch StepLR, CosineAnnealingLR closed form, LinearLR warm-up).
import * as assert from 'node:assert/strict';
import { learningRate, type Schedule } from '../../src/engine/optim';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-15 + 1e-13 * Math.abs(b), `${a} vs ${b}`);

describe('learningRate schedules', () => {
  it('constant', () => {
    const s: Schedule = { kind: 'constant', lr: 3e-3 };
    for (const t of [0, 1, 1000, 1e9]) assert.equal(learningRate(s, t), 3e-3);
  });

  it('step: gamma every stepSize steps, counted from step 0', () => {
    const s: Schedule = { kind: 'step', lr: 1, stepSize: 10, gamma: 0.5 };
    assert.equal(learningRate(s, 0), 1);
    assert.equal(learningRate(s, 9), 1);
    assert.equal(learningRate(s, 10), 0.5);
    assert.equal(learningRate(s, 19), 0.5);
    assert.equal(learningRate(s, 20), 0.25);
    close(learningRate({ kind: 'step', lr: 2, stepSize: 3 }, 3), 0.2); // torch default gamma 0.1
  });

  it('cosine: lr at 0, midpoint halfway, minLr at totalSteps and held after', () => {
    const s: Schedule = { kind: 'cosine', lr: 0.1, totalSteps: 100, minLr: 0.01 };
    assert.equal(learningRate(s, 0), 0.1);
    close(learningRate(s, 50), 0.055);
    close(learningRate(s, 25), 0.01 + 0.09 * (1 + Math.SQRT1_2) / 2);
    close(learningRate(s, 100), 0.01);
    close(learningRate(s, 150), 0.01);
    close(learningRate({ kind: 'cosine', lr: 1, totalSteps: 4 }, 4), 0);
    // strictly decreasing in between
    for (let t = 1; t <= 100; t++) assert.ok(learningRate(s, t) < learningRate(s, t - 1));
  });

  it('linear warm-up, then the inner schedule starting from its own step 0', () => {
    const warm: Schedule = { kind: 'step', lr: 1, stepSize: 5, gamma: 0.1, warmup: { steps: 4 } };
    assert.equal(learningRate(warm, 0), 0);
    assert.equal(learningRate(warm, 1), 0.25);
    assert.equal(learningRate(warm, 3), 0.75);
    assert.equal(learningRate(warm, 4), 1); // first post-warm-up step: the base lr
    assert.equal(learningRate(warm, 8), 1);
    close(learningRate(warm, 9), 0.1); // 5 steps after warm-up
    const f0: Schedule = { kind: 'constant', lr: 0.3, warmup: { steps: 3, startFactor: 1 / 3 } };
    close(learningRate(f0, 0), 0.1);
    close(learningRate(f0, 1), 0.1 + 0.2 / 3);
    close(learningRate(f0, 3), 0.3);
  });

  it('cosine with warm-up reaches minLr at totalSteps (the run length, warm-up included)', () => {
    const s: Schedule = { kind: 'cosine', lr: 1, totalSteps: 110, minLr: 0, warmup: { steps: 10 } };
    close(learningRate(s, 5), 0.5);
    assert.equal(learningRate(s, 10), 1);
    close(learningRate(s, 60), 0.5);
    close(learningRate(s, 110), 0);
  });

  it('rejects malformed schedules and steps', () => {
    assert.throws(() => learningRate({ kind: 'constant', lr: 1 }, -1), /step/);
    assert.throws(() => learningRate({ kind: 'constant', lr: 1 }, 1.5), /step/);
    assert.throws(() => learningRate({ kind: 'step', lr: 1, stepSize: 0 }, 3), /stepSize/);
    assert.throws(() => learningRate({ kind: 'cosine', lr: 1, totalSteps: 5, warmup: { steps: 5 } }, 6), /totalSteps/);
    assert.throws(() => learningRate({ kind: 'constant', lr: -1 }, 0), /learning rate/);
  });
});
