// Typing while a model trains, in the real workbench (issue #14, items 4 and 5):
//   1. keydown-to-paint of 90 characters at 110 ms gaps, idle, training with the dashboard hidden, and training
//      with it visible (typingScenario.ts), plus the suggester's p95 from its status bar hover; the figures are
//      PRINTED, not asserted (a shared 2-core machine; the benchmark's UI rows record them);
//   2. next-word ghost text: a model trained in the editor on a text where the word after "sat" is always "on"
//      shows "on" as ghost text right after "the cat sat " is typed, and " and" after "mat,"; Tab inserts it.
// Screenshots: the dashboard beside the editor while typing (dark), the next-word ghost text (dark and light).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { workbench } from '../harness/e2eContext';
import { editorTab, runCommand, setColorTheme, statusBarItem, webviewFrame } from '../harness/ui';
import { openPath } from './editorSteps';
import { typingScenario } from './typingScenario';

const GHOST = '.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text';
const PETS = 'the cat sat on the mat, and the dog ran to the park. '.repeat(60);

async function ghostAfter(page: Page, text: string, timeoutMs: number): Promise<string | null> {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text, { delay: 40 });
  const ghost = page.locator(GHOST).first();
  try {
    await ghost.waitFor({ state: 'visible', timeout: timeoutMs });
    return (await ghost.innerText()).replace(/\u00a0/g, ' ');
  } catch {
    return null;
  }
}

describe('typing while training (e2e, real workbench)', function () {
  this.timeout(600_000);

  it('measures keydown-to-paint idle, training with the dashboard hidden, and visible (printed, not asserted)', async () => {
    const wb = await workbench();
    const dir = path.join(wb.server.folder, 'typing-e2e');
    const report = await typingScenario(wb, dir, (s) => console.log(`      ${s}`), (name) => wb.screenshot(name));
    // Only that every state was measured: the numbers are the benchmark's business.
    for (const [state, f] of Object.entries({ idle: report.idle, hidden: report.hidden, visible: report.visible })) {
      assert.ok(f.n >= 80, `${state}: only ${f.n} of 90 keys reached a paint`);
    }
  });

  it('suggests the next word after a space and after punctuation, once the model is sure of it', async () => {
    const wb = await workbench();
    const { page } = wb;
    const dir = path.join(wb.server.folder, 'next-word-e2e');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'pets.txt'), PETS);
    fs.writeFileSync(path.join(dir, 'typing.txt'), '');
    await runCommand(page, 'View: Close All Editors');
    await openPath(page, path.join(dir, 'pets.txt'));
    await runCommand(page, 'SeqLab: Train on Selection');
    await editorTab(page, 'SeqLab Dashboard').waitFor({ timeout: 60_000 });
    await runCommand(page, 'View: Focus First Editor Group');
    await openPath(page, path.join(dir, 'typing.txt'));
    await statusBarItem(page, /SeqLab · step/).waitFor({ timeout: 90_000 });
    // The model learns the text as it trains: ask again until the next word shows (or three minutes pass).
    const deadline = Date.now() + 180_000;
    let ghost: string | null = null;
    while (Date.now() < deadline && ghost !== 'on') ghost = await ghostAfter(page, 'the cat sat ', 4000);
    console.log(`      after "the cat sat ": ghost ${JSON.stringify(ghost)}`);
    assert.equal(ghost, 'on', 'no next-word ghost text after a space');
    await wb.screenshot('next-word-ghost-dark');
    await page.keyboard.press('Tab');
    await page.waitForTimeout(300);
    const line = await page.locator('.editor-group-container.active .monaco-editor .view-line').first().innerText();
    assert.equal(line.replace(/\u00a0/g, ' ').trimEnd(), 'the cat sat on');
    // After punctuation the next word comes after its space.
    let comma: string | null = null;
    for (let i = 0; i < 10 && comma !== ' and'; i++) comma = await ghostAfter(page, 'the cat sat on the mat,', 4000);
    console.log(`      after "…the mat,": ghost ${JSON.stringify(comma)}`);
    assert.equal(comma, ' and', 'no next-word ghost text after a comma');
    await setColorTheme(page, 'Light Modern', 'light');
    await ghostAfter(page, 'the cat sat ', 8000);
    await wb.screenshot('next-word-ghost-light');
    await setColorTheme(page, 'Dark Modern', 'dark');
    await runCommand(page, 'SeqLab: Stop Training');
    const frame = await webviewFrame(page, { title: 'SeqLab Dashboard' });
    await frame.locator('#status', { hasText: /stopped/ }).waitFor({ timeout: 60_000 }).catch(() => undefined);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await runCommand(page, 'File: Save');
    await runCommand(page, 'View: Close All Editors');
  });
});
