// The budget-aware learning rate (src/engine/optim/budget.ts, runDerived.ts schedule, run/run.ts for time budgets):
// its curve against hand-computed values, the step and time forms agreeing, the config rules, a step-budget run
// resuming bit for bit, a time-budget run following a (fake) clock and saving its elapsed time, and a checkpoint
// written before lrSchedule (with `decay`) still resuming.
import * as assert from 'node:assert/strict';
import { FLOOR, WARMUP_SHARE, budgetLearningRate, stepBudgetSchedule } from '../../src/engine/optim/budget';
import { learningRate } from '../../src/engine/optim';
import { runConfig, schedule, type RunConfig } from '../../src/engine/run/config';
import { parseTaskData } from '../../src/engine/run/data';
import { TrainingRun } from '../../src/engine/run/run';

const close = (a: number, b: number, what = ''): void => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what} ${a} vs ${b}`);
const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(30);
const lmData = () => parseTaskData('lm', [{ source: 'lm.txt', text: TEXT }]);
const small = (over: Partial<RunConfig>): RunConfig => runConfig({ task: 'lm', hidden: 8, embedding: 4, batch: 2, seqLen: 8, lr: 0.01, seed: 3, validEvery: 0, ...over });

describe('budget-aware learning rate', () => {
  it('warm-up from lr/10, cosine to lr/10 at the end of the budget, held after (hand-computed points)', () => {
    const lr = 0.004;
    close(budgetLearningRate(lr, 0), lr * FLOOR, 'start');
    close(budgetLearningRate(lr, WARMUP_SHARE / 2), lr * (FLOOR + (1 - FLOOR) / 2), 'mid warm-up');
    close(budgetLearningRate(lr, WARMUP_SHARE), lr, 'peak');
    close(budgetLearningRate(lr, WARMUP_SHARE + (1 - WARMUP_SHARE) / 2), (lr + lr * FLOOR) / 2, 'cosine midpoint');
    close(budgetLearningRate(lr, 1), lr * FLOOR, 'end');
    close(budgetLearningRate(lr, 3), lr * FLOOR, 'after the end');
  });

  it('a step budget gives the clock form\'s curve at p = step / steps (exactly when 2 % of the steps is whole)', () => {
    for (const steps of [50, 1000, 1700]) {
      const s = stepBudgetSchedule(0.003, steps);
      for (let t = 0; t <= steps + 5; t++) close(learningRate(s, t), budgetLearningRate(0.003, t / steps), `${steps} steps, step ${t}`);
    }
    for (const steps of [2, 10, 77, 1717]) {
      const s = stepBudgetSchedule(0.003, steps), w = Math.floor(WARMUP_SHARE * steps);
      close(learningRate(s, 0), w > 0 ? 0.003 * FLOOR : 0.003, `${steps}: the first step`);
      close(learningRate(s, w), 0.003, `${steps}: the peak after the warm-up`);
      close(learningRate(s, steps), 0.003 * FLOOR, `${steps}: the floor at the end`);
    }
  });

  it('auto follows a step budget and is constant without one; constant stays constant; cosine needs a budget', () => {
    assert.deepEqual(schedule(small({ steps: 0 })), { kind: 'constant', lr: 0.01 });
    assert.deepEqual(schedule(small({ steps: 100 })), stepBudgetSchedule(0.01, 100));
    assert.deepEqual(schedule(small({ steps: 100, lrSchedule: 'constant' })), { kind: 'constant', lr: 0.01 });
    assert.deepEqual(schedule(small({ time: 60 })), { kind: 'constant', lr: 0.01 }, 'a time budget moves the rate in the run, not here');
    assert.throws(() => small({ lrSchedule: 'cosine' }), /config\.lrSchedule: the cosine schedule runs over the run's budget/);
    assert.throws(() => small({ lrSchedule: 'cosine', steps: 1 }), /lrSchedule/);
    assert.doesNotThrow(() => small({ lrSchedule: 'cosine', time: 5 }));
    assert.throws(() => small({ steps: 10, time: 5 }), /config\.time: a run has a step limit or a time limit, not both/);
  });

  it('a step-budget run takes the scheduled rates, and resumed half-way takes bit for bit the same steps', () => {
    const cfg = small({ steps: 12 }), d = lmData();
    const plain = TrainingRun.create(cfg, d);
    const rates: number[] = [], losses: number[] = [];
    for (let i = 0; i < 12; i++) { const s = plain.trainStep(); rates.push(s.lr); losses.push(s.loss); }
    rates.forEach((r, t) => assert.equal(r, learningRate(stepBudgetSchedule(0.01, 12), t)));
    assert.ok(plain.budgetSpent());
    const first = TrainingRun.create(cfg, d);
    for (let i = 0; i < 5; i++) first.trainStep();
    const resumed = TrainingRun.resume(first.checkpoint(), d);
    const after: number[] = [], afterRates: number[] = [];
    while (!resumed.budgetSpent()) { const s = resumed.trainStep(); after.push(s.loss); afterRates.push(s.lr); }
    assert.deepEqual(after, losses.slice(5));
    assert.deepEqual(afterRates, rates.slice(5));
  });

  it('a time-budget run follows its clock, saves the seconds spent, and a resumed run continues from them', () => {
    let now = 1000; // ms
    const cfg = small({ time: 10 }), d = lmData();
    const run = TrainingRun.create(cfg, d);
    run.useClock(() => now);
    const seen: Array<[number, number]> = [];
    for (const at of [0, 0.1, 2.6, 5.1]) { now = 1000 + at * 1000; seen.push([at, run.trainStep().lr]); }
    for (const [at, lr] of seen) close(lr, budgetLearningRate(0.01, at / 10), `at ${at} s`);
    assert.equal(run.budgetSpent(), false);
    now = 1000 + 6000;
    const ck = run.checkpoint();
    const resumed = TrainingRun.resume(ck, d);
    let later = 50_000;
    resumed.useClock(() => later);
    close(resumed.clock.elapsed(), 6, 'restored seconds');
    close(resumed.trainStep().lr, budgetLearningRate(0.01, 0.6), 'resumed at 6 s of 10');
    later += 3000;
    close(resumed.trainStep().lr, budgetLearningRate(0.01, 0.9), 'three seconds later');
    later += 1000;
    assert.equal(resumed.budgetSpent(), true);
  });

  it('adjust() scales a time-budget rate too', () => {
    let now = 0;
    const run = TrainingRun.create(small({ time: 4 }), lmData());
    run.useClock(() => now);
    run.trainStep();
    run.adjust(0.5);
    now = 2000;
    close(run.trainStep().lr, 0.5 * budgetLearningRate(0.01, 0.5));
  });

  it('a checkpoint saved before lrSchedule (its config has decay and no time) resumes', () => {
    const d = lmData();
    for (const [decay, expected] of [[false, 'constant'], [true, 'cosine']] as const) {
      const run = TrainingRun.create(small({ steps: 20, lrSchedule: expected }), d);
      run.trainStep();
      const ck = run.checkpoint();
      const meta = JSON.parse(ck.meta);
      const saved = meta.training.extra.config;
      delete saved.lrSchedule;
      delete saved.time;
      saved.decay = decay;
      delete meta.training.extra.elapsed;
      delete meta.checksums['seqlab.json']; // an edit made on purpose (checkpoint.ts)
      const old = { ...ck, meta: JSON.stringify(meta) };
      const resumed = TrainingRun.resume(old, d);
      assert.equal(resumed.config.lrSchedule, expected);
      assert.equal(resumed.config.time, 0);
      assert.equal(resumed.clock.elapsed(), 0);
      assert.equal(resumed.trainStep().loss, run.trainStep().loss);
    }
  });
});
