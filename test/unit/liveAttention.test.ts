// The live attention view's host model: the last frame of every run is kept (a view opened later shows it at
// once), a frame becomes the same AttentionView a translation fills (accepted by the webview's own parser), a
// picked `source<TAB>target` line follows its source with the target as reference, and the source tokens are
// placed in the followed text so the editor can paint them.
import * as assert from 'node:assert/strict';
import { parseHostToAttention } from '../../src/protocol/attention';
import { parseWorkerToHost, type AttentionFrame } from '../../src/protocol/training';
import { followedText, frameView, LiveAttention, tokenSpans, type AttentionEvents } from '../../src/extension/panels/liveAttention';

type Listener = Parameters<AttentionEvents['onEvent']>[0];

/** Events as the session emits them, including the non-attention ones the view must ignore. */
class Events implements AttentionEvents {
  private readonly listeners = new Set<Listener>();
  onEvent(l: Listener): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  emit(e: Parameters<Listener>[0]): void {
    for (const l of this.listeners) l(e);
  }
  /** A worker message checked by the host's parser, then emitted as the session does. */
  worker(run: { id: string; name: string }, raw: unknown): void {
    const m = parseWorkerToHost(raw);
    assert.equal(m.type, 'attention');
    if (m.type === 'attention') this.emit({ type: 'attention', run, step: m.step, frame: m.frame });
  }
}

/** A frame of S source characters decoding T tokens, attention sharpened by `sharp` (0 = uniform). */
function frame(source: string, output: string[], sharp: number): AttentionFrame {
  const S = source.length;
  const weights = output.map((_, i) => {
    const logits = Array.from({ length: S }, (_, j) => -sharp * Math.abs(j - Math.min(S - 1, i)));
    const z = logits.reduce((a, l) => a + Math.exp(l), 0);
    return logits.map((l) => Math.exp(l) / z);
  });
  return { source, reference: '2039-10-30', sourceTokens: [...source], outputTokens: output, weights };
}

describe('live attention (host model of the attention view during training)', () => {
  it('keeps the last frame of every run and flags each run\'s first; other events are ignored', () => {
    const events = new Events();
    const live = new LiveAttention(events);
    const seen: [string, number, boolean][] = [];
    live.onFrame((f, first) => seen.push([f.runId, f.step, first]));
    const a = { id: 'a', name: 'dates.tsv' }, b = { id: 'b', name: 'other' };
    events.emit({ type: 'metrics', run: a });
    events.emit({ type: 'checkpoint', run: a, step: 3 });
    assert.equal(live.lastFrame(), undefined);
    events.worker(a, { type: 'attention', step: 10, frame: frame('Oct 30', ['1', '0', '<eos>'], 0) });
    events.worker(a, { type: 'attention', step: 50, frame: frame('Oct 30', ['1', '0', '<eos>'], 4) });
    events.worker(b, { type: 'attention', step: 5, frame: frame('ab', ['x'], 1) });
    assert.deepEqual(seen, [['a', 10, true], ['a', 50, false], ['b', 5, true]]);
    assert.equal(live.lastFrame()?.runId, 'b', 'by default the run that sent a frame last');
    assert.equal(live.lastFrame('a')?.step, 50, 'the last frame per run');
    live.dispose();
    events.worker(a, { type: 'attention', step: 60, frame: frame('Oct 30', ['1'], 4) });
    assert.equal(seen.length, 3, 'no frames after dispose');
  });

  it('a frame is an attention view the webview accepts, naming the step; the weights sharpen between frames', () => {
    const early = frameView({ runId: 'a', runName: 'dates.tsv', step: 10, frame: frame('Oct 30', ['1', '0', '<eos>'], 0) }, { source: '', reference: null });
    const late = frameView({ runId: 'a', runName: 'dates.tsv', step: 400, frame: frame('Oct 30', ['1', '0', '<eos>'], 6) }, { source: '', reference: null });
    for (const v of [early, late]) assert.doesNotThrow(() => parseHostToAttention({ type: 'show', view: JSON.parse(JSON.stringify(v)) }));
    assert.deepEqual(early.live, { run: 'dates.tsv', step: 10, reference: '2039-10-30', following: 'validation' });
    assert.equal(late.live?.step, 400);
    assert.equal(early.output, '10');
    assert.equal(early.finished, true);
    assert.equal(early.probs, null, 'a live frame has weights only');
    const peak = (v: typeof early): number => Math.max(...(v.weights?.[0] ?? []));
    assert.ok(peak(early) < 0.2 && peak(late) > 0.9, `uniform then sharp: ${peak(early)} → ${peak(late)}`);
  });

  it('a followed line: its source (before the tab) is what frames are matched on, its target the reference', () => {
    assert.deepEqual(followedText('  Sunday, 30 October 2039\t2039-10-30\n'), { followed: { source: 'Sunday, 30 October 2039', reference: '2039-10-30' }, offset: 2 });
    assert.deepEqual(followedText('just text'), { followed: { source: 'just text', reference: null }, offset: 0 });
    assert.equal(followedText('   \t2039'), null);
    assert.equal(followedText(''), null);
    const followed = { source: 'Oct 30', reference: '10-30' };
    const v = frameView({ runId: 'a', runName: 'r', step: 7, frame: { ...frame('Oct 30', ['1'], 1), reference: undefined } }, followed);
    assert.equal(v.live?.following, 'line');
    assert.equal(v.live?.reference, '10-30');
    assert.equal(v.fromEditor, true);
    const other = frameView({ runId: 'a', runName: 'r', step: 7, frame: frame('Nov 1', ['1'], 1) }, followed);
    assert.equal(other.live?.following, 'validation', 'a frame of another source (before the probe took effect) is not the line');
    assert.equal(other.fromEditor, false);
  });

  it('places source tokens in the followed text, skipping whitespace; unknown tokens get null', () => {
    assert.deepEqual(tokenSpans('Oct 30', ['O', 'c', 't', ' ', '3', '0']), [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]]);
    assert.deepEqual(tokenSpans('Sunday,  30 October', ['Sunday', ',', '30', '<unk>', 'October']), [[0, 6], [6, 7], [9, 11], null, [12, 19]]);
  });
});
