// Training you can trust, through the real worker thread and the real on-disk store (issue #14 items 1–2): a run
// that overfits says once that it memorises, stops early and keeps the weights of its lowest validation loss (the
// stored best and the final checkpoint hold them; that loss is the minimum the run reported); "Stop and keep best
// weights"; a run that was live when the window went away comes back interrupted at the step it reached, with its
// last checkpoint, and resumes from it, while runs that ended in their window come back ended.
import * as assert from 'node:assert/strict';
import { readCheckpoint } from '../../src/engine/checkpoint';
import { runConfig, type RunConfig } from '../../src/engine/run/config';
import type { SessionEvent } from '../../src/extension/training/session';
import { selectionOverrides } from '../../src/extension/selectionDefaults';
import { sessionHarness } from './sessionHarness';
import { until } from './until';
import { ruleTexts } from './ruleText';


const { train: TRAIN, valid: VALID } = ruleTexts();

function overfit(over: Partial<RunConfig> = {}): RunConfig {
  return runConfig({
    task: 'lm', hidden: 96, embedding: 16, batch: 4, seqLen: 16, lr: 0.01, seed: 3, validEvery: 10, validBatches: 4,
    checkpointEvery: 20, snapshotEvery: 0, earlyStopping: true, patience: 6, ...over,
  });
}

const weights = (files: { model: Uint8Array; meta: string; state?: Uint8Array }): Float32Array[] => [...readCheckpoint(files).weights.values()];

describe('training you can trust (real worker, real files)', function () {
  this.timeout(60_000);
  const { make } = sessionHarness('seqlab-trust-');

  it('an overfitting run says once that it memorises, stops early, and keeps the weights of the lowest validation loss it reported', async () => {
    const session = make();
    const events: SessionEvent[] = [];
    session.onEvent((e) => events.push(e));
    const run = await session.start({ config: overfit(), train: TRAIN, valid: VALID });
    await until('early stopping', () => run.state === 'stopped', 50_000);
    await session.store.flush();
    const valids = run.history.filter((p) => p.validLoss !== undefined);
    const min = Math.min(...valids.map((p) => p.validLoss!));
    assert.deepEqual(run.ending, { early: true, keptBest: true });
    assert.equal(run.best!.validLoss, min);
    assert.equal(valids.find((p) => p.validLoss === min)!.step, run.best!.step);
    assert.equal(valids.at(-1)!.step, run.best!.step + 6 * 10, 'stopped after patience validations without improvement');
    // The memorising notice: exactly once, at a step where validation loss had risen three times while training fell.
    const notices = events.filter((e) => e.type === 'memorising');
    assert.equal(notices.length, 1);
    assert.ok(valids.some((p) => p.memorising === true && p.step === run.memorisingSince), `memorising since ${run.memorisingSince}`);
    assert.match((notices[0] as { text: string }).text, /is memorising its training data/);
    // The stored best and the final checkpoint both hold the best weights (restore_best_weights).
    const best = (await session.store.loadBestCheckpoint(run.id))!;
    assert.deepEqual(JSON.parse(best.meta).info.best, run.best);
    assert.deepEqual(weights(best), weights((await session.store.loadCheckpoint(run.id))!));
    assert.deepEqual(await session.store.loadBestInfo(run.id), run.best);
    // Why it stopped is the run's message, which the one "stopped" notification (runs/runCommands.ts) shows.
    assert.match(run.message ?? '', /^Early stopping: validation loss had not improved for 6 validations/);
    assert.ok(events.some((e) => e.type === 'state' && e.run === run && run.state === 'stopped'));
    // After a reload the run is what it was: ended, not interrupted, with its best.
    const reloaded = make();
    const again = (await reloaded.loadStoredRuns()).find((r) => r.id === run.id)!;
    assert.equal(again.state, 'stopped');
    assert.deepEqual(again.best, run.best);
    assert.deepEqual(again.ending, { early: true, keptBest: true });
  });

  it('"Stop and keep best weights": the final checkpoint holds the best validation\'s weights, not the latest', async () => {
    const session = make();
    const run = await session.start({ config: overfit({ earlyStopping: false }), train: TRAIN, valid: VALID });
    await until('memorising', () => run.history.some((p) => p.memorising === true), 50_000);
    await session.stop(10_000, true);
    await session.store.flush();
    assert.equal(run.state, 'stopped');
    assert.deepEqual(run.ending, { early: false, keptBest: true });
    assert.ok(run.step > run.best!.step);
    assert.deepEqual(weights((await session.store.loadCheckpoint(run.id))!), weights((await session.store.loadBestCheckpoint(run.id))!));
    assert.equal(await session.store.loadModelCheckpoint(run.id, 'latest').then((f) => JSON.parse(f!.meta).training.stepCount), run.step);
  });

  it('a run live when the window goes away comes back interrupted at the step it reached (last checkpoint M) and resumes from M', async () => {
    const session = make();
    const run = await session.start({ config: overfit({ earlyStopping: false, checkpointEvery: 200, lr: 0.002 }), train: TRAIN, valid: VALID });
    await until('a checkpoint and steps past it', () => (run.lastCheckpointStep ?? 0) >= 200 && run.step >= run.lastCheckpointStep! + 20 && run.step < run.lastCheckpointStep! + 120, 50_000);
    session.pause(); // a pause writes how far the run got (as the metrics do every few seconds)
    await until('the pause', () => run.state === 'paused');
    await session.store.flush();
    const reached = run.step;
    session.dispose(); // the window goes away: the worker is terminated, nothing is told to the store
    await new Promise((r) => setTimeout(r, 200));
    const reloaded = make();
    const again = (await reloaded.loadStoredRuns()).find((r) => r.id === run.id)!;
    assert.equal(again.state, 'interrupted');
    const m = again.lastCheckpointStep!;
    assert.equal(again.step, reached);
    assert.ok(m >= 200 && m < reached, `interrupted at ${again.step}, checkpoint ${m}`);
    assert.ok(again.best && again.best.step <= again.step);
    // Its checkpoint serves at once: the best (per seqlab.models.use's default) is on disk without a Resume.
    assert.ok(await reloaded.store.loadModelCheckpoint(again.id, 'best'));
    await reloaded.resumeRun(again.id);
    assert.equal(again.state, 'running');
    assert.equal(again.info!.step, m, 'the resumed worker starts from the last checkpoint');
    await until('steps after the resume', () => again.step > m + 3, 30_000);
    await reloaded.stop();
    // Stopped in its window this time: a third window finds it ended.
    const third = make();
    assert.equal((await third.loadStoredRuns()).find((r) => r.id === run.id)!.state, 'stopped');
  });
});

describe('Train on Selection turns early stopping on unless the user chose', () => {
  it('on by default; the setting, the chosen model or the run\'s own config wins; a run that never validates is left alone', () => {
    assert.deepEqual(selectionOverrides({}, {}), { earlyStopping: true });
    assert.deepEqual(selectionOverrides({ earlyStopping: false }, {}), {});
    assert.deepEqual(selectionOverrides({}, { earlyStopping: false }), {});
    assert.deepEqual(selectionOverrides({}, {}, { earlyStopping: false, steps: 9 }), { earlyStopping: false, steps: 9 });
    assert.deepEqual(selectionOverrides({ validEvery: 0 }, {}), {});
    assert.deepEqual(selectionOverrides({}, {}, { validBatches: 0 }), { validBatches: 0 });
    assert.deepEqual(selectionOverrides({ patience: 3 }, {}, { name: 'x' } as never), { earlyStopping: true, name: 'x' });
  });
});
