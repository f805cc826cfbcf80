// The dashboard's trust line (webview/dashboard/trust.ts, src/extension/panels/runTrust.ts): the ETA says something
// true (time to the step limit at the measured step rate, else epochs done and steps per second, never "0 s to the
// end of this epoch"); a run the host does not know after a reload is not shown as running; Resume is offered for
// an interrupted run with a checkpoint; the host's summary carries the best, memorising, ending and last checkpoint
// within the channel's ranges (the webview's own validator accepts it).
import * as assert from 'node:assert/strict';
import { runConfig } from '../../src/engine/run/config';
import { summarize, type FeedRun } from '../../src/extension/panels/dashboardModel';
import { parseHostToDashboard, type MetricPoint, type RunSummary } from '../../src/protocol/dashboard';
import { canResume, etaText, noteProgress, stateText, unknownToHost } from '../../webview/dashboard/trust';

function feedRun(over: Partial<FeedRun> = {}): FeedRun {
  return {
    id: 'run-1', name: 'Run 1', state: 'running', config: runConfig({ earlyStopping: true, patience: 4 }), info: null, history: [], message: null, nonFinite: null,
    step: 120, best: { step: 100, validLoss: 1.5 }, memorisingSince: 110, lastCheckpointStep: 100, ending: null, ...over,
  };
}

const point = (step: number, epoch: number): MetricPoint => ({ step, loss: 1, epoch });

describe('dashboard trust line', () => {
  it('the host summary carries the trust fields, and the webview accepts it', () => {
    const s = summarize(feedRun());
    assert.deepEqual(s.trust, { step: 120, best: { step: 100, validLoss: 1.5 }, memorisingSince: 110, lastCheckpointStep: 100, patience: 4, ending: null });
    parseHostToDashboard({ type: 'run', summary: s });
    const off = summarize(feedRun({ config: runConfig(), best: { step: -1, validLoss: Number.NaN }, memorisingSince: null }));
    assert.deepEqual([off.trust!.best, off.trust!.patience, off.trust!.memorisingSince], [null, null, null]);
  });

  it('the ETA: time to the step limit at the measured rate; without one, epochs done and steps/s; nothing when not running', () => {
    const withLimit: RunSummary = { ...summarize(feedRun({ id: 'a', config: runConfig({ steps: 1000 }) })) };
    noteProgress('a', 100, 0);
    noteProgress('a', 200, 10_000); // 10 steps/s
    assert.equal(etaText(withLimit, [point(200, 3)]), '80 s to step 1,000 (10 steps/s)');
    const endless = summarize(feedRun({ id: 'b', config: runConfig() }));
    noteProgress('b', 0, 0);
    noteProgress('b', 500, 2000);
    assert.equal(etaText(endless, [point(500, 7)]), '7 epochs done · 250 steps/s · no step limit: runs until stopped');
    const early = summarize(feedRun({ id: 'b' }));
    assert.equal(etaText(early, [point(500, 1)]), '1 epoch done · 250 steps/s · until validation stops improving (patience 4)');
    assert.equal(etaText({ ...early, state: 'paused' }, [point(500, 1)]), '–');
    assert.doesNotMatch(etaText(endless, [point(500, 7)]), /end of this epoch/);
  });

  it('after a reload: a run the host does not know is interrupted, not running; Resume needs a checkpoint', () => {
    const s = summarize(feedRun());
    assert.equal(unknownToHost(s).state, 'interrupted');
    assert.equal(unknownToHost({ ...s, state: 'stopped' }).state, 'stopped');
    const interrupted = summarize(feedRun({ state: 'interrupted', step: 28_204, lastCheckpointStep: 28_000 }));
    assert.equal(stateText(interrupted), 'interrupted at step 28204 (last checkpoint 28000)');
    assert.equal(canResume(interrupted), true);
    assert.equal(canResume(summarize(feedRun({ state: 'interrupted', lastCheckpointStep: null }))), false);
    assert.equal(canResume(s), false);
    assert.equal(canResume({ ...s, state: 'paused' }), true);
  });
});
