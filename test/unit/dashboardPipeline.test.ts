// The host side of the dashboard's update pipeline (issue #14, item 4): metric points reach a panel in batches
// at a bounded rate whatever the step rate, a hidden panel (unsubscribed) costs the feed nothing, and showing it
// again replays the whole history once, gradient through time included, with no point lost or doubled.
import * as assert from 'node:assert/strict';
import { runConfig } from '../../src/engine/run/config';
import { parseHostToDashboard, type HostToDashboard } from '../../src/protocol/dashboard';
import { DashboardFeed, FLUSH_MS } from '../../src/extension/panels/dashboardFeed';
import { FakeFeedSource as Session } from './fakeFeedSource';
import type { LivePoint } from '../../src/extension/panels/dashboardModel';

const LM_INFO = { task: 'lm' as const, paramCount: 100, trainExamples: 1000, groups: ['embedding', 'rnn', 'head'], stacks: [{ name: 'rnn', rows: 1 }] };


const point = (step: number, extra: Partial<LivePoint> = {}): LivePoint => ({ step, loss: 2 / step, lr: 0.01, tokensPerSecond: 100, gradNorm: 1, gradNormAfterClip: 1, clipped: false, groupNorms: [1, 1, 1], ...extra });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('dashboard update pipeline (host side)', () => {
  let session: Session;
  let feed: DashboardFeed;
  beforeEach(() => {
    session = new Session();
    feed = new DashboardFeed(session, { settings: () => ({ hiddenSize: 16, seed: 1 }), sample: async () => null });
  });
  afterEach(() => feed.dispose());

  it('posts batches at most every FLUSH_MS however fast the steps come, and loses no point', async () => {
    const sent: HostToDashboard[] = [];
    feed.subscribe((m) => sent.push(parseHostToDashboard(JSON.parse(JSON.stringify(m)))));
    const run = session.start('fast', runConfig({ task: 'lm', hidden: 16 }), LM_INFO);
    // A step every ~5 ms for about 1.2 s: ~240 worker batches of one point each.
    const began = Date.now();
    let step = 0;
    while (Date.now() - began < 1200) {
      session.metrics(run, [point(++step)]);
      await sleep(5);
    }
    const elapsed = Date.now() - began;
    await sleep(FLUSH_MS + 200);
    const batches = sent.filter((m) => m.type === 'metrics');
    const got = batches.flatMap((m) => (m.type === 'metrics' ? m.points.map((p) => p.step) : []));
    console.log(`      ${step} steps in ${elapsed} ms reached the panel in ${batches.length} messages`);
    assert.deepEqual(got, Array.from({ length: step }, (_, i) => i + 1), 'every step, once, in order');
    // One message per FLUSH_MS window at most (plus the window the last points fell in).
    assert.ok(batches.length <= Math.ceil(elapsed / FLUSH_MS) + 1, `${batches.length} messages in ${elapsed} ms`);
    assert.ok(batches.length < step / 4, `points were not batched: ${batches.length} messages for ${step} steps`);
  });

  it('does nothing for a hidden panel, then one replay brings every point and the latest gradient through time', async () => {
    const sent: HostToDashboard[] = [];
    let sub = feed.subscribe((m) => sent.push(m));
    const run = session.start('r', runConfig({ task: 'lm', hidden: 16 }), LM_INFO);
    session.metrics(run, [point(1), point(2, { gradThroughTime: [{ values: [1, 0.5, 0.25] }] })]);
    await sleep(FLUSH_MS + 100);
    const before = sent.length;
    assert.ok(sent.some((m) => m.type === 'metrics'), 'a visible panel gets batches');
    // Hidden: the panel unsubscribes; points keep coming, and points batched before it hid are dropped, not held.
    session.metrics(run, [point(3)]);
    sub.dispose();
    for (let s = 4; s <= 50; s++) session.metrics(run, [point(s, s === 40 ? { gradThroughTime: [{ values: [4, 2, 1] }] } : {})]);
    await sleep(FLUSH_MS + 100);
    assert.equal(sent.length, before, 'nothing was posted while the panel was hidden');
    // Shown again: subscribe, then the webview's `ready` gets the one catch-up replay.
    sub = feed.subscribe((m) => sent.push(m));
    const init = parseHostToDashboard(JSON.parse(JSON.stringify(feed.initMessage())));
    assert.equal(init.type, 'init');
    const view = init.type === 'init' ? init.runs.find((r) => r.summary.id === 'r') : undefined;
    assert.deepEqual(view?.points.map((p) => p.step), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.equal(view?.gradThroughTime?.step, 40, 'the replay charts the newest gradient through time, from the history');
    assert.deepEqual(view?.gradThroughTime?.stacks[0]?.values, [4, 2, 1]);
    await sleep(FLUSH_MS + 100);
    assert.equal(sent.filter((m) => m.type === 'metrics').length, sent.slice(0, before).filter((m) => m.type === 'metrics').length,
      'no stale batch follows the replay');
    sub.dispose();
  });
});
