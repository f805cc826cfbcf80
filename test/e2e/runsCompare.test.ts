// Runs you can compare, and first contact (issue #14 items 3 and 6), through the real workbench:
//   1. the editor's right-click menu offers Pause and Stop only while a run trains; Stop's notification offers
//      "Save Model As…";
//   2. two runs of different settings: the dashboard's runs table marks the differing settings (and only those);
//   3. from the table: rename (a name in the input box), hide and show (the loss chart drops and regains the run),
//      export CSV (the file is read back: it parses, one row per step), delete (after the modal confirmation);
//   4. a first start opens the walkthrough, once (not again after a reload).
// Screenshots of the runs table in a dark and a light theme go to test-results/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { parseCsv } from '../harness/csv';
import { editorTab, quickPickRow, runCommand, setColorTheme, waitForWorkbench, webviewFrame } from '../harness/ui';
import { ownWorkbench } from '../harness/e2eContext';
import { openWorkbench } from '../harness/workbench';
import { dashboardData } from './dashboardData';

const FILE = 'compare-paragraph.txt';
const LINES = [
  'Two runs on the same paragraph, with one setting changed, are the smallest experiment there is.',
  'The dashboard overlays their losses, each in its own colour, and lists their settings side by side,',
  'so the one difference that made one run learn faster than the other is easy to find again later.',
  'A recurrent neural network reads a sequence one token at a time and keeps a hidden state,',
  'a vector that summarises what it has read so far. At every step the new token and the old',
  'state are mixed by the same weights, so the network can read sequences of any length. To',
  'learn, the error at the end is sent backwards through every step, and the gradient is',
  'multiplied by the same matrix again and again: it shrinks and vanishes, or grows and explodes.',
];

type RunInfo = { id: string; name: string; state: string; points: number };
const runsOf = (frame: FrameLocator): Promise<RunInfo[]> => dashboardData(frame).then((d) => d.runs);

async function selectParagraph(page: Page): Promise<void> {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < LINES.length; i++) await page.keyboard.press('Shift+ArrowDown');
}

/** The labels of the editor's right-click menu (the menu is closed again). */
async function contextMenu(page: Page): Promise<string[]> {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click({ button: 'right' });
  const items = page.locator('.monaco-menu .action-item .action-label');
  await items.first().waitFor({ timeout: 10_000 });
  const labels = (await items.allInnerTexts()).map((s) => s.trim()).filter(Boolean);
  await page.keyboard.press('Escape');
  return labels;
}

/** A run's button in the runs table. */
const runButton = (frame: FrameLocator, runId: string, action: string) => frame.locator(`#runs-table button[data-run-id="${runId}"][data-run-action="${action}"]`);

describe('runs to compare (e2e, real workbench)', function () {
  this.timeout(300_000);
  let frame: FrameLocator;
  let first: RunInfo, second: RunInfo;
  // Its own workbench, started with early stopping off: Train on Selection stops early by default (issue #14), and
  // a small paragraph is memorised within a few hundred steps, so the run could end before it was seen training
  // and before Stop (a workspace setting written mid-session reaches the host only later). Settings given at the
  // start are in force at once, and no earlier test's models or runs are in it.
  const workbench = ownWorkbench({ 'seqlab.training.earlyStopping': false });

  it('menus offer Pause and Stop only while a run trains; Stop offers Save Model As…; the runs table marks what differs', async () => {
    const wb = await workbench();
    const page = wb.page;
    // The first run trains the settings' model, the second the char-LSTM preset (embedding 32).
    await runCommand(page, 'View: Close All Editors');
    fs.writeFileSync(path.join(wb.server.folder, FILE), `${LINES.join('\n')}\n`);
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(path.join(wb.server.folder, FILE));
    await page.locator('.quick-input-list .monaco-list-row', { hasText: FILE }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    await editorTab(page, FILE).waitFor({ timeout: 10_000 });
    await selectParagraph(page);

    const idle = await contextMenu(page);
    console.log(`      right-click, nothing training: ${idle.filter((l) => /Training|Selection/.test(l)).join(' · ')}`);
    assert.ok(idle.includes('Train on Selection'), `no Train on Selection in ${idle.join(', ')}`);
    for (const l of ['Pause Training', 'Stop Training']) assert.ok(!idle.includes(l), `${l} offered with nothing training`);

    await runCommand(page, 'SeqLab: Train on Selection');
    await editorTab(page, 'SeqLab Dashboard').waitFor({ timeout: 30_000 });
    frame = await webviewFrame(page, { title: 'SeqLab Dashboard', timeoutMs: 90_000 });
    await frame.locator('#status', { hasText: 'running' }).waitFor({ timeout: 60_000 }).catch(async (e: Error) => {
      await wb.screenshot('compare-failed-start');
      throw new Error(`${e.message}\nstatus: ${await frame.locator('#status').innerText()}; notifications: ${(await page.locator('.notification-toast').allInnerTexts()).join(' | ')}`);
    });
    const busy = await contextMenu(page);
    console.log(`      right-click while training: ${busy.filter((l) => /Training|Selection/.test(l)).join(' · ')}`);
    assert.ok(busy.includes('Pause Training') && busy.includes('Stop Training'), `Pause/Stop missing while training: ${busy.join(', ')}`);

    await page.waitForTimeout(3000); // a few validations
    await runCommand(page, 'SeqLab: Stop Training');
    const toast = page.locator('.notification-toast', { hasText: /stopped at step \d+/ }).first();
    await toast.waitFor({ timeout: 30_000 });
    assert.equal(await toast.locator('.monaco-button', { hasText: 'Save Model As…' }).count(), 1, 'the stop notification offers Save Model As…');
    await page.waitForTimeout(1500); // the context keys follow the state
    const stopped = await contextMenu(page);
    for (const l of ['Pause Training', 'Stop Training']) assert.ok(!stopped.includes(l), `${l} offered after the run stopped`);

    await toast.locator('.codicon-notifications-clear, .codicon-close').first().click({ timeout: 2000 }).catch(() => undefined);
    await runCommand(page, 'SeqLab: New Model…');
    await quickPickRow(page, 'Character-level LSTM language model').click();
    await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
    await selectParagraph(page);
    await runCommand(page, 'SeqLab: Train on Selection');
    await page.waitForTimeout(1000);
    let runs = await runsOf(frame);
    const deadline = Date.now() + 60_000;
    while (!(runs.length >= 2 && runs.at(-1)!.state === 'running' && runs.at(-1)!.points > 30) && Date.now() < deadline) {
      await page.waitForTimeout(500);
      runs = await runsOf(frame);
    }
    await runCommand(page, 'SeqLab: Stop Training');
    while (!(runs.length >= 2 && runs.at(-1)!.state === 'stopped') && Date.now() < deadline + 30_000) {
      await page.waitForTimeout(500);
      runs = await runsOf(frame);
    }
    [first, second] = runs.slice(-2) as [RunInfo, RunInfo];
    assert.equal(second?.state, 'stopped', `the second run did not finish: ${JSON.stringify(runs)}`);

    await frame.locator('#runs-card:not([hidden])').waitFor({ timeout: 10_000 });
    const differing = await frame.locator('#runs-table tr.differs').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['field']));
    console.log(`      runs table: ${runs.length} runs; fields that differ: ${differing.join(', ')}`);
    // Alone in the workbench these two runs differ in exactly the two fields the preset sets otherwise; after other
    // e2e tests' runs (other models) more fields differ, and these two are among them.
    // The preset's embedding differs from the settings' model; a row is marked exactly when its runs' values differ.
    assert.ok(differing.includes('embedding'), 'embedding is not marked as differing');
    const rows = await frame.locator('#runs-table tr.field-row').evaluateAll((trs) => trs.map((r) => ({
      field: (r as HTMLElement).dataset['field'], marked: r.classList.contains('differs'),
      values: Array.from(r.querySelectorAll('td'), (td) => (td.textContent ?? '').trim()),
    })));
    for (const r of rows) assert.equal(r.marked, new Set(r.values).size > 1, `${r.field}: marked ${r.marked} with values ${r.values.join(' | ')}`);
    assert.doesNotMatch(await frame.locator('#runs-table tr[data-field="seed"]').getAttribute('class') ?? '', /differs/);
    assert.match((await frame.locator('#runs-table tr.metric-row').first().innerText()).trim(), /^final validation loss.*\d\.\d+ \(step \d+\)\s+\d\.\d+ \(step \d+\)$/s);
    // Each run its own colour; the loss chart has a validation series per run, in the run's colour.
    const colors = await frame.locator('body').evaluate(() => (window as unknown as { seqlabDashboard: { runColors(): { id: string; color: string }[] } }).seqlabDashboard.runColors());
    assert.equal(new Set(colors.map((c) => c.color)).size, colors.length, `runs share a colour: ${JSON.stringify(colors)}`);
    await frame.locator('#runs-card').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await wb.screenshot('compare-runs-table-dark');
    // The same table in a light theme, while both runs (and their differing rows) are in it.
    await setColorTheme(page, 'Light Modern', 'light');
    await frame.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    await frame.locator('#runs-card').scrollIntoViewIfNeeded();
    await page.waitForTimeout(800);
    await wb.screenshot('compare-runs-table-light');
    await setColorTheme(page, 'Dark Modern', 'dark');
    await frame.locator('body.vscode-dark').waitFor({ timeout: 15_000 });
  });

  beforeEach(function () {
    if (!this.currentTest?.title.startsWith('menus offer') && !second) this.skip();
  });

  it('renames a run from the table (the name is typed in the input box)', async () => {
    const page = (await workbench()).page;
    await runButton(frame, first.id, 'rename').click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('baseline, lr 0.002');
    await page.keyboard.press('Enter');
    await frame.locator(`#runs-table th[data-run-id="${first.id}"]`, { hasText: 'baseline, lr 0.002' }).waitFor({ timeout: 10_000 });
    const labels = (await dashboardData(frame)).charts.loss.map((s) => s.label);
    assert.ok(labels.some((l) => l.startsWith('baseline, lr 0.002')), `the loss chart does not use the new name: ${labels.join(', ')}`);
  });

  it('hides a run from the charts and shows it again', async () => {
    const named = async (): Promise<string[]> => (await dashboardData(frame)).charts.loss.map((s) => s.label).filter((l) => l.startsWith('baseline'));
    await runButton(frame, first.id, 'hide').click();
    await runButton(frame, first.id, 'show').waitFor({ timeout: 10_000 });
    await frame.locator(`#runs-table th.hidden-run[data-run-id="${first.id}"]`).waitFor({ timeout: 10_000 });
    assert.deepEqual(await named(), [], 'a hidden run is not charted');
    await runButton(frame, first.id, 'show').click();
    await runButton(frame, first.id, 'hide').waitFor({ timeout: 10_000 });
    assert.deepEqual(await named(), ['baseline, lr 0.002', 'baseline, lr 0.002: validation'], 'shown again: its loss and validation series are back');
  });

  it('exports a run\'s scalars as CSV: the file parses, one row per step', async () => {
    const wb = await workbench();
    const page = wb.page;
    const out = path.join(wb.server.folder, 'second-run.csv');
    await runButton(frame, second.id, 'exportCsv').click();
    // The save dialog (VS Code's simple file dialog in the browser): type the path, accept.
    // It opens on the workspace with a proposed name (<run name>-scalars.csv): replace it once it is there.
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    const proposed = Date.now() + 10_000;
    while (!/-scalars\.csv$/.test(await input.inputValue()) && Date.now() < proposed) await page.waitForTimeout(100);
    console.log(`      save dialog proposes: ${path.basename(await input.inputValue())}`);
    await input.fill(out);
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    const deadline = Date.now() + 20_000;
    while (!fs.existsSync(out) && Date.now() < deadline) await page.waitForTimeout(250);
    assert.ok(fs.existsSync(out), `${out} was not written`);
    const rows = parseCsv(fs.readFileSync(out, 'utf8'));
    const [header, ...body] = rows as [string[], ...string[][]];
    console.log(`      ${path.basename(out)}: ${body.length} rows × ${header.length} columns (${header.slice(0, 6).join(', ')}, …)`);
    assert.deepEqual(header.slice(0, 5), ['step', 'elapsed_s', 'epoch', 'loss', 'valid_loss']);
    const steps = (await runsOf(frame)).find((r) => r.id === second.id)!.points;
    assert.ok(steps > 30, `the run took ${steps} steps`);
    assert.deepEqual(body.map((r) => Number(r[0])), Array.from({ length: steps }, (_, i) => i + 1), `one row per step, steps 1 … ${steps}`);
    assert.ok(body.every((r) => r.length === header.length), 'every row has every column');
    assert.ok(body.every((r) => Number.isFinite(Number(r[3])) && Number(r[3]) > 0), 'losses are positive numbers');
    const valid = body.filter((r) => r[4] !== '').map((r) => Number(r[0]));
    // Validation every validEvery steps (the run's setting): rows at k, 2k, 3k … and only there.
    assert.ok(valid.length >= 1, 'no validation loss in the file');
    const every = valid[0]!;
    assert.deepEqual(valid, Array.from({ length: Math.floor(steps / every) }, (_, i) => every * (i + 1)), `validation loss every ${every} steps, where it was measured`);
  });

  it('deletes a run after the confirmation; the table and charts forget it', async () => {
    const wb = await workbench();
    const page = wb.page;
    await runButton(frame, second.id, 'delete').click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Delete run' });
    await dialog.waitFor({ timeout: 10_000 });
    await wb.screenshot('compare-delete-confirmation-dark');
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    await frame.locator(`#runs-table th[data-run-id="${second.id}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    assert.ok(!(await runsOf(frame)).some((r) => r.id === second.id), 'the dashboard still holds the deleted run');
  });

  it('looks right in a light theme (screenshot)', async () => {
    const wb = await workbench();
    await setColorTheme(wb.page, 'Light Modern', 'light');
    await frame.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    await frame.locator('#loss-chart').scrollIntoViewIfNeeded();
    await wb.page.waitForTimeout(300);
    await wb.screenshot('compare-loss-light');
    await setColorTheme(wb.page, 'Dark Modern', 'dark');
  });
});

describe('first start (e2e, its own workbench)', function () {
  this.timeout(240_000);

  it('opens the walkthrough on the first activation, and not again after a reload', async () => {
    // A fresh profile with the walkthrough on (the shared workbench turns it off for the other tests).
    const wb = await openWorkbench({ settings: { 'seqlab.openWalkthroughOnFirstStart': true } });
    try {
      const page = wb.page;
      const title = page.locator('.gettingStartedContainer', { hasText: 'Train your first recurrent network' }).first();
      await title.waitFor({ state: 'visible', timeout: 90_000 });
      await wb.screenshot('first-start-walkthrough-dark');
      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, 'Developer: Reload Window');
      await page.waitForTimeout(2000);
      await waitForWorkbench(page);
      // The extension activates again (onStartupFinished); give it time to (wrongly) open the walkthrough.
      await runCommand(page, 'SeqLab: Show Dashboard');
      await editorTab(page, 'SeqLab Dashboard').waitFor({ timeout: 30_000 });
      await page.waitForTimeout(5000);
      assert.equal(await page.locator('.gettingStartedContainer', { hasText: 'Train your first recurrent network' }).count(), 0, 'the walkthrough opened again');
    } finally {
      await wb.stop();
    }
  });
});
