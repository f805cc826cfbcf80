// Steps several e2e tests share: running the SeqLab CLI for a test model, opening a file by path, and
// answering VS Code's simple open dialog (code-server has no native one).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../harness/paths';
import { editorTab, runCommand } from '../harness/ui';

/** Runs the SeqLab CLI (dist/cli.js) synchronously; returns stdout. */
export function cli(args: string[], cwd: string): string {
  return execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}

/**
 * Opens a file by typing its path into File: Open File… (VS Code's simple dialog in code-server). Quick Open
 * is avoided on purpose: it caches the workspace's file list, and files created later by other tests are then
 * missing from it for a while.
 */
export async function openPath(page: Page, file: string): Promise<void> {
  await runCommand(page, 'File: Open File...');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  for (let i = 0; ; i++) {
    await input.fill(file);
    await page.waitForTimeout(500);
    if (await input.inputValue() !== file) continue;
    await page.keyboard.press('Enter');
    try {
      await input.waitFor({ state: 'hidden', timeout: 3000 });
      break;
    } catch (e) {
      if (i >= 5) throw e;
    }
  }
  await editorTab(page, path.basename(file)).waitFor({ timeout: 10_000 });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
}

/**
 * Types a path into VS Code's simple open dialog and accepts it. The dialog checks the typed path
 * asynchronously, and an Enter before that finishes is ignored: retry until it closes.
 */
export async function answerOpenDialog(page: Page, file: string): Promise<void> {
  const widget = page.locator('.quick-input-widget', { hasText: 'choose a SeqLab checkpoint' });
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await widget.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(file);
  for (let i = 0; ; i++) {
    await page.waitForTimeout(500);
    if (await input.inputValue() !== file) await input.fill(file);
    await page.keyboard.press('Enter');
    try {
      await widget.waitFor({ state: 'hidden', timeout: 3000 });
      return;
    } catch (e) {
      if (i >= 5) throw e;
    }
  }
}
