// The dashboard and the attention view drawing runs of every task kind, in the real workbench, dark and light.
// The webviews are opened from the command palette; the runs are messages shaped exactly as the extension host
// sends them (protocol/dashboard.ts, protocol/attention.ts), posted into each webview's window so they go through
// the webview's own parser and drawing code: a seq2seq run (encoder and decoder ‖∂L/∂h_t‖, exact match and token
// accuracy), a classifier (accuracy), and live attention frames of one source at two steps (uniform, then sharp).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import type { HostToAttention } from '../../src/protocol/attention';
import type { HostToDashboard, MetricPoint } from '../../src/protocol/dashboard';
import { workbench } from '../harness/e2eContext';
import { ROOT } from '../harness/paths';
import { editorTab, runCommand, setColorTheme, webviewFrame } from '../harness/ui';
import { dashboardData } from './dashboardData';

/** Delivers `m` to the webview as the host's postMessage does (a window `message` event). */
function post(frame: FrameLocator, m: HostToDashboard | HostToAttention): Promise<void> {
  return frame.locator('body').evaluate((_b, msg) => window.postMessage(msg, '*'), m);
}

const summary = (id: string, task: 'seq2seq' | 'classify', model: string) => ({
  id, name: `${task} demo`, state: 'running' as const, task, model, layers: 1, groups: ['embedding', task === 'seq2seq' ? 'encoder' : 'rnn', task === 'seq2seq' ? 'decoder' : 'head'],
  maxSteps: 0, tokensPerStep: task === 'classify' ? 16 : 0, trainTokens: task === 'classify' ? 812 : 0, trainExamples: task === 'classify' ? 812 : 1204,
  nonFinite: null, message: null,
});

/** n steps of a run learning: loss falls, scores rise, validation every 10 steps. */
function points(n: number, scores: (f: number) => MetricPoint['validMetrics']): MetricPoint[] {
  return Array.from({ length: n }, (_, i) => {
    const step = i + 1, f = step / n;
    const loss = 3 * Math.exp(-3 * f) + 0.1 + 0.15 * Math.sin(step * 1.7) ** 2;
    const valid = step % 10 === 0;
    return {
      step, loss, gradNorm: 4 * (1 - f) + 0.5, gradNormAfterClip: Math.min(1, 4 * (1 - f) + 0.5), clipped: f < 0.85, groupNorms: [0.3 + f, 1.2 - f, 0.8],
      lr: 0.003, tokensPerSecond: 900 + 50 * Math.sin(step),
      ...(valid ? { validLoss: loss + 0.2, validMetrics: scores(f) } : {}),
    };
  });
}

/** ‖∂L/∂h_t‖ that shrinks away from the loss: rows × T values. */
const decaying = (rows: number, T: number, rate: number): number[] =>
  Array.from({ length: rows * T }, (_, i) => Math.exp(-rate * (T - 1 - (i % T))) * (1 + Math.floor(i / T)));

/** A live frame's weights over S source tokens for T outputs: uniform at sharp 0, one-hot-ish when sharp is large. */
function weights(T: number, S: number, sharp: number): number[][] {
  return Array.from({ length: T }, (_, i) => {
    const l = Array.from({ length: S }, (_, j) => -sharp * Math.abs(j - Math.round((i * (S - 1)) / Math.max(1, T - 1))));
    const z = l.reduce((a, x) => a + Math.exp(x), 0);
    return l.map((x) => Math.exp(x) / z);
  });
}

/** Screenshots of the chart cards a seq2seq run fills (test-results/card-<id>-<theme>.png). */
async function cards(frame: FrameLocator, theme: string): Promise<void> {
  for (const id of ['task', 'gtt', 'layers', 'grad']) {
    const card = frame.locator(`#${id}-card`);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(ROOT, 'test-results', `card-${id}-${theme}.png`) });
  }
  await frame.locator('#stats').scrollIntoViewIfNeeded();
}

describe('live views of every task kind (e2e, real workbench)', function () {
  this.timeout(180_000);
  let dash: FrameLocator;

  it('the dashboard charts a seq2seq run: loss, exact match and token accuracy, encoder and decoder ‖∂L/∂h_t‖', async () => {
    const wb = await workbench();
    await runCommand(wb.page, 'SeqLab: Show Dashboard');
    await editorTab(wb.page, 'SeqLab Dashboard').waitFor({ timeout: 30_000 });
    dash = await webviewFrame(wb.page, { title: 'SeqLab Dashboard' });
    await dash.locator('#status', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    await post(dash, { type: 'run', summary: summary('e2e-s2s', 'seq2seq', 'seq2seq: bidirectional LSTM 1×64, dot attention, char tokens, 61,234 parameters') });
    await post(dash, {
      type: 'metrics', runId: 'e2e-s2s', points: points(120, (f) => ({ exactMatch: Math.min(1, f * f * 0.9), tokenAccuracy: 0.3 + 0.65 * f })),
      gradThroughTime: { step: 120, stacks: [{ name: 'encoder', rows: 2, T: 24, values: decaying(2, 24, 0.2) }, { name: 'decoder', rows: 1, T: 11, values: decaying(1, 11, 0.35) }] },
    });
    // Drawn once the stats show this run's last scores (an earlier run may have shown the card already).
    await dash.locator('#stats', { hasText: /Exact match\s*90\.0 %/ }).waitFor({ timeout: 10_000 });
    await dash.locator('#task-card:not([hidden])').waitFor({ timeout: 10_000 });
    const d = await dashboardData(dash);
    const visible = await dash.locator('body').evaluate(() => (window as unknown as { seqlabDashboard: { visible(): Record<string, boolean> } }).seqlabDashboard.visible());
    assert.equal(visible['task'], true, 'the score chart shows for seq2seq');
    assert.equal(visible['bpc'], false, 'bits per character only for language models');
    assert.deepEqual(d.charts.task.map((s) => [s.label, s.n]), [['exact match', 12], ['token accuracy', 12]]);
    assert.ok(d.charts.task.every((s) => s.ys.every((y) => y >= 0 && y <= 100)), 'scores in percent');
    assert.deepEqual(d.charts.gtt.map((s) => s.label), ['encoder layer 1 → (step 120)', 'encoder layer 1 ← (step 120)', 'decoder layer 1 (step 120)']);
    assert.deepEqual(d.charts.gtt.map((s) => s.n), [24, 24, 11]);
    assert.ok(d.charts.loss.some((s) => s.label === 'seq2seq demo: validation' && s.n === 12));
    assert.deepEqual(d.charts.layers.map((s) => s.label), ['embedding', 'encoder', 'decoder']);
    assert.match(await dash.locator('#gtt-title').innerText(), /encoder and decoder/);
    const stats = (await dash.locator('#stats').innerText()).replace(/\s+/g, ' ');
    assert.match(stats, /Exact match 90\.0 % Token accuracy 95\.0 %/);
    assert.match(stats, /Target tokens \/ s/);
    await wb.screenshot('dashboard-seq2seq-dark');
    await cards(dash, 'dark');
    await dash.locator('input[name="gtt-view"][value="heatmap"]').check();
    // One card, two views: the heatmap replaces the lines (no second card).
    await dash.locator('#gtt-heatmap-box:not([hidden])').waitFor({ timeout: 10_000 });
    await dash.locator('#gtt-lines[hidden]').waitFor({ state: 'attached', timeout: 10_000 });
    await dash.locator('#gtt-card').scrollIntoViewIfNeeded();
    await wb.page.waitForTimeout(300);
    await wb.screenshot('dashboard-seq2seq-heatmap-dark');
    await dash.locator('input[name="gtt-view"][value="lines"]').check();
    await dash.locator('#stats').scrollIntoViewIfNeeded();
  });

  it('in a light theme; then a classifier run charts its accuracy', async () => {
    const wb = await workbench();
    await setColorTheme(wb.page, 'Light Modern', 'light');
    await dash.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    await wb.page.waitForTimeout(300); // let the charts repaint in the new colours
    await wb.screenshot('dashboard-seq2seq-light');
    await cards(dash, 'light');

    await post(dash, { type: 'run', summary: summary('e2e-cls', 'classify', 'classifier: LSTM 1×64, char tokens, 20,100 parameters') });
    await post(dash, { type: 'metrics', runId: 'e2e-cls', points: points(90, (f) => ({ accuracy: 0.25 + 0.7 * f })), gradThroughTime: { step: 90, stacks: [{ name: 'rnn', rows: 1, T: 40, values: decaying(1, 40, 0.1) }] } });
    await dash.locator('#task-title', { hasText: 'accuracy (share of texts)' }).waitFor({ timeout: 10_000 });
    await dash.locator('#stats', { hasText: /Accuracy\s*95\.0 %/ }).waitFor({ timeout: 10_000 });
    const d = await dashboardData(dash);
    assert.deepEqual(d.charts.task.map((s) => [s.label, s.n]), [['accuracy', 9]]);
    assert.deepEqual(d.charts.gtt.map((s) => s.label), ['layer 1 (step 90)']);
    assert.match((await dash.locator('#stats').innerText()).replace(/\s+/g, ' '), /Accuracy 95\.0 %.*Texts \/ s/);
    await wb.screenshot('dashboard-classify-light');
    await setColorTheme(wb.page, 'Dark Modern', 'dark');
    await runCommand(wb.page, 'View: Close All Editors');
  });

  it('the attention view draws live frames: the step in the header, weights that change between frames, hover and pin', async () => {
    const wb = await workbench();
    await runCommand(wb.page, 'SeqLab: Show Live Attention');
    await editorTab(wb.page, 'SeqLab Attention').waitFor({ timeout: 30_000 });
    const frame = await webviewFrame(wb.page, { title: 'SeqLab Attention' });
    // Empty, or the frame kept from a run an earlier test trained in this workbench (a view opened later shows it at once).
    assert.match(await frame.locator("#status").innerText(), /Waiting for a translation, or for a seq2seq model with attention to train|Training “[^”]+” · weights of step \d+/);
    const source = 'Sunday, 30 October 2039';
    const out = ['2', '0', '3', '9', '-', '1', '0', '-', '3', '0', '<eos>'];
    const live = (step: number, sharp: number): HostToAttention => ({
      type: 'show',
      view: {
        model: 'dates.tsv', beamWidth: 1, source, output: out.slice(0, -1).join(''), sourceTokens: [...source], outputTokens: out,
        weights: weights(out.length, source.length, sharp), probs: null, alternatives: null, fromEditor: false, finished: true,
        live: { run: 'dates.tsv', step, reference: '2039-10-30', following: 'validation' },
      },
    });
    const read = (): Promise<{ step: string | null; weights: string | null }> => frame.locator('body').evaluate(() => ({
      step: document.getElementById('main')?.dataset.step ?? null, weights: document.getElementById('heatmap')?.dataset.weights ?? null,
    }));

    await post(frame, live(20, 0));
    await frame.locator('#main[data-step="20"]').waitFor({ timeout: 10_000 });
    const early = await read();
    assert.match(await frame.locator('#status').innerText(), /Training “dates\.tsv” · weights of step 20 · following the first validation pair/);
    assert.match(await frame.locator('#live').innerText(), /reference “2039-10-30”/);
    await frame.locator('#output .tok').nth(2).hover();
    await frame.locator('#heatmap tbody tr.active[data-t="2"]').waitFor({ timeout: 5000 });
    await wb.screenshot('attention-live-early-dark');

    await post(frame, live(400, 3));
    await frame.locator('#main[data-step="400"]').waitFor({ timeout: 10_000 });
    const late = await read();
    assert.notEqual(late.weights, early.weights, 'the weights changed between two frames');
    // The pointer did not move: the hovered token stays lit with the new frame's weights.
    await frame.locator('#heatmap tbody tr.active[data-t="2"]').waitFor({ timeout: 5000 });
    const lit = await frame.locator('#source .tok').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).style.getPropertyValue('--w'))));
    assert.ok(Math.max(...lit) > 0.5, `a sharp frame lights one source token: ${lit}`);
    assert.match(await frame.locator('#detail').innerText(), /Looks most at/);
    await frame.locator('#output .tok').nth(5).click();
    await wb.page.locator('#workbench\\.parts\\.statusbar').hover();
    await frame.locator('#output .tok.pinned[data-t="5"]').waitFor({ timeout: 5000 });
    await wb.screenshot('attention-live-dark');

    await setColorTheme(wb.page, 'Light Modern', 'light');
    await frame.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    await wb.page.waitForTimeout(300);
    await wb.screenshot('attention-live-light');
    await setColorTheme(wb.page, 'Dark Modern', 'dark');
    await runCommand(wb.page, 'View: Close All Editors');
  });
});
