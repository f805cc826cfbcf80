// Every preset trains in the editor, through the real UI and with no terminal (issue #13's "done when"):
//   1. New Model → "Seq2seq with attention"; "Train on Workspace Files…" shows which files fit BEFORE training
//      (✓ with the pair count, ✗ with the first bad line); a file that does not fit stops with one message
//      naming the file and line, and nothing starts;
//   2. trained on the paired file, the dashboard's loss and exact-match charts grow between two reads, and the
//      live attention view's weights differ between two reads;
//   3. Stop; Translate Selection on a line of the file uses the run's model with no load dialog; hovering a
//      decoded token shades its alignment over the source tokens and in the editor;
//   4. the classifier and the tagger train from the editor, and their accuracy appears on the dashboard.
// Screenshots dark and light go to test-results/. The data is made here by the project's own generators (the
// dates generator, `seqlab data languages`, and a small tag grammar), as the demo workspace makes it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import { workbench } from '../harness/e2eContext';
import { editorTab, quickPickRow, readNotification, runCommand, setColorTheme, statusBarItem, webviewFrame } from '../harness/ui';
import { dashboardData, type DashboardData } from './dashboardData';
import { cli, openPath } from './editorSteps';

const DIR = 'presets-e2e';
const PAIRS = generateTask('dates', new Rng(13), 600);

/** A small tagging set: determiner, adjective, noun, verb sentences, one `token<TAB>tag` per line. */
function tagged(n: number, rng: Rng): string {
  const det = ['the', 'a', 'every'], adj = ['red', 'small', 'old'], noun = ['cat', 'dog', 'bird', 'fish'], verb = ['sees', 'likes', 'finds'];
  const pick = (w: string[]): string => w[rng.int(w.length)];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const words: [string, string][] = [[pick(det), 'DET'], ...(rng.next() < 0.5 ? [[pick(adj), 'ADJ'] as [string, string]] : []), [pick(noun), 'NOUN'], [pick(verb), 'VERB'], [pick(det), 'DET'], [pick(noun), 'NOUN']];
    out.push(words.map(([w, t]) => `${w}\t${t}`).join('\n'));
  }
  return out.join('\n\n') + '\n';
}

/** Points of every dashboard series whose label matches (whatever chart holds it). */
function pointsLike(d: DashboardData, label: RegExp): number {
  return Object.values(d.charts).flat().filter((s) => label.test(s.label)).reduce((n, s) => n + s.n, 0);
}

/** Waits until `read` gives a positive count, then reads again after `gapMs`: both values. */
async function twoReads(page: Page, read: () => Promise<number>, what: string, firstTimeoutMs: number, gapMs: number): Promise<[number, number]> {
  const deadline = Date.now() + firstTimeoutMs;
  let first = await read();
  while (first === 0 && Date.now() < deadline) (await page.waitForTimeout(500), (first = await read()));
  assert.ok(first > 0, `the ${what} chart never got a point`);
  // A metric measured every few dozen steps needs more than one gap to grow.
  const until = Date.now() + gapMs * 8;
  let second = first;
  while (second === first && Date.now() < until) (await page.waitForTimeout(gapMs), (second = await read()));
  console.log(`      ${what}: ${first} points, then ${second}`);
  assert.ok(second > first, `the ${what} chart did not grow (${first} → ${second})`);
  return [first, second];
}

/** Opens "Train on Workspace Files…" and waits for its picker. */
async function openPicker(page: Page, model: string): Promise<void> {
  await runCommand(page, 'SeqLab: Train on Workspace Files…');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: `Train ${model} on workspace files` }).waitFor({ timeout: 60_000 });
}

/** In the open multi-select picker: checks only `file` (every row is on screen: the folder has a few files), accepts. */
async function pickOnly(page: Page, file: string): Promise<void> {
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await quickPickRow(page, file).waitFor({ timeout: 10_000 });
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    // A reused row may keep a hidden second label (an earlier pick's detail): the first is the row's own.
    const want = (await row.locator('.label-name').first().innerText()).trim() === file;
    if (((await row.getAttribute('aria-checked')) === 'true') !== want) await row.locator('.monaco-checkbox, input[type="checkbox"]').first().click();
  }
  const checked = await rows.evaluateAll((els) => els.filter((e) => e.getAttribute('aria-checked') === 'true').map((e) => e.querySelector('.label-name')?.textContent?.trim()));
  assert.deepEqual(checked, [file], 'the picker did not end with only the file checked');
  await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The row of `file` in the open picker: its description and whether it is checked. */
async function pickerRow(page: Page, file: string): Promise<{ description: string; checked: boolean; index: number }> {
  const rows = page.locator('.quick-input-list .monaco-list-row');
  const row = quickPickRow(page, file);
  await row.waitFor({ timeout: 10_000 });
  const labels = (await rows.locator('.label-name').allInnerTexts()).map((l) => l.trim());
  return {
    description: (await row.locator('.label-description').innerText()).trim(),
    checked: (await row.getAttribute('aria-checked')) === 'true',
    index: labels.indexOf(file),
  };
}

/** The attention heatmap's weights (rows of decoded tokens × source tokens): the view's `data-weights`, else its cells' shading. */
function heatmap(frame: FrameLocator): Promise<number[][]> {
  return frame.locator('#heatmap').evaluate((table) => {
    const shown = (table as HTMLElement).dataset.weights;
    if (shown) return (JSON.parse(shown) as number[][] | null) ?? [];
    return Array.from(table.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => Number((td as HTMLElement).style.getPropertyValue('--w'))));
  });
}

/**
 * Screenshots of a dashboard in both themes, showing the task's validation chart (H7's #task-title) with no
 * progress toast over it (Do Not Disturb hides toasts; errors still show).
 */
async function dashboardShots(page: Page, frame: FrameLocator, name: string): Promise<void> {
  const wb = await workbench();
  await runCommand(page, 'Notifications: Toggle Do Not Disturb Mode');
  await frame.locator('#task-title').scrollIntoViewIfNeeded().catch(() => undefined);
  await page.waitForTimeout(500);
  await wb.screenshot(`${name}-dark`);
  await setColorTheme(page, 'Light Modern', 'light');
  await page.waitForTimeout(1000);
  await wb.screenshot(`${name}-light`);
  await setColorTheme(page, 'Dark Modern', 'dark');
  await runCommand(page, 'Notifications: Toggle Do Not Disturb Mode');
}

/** New Model… → `preset` (the picker's title then names it; the status bar names it only until a run exists). */
async function chooseModel(page: Page, preset: string): Promise<void> {
  await runCommand(page, 'SeqLab: New Model…');
  await quickPickRow(page, preset).click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
}

/** Trains the current model on one file of DIR through the picker; returns the dashboard once it is running. */
async function trainOn(page: Page, model: string, file: string): Promise<FrameLocator> {
  await openPicker(page, model);
  await pickOnly(page, `${DIR}/${file}`);
  await editorTab(page, 'SeqLab Dashboard').waitFor({ timeout: 60_000 });
  await editorTab(page, 'SeqLab Dashboard').click();
  const frame = await webviewFrame(page, { title: 'SeqLab Dashboard' });
  try {
    await frame.locator('#status', { hasText: new RegExp(`${file}.*running`) }).waitFor({ timeout: 60_000 });
  } catch {
    await (await workbench()).screenshot(`presets-${file.replace(/\W/g, '-')}-not-running`);
    assert.fail(`the run on ${file} is not running; the dashboard says: ${await frame.locator('#status').innerText().catch(() => '(no status)')}`);
  }
  return frame;
}

describe('every preset trains in the editor (e2e, real workbench)', function () {
  this.timeout(300_000);
  let folder = '';
  let trained = false;

  before(async () => {
    const wb = await workbench();
    folder = path.join(wb.server.folder, DIR);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'dates.tsv'), PAIRS.map((p) => `${p.source}\t${p.target}`).join('\n') + '\n');
    fs.writeFileSync(path.join(folder, 'broken.tsv'), `${PAIRS[0].source}\t${PAIRS[0].target}\n${PAIRS[1].source}\t${PAIRS[1].target}\n${PAIRS[2].source} ${PAIRS[2].target}\n`);
    fs.writeFileSync(path.join(folder, 'languages.tsv'), cli(['data', 'languages', '--n', '400', '--seed', '2'], folder));
    fs.writeFileSync(path.join(folder, 'tags.conll'), tagged(300, new Rng(5)));
  });

  it('the picker shows which files fit the seq2seq preset before training; a file that does not fit is refused with its line', async () => {
    const { page } = await workbench();
    await runCommand(page, 'View: Close All Editors');
    await chooseModel(page, 'Seq2seq with attention');
    await openPicker(page, 'Seq2seq with attention');
    const good = await pickerRow(page, `${DIR}/dates.tsv`);
    const bad = await pickerRow(page, `${DIR}/broken.tsv`);
    console.log(`      picker: dates.tsv "${good.description}", broken.tsv "${bad.description}"`);
    assert.equal(good.description, `✓ ${PAIRS.length} pairs`);
    assert.ok(good.checked, 'a file that fits is not pre-selected');
    assert.equal(bad.description, '✗ line 3: no tab; expected "source<TAB>target" (exactly one tab)');
    assert.ok(!bad.checked, 'a file that does not fit is pre-selected');
    assert.ok(good.index >= 0 && bad.index > good.index, `files that do not fit are not listed last (${good.index}, ${bad.index})`);
    await (await workbench()).screenshot('presets-picker-dark');
    await setColorTheme(page, 'Light Modern', 'light');
    await openPicker(page, 'Seq2seq with attention');
    await (await workbench()).screenshot('presets-picker-light');
    await setColorTheme(page, 'Dark Modern', 'dark');

    // Choosing the broken file anyway: one message naming it and its first bad line; no run, no dashboard.
    await openPicker(page, 'Seq2seq with attention');
    await pickOnly(page, `${DIR}/broken.tsv`);
    const message = await readNotification(page, 'broken.tsv:3');
    assert.match(message, /^presets-e2e\/broken\.tsv:3: expected "source<TAB>target" \(exactly one tab\) but found no tab in "/);
    await page.waitForTimeout(500);
    assert.equal(await editorTab(page, 'SeqLab Dashboard').count(), 0, 'a dashboard was left open for data that was refused');
  });

  it('trains on the paired file: the loss and exact-match charts grow, and the live attention weights change', async () => {
    const wb = await workbench();
    const { page } = wb;
    const frame = await trainOn(page, 'Seq2seq with attention', 'dates.tsv');
    trained = true;
    const read = async (re: RegExp): Promise<number> => pointsLike(await dashboardData(frame), re);
    await twoReads(page, () => read(/^loss/i), 'loss', 60_000, 2000);
    await twoReads(page, () => read(/exact/i), 'exact-match', 180_000, 3000);
    await dashboardShots(page, frame, 'presets-seq2seq-dashboard');

    // The live attention view (opened by the run, or on the line the user follows).
    if ((await editorTab(page, 'SeqLab Attention').count()) === 0) {
      await openPath(page, path.join(folder, 'dates.tsv'));
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('ArrowDown');
      await runCommand(page, 'SeqLab: Follow Line in Attention View');
    }
    await editorTab(page, 'SeqLab Attention').waitFor({ timeout: 30_000 });
    await editorTab(page, 'SeqLab Attention').click(); // it may share a group with the dashboard
    const attention = await webviewFrame(page, { title: 'SeqLab Attention' });
    await attention.locator('#heatmap tbody tr').first().waitFor({ timeout: 30_000 });
    const a = await heatmap(attention);
    let b = a;
    const until = Date.now() + 30_000;
    while (JSON.stringify(b) === JSON.stringify(a) && Date.now() < until) (await page.waitForTimeout(1000), (b = await heatmap(attention)));
    for (const row of b) assert.ok(Math.abs(row.reduce((s, w) => s + w, 0) - 1) < 0.02, `a row of attention weights does not sum to 1: ${row}`);
    assert.notDeepEqual(b, a, 'the live attention weights did not change in 30 s of training');
    await wb.screenshot('presets-attention-live-dark');
  });

  it('Stop; Translate Selection on a line of the file uses the run\'s model with no load dialog; hovering shows the alignment', async function () {
    if (!trained) this.skip();
    const wb = await workbench();
    const { page } = wb;
    await runCommand(page, 'SeqLab: Stop Training');
    await statusBarItem(page, /stopped at step \d+/).waitFor({ timeout: 30_000 });
    await runCommand(page, 'View: Close All Editors');
    await openPath(page, path.join(folder, 'dates.tsv'));
    // Select the source of line 5 (up to the tab).
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Home');
    for (let i = 0; i < PAIRS[4].source.length; i++) await page.keyboard.press('Shift+ArrowRight');
    await runCommand(page, 'SeqLab: Translate Selection');
    await editorTab(page, 'SeqLab Attention').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.quick-input-widget', { hasText: 'choose a SeqLab checkpoint' }).count(), 0, 'a load dialog opened');
    const frame = await webviewFrame(page, { title: 'SeqLab Attention' });
    await frame.locator('#output .tok').first().waitFor({ timeout: 30_000 });
    assert.equal((await frame.locator('#source .tok .text').allInnerTexts()).join('').replace(/\u2423/g, ' '), PAIRS[4].source);
    assert.match(await frame.locator('#status').innerText(), /step \d+/);
    await frame.locator('#output .tok').first().hover();
    await frame.locator('#heatmap tbody tr.active[data-t="0"]').waitFor({ timeout: 5000 });
    const weights = await frame.locator('#source .tok').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).style.getPropertyValue('--w'))));
    assert.ok(weights.some((w) => w > 0) && Math.abs(weights.reduce((s, w) => s + w, 0) - 1) < 0.02, `no alignment shown: ${weights}`);
    await page.waitForFunction(() => document.querySelectorAll('.monaco-editor .view-overlays [class*="ced-"]').length > 0, null, { timeout: 10_000 });
    await wb.screenshot('presets-translate-hover-dark');
    await setColorTheme(page, 'Light Modern', 'light');
    await frame.locator('#output .tok').first().hover();
    await page.waitForTimeout(300);
    await wb.screenshot('presets-translate-hover-light');
    await setColorTheme(page, 'Dark Modern', 'dark');
    await runCommand(page, 'View: Close All Editors');
  });

  for (const [preset, file] of [['Sequence classifier', 'languages.tsv'], ['Sequence tagger', 'tags.conll']] as const) {
    it(`trains the ${preset.toLowerCase()} from the editor; its accuracy appears on the dashboard`, async () => {
      const wb = await workbench();
      const { page } = wb;
      await chooseModel(page, preset);
      const frame = await trainOn(page, preset, file);
      await twoReads(page, async () => pointsLike(await dashboardData(frame), /accuracy/i), 'accuracy', 180_000, 3000);
      await dashboardShots(page, frame, `presets-${preset === 'Sequence classifier' ? 'classifier' : 'tagger'}-dashboard`);
      await runCommand(page, 'SeqLab: Stop Training');
      await statusBarItem(page, /stopped at step \d+/).waitFor({ timeout: 30_000 });
      await runCommand(page, 'View: Close All Editors');
    });
  }
});
