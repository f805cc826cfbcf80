// Train on a selection through the real UI, watch the dashboard, keep typing, stop, reload:
//   1. a paragraph selected in an editor, "SeqLab: Train on Selection" from the palette; the dashboard's loss
//      chart gains points between two reads (inside the webview), the gradient-norm chart is not empty;
//   2. while it trains, typed keys reach the editor promptly and the extension host keeps updating the status bar;
//   3. "SeqLab: Stop Training" ends the run and the status bar says so;
//   4. "Developer: Reload Window": the dashboard comes back (WebviewPanelSerializer) with the run's history.
// Screenshots of the training dashboard in a dark and a light theme go to test-results/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { ownWorkbench } from '../harness/e2eContext';
import { editorTab, quickPickRow, runCommand, setColorTheme, statusBarItem, waitForWorkbench, webviewFrame } from '../harness/ui';
import { dashboardData, pointsOf } from './dashboardData';

const FILE = 'rnn-paragraph.txt';
const PARAGRAPH = [
  'A recurrent neural network reads a sequence one token at a time and keeps a hidden state,',
  'a vector that summarises what it has read so far. At every step the new token and the old',
  'state are mixed by the same weights, so the network can read sequences of any length. To',
  'learn, the error at the end is sent backwards through every step, and the gradient is',
  'multiplied by the same matrix again and again: it shrinks and vanishes, or grows and',
  'explodes. The long short-term memory cell adds a memory line that is changed only by',
  'addition, guarded by gates, so the gradient can travel back across many steps unharmed.',
];
const OTHER = ['', 'This second paragraph is not selected and must not be trained on.'];

async function openAndSelectParagraph(page: Page, folder: string): Promise<void> {
  fs.writeFileSync(path.join(folder, FILE), [...PARAGRAPH, ...OTHER].join('\n') + '\n');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  // The absolute path: quick open finds it at once, without waiting for the file search to notice the new file.
  await input.fill(path.join(folder, FILE));
  await page.locator('.quick-input-list .monaco-list-row', { hasText: FILE }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await editorTab(page, FILE).waitFor({ timeout: 10_000 });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < PARAGRAPH.length; i++) await page.keyboard.press('Shift+ArrowDown');
  const selected = await page.locator('.editor-group-container.active .monaco-editor .selected-text').count();
  assert.ok(selected > 0, 'the paragraph is not selected');
}

describe('train on a selection (e2e, real workbench)', function () {
  this.timeout(240_000);
  let frame: FrameLocator;
  let stoppedPoints = 0;
  // Train on Selection stops early by default (issue #14); these tests need a run that trains until Stop. Their own
  // workbench starts with early stopping off (settings given at start are in force at once) and with none of
  // the models and runs earlier test files left in the shared one.
  const workbench = ownWorkbench({ 'seqlab.training.earlyStopping': false });

  it('trains from the palette; the loss chart gains points and the gradient-norm chart is not empty', async () => {
    const wb = await workbench();
    const page = wb.page;
    // New Model… from the palette: the char-LSTM preset (the status bar names the chosen model).
    await runCommand(page, 'SeqLab: New Model…');
    await quickPickRow(page, 'Character-level LSTM language model').click();
    await statusBarItem(page, 'SeqLab: Character-level LSTM language model').waitFor({ timeout: 15_000 });
    await runCommand(page, 'View: Close All Editors');
    await openAndSelectParagraph(page, wb.server.folder);
    await runCommand(page, 'SeqLab: Train on Selection');
    await editorTab(page, 'SeqLab Dashboard').waitFor({ timeout: 30_000 });
    frame = await webviewFrame(page, { title: 'SeqLab Dashboard' });
    await frame.locator('#status', { hasText: /selection in .*running/ }).waitFor({ timeout: 60_000 });

    const lossPoints = async (): Promise<number> => pointsOf((await dashboardData(frame)).charts.loss, 'loss (raw)');
    const deadline = Date.now() + 60_000;
    while ((await lossPoints()) === 0 && Date.now() < deadline) await page.waitForTimeout(250);
    const first = await lossPoints();
    await page.waitForTimeout(2000);
    const second = await lossPoints();
    console.log(`      loss chart: ${first} points, then ${second} points 2 s later`);
    assert.ok(first > 0, 'the loss chart never got a point');
    assert.ok(second > first, `the loss chart did not grow (${first} → ${second})`);

    const data = await dashboardData(frame);
    const before = pointsOf(data.charts.grad, 'before clipping');
    const after = pointsOf(data.charts.grad, 'after clipping');
    assert.ok(before > 0 && after > 0, `gradient-norm chart is empty: ${JSON.stringify(data.charts.grad)}`);
    const norms = data.charts.grad.find((d) => d.label === 'before clipping')?.ys ?? [];
    assert.ok(norms.every((y) => Number.isFinite(y) && y > 0), 'gradient norms are not positive numbers');
    assert.ok(data.charts.layers.length >= 3, `per-layer chart has ${data.charts.layers.length} series`);
    assert.match((await frame.locator('#stats').innerText()).replace(/\s+/g, ' '), /Model language model: LSTM 1×128, char tokens.*Bits \/ character \d.*Tokens \/ s \d/);
    // The status bar names the model and its state, with the loss.
    await statusBarItem(page, /SeqLab: char-LSTM 128 · training, step \d+ · loss \d/).waitFor({ timeout: 10_000 });
  });

  beforeEach(function () {
    if (this.currentTest?.title.startsWith('trains from the palette') !== true && !frame) this.skip();
  });

  it('the editor takes typing while the model trains, and the extension host stays live', async () => {
    const page = (await workbench()).page;
    const lines = page.locator('.editor-group-container .monaco-editor .view-lines').first();
    await lines.click();
    await page.keyboard.press('Control+End');
    const word = 'gradients';
    const latencies: number[] = [];
    for (let i = 0; i < word.length; i++) {
      const t0 = Date.now();
      await page.keyboard.type(word[i] as string);
      const typed = `${word.slice(0, i + 1)}`;
      await page.waitForFunction((t) => document.querySelector('.editor-group-container .monaco-editor .view-lines')?.textContent?.includes(t), typed, { timeout: 5000, polling: 10 });
      latencies.push(Date.now() - t0);
    }
    // The extension host's liveness: the status bar item (updated from the host on every metrics batch) keeps changing.
    const item = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'SeqLab: char-LSTM' }).first();
    const seen: number[] = [];
    let last = '';
    const t0 = Date.now();
    while (Date.now() - t0 < 4000) {
      const text = await item.innerText();
      if (text !== last) (seen.push(Date.now() - t0), (last = text));
      await page.waitForTimeout(50);
    }
    const gaps = seen.slice(1).map((t, i) => t - (seen[i] as number));
    const maxGap = Math.max(0, ...gaps, 4000 - (seen.at(-1) ?? 0));
    console.log(`      keystroke → editor: max ${Math.max(...latencies)} ms, median ${latencies.sort((a, b) => a - b)[latencies.length >> 1]} ms; ` +
      `status bar changed ${seen.length} times in 4 s (largest gap ${maxGap} ms)`);
    assert.ok(Math.max(...latencies) < 1000, `a keystroke took ${Math.max(...latencies)} ms to reach the editor`);
    // A host thread busy training would freeze the item entirely; on a shared 2-core machine a second of jitter is normal.
    assert.ok(seen.length >= 3 && maxGap < 2500, `the extension host looks stalled: ${seen.length} status updates, gap ${maxGap} ms`);
    await page.keyboard.press('Control+Z');
  });

  it('looks right in a dark and a light theme (screenshots)', async () => {
    const wb = await workbench();
    // More room for the dashboard in the pictures.
    await runCommand(wb.page, 'View: Toggle Primary Side Bar Visibility');
    // The shared workbench starts dark; an earlier test may have switched it to light.
    if ((await wb.page.locator('.monaco-workbench.vs-dark').count()) === 0) await setColorTheme(wb.page, 'Dark Modern', 'dark');
    await frame.locator('body.vscode-dark').waitFor({ timeout: 15_000 });
    await wb.page.waitForTimeout(1200); // a few batches in the new colours
    await wb.screenshot('train-dashboard-dark');
    await frame.locator('#gtt-card').scrollIntoViewIfNeeded();
    await wb.page.waitForTimeout(300);
    await wb.screenshot('train-dashboard-dark-gradients');
    await setColorTheme(wb.page, 'Light Modern', 'light');
    await frame.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    await wb.page.waitForTimeout(1200);
    await frame.locator('h1').scrollIntoViewIfNeeded();
    await wb.screenshot('train-dashboard-light');
    await frame.locator('#gtt-card').scrollIntoViewIfNeeded();
    await wb.page.waitForTimeout(300);
    await wb.screenshot('train-dashboard-light-gradients');
    await runCommand(wb.page, 'View: Toggle Primary Side Bar Visibility');
  });

  it('Stop ends the run and the status bar shows it', async () => {
    const wb = await workbench();
    await runCommand(wb.page, 'SeqLab: Stop Training');
    await statusBarItem(wb.page, /SeqLab: char-LSTM 128 · stopped at step \d+/).waitFor({ timeout: 30_000 });
    await frame.locator('#status', { hasText: 'stopped' }).waitFor({ timeout: 10_000 });
    const a = pointsOf((await dashboardData(frame)).charts.loss, 'loss (raw)');
    await wb.page.waitForTimeout(1500);
    stoppedPoints = pointsOf((await dashboardData(frame)).charts.loss, 'loss (raw)');
    assert.equal(stoppedPoints, a, 'points kept arriving after Stop');
    await wb.page.waitForTimeout(1000); // the webview saves its state every 2 s
  });

  it('after Developer: Reload Window the dashboard comes back with its history', async () => {
    const wb = await workbench();
    await runCommand(wb.page, 'Developer: Reload Window');
    await wb.page.waitForTimeout(1000);
    await waitForWorkbench(wb.page);
    await editorTab(wb.page, 'SeqLab Dashboard').waitFor({ timeout: 60_000 });
    await editorTab(wb.page, 'SeqLab Dashboard').click();
    const restored = await webviewFrame(wb.page, { title: 'SeqLab Dashboard', timeoutMs: 60_000 });
    await restored.locator('#status', { hasText: 'Connected' }).waitFor({ timeout: 60_000 });
    const data = await dashboardData(restored);
    const n = pointsOf(data.charts.loss, 'loss (raw)');
    console.log(`      after reload: ${n} loss points (${stoppedPoints} before), runs ${JSON.stringify(data.runs.map((r) => r.state))}`);
    assert.ok(n >= Math.min(stoppedPoints, 4000) && n > 0, `history lost: ${n} points after reload, ${stoppedPoints} before`);
    assert.ok(pointsOf(data.charts.grad, 'before clipping') > 0, 'the gradient-norm history was lost');
    await wb.page.waitForTimeout(500);
    await wb.screenshot('train-dashboard-after-reload');
  });
});
