// Gate saturation on its way to the dashboard: a GRU seq2seq run's points carry per-stack shares; the feed names
// the stacks and gates (encoder with 2 layers × 2 directions, decoder 2 layers; GRU reset, update), sends the
// newest measurement with the batch and in the replay, and the webview's parser accepts it and refuses a view
// whose shares do not fit its rows × gates. A tanh RNN has no gates: nothing is sent.
import * as assert from 'node:assert/strict';
import { runConfig } from '../../src/engine/run/config';
import { DashboardFeed, FLUSH_MS } from '../../src/extension/panels/dashboardFeed';
import { FakeFeedSource as Session, type MutableRun } from './fakeFeedSource';
import type { LivePoint } from '../../src/extension/panels/dashboardModel';
import { saturationView } from '../../src/extension/panels/dashboardSaturation';
import { parseHostToDashboard, type HostToDashboard } from '../../src/protocol/dashboard';



const point = (step: number, extra: Partial<LivePoint> = {}): LivePoint => ({
  step, loss: 1, lr: 0.01, tokensPerSecond: 100, gradNorm: 1, gradNormAfterClip: 1, clipped: false, groupNorms: [1], ...extra,
});

function run(cell: 'gru' | 'rnn_tanh'): MutableRun {
  return {
    // (seq2seq insists on gated cells, so the plain-RNN case takes the gated config with only its cell changed.)
    id: `r-${cell}`, name: 'run', state: 'running', config: { ...runConfig({ task: 'seq2seq', cell: 'gru', layers: 2, bidirectional: true }), cell },
    info: { task: 'seq2seq', paramCount: 10, trainExamples: 10, groups: ['all'], stacks: [{ name: 'encoder', rows: 4 }, { name: 'decoder', rows: 2 }] },
    history: [], message: null, nonFinite: null,
  };
}

const enc = { low: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.05, 0], high: [0, 0.1, 0, 0.2, 0, 0.3, 0.9, 1] };
const dec = { low: [0.2, 0.1, 0, 0], high: [0.3, 0.4, 0.5, 0.6] };

describe('gate saturation on the dashboard', () => {
  it('names stacks and gates, and the webview\'s parser accepts the view', () => {
    const v = saturationView(point(10, { gateSaturation: [enc, dec] }), run('gru'))!;
    assert.deepEqual(v.gates, ['reset', 'update']);
    assert.deepEqual(v.stacks.map((s) => [s.name, s.rows, s.low.length]), [['encoder', 4, 8], ['decoder', 2, 4]]);
    assert.equal(v.step, 10);
    const m = parseHostToDashboard({ type: 'metrics', runId: 'r', points: [], gradThroughTime: null, saturation: v });
    assert.equal(m.type, 'metrics');
    const bad = { ...v, stacks: [{ ...v.stacks[0], low: v.stacks[0].low.slice(1) }] };
    assert.throws(() => parseHostToDashboard({ type: 'metrics', runId: 'r', points: [], gradThroughTime: null, saturation: bad }), /must hold rows × gates = 8 shares, got 7/);
    assert.throws(() => parseHostToDashboard({ type: 'metrics', runId: 'r', points: [], gradThroughTime: null, saturation: { ...v, stacks: [{ ...v.stacks[1], high: [2, 0, 0, 0] }] } }), /high/);
    assert.equal(saturationView(point(10, { gateSaturation: [enc, dec] }), run('rnn_tanh')), null, 'a tanh RNN has no gates');
    assert.equal(saturationView(point(10, { gateSaturation: [{ low: [0.1], high: [0.1] }, dec] }), run('gru'))!.stacks.length, 1, 'a stack of the wrong size is left out');
  });

  it('the feed sends the newest measurement of a batch and replays it in init', async () => {
    const session = new Session();
    const feed = new DashboardFeed(session, { settings: () => ({ hiddenSize: 8, seed: 1 }), sample: async () => null });
    const got: HostToDashboard[] = [];
    feed.subscribe((m) => got.push(parseHostToDashboard(m)));
    const r = run('gru');
    session.runs.set(r.id, r);
    const pts = [point(9), point(10, { gateSaturation: [enc, dec] }), point(11), point(20, { gateSaturation: [enc, { low: [0, 0, 0, 0], high: [1, 1, 1, 1] }] })];
    for (const p of pts) r.history.push(p);
    session.emit({ type: 'metrics', run: r, points: pts });
    await new Promise((res) => setTimeout(res, FLUSH_MS + 150)); // the feed batches at most 4 messages a second
    const m = got.find((x) => x.type === 'metrics');
    assert.ok(m && m.type === 'metrics' && m.saturation?.step === 20);
    assert.deepEqual(m.saturation!.stacks[1].high, [1, 1, 1, 1]);
    const init = feed.initMessage();
    assert.ok(init.type === 'init' && init.runs[0].saturation?.step === 20);
    feed.dispose();
  });
});
