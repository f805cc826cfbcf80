// Inline completions, Explain Suggestion and Generate Text through the real UI. Without a model nothing is
// suggested; then a character LSTM trained on a short text by the CLI in the test setup is loaded through
// Generate Text (no model yet: VS Code's open dialog asks for the checkpoint), which streams the model's text
// into a new editor; typing a prefix of the text then shows ghost text that Tab inserts, and Explain lists
// the next words with probabilities and the temperature. The CLI trains it, not "Start Training", so the
// shared workbench's training session stays empty for the dashboard tests. Dark and light screenshots.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { workbench } from '../harness/e2eContext';
import { ROOT } from '../harness/paths';
import { editorTab, quickPickRow, runCommand, setColorTheme, statusBarItem } from '../harness/ui';
import { answerOpenDialog, openPath } from './editorSteps';

const LINE = 'the quick brown fox jumps over the lazy dog. a lazy dog sleeps in the warm sun. the quick fox runs away.\n';
const GHOST = '.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text';

/** Text of the active editor's first `lines` lines, as rendered (ghost text excluded). */
async function editorText(page: Page): Promise<string> {
  return page.locator('.editor-group-container.active .monaco-editor .view-lines').first().evaluate((el) => {
    const clone = el.cloneNode(true) as HTMLElement;
    clone.querySelectorAll('.ghost-text-decoration, .ghost-text, .ghost-text-decoration-preview').forEach((g) => g.remove());
    return Array.from(clone.querySelectorAll('.view-line')).map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n');
  });
}

/** Clears the active editor and types `text` like a person (so every keystroke asks for a suggestion). */
async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text, { delay: 40 });
}

describe('inline completions, Explain Suggestion and Generate Text (e2e, real workbench)', function () {
  this.timeout(180_000);
  let folder = '';

  before(async () => {
    const wb = await workbench();
    folder = path.join(wb.server.folder, 'completion-e2e');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'story.txt'), LINE.repeat(8));
    fs.writeFileSync(path.join(folder, 'typing.txt'), '');
    execFileSync(process.execPath, [
      path.join(ROOT, 'dist', 'cli.js'), 'train', '--task', 'lm', '--out', 'story-model', '--data', 'story.txt',
      '--hidden', '64', '--seq-len', '32', '--batch', '8', '--steps', '600', '--seed', '1',
    ], { cwd: folder, encoding: 'utf8', timeout: 120_000 });
  });

  it('suggests nothing while no model is loaded', async () => {
    const { page } = await workbench();
    await openPath(page, path.join(folder, 'typing.txt'));
    const item = statusBarItem(page, /SeqLab(: no model| · step|: suggestions off)/);
    await item.waitFor({ timeout: 30_000 });
    assert.match(await item.innerText(), /SeqLab: no model/, 'another test left a language model loaded');
    await retype(page, 'the quick br');
    await page.waitForTimeout(1500);
    assert.equal(await page.locator(GHOST).count(), 0, 'ghost text appeared without a model');
    await page.keyboard.press('Tab');
    assert.equal((await editorText(page)).trimEnd(), 'the quick br\t'.trimEnd(), 'Tab inserted a suggestion without a model');
  });

  it('Generate Text loads a checkpoint through the open dialog and streams its text into a new editor', async () => {
    const wb = await workbench();
    const { page } = wb;
    await runCommand(page, 'SeqLab: Generate Text');
    await answerOpenDialog(page, path.join(folder, 'story-model', 'seqlab.json'));
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'Prompt to continue' }).waitFor({ timeout: 15_000 });
    await input.fill('the quick');
    await page.keyboard.press('Enter');
    await editorTab(page, 'Untitled-').waitFor({ timeout: 15_000 });
    // The untitled editor fills up as tokens are sampled.
    await page.waitForFunction(() => {
      const lines = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
      return (lines?.textContent ?? '').length > 120;
    }, null, { timeout: 30_000 });
    const text = await editorText(page);
    assert.ok(text.startsWith('the quick'), `the prompt starts the text: ${text.slice(0, 40)}`);
    const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
    const known = new Set(LINE.match(/[a-z]+/g));
    const share = words.filter((w) => known.has(w)).length / words.length;
    assert.ok(words.length >= 15 && share > 0.6, `the generated text is not the trained text's language (${(100 * share).toFixed(0)}% known words): ${text}`);
    await wb.screenshot('generate-dark');
    await runCommand(page, 'View: Revert and Close Editor');
  });

  it('with the model loaded, typing a prefix of its text shows ghost text and Tab inserts the word', async () => {
    const wb = await workbench();
    const { page } = wb;
    await openPath(page, path.join(folder, 'typing.txt'));
    await retype(page, 'the quick br');
    const ghost = page.locator(GHOST).first();
    await ghost.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal((await ghost.innerText()).replace(/\u00a0/g, ' '), 'own', 'the ghost text completes "br" to "brown"');
    await wb.screenshot('completion-ghost-dark');
    await page.keyboard.press('Tab');
    await page.waitForTimeout(300);
    assert.equal((await editorText(page)).trimEnd(), 'the quick brown');

    // A new word after a space: the model proposes the next word of the text.
    await page.keyboard.type(' fox jumps o', { delay: 40 });
    await ghost.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal((await ghost.innerText()).replace(/\u00a0/g, ' '), 'ver');
    await page.keyboard.press('Tab');
    await page.waitForTimeout(300);
    assert.equal((await editorText(page)).trimEnd(), 'the quick brown fox jumps over');
  });

  it('Explain Suggestion lists the next words with their probabilities and the temperature', async () => {
    const wb = await workbench();
    const { page } = wb;
    await retype(page, 'a lazy ');
    await page.keyboard.press('Escape'); // dismiss the ghost text
    await runCommand(page, 'SeqLab: Explain Suggestion');
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.quick-input-title', { hasText: 'temperature 1' }).waitFor({ timeout: 15_000 });
    assert.match(await widget.locator('.quick-input-title').innerText(), /Next words after “…a lazy ” · temperature 1 ·/);
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    const labels = await rows.evaluateAll((els) => els.map((r) => r.querySelector('.label-name')?.textContent ?? ''));
    const probs = (await rows.evaluateAll((els) => els.map((r) => r.querySelector('.label-description')?.textContent ?? ''))).map((d) => Number(d.replace('%', '')));
    assert.equal(labels[0]?.trim(), 'dog');
    assert.ok(labels.length >= 3, `only ${labels.length} words listed`);
    assert.ok(probs.every((p, i) => Number.isFinite(p) && p >= 0 && p <= 100 && (i === 0 || p <= probs[i - 1])), `probabilities not sorted: ${probs}`);
    assert.ok(probs[0] > 50, `the model is unsure of "dog": ${probs[0]}%`);
    await wb.screenshot('explain-dark');
    // Picking a word inserts its completion.
    await quickPickRow(page, 'dog').click();
    await page.waitForTimeout(300);
    assert.equal((await editorText(page)).trimEnd(), 'a lazy dog');
  });

  it('shows ghost text in a light theme', async () => {
    const wb = await workbench();
    const { page } = wb;
    await setColorTheme(page, 'Light Modern', 'light');
    await openPath(page, path.join(folder, 'typing.txt'));
    await retype(page, 'in the wa');
    const ghost = page.locator(GHOST).first();
    await ghost.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal((await ghost.innerText()).replace(/\u00a0/g, ' '), 'rm');
    await wb.screenshot('completion-ghost-light');
    await retype(page, 'a lazy ');
    await page.keyboard.press('Escape');
    await runCommand(page, 'SeqLab: Explain Suggestion');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'temperature' }).waitFor({ timeout: 15_000 });
    await wb.screenshot('explain-light');
    await page.keyboard.press('Escape');
    // Leave the workbench as the next tests expect it: dark, no open editors, nothing dirty.
    await setColorTheme(page, 'Dark Modern', 'dark');
    await runCommand(page, 'File: Revert File');
    await runCommand(page, 'View: Close All Editors');
    const dontSave = page.locator('.dialog-buttons a, .dialog-buttons button', { hasText: "Don't Save" });
    if (await dontSave.count()) await dontSave.first().click();
  });
});
