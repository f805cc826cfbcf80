// Best weights, early stopping and the memorising detector (src/engine/run/bestWeights.ts, memorising.ts,
// validationWatch.ts): Keras EarlyStopping semantics on crafted validation series; the detector on crafted
// series both ways; a real run that overfits a tiny text, stops early and keeps the weights of the lowest
// validation loss it saw; the best surviving a checkpoint and resume; old configs without the new fields.
import * as assert from 'node:assert/strict';
import { readCheckpoint } from '../../src/engine/checkpoint';
import { BestWeights, MIN_REL_DELTA } from '../../src/engine/run/bestWeights';
import { DEFAULT_RUN_CONFIG, parseRunConfig, runConfig, type RunConfig } from '../../src/engine/run/config';
import { parseTaskData } from '../../src/engine/run/data';
import { MemorisingDetector, MIN_RISE } from '../../src/engine/run/memorising';
import { TrainingRun } from '../../src/engine/run/run';
import { ruleTexts } from './ruleText';

/** Feeds `losses` to a tracker (weights = [i] at the i-th validation); returns the validation at which it stops, or -1. */
function stopsAt(losses: number[], patience: number, best = new BestWeights(new Float32Array(1))): number {
  for (let i = 0; i < losses.length; i++) {
    best.observe(i + 1, losses[i], Float32Array.of(i));
    if (best.exhausted(patience)) return i;
  }
  return -1;
}

describe('BestWeights: Keras EarlyStopping(monitor=val_loss, restore_best_weights=True)', () => {
  it('stops after `patience` validations without improvement and keeps the lowest loss\'s weights', () => {
    const b = new BestWeights(new Float32Array(1));
    // best 2.0 at the 2nd validation; 2.5, 2.4, 2.6 do not improve on it: patience 3 stops at the 5th (index 4).
    assert.equal(stopsAt([3, 2, 2.5, 2.4, 2.6, 1], 3, b), 4);
    assert.deepEqual(b.best, { step: 2, validLoss: 2 });
    const arena = new Float32Array(1);
    assert.equal(b.restoreInto(arena), true);
    assert.equal(arena[0], 1); // the weights seen at the 2nd validation
  });

  it('an improvement resets the wait; a falling series never stops', () => {
    assert.equal(stopsAt([3, 2.9, 3.5, 3.5, 2.8, 3.6, 3.6, 3.6], 3), 7);
    assert.equal(stopsAt([5, 4, 3, 2, 1, 0.5, 0.25], 1), -1);
  });

  it('an improvement smaller than the relative min_delta keeps the weights but does not reset the wait', () => {
    const b = new BestWeights(new Float32Array(1));
    const tiny = 2 * (1 - MIN_REL_DELTA / 2);
    assert.equal(stopsAt([2, tiny, tiny * (1 - MIN_REL_DELTA / 4)], 2, b), 2);
    assert.equal(b.best!.step, 3);
  });

  it('a non-finite loss is never best and counts as no improvement', () => {
    const b = new BestWeights(new Float32Array(1));
    assert.equal(stopsAt([1, Number.NaN, Number.POSITIVE_INFINITY], 2, b), 2);
    assert.deepEqual(b.best, { step: 1, validLoss: 1 });
  });
});

function detect(valid: number[], train: number[]): boolean[] {
  const d = new MemorisingDetector();
  return valid.map((v, i) => d.observe(v, train[i]));
}

describe('MemorisingDetector: validation loss rising for three validations while training loss falls', () => {
  it('fires on the issue\'s curve (valid 2.7 → 4.2 → 5.4, train 0.01 → 0.005), and not before the third rise', () => {
    assert.deepEqual(detect([3.0, 2.7, 3.2, 4.2, 5.4], [1.5, 0.4, 0.01, 0.008, 0.005]), [false, false, false, false, true]);
  });

  it('does not fire when training loss rises too (plain divergence), nor after only two rises, nor on a dip', () => {
    assert.deepEqual(detect([1, 2, 3, 4], [0.5, 0.6, 0.7, 0.8]), [false, false, false, false]);
    assert.deepEqual(detect([2.7, 3.2, 4.2, 4.0, 4.5], [0.4, 0.3, 0.2, 0.1, 0.05]), [false, false, false, false, false]);
  });

  it('does not fire on float jitter of a flat curve (the rise must exceed MIN_RISE)', () => {
    const v = 2, step = (v * MIN_RISE) / 4;
    assert.deepEqual(detect([v, v + step, v + 2 * step, v + 3 * step], [1, 0.9, 0.8, 0.7]), [false, false, false, false]);
    assert.deepEqual(detect([v, v + step, v + 2 * step, v + 5 * step], [1, 0.9, 0.8, 0.7]), [false, false, false, true]);
  });

  it('stops holding once validation loss falls again; its state round-trips', () => {
    const d = new MemorisingDetector();
    [1, 1.2, 1.4, 1.6].forEach((v, i) => d.observe(v, 1 - i / 10));
    assert.equal(d.holds(), true);
    const copy = new MemorisingDetector();
    copy.load(JSON.parse(JSON.stringify(d.state())));
    assert.equal(copy.holds(), true);
    assert.equal(d.observe(1.5, 0.5), false);
  });
});

const { train: TRAIN, valid: VALID } = ruleTexts();
const lm = (text: string, source: string) => parseTaskData('lm', [{ source, text }]);

function overfitConfig(over: Partial<RunConfig> = {}): RunConfig {
  return runConfig({ task: 'lm', hidden: 96, embedding: 16, batch: 4, seqLen: 16, lr: 0.01, seed: 3, validEvery: 10, validBatches: 4, earlyStopping: true, patience: 6, ...over });
}

/** Trains until early stopping (or `max` steps); returns every validation loss seen, by step. */
function trainUntilStop(run: TrainingRun, max: number, memorising: number[] = []): Map<number, number> {
  const seen = new Map<number, number>();
  for (let i = 0; i < max && !run.shouldStopEarly; i++) {
    const s = run.trainStep();
    assert.equal(s.nonFinite, null);
    if (s.step % run.config.validEvery === 0) {
      seen.set(s.step, run.validate()!.loss);
      if (run.memorising) memorising.push(s.step);
    }
  }
  return seen;
}

describe('TrainingRun: best weights and early stopping on a run that overfits', function () {
  this.timeout(120_000);

  it('stops early, names the memorising, and keeps the weights whose validation loss is the minimum seen', () => {
    const run = TrainingRun.create(overfitConfig(), lm(TRAIN, 'train.txt'), lm(VALID, 'valid.txt'));
    const memorising: number[] = [];
    const seen = trainUntilStop(run, 3000, memorising);
    assert.equal(run.shouldStopEarly, true, `no early stop in 3000 steps; validations ${JSON.stringify([...seen])}`);
    const min = Math.min(...seen.values());
    const best = run.best!;
    assert.equal(best.validLoss, min);
    assert.equal(seen.get(best.step), min);
    assert.ok(run.step >= best.step + run.config.patience * run.config.validEvery);
    assert.ok(memorising.length > 0 && run.memorisingSince === memorising[0], `memorising at ${memorising}, since ${run.memorisingSince}`);
    const first = [...seen.values()][0], last = [...seen.values()].at(-1)!;
    assert.ok(min < first && last > min, `validation loss fell, then rose: ${JSON.stringify([...seen])}`);
    // The best checkpoint holds the best weights and leaves the live ones alone.
    const live = run.task.params.data.slice();
    const files = run.bestCheckpoint({ runId: 't' })!;
    assert.deepEqual(run.task.params.data, live);
    const meta = JSON.parse(files.meta);
    assert.deepEqual(meta.info.best, best);
    assert.equal(meta.training, null);
    const stored = readCheckpoint(files).weights.get('embedding.weight')!;
    // restore_best_weights: the model validates at exactly the best loss again.
    assert.equal(run.restoreBest(), true);
    assert.deepEqual(stored, run.task.params.value('embedding.weight'));
    assert.equal(run.validate()!.loss, min);
  });

  it('without early stopping the run goes on, and the best is still tracked', () => {
    const run = TrainingRun.create(overfitConfig({ earlyStopping: false }), lm(TRAIN, 'train.txt'), lm(VALID, 'valid.txt'));
    const seen = trainUntilStop(run, 400);
    assert.equal(run.step, 400);
    assert.equal(run.best!.validLoss, Math.min(...seen.values()));
  });

  it('the best, the wait and the detector survive a checkpoint: the resumed run stops at the same step with the same best', () => {
    const cfg = overfitConfig();
    const a = TrainingRun.create(cfg, lm(TRAIN, 'train.txt'), lm(VALID, 'valid.txt'));
    trainUntilStop(a, 40); // past the best (step 20), before the stop
    const ck = a.checkpoint();
    const before = a.best!;
    const b = TrainingRun.resume(ck, lm(TRAIN, 'train.txt'), lm(VALID, 'valid.txt'));
    assert.deepEqual(b.best, before);
    assert.deepEqual(b.bestCheckpoint()!.model, a.bestCheckpoint()!.model);
    trainUntilStop(a, 3000);
    trainUntilStop(b, 3000);
    assert.equal(b.step, a.step);
    assert.deepEqual(b.best, a.best);
    assert.equal(b.memorisingSince, a.memorisingSince);
    assert.deepEqual(b.bestCheckpoint()!.model, a.bestCheckpoint()!.model);
  });

  it('a checkpoint whose best weights do not fit the model is refused, naming the buffer, and changes nothing', () => {
    const a = TrainingRun.create(overfitConfig(), lm(TRAIN, 'train.txt'), lm(VALID, 'valid.txt'));
    trainUntilStop(a, 30);
    const good = a.checkpoint();
    const meta = JSON.parse(good.meta);
    meta.training.extra.watch.best.wait = -1;
    delete meta.checksums['seqlab.json']; // an edit made on purpose
    const b = TrainingRun.create(overfitConfig(), lm(TRAIN, 'train.txt'), lm(VALID, 'valid.txt'));
    const weights = b.task.params.data.slice();
    assert.throws(() => b.rollback({ ...good, meta: JSON.stringify(meta) }), /training\.extra\.best/);
    assert.deepEqual(b.task.params.data, weights);
    assert.equal(b.best, null);
  });
});

describe('RunConfig: earlyStopping and patience', () => {
  it('a config saved before the fields existed (a checkpoint, a stored run) reads with their defaults', () => {
    const old: Record<string, unknown> = { ...DEFAULT_RUN_CONFIG };
    delete old.earlyStopping;
    delete old.patience;
    const c = parseRunConfig(old);
    assert.equal(c.earlyStopping, false);
    assert.equal(c.patience, 5);
  });

  it('early stopping without validations is refused, naming the field', () => {
    assert.throws(() => runConfig({ earlyStopping: true, validEvery: 0 }), /config\.earlyStopping: watches validation loss/);
    assert.throws(() => runConfig({ patience: 0 }), /config\.patience: must be at least 1/);
  });
});
