// Translate Selection through the real UI: a seq2seq model with attention is trained on the date task by the
// CLI in the test setup (a few seconds: it need not be accurate, decoding must only produce tokens and
// attention); a date selected in an editor is translated; the checkpoint is chosen in VS Code's own open
// dialog. Hovering two decoded tokens must shade different source tokens (the test reads their styles), and
// the source editor must carry decorations while a token is hovered, and none after.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { workbench } from '../harness/e2eContext';
import { ROOT } from '../harness/paths';
import { editorTab, runCommand, setColorTheme, webviewFrame } from '../harness/ui';
import { answerOpenDialog, cli, openPath } from './editorSteps';

const DATE = 'Sunday, 30 October 2039';

/** The `--w` weight of each source token as the webview styled it. */
function sourceWeights(frame: FrameLocator): Promise<number[]> {
  return frame.locator('#source .tok').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).style.getPropertyValue('--w') || 'NaN')));
}

function sourceBackgrounds(frame: FrameLocator): Promise<string[]> {
  return frame.locator('#source .tok').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
}

/** Position and background colour of the SeqLab decorations painted in the source editor (decoration-type classes `ced-*`). */
async function editorDecorations(page: Page): Promise<string[]> {
  return page.locator('.monaco-editor .view-overlays [class*="ced-"]').evaluateAll((els) => els.map((e) => `${(e as HTMLElement).style.left} ${getComputedStyle(e).backgroundColor}`));
}

const argmax = (a: number[]): number => a.reduce((b, x, i) => (x > a[b] ? i : b), 0);

describe('attention view (e2e, real workbench)', function () {
  this.timeout(180_000);
  let frame: FrameLocator;
  let folder = '';

  before(async () => {
    const wb = await workbench();
    folder = wb.server.folder;
    const dir = path.join(folder, 'attention-e2e');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'dates.tsv'), cli(['data', 'dates', '--n', '300', '--seed', '3'], dir));
    cli(['train', '--task', 'seq2seq', '--out', 'dates-model', '--data', 'dates.tsv', '--attention', 'dot', '--hidden', '32', '--steps', '300', '--seed', '1'], dir);
    fs.writeFileSync(path.join(dir, 'date.txt'), DATE);
  });

  it('translates a selected date and shows source and decoded tokens', async () => {
    const { page } = await workbench();
    await openPath(page, path.join(folder, 'attention-e2e', 'date.txt'));
    await page.keyboard.press('Control+A');
    await runCommand(page, 'SeqLab: Translate Selection');
    await answerOpenDialog(page, path.join(folder, 'attention-e2e', 'dates-model', 'seqlab.json'));
    await editorTab(page, 'SeqLab Attention').waitFor({ timeout: 30_000 });
    frame = await webviewFrame(page, { title: 'SeqLab Attention' });
    await frame.locator('#output .tok').first().waitFor({ timeout: 30_000 });
    const src = await frame.locator('#source .tok .text').allInnerTexts();
    assert.equal(src.join('').replace(/\u2423/g, ' '), DATE, 'the source tokens spell the selected date');
    const out = await frame.locator('#output .tok').allInnerTexts();
    assert.ok(out.length >= 2, `decoding produced ${out.length} token(s)`);
    assert.match(await frame.locator('#status').innerText(), /dates-model · greedy decoding/);
    // The heatmap has one row per decoded token and one column per source token.
    assert.equal(await frame.locator('#heatmap tbody tr').count(), out.length);
    assert.equal(await frame.locator('#heatmap tbody tr').first().locator('td').count(), src.length);
    // Room for the view, and no selection over the decorations: close the side bar, move the cursor.
    await runCommand(page, 'View: Close Primary Side Bar');
    await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
    await page.keyboard.press('End');
    await (await workbench()).screenshot('attention-translated-dark');
  });

  it('hovering two decoded tokens highlights different source tokens, in the view and in the editor', async () => {
    const { page } = await workbench();
    const out = frame.locator('#output .tok');
    const n = await out.count();
    // Every row: hover, read the styled weights; keep two rows whose strongest source token differs.
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) {
      await out.nth(i).hover();
      await frame.locator(`#heatmap tbody tr.active[data-t="${i}"]`).waitFor({ timeout: 5000 });
      rows.push(await sourceWeights(frame));
    }
    for (const r of rows) {
      assert.ok(r.every((w) => Number.isFinite(w) && w >= 0 && w <= 1), `weights out of range: ${r}`);
      assert.ok(Math.abs(r.reduce((a, b) => a + b, 0) - 1) < 0.01, `a row of attention weights does not sum to 1: ${r}`);
    }
    const a = 0, b = rows.findIndex((r) => argmax(r) !== argmax(rows[0]));
    assert.ok(b > 0, `every decoded token attends most to the same source token (${argmax(rows[0])})`);

    await out.nth(a).hover();
    await frame.locator('#heatmap tbody tr.active[data-t="0"]').waitFor();
    const bgA = await sourceBackgrounds(frame);
    const numbersA = await frame.locator('#source .tok .w').allInnerTexts();
    assert.deepEqual(numbersA.map(Number), rows[a].map((w) => Number(w.toFixed(2))), 'the weights are shown as numbers');
    assert.match(await frame.locator('#detail').innerText(), /Top alternatives/);
    assert.ok((await frame.locator('#detail .alternatives li').count()) >= 2, 'the step shows its top alternatives');
    // The source editor is painted while hovering: one decoration per token with a weight ≥ 0.05.
    await page.waitForFunction(() => document.querySelectorAll('.monaco-editor .view-overlays [class*="ced-"]').length > 0, null, { timeout: 10_000 });
    const decoA = await editorDecorations(page);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'attention-hover-dark.png') });

    await out.nth(b).hover();
    await frame.locator(`#heatmap tbody tr.active[data-t="${b}"]`).waitFor();
    const bgB = await sourceBackgrounds(frame);
    assert.notDeepEqual(bgB, bgA, 'hovering another decoded token changed no source token style');
    await page.waitForFunction((before) => {
      const now = Array.from(document.querySelectorAll('.monaco-editor .view-overlays [class*="ced-"]')).map((e) => `${(e as HTMLElement).style.left} ${getComputedStyle(e).backgroundColor}`);
      return now.length > 0 && JSON.stringify(now) !== before;
    }, JSON.stringify(decoA), { timeout: 10_000 });

    // Leaving the tokens clears the view and the editor.
    await page.locator('#workbench\\.parts\\.statusbar').hover();
    await page.waitForFunction(() => document.querySelectorAll('.monaco-editor .view-overlays [class*="ced-"]').length === 0, null, { timeout: 10_000 });
    assert.deepEqual(await sourceWeights(frame), rows[0].map(() => 0));
  });

  it('a click pins a token: its highlight and decorations stay when the pointer leaves', async () => {
    const wb = await workbench();
    const out = frame.locator('#output .tok');
    await out.nth(1).click();
    await wb.page.locator('#workbench\\.parts\\.statusbar').hover();
    await frame.locator('#output .tok.pinned').waitFor({ timeout: 5000 });
    assert.equal(await frame.locator('#output .tok.pinned').getAttribute('data-t'), '1');
    assert.ok((await sourceWeights(frame)).some((w) => w > 0), 'a pinned token keeps its source highlight');
    await wb.page.waitForFunction(() => document.querySelectorAll('.monaco-editor .view-overlays [class*="ced-"]').length > 0, null, { timeout: 10_000 });
    assert.match(await frame.locator('#detail').innerText(), /pinned/);
    await wb.screenshot('attention-dark');
  });

  it('follows a switch to a light theme', async () => {
    const wb = await workbench();
    await setColorTheme(wb.page, 'Light Modern', 'light');
    await frame.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    await frame.locator('#output .tok').nth(2).hover();
    await wb.page.waitForTimeout(300);
    await wb.screenshot('attention-light');
    await setColorTheme(wb.page, 'Dark Modern', 'dark');
    await wb.page.locator('#workbench\\.parts\\.statusbar').hover();
    await runCommand(wb.page, 'View: Close All Editors');
    await runCommand(wb.page, 'View: Toggle Primary Side Bar Visibility');
  });
});
