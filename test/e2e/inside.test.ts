// Seeing inside the network (issue #17) in the real workbench, on models trained from the demo workspace (the CLI
// trains a character LSTM on its README.md and a seq2seq model with attention on its dates.tsv in the setup; the
// editor trains an LSTM on a selection for the live saturation chart):
//   1. Show Neuron Activations paints the README with one unit's activation; the hover names the unit and value;
//   2. Find Units Like This lists units by AUC for a selected span and paints the chosen one;
//   3. Explain Suggestion paints the text before the cursor by each character's contribution (hover says so);
//   4. Translate Selection with beam width 3 draws the beam tree; hovering a hypothesis shows its attention;
//   5. the dashboard's gate-saturation bars fill in and move while a run trains.
// Screenshots dark and light go to test-results/inside-*.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { workbench } from '../harness/e2eContext';
import { makeDemoWorkspace } from '../harness/demoWorkspace';
import { editorTab, quickPickRow, runCommand, setColorTheme, statusBarItem, webviewFrame } from '../harness/ui';
import { answerOpenDialog, cli, openPath } from './editorSteps';

const DECORATIONS = '.editor-group-container.active .monaco-editor .view-overlays [class*="ced-"]';

/** Waits until the painted spans stop changing (each colour bucket is its own decoration type, set one by one). */
async function settled(page: Page): Promise<void> {
  let last = -1;
  for (let i = 0; i < 20; i++) {
    const n = await decorationCount(page);
    if (n === last) return;
    last = n;
    await page.waitForTimeout(500);
  }
}

async function decorationCount(page: Page): Promise<number> {
  return page.locator(DECORATIONS).count();
}

/** Moves the pointer over the n-th painted span of the active editor and waits for a hover containing `text`. */
async function hoverDecoration(page: Page, n: number, text: RegExp): Promise<string> {
  // The n-th painted span that is on screen (spans of lines scrolled away have no box).
  const spans = page.locator(DECORATIONS);
  const count = await spans.count();
  let box: { x: number; y: number; width: number; height: number } | null = null;
  for (let k = n, seen = 0; k < count + n && !box; k++) {
    const b = await spans.nth(k % count).boundingBox();
    if (b && b.width > 2 && b.y > 80 && b.y < 700 && seen++ >= 0) box = b;
  }
  assert.ok(box, 'no painted span is on screen');
  for (let i = 0; i < 5; i++) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 1 + (i % 2));
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: text });
    try {
      await hover.first().waitFor({ state: 'visible', timeout: 4000 });
      return hover.first().innerText();
    } catch {
      await page.mouse.move(box.x - 40, box.y - 40);
    }
  }
  throw new Error(`no hover matching ${text} over a painted span`);
}

/** seqlab.translate.beamWidth through the Settings editor (the running extension host reads it at once). */
async function setBeamWidth(page: Page, width: number): Promise<void> {
  await runCommand(page, 'Preferences: Open Settings (UI)');
  await page.locator('.settings-editor').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  await page.keyboard.type('seqlab.translate.beamWidth');
  const input = page.locator('.settings-editor .setting-item-contents', { hasText: 'Beam search width for Translate Selection' }).locator('input').first();
  await input.waitFor({ timeout: 15_000 });
  await input.fill(String(width));
  await page.keyboard.press('Tab');
  await page.waitForTimeout(800);
  await runCommand(page, 'View: Close Editor');
}

/** Load Model… through the simple folder dialog. */
async function loadModel(page: Page, folder: string): Promise<void> {
  await runCommand(page, 'SeqLab: Load Model…');
  const widget = page.locator('.quick-input-widget', { hasText: 'SeqLab checkpoint folder' });
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await widget.waitFor({ state: 'visible', timeout: 15_000 });
  for (let i = 0; ; i++) {
    await input.fill(folder);
    await page.waitForTimeout(600);
    await page.keyboard.press('Enter');
    try {
      await widget.waitFor({ state: 'hidden', timeout: 3000 });
      return;
    } catch (e) {
      if (i >= 5) throw e;
    }
  }
}

describe('see inside the network: neurons, units, saliency, beam tree, gate saturation (e2e, real workbench)', function () {
  this.timeout(300_000);
  let demo = '';

  before(async () => {
    const wb = await workbench();
    demo = makeDemoWorkspace(path.join(wb.server.folder, 'inside-demo'));
    cli(['train', '--task', 'lm', '--out', 'readme-model', '--data', 'README.md', '--hidden', '48', '--seq-len', '48', '--batch', '8', '--steps', '250', '--seed', '1'], demo);
    cli(['train', '--task', 'seq2seq', '--out', 'dates-model', '--data', 'dates.tsv', '--attention', 'dot', '--hidden', '32', '--steps', '300', '--seed', '1'], demo);
    fs.writeFileSync(path.join(demo, 'date.txt'), 'Sunday, 30 October 2039');
    fs.writeFileSync(path.join(demo, 'typing.txt'), fs.readFileSync(path.join(demo, 'README.md'), 'utf8').split('\n').slice(0, 6).join('\n') + '\nTrain a model on the ');
  });

  after(async () => {
    const wb = await workbench();
    await setBeamWidth(wb.page, 1).catch(() => undefined);
    await runCommand(wb.page, 'View: Close All Editors').catch(() => undefined);
  });

  it('Show Neuron Activations paints the README with one unit, blue to red, the value on hover (dark and light)', async () => {
    const wb = await workbench();
    const { page } = wb;
    await runCommand(page, 'View: Close All Editors');
    await loadModel(page, path.join(demo, 'readme-model'));
    await openPath(page, path.join(demo, 'README.md'));
    await page.keyboard.press('Control+Home');
    await runCommand(page, 'SeqLab: Show Neuron Activations…');
    await quickPickRow(page, 'Hidden state h').click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'which unit' }).waitFor({ timeout: 10_000 });
    await input.fill('7');
    await page.keyboard.press('Enter');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 20, DECORATIONS, { timeout: 30_000 });
    await settled(page);
    const colours = await page.locator(DECORATIONS).evaluateAll((els) => [...new Set(els.map((e) => getComputedStyle(e).backgroundColor))]);
    console.log(`      ${await decorationCount(page)} painted spans in ${colours.length} colours`);
    assert.ok(colours.length >= 3, `the unit is painted in ${colours.length} colour(s) only`);
    const hover = await hoverDecoration(page, 5, /SeqLab neuron view/);
    assert.match(hover, /hidden unit 7 of layer 0 .*: [+-]\d\.\d{3} after reading/s);
    await wb.screenshot('inside-neuron-dark');
    await setColorTheme(page, 'Light Modern', 'light');
    await hoverDecoration(page, 5, /SeqLab neuron view/);
    await wb.screenshot('inside-neuron-light');
    await setColorTheme(page, 'Dark Modern', 'dark');
  });

  it('Find Units Like This ranks units by AUC for a selected span and paints the one picked', async () => {
    const wb = await workbench();
    const { page } = wb;
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    // Select the first heading line (a "# …" line): units that fire on headings should rank high.
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+End');
    await runCommand(page, 'SeqLab: Find Units Like This');
    const rows = page.locator('.quick-input-list .monaco-list-row', { hasText: /AUC \d\.\d{3}/ });
    await rows.first().waitFor({ timeout: 30_000 });
    assert.ok((await rows.count()) >= 5, 'fewer than five units listed');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 10, DECORATIONS, { timeout: 20_000 });
    await wb.screenshot('inside-find-units-dark');
    const label = await rows.first().innerText();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.waitForTimeout(500);
    assert.ok((await decorationCount(page)) > 10, 'the picked unit is not painted');
    const m = /(h|c) · layer (\d+) · unit (\d+)/.exec(label);
    assert.ok(m, `unexpected row: ${label}`);
    const hover = await hoverDecoration(page, 12, /SeqLab neuron view/);
    assert.match(hover, new RegExp(`${m[1] === 'c' ? 'cell' : 'hidden'} unit ${m[3]} of layer ${m[2]}`));
    await runCommand(page, 'SeqLab: Clear Neuron View');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, DECORATIONS, { timeout: 10_000 });
  });

  it('Explain Suggestion paints the text before the cursor by each character\'s contribution to the word (dark and light)', async () => {
    const wb = await workbench();
    const { page } = wb;
    await runCommand(page, 'View: Close All Editors');
    await openPath(page, path.join(demo, 'typing.txt'));
    await page.keyboard.press('Control+End');
    await runCommand(page, 'SeqLab: Explain Suggestion');
    await page.locator('.quick-input-widget', { hasText: 'Next words after' }).waitFor({ timeout: 30_000 });
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 10, DECORATIONS, { timeout: 20_000 });
    await wb.screenshot('inside-saliency-pick-dark');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    assert.ok((await decorationCount(page)) > 10, 'the saliency paint went away with the list');
    const hover = await hoverDecoration(page, (await decorationCount(page)) - 2, /why this suggestion/);
    assert.match(hover, /(raised|lowered) log P\(.*\) by \d\.\d{4}.*Gradient × input on the embedding/s);
    await wb.screenshot('inside-saliency-dark');
    await setColorTheme(page, 'Light Modern', 'light');
    await hoverDecoration(page, (await decorationCount(page)) - 2, /why this suggestion/);
    await wb.screenshot('inside-saliency-light');
    await setColorTheme(page, 'Dark Modern', 'dark');
    await page.keyboard.type('x');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, DECORATIONS, { timeout: 10_000 });
    await page.keyboard.press('Control+Z'); // back to the saved text: closing the editor must not ask to save

  });

  it('Translate Selection with beam width 3 draws the beam tree; hovering a hypothesis shows its attention (dark and light)', async () => {
    const wb = await workbench();
    const { page } = wb;
    await runCommand(page, 'View: Close All Editors');
    await setBeamWidth(page, 3);
    await openPath(page, path.join(demo, 'date.txt'));
    await page.keyboard.press('Control+A');
    await runCommand(page, 'SeqLab: Translate Selection');
    // No seq2seq model yet: the open dialog asks for one (another test may have loaded it already).
    const dialog = page.locator('.quick-input-widget', { hasText: 'choose a SeqLab checkpoint' });
    const tab = editorTab(page, 'SeqLab Attention');
    // (Both waits settle either way, so the one that loses the race never rejects unhandled.)
    const first = await Promise.race([
      dialog.waitFor({ timeout: 30_000 }).then(() => 'dialog', () => 'none'), tab.waitFor({ timeout: 30_000 }).then(() => 'tab', () => 'none'),
    ]);
    if (first === 'dialog') await answerOpenDialog(page, path.join(demo, 'dates-model', 'seqlab.json'));
    await tab.waitFor({ timeout: 30_000 });
    const frame = await webviewFrame(page, { title: 'SeqLab Attention', timeoutMs: 90_000 }).catch(async (e) => {
      await wb.screenshot('inside-beam-tree-missing');
      throw e;
    });
    await frame.locator('#status', { hasText: 'beam search, width 3' }).waitFor({ timeout: 30_000 }).catch(async (e) => {
      console.log(`      status: ${await frame.locator('#status').innerText().catch(() => '?')}`);
      await wb.screenshot('inside-beam-tree-missing');
      throw e;
    });
    await frame.locator('#beam-card:not([hidden])').waitFor({ timeout: 10_000 });
    const nodes = frame.locator('.beam-node');
    const n = await nodes.count(), chosen = await frame.locator('.beam-node.chosen').count();
    const out = await frame.locator('#output .tok').count();
    console.log(`      beam tree: ${n} hypotheses, chosen path ${chosen} long, ${out} decoded tokens`);
    assert.equal(chosen, out, 'the chosen path has one node per decoded token');
    assert.ok(n > chosen, 'the tree shows hypotheses besides the chosen path');
    await runCommand(page, 'View: Close Primary Side Bar');
    const other = frame.locator('.beam-node:not(.chosen)').nth(1);
    await other.scrollIntoViewIfNeeded();
    await other.hover();
    await frame.locator('#beam-detail', { hasText: /log P = -?\d/ }).waitFor({ timeout: 5000 });
    const src = await frame.locator('#source .tok').count();
    assert.equal(await frame.locator('#beam-detail .beam-attention .tok').count(), src, 'the hovered hypothesis\'s attention covers every source token');
    const w = await frame.locator('#beam-detail .beam-attention .tok').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).style.getPropertyValue('--w'))));
    assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 0.02, `its attention sums to ${w.reduce((a, b) => a + b, 0)}`);
    await frame.locator('#beam-card').scrollIntoViewIfNeeded();
    await wb.screenshot('inside-beam-tree-dark');
    await setColorTheme(page, 'Light Modern', 'light');
    await frame.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    await other.hover();
    await page.waitForTimeout(300);
    await wb.screenshot('inside-beam-tree-light');
    await setColorTheme(page, 'Dark Modern', 'dark');
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  });

  it('the dashboard\'s gate saturation fills in and moves while an LSTM trains on a selection (dark and light)', async () => {
    const wb = await workbench();
    const { page } = wb;
    await runCommand(page, 'SeqLab: New Model…');
    await quickPickRow(page, 'Character-level LSTM language model').click();
    await statusBarItem(page, 'SeqLab: Character-level LSTM language model').waitFor({ timeout: 15_000 });
    await openPath(page, path.join(demo, 'README.md'));
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 40; i++) await page.keyboard.press('Shift+ArrowDown');
    await runCommand(page, 'SeqLab: Train on Selection');
    await editorTab(page, 'SeqLab Dashboard').waitFor({ timeout: 30_000 });
    const dash = await webviewFrame(page, { title: 'SeqLab Dashboard' });
    await dash.locator('#saturation-card:not([hidden])').waitFor({ timeout: 90_000 });
    const read = (): Promise<{ step: number; gates: string[]; low: number[]; high: number[] }> => dash.locator('#saturation-bars').evaluate((e) => {
      const v = JSON.parse((e as HTMLElement).dataset.saturation ?? 'null');
      return { step: v.step, gates: v.gates, low: v.stacks[0].low, high: v.stacks[0].high };
    });
    const first = await read();
    assert.deepEqual(first.gates, ['input', 'forget', 'output']);
    assert.ok([...first.low, ...first.high].every((x) => x >= 0 && x <= 1));
    assert.equal(await dash.locator('.sat-row').count(), first.low.length, 'one bar per layer and gate');
    assert.match(await dash.locator('.sat-why').innerText(), /gradient/);
    const deadline = Date.now() + 60_000;
    let later = first;
    while (later.step === first.step && Date.now() < deadline) {
      await page.waitForTimeout(500);
      later = await read();
    }
    console.log(`      saturation at step ${first.step}, then at step ${later.step}`);
    assert.ok(later.step > first.step, 'the saturation bars did not follow the training');
    await dash.locator('#saturation-card').scrollIntoViewIfNeeded();
    await wb.screenshot('inside-saturation-dark');
    await setColorTheme(page, 'Light Modern', 'light');
    await dash.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    await wb.screenshot('inside-saturation-light');
    await setColorTheme(page, 'Dark Modern', 'dark');
    await runCommand(page, 'SeqLab: Stop Training');
    await runCommand(page, 'View: Close All Editors');
  });
});
