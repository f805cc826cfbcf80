// The dashboard feed for every task kind: runs shaped as the training protocol of issue #13 says (RunConfig,
// RunInfo with task and stacks, TrainMetric with one ‖∂L/∂h_t‖ entry per stack and validMetrics) reach the
// webview's messages with both seq2seq stacks named, the task's scores, bits per character for language models
// only, and everything inside DASHBOARD_LIMITS (every message is checked with the webview's own parser).
import * as assert from 'node:assert/strict';
import { runConfig } from '../../src/engine/run/config';
import { DASHBOARD_LIMITS, parseHostToDashboard, type HostToDashboard, type RunView } from '../../src/protocol/dashboard';
import { DashboardFeed, FLUSH_MS } from '../../src/extension/panels/dashboardFeed';
import { FakeFeedSource as Session } from './fakeFeedSource';
import type { LivePoint, LiveRunInfo } from '../../src/extension/panels/dashboardModel';


/** A session as the feed sees it, holding runs we shape and emitting the events the real session emits. */

function point(step: number, extra: Partial<LivePoint> = {}): LivePoint {
  return {
    step, loss: 3 / step, bitsPerChar: 4 / step, lr: 0.01, tokensPerSecond: 500, gradNorm: 2, gradNormAfterClip: 1, clipped: true,
    groupNorms: [0.5, 1, 1.5], ...extra,
  };
}

/** Encoder: 2 layers × 2 directions over S = 6 source steps; decoder: 2 layers over 4 target steps. */
const SEQ2SEQ_INFO: LiveRunInfo = {
  task: 'seq2seq', paramCount: 9_876, trainExamples: 1_204, groups: ['embedding', 'encoder', 'decoder'],
  stacks: [{ name: 'encoder', rows: 4 }, { name: 'decoder', rows: 2 }],
};
const encoderGrads = Array.from({ length: 4 * 6 }, (_, i) => 1 + i);
const decoderGrads = Array.from({ length: 2 * 4 }, (_, i) => 0.5 / (1 + i));

describe('dashboard feed: every task kind reaches the webview', () => {
  let session: Session;
  let feed: DashboardFeed;
  let sent: HostToDashboard[];

  beforeEach(() => {
    session = new Session();
    feed = new DashboardFeed(session, { settings: () => ({ hiddenSize: 64, seed: 7 }), sample: async () => null });
    sent = [];
    // Every message as the webview would take it: through its own parser.
    feed.subscribe((m) => sent.push(parseHostToDashboard(JSON.parse(JSON.stringify(m)))));
  });
  afterEach(() => feed.dispose());

  const replayed = (id: string): RunView => {
    const init = parseHostToDashboard(feed.initMessage());
    assert.equal(init.type, 'init');
    const run = init.type === 'init' ? init.runs.find((r) => r.summary.id === id) : undefined;
    assert.ok(run, `run ${id} is in the replay`);
    return run;
  };

  it('a seq2seq run: encoder and decoder ‖∂L/∂h_t‖, exact match and token accuracy, no bits per character', async () => {
    const config = runConfig({ task: 'seq2seq', cell: 'lstm', layers: 2, hidden: 32, bidirectional: true, attention: 'general' });
    const run = session.start('s2s', config, SEQ2SEQ_INFO);
    session.metrics(run, [
      point(1),
      point(2, { gradThroughTime: [{ values: encoderGrads }, { values: decoderGrads }] }),
      point(3, { validLoss: 1.5, validMetrics: { exactMatch: 0.25, tokenAccuracy: 0.75 } }),
    ]);
    await new Promise((r) => setTimeout(r, FLUSH_MS + 150)); // the feed batches at most 4 messages a second

    const summary = sent.find((m) => m.type === 'run');
    assert.ok(summary?.type === 'run');
    assert.equal(summary.summary.task, 'seq2seq');
    assert.match(summary.summary.model, /seq2seq: bidirectional LSTM 2×32, general attention, char tokens, 9,876 parameters/);
    assert.deepEqual(summary.summary.groups, ['embedding', 'encoder', 'decoder']);
    assert.equal(summary.summary.layers, 2);
    assert.equal(summary.summary.trainExamples, 1204);
    // A seq2seq step counts as many target tokens as its batch holds: no per-step count, no made-up ETA.
    assert.equal(summary.summary.tokensPerStep, 0);

    const batches = sent.filter((m) => m.type === 'metrics');
    assert.equal(batches.length, 1, 'one batch for the three points');
    const m = batches[0]!;
    assert.ok(m.type === 'metrics');
    assert.deepEqual(m.points.map((p) => p.step), [1, 2, 3]);
    assert.ok(m.points.every((p) => p.bitsPerChar === undefined && p.validBitsPerChar === undefined), 'bits per character only for language models');
    assert.deepEqual(m.points[2]!.validMetrics, { exactMatch: 0.25, tokenAccuracy: 0.75 });
    assert.equal(m.points[2]!.validLoss, 1.5);
    assert.deepEqual(m.points[0]!.groupNorms, [0.5, 1, 1.5]);
    const g = m.gradThroughTime;
    assert.ok(g, 'the batch carries ‖∂L/∂h_t‖');
    assert.equal(g.step, 2);
    assert.deepEqual(g.stacks.map((s) => [s.name, s.rows, s.T]), [['encoder', 4, 6], ['decoder', 2, 4]]);
    assert.deepEqual(g.stacks[0]!.values, encoderGrads);
    assert.deepEqual(g.stacks[1]!.values, decoderGrads);

    // A panel opened later gets the same from the replay.
    const view = replayed('s2s');
    assert.equal(view.points.length, 3);
    assert.deepEqual(view.points[2]!.validMetrics, { exactMatch: 0.25, tokenAccuracy: 0.75 });
    assert.deepEqual(view.gradThroughTime?.stacks.map((s) => s.name), ['encoder', 'decoder']);
    assert.equal(session.snapshots, 0, 'no text sample is asked of a seq2seq run');
  });

  it('a classifier and a tagger: accuracy; a language model: bits per character and no scores', () => {
    const cls = session.start('cls', runConfig({ task: 'classify', batch: 16 }), {
      task: 'classify', paramCount: 100, trainExamples: 812, groups: ['embedding', 'rnn', 'head'], stacks: [{ name: 'rnn', rows: 1 }],
    });
    session.metrics(cls, [point(1, { validMetrics: { accuracy: 0.5 }, gradThroughTime: [{ values: [3, 2, 1] }] })]);
    const tag = session.start('tag', runConfig({ task: 'tag' }), {
      task: 'tag', paramCount: 100, trainExamples: 300, groups: ['embedding', 'rnn', 'head'], stacks: [{ name: 'rnn', rows: 1 }],
    });
    session.metrics(tag, [point(1, { validMetrics: { accuracy: 0.875 } })]);
    const lm = session.start('lm', runConfig({ task: 'lm', batch: 8, seqLen: 32 }), {
      task: 'lm', paramCount: 100, trainExamples: 5000, groups: ['embedding', 'rnn', 'head'], stacks: [{ name: 'rnn', rows: 1 }],
    });
    session.metrics(lm, [point(1, { validLoss: 2, validBitsPerChar: 2.9, validMetrics: { accuracy: 0.5 } })]);

    const c = replayed('cls');
    assert.equal(c.summary.task, 'classify');
    assert.deepEqual(c.points[0]!.validMetrics, { accuracy: 0.5 });
    assert.equal(c.points[0]!.bitsPerChar, undefined);
    // A classifier step counts `batch` texts, an epoch the training texts: the ETA can be computed.
    assert.equal(c.summary.tokensPerStep, 16);
    assert.equal(c.summary.trainTokens, 812);
    assert.deepEqual(c.gradThroughTime?.stacks.map((s) => [s.name, s.rows, s.T]), [['rnn', 1, 3]]);
    assert.deepEqual(replayed('tag').points[0]!.validMetrics, { accuracy: 0.875 });
    const l = replayed('lm');
    assert.equal(l.summary.task, 'lm');
    assert.equal(l.points[0]!.bitsPerChar, 4);
    assert.equal(l.points[0]!.validBitsPerChar, 2.9);
    assert.equal(l.points[0]!.validMetrics, undefined, 'a language model has no task scores');
    assert.equal(l.summary.tokensPerStep, 8 * 32);
  });

  it('values the webview would refuse are cut or left out on the host, never sent', () => {
    const config = runConfig({ task: 'seq2seq' });
    const long = DASHBOARD_LIMITS.gttT + 5;
    const run = session.start('big', config, { ...SEQ2SEQ_INFO, stacks: [{ name: 'encoder', rows: 2 }, { name: 'decoder', rows: 1 }] });
    session.metrics(run, [point(1, {
      // Rows longer than the channel's T limit, and a score outside [0, 1] from a buggy worker.
      gradThroughTime: [{ values: Array.from({ length: 2 * long }, (_, i) => (i < long ? 1 : 2)) }, { values: [1, 2] }],
      validMetrics: { exactMatch: 1.5, tokenAccuracy: 0.5 },
    })]);
    const view = replayed('big');
    const enc = view.gradThroughTime?.stacks[0];
    assert.ok(enc);
    assert.equal(enc.T, DASHBOARD_LIMITS.gttT);
    // Row-major: the second row's first value is still the second row's (2), not the tail of the first.
    assert.equal(enc.values[0], 1);
    assert.equal(enc.values[DASHBOARD_LIMITS.gttT], 2);
    assert.deepEqual(view.points[0]!.validMetrics, { tokenAccuracy: 0.5 });
  });
});
