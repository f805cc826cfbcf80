// The "run stopped … Save Model As…" notification follows real session events (real worker, real store): it is
// due when a run trained here stops here, and never for a run loaded back from a PyTorch training project (it is
// listed as 'imported', not 'stopped') nor for a run an earlier window stopped, restored from the store.
import * as assert from 'node:assert/strict';
import { runConfig } from '../../src/engine/run/config';
import type { TrainMetric } from '../../src/engine/run/report';
import { StopNotices } from '../../src/extension/runs/stopNotice';
import { TrainingSession } from '../../src/extension/training/session';
import { trainingContext } from '../../src/extension/trainingContextValues';
import { smallConfig } from './worker.test';
import { sessionHarness } from './sessionHarness';
import { until } from './until';

const TEXT = 'the quick brown fox jumps over the lazy dog.\n'.repeat(40);

describe('stop notification (real session events)', function () {
  this.timeout(30_000);
  const harness = sessionHarness('seqlab-stopnotice-');
  /** A session whose every 'state' event goes through one StopNotices, as runs/runCommands.ts wires it. */
  const make = (): { session: TrainingSession; texts: string[] } => {
    const session = harness.make();
    const notices = new StopNotices();
    const texts: string[] = [];
    session.onEvent((e) => {
      const t = e.type === 'state' ? notices.next(e.run) : null;
      if (t !== null) texts.push(t);
    });
    return { session, texts };
  };

  it('an imported run is listed as imported, with its history, and no stop notification; it is not resumable', () => {
    const { session, texts } = make();
    const history: TrainMetric[] = [1, 2, 3].map((step) => ({
      step, epoch: 0, loss: 3 - step / 2, lr: 0.01, tokensPerSecond: 0, gradNorm: 1, gradNormAfterClip: 1, clipped: false, groupNorms: [],
    }));
    const run = session.addImportedRun('project', runConfig({ task: 'lm' }), history);
    assert.equal(run.state, 'imported');
    assert.equal(run.step, 3);
    assert.deepEqual(texts, [], 'no "stopped … Save Model As…" for a run that never trained here');
    assert.equal(trainingContext(session.runs.values(), null).canResume, false, 'no checkpoint of its own to resume, as before');
  });

  it('a run trained here says once that it stopped; restored in a new window (reload) it stays quiet', async () => {
    const { session, texts } = make();
    const run = await session.start({ name: 'here', config: smallConfig({ checkpointEvery: 5 }), train: TEXT.slice(0, 1500), valid: TEXT.slice(1500) });
    await until('a checkpoint', () => (run.lastCheckpointStep ?? 0) >= 5);
    await session.stop();
    assert.equal(run.state, 'stopped');
    assert.deepEqual(texts, [`Training run "here" stopped at step ${run.step}.`]);
    await session.store.flush();

    const reloaded = make();
    const restored = await reloaded.session.loadStoredRuns();
    assert.equal(restored.find((r) => r.id === run.id)?.state, 'stopped');
    assert.deepEqual(reloaded.texts, [], 'a run stopped in an earlier window is not announced again');
    // Resumed here, it is live here again: its next stop is announced.
    await reloaded.session.resumeRun(run.id);
    await until('steps after the resume', () => reloaded.session.runs.get(run.id)!.step > run.step);
    await reloaded.session.stop();
    assert.equal(reloaded.texts.length, 1);
    assert.match(reloaded.texts[0]!, /^Training run "here" stopped at step \d+\.$/);
  });
});
