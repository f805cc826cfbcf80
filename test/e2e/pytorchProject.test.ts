// The way out to PyTorch and back, through the real UI: a paragraph trained with "Train on Selection" is exported
// with "SeqLab: Export Training Project for PyTorch…" (the save dialog names the folder), the test runs the
// project's train.py with Debian's python3-torch, "SeqLab: Load Model…" on the project folder loads the checkpoint
// PyTorch wrote, and typing in an editor shows its ghost text. The dashboard lists the loaded model's run with the
// history SeqLab and PyTorch logged. Screenshots dark and light.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { workbench } from '../harness/e2eContext';
import { editorTab, runCommand, setColorTheme } from '../harness/ui';
import { openPath } from './editorSteps';

const TEXT = 'the quick brown fox jumps over the lazy dog. a lazy dog sleeps in the warm sun. the quick fox runs away.\n';
const GHOST = '.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text';

/** Answers VS Code's simple file dialog (a quick input holding a path) with `target`. */
async function answerPathDialog(page: Page, target: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  for (let i = 0; ; i++) {
    await input.fill(target);
    await page.waitForTimeout(500);
    if (await input.inputValue() !== target) continue;
    await page.keyboard.press('Enter');
    try {
      await input.waitFor({ state: 'hidden', timeout: 3000 });
      return;
    } catch (e) {
      if (i >= 5) throw e;
    }
  }
}

async function waitFor(what: string, ok: () => boolean, ms: number): Promise<void> {
  for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 200))) if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
}

describe('export a training project to PyTorch and load its checkpoint back (e2e, real workbench)', function () {
  this.timeout(300_000);
  let folder = '';

  before(async function () {
    if (spawnSync('/usr/bin/python3', ['-c', 'import torch']).status !== 0) {
      console.log('      skipped: /usr/bin/python3 cannot import torch; install python3-torch');
      this.skip();
    }
    const wb = await workbench();
    folder = path.join(wb.server.folder, 'pytorch-e2e');
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'story.txt'), TEXT.repeat(12));
    fs.writeFileSync(path.join(folder, 'typing.txt'), '');
  });

  it('trains in the editor, exports, trains on in PyTorch, loads the PyTorch checkpoint and completes with it', async () => {
    const wb = await workbench();
    const { page } = wb;
    await openPath(page, path.join(folder, 'story.txt'));
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'SeqLab: Train on Selection');
    await editorTab(page, 'SeqLab Dashboard').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(8000); // a few dozen steps and the checkpoint of the start
    await runCommand(page, 'SeqLab: Stop Training');

    const project = path.join(folder, 'project');
    await runCommand(page, 'SeqLab: Export Training Project for PyTorch…');
    // Several runs in this workbench: the quick pick lists the newest first.
    const pick = page.locator('.quick-input-widget', { hasText: 'which run?' });
    if (await pick.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) await page.keyboard.press('Enter');
    await answerPathDialog(page, project);
    await waitFor('the project files', () => fs.existsSync(path.join(project, 'README.md')) && fs.existsSync(path.join(project, 'checkpoint', 'seqlab.json')), 60_000);
    const exportedAt = (JSON.parse(fs.readFileSync(path.join(project, 'config.json'), 'utf8')) as { exportedAtStep: number }).exportedAtStep;
    assert.ok(exportedAt > 0, 'the run had taken steps');

    const out = execFileSync('/usr/bin/python3', [path.join(project, 'train.py'), '--cpu', '--steps', '150'], { encoding: 'utf8', timeout: 240_000 });
    const steps = out.split('\n').filter((l) => l.startsWith('{"step"')).map((l) => JSON.parse(l) as { step: number; loss: number });
    assert.equal(steps[0].step, exportedAt + 1);
    assert.equal(steps.length, 150);
    assert.ok(steps.every((s) => Number.isFinite(s.loss)), 'every PyTorch step has a finite loss');

    await runCommand(page, 'SeqLab: Load Model…');
    await answerPathDialog(page, project);
    const last = `step-${String(exportedAt + 150).padStart(8, '0')}`;
    await page.locator('.notifications-toasts', { hasText: 'Loaded' }).first().waitFor({ timeout: 30_000 });
    assert.match(await page.locator('.notifications-toasts').first().innerText(), new RegExp(`Loaded pytorch-e2e/project \\(language model, its newest checkpoint runs/${last}\\)`));

    await openPath(page, path.join(folder, 'typing.txt'));
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('the quick br', { delay: 40 });
    await page.locator(GHOST).first().waitFor({ state: 'visible', timeout: 20_000 });
    await wb.screenshot('pytorch-project-ghost-dark');
    await runCommand(page, 'SeqLab: Show Dashboard');
    await page.waitForTimeout(1500);
    await wb.screenshot('pytorch-project-dashboard-dark');
    await setColorTheme(page, 'Light Modern', 'light');
    await page.waitForTimeout(1500);
    await wb.screenshot('pytorch-project-dashboard-light');
    await openPath(page, path.join(folder, 'typing.txt'));
    await page.keyboard.press('End');
    await page.keyboard.type(' the la', { delay: 40 });
    await page.locator(GHOST).first().waitFor({ state: 'visible', timeout: 20_000 });
    await wb.screenshot('pytorch-project-ghost-light');
    await setColorTheme(page, 'Dark Modern', 'dark');
    await runCommand(page, 'View: Revert and Close Editor');
  });
});
