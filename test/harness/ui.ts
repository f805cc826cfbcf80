// Playwright helpers for driving the VS Code workbench UI (code-server in chromium). General on
// purpose: e2e tests for training on a selection, attention hovers and inline completions reuse them.
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** Waits until the workbench is painted (which is earlier than "extension commands registered"). */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ timeout: timeoutMs });
}

/**
 * Opens the command palette (F1), types `label` and runs the first matching command.
 * The workbench paints before the remote extension host has registered extension commands, and an
 * open palette never refreshes ("No matching commands"), so it retries: Escape, wait, try again.
 */
export async function runCommand(page: Page, label: string, timeoutMs = 60_000): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = quickPickRow(page, label);
  const deadline = Date.now() + timeoutMs;
  await waitForWorkbench(page, timeoutMs);
  for (;;) {
    try {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${label}`);
      await row.waitFor({ state: 'visible', timeout: 3000 });
      // Click the exact row: Enter would run the top one, which fuzzy matching may rank above ours
      // ("Preferences: Browse Color Themes…" outranks "Preferences: Color Theme"). A webview that takes the
      // focus meanwhile (a panel revealing itself) closes the palette under the pointer: then open it again.
      await row.click({ timeout: 5000 });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`command "${label}" never showed up in the palette, or closed before it could be run: ${String(e)}`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
  }
}

/** The quick-pick row whose label is exactly `label` (keybindings and descriptions aside). */
export function quickPickRow(page: Page, label: string): Locator {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
}

/** Labels of the palette's commands matching `query` (e.g. 'SeqLab:'), read from the open list. */
export async function paletteCommands(page: Page, query: string, expectAtLeast = 1, timeoutMs = 60_000): Promise<string[]> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const rows = page.locator('.quick-input-list .monaco-list-row');
  const deadline = Date.now() + timeoutMs;
  await waitForWorkbench(page, timeoutMs);
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(`>${query}`);
    await page.waitForTimeout(500);
    const labels = (await rows.locator('.label-name').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
    const matching = labels.filter((l) => l.includes(query));
    await page.keyboard.press('Escape');
    if (matching.length >= expectAtLeast || Date.now() > deadline) return matching;
    await page.waitForTimeout(1000);
  }
}

/**
 * Text of the first notification containing `text`. Toasts when shown; with the smoke-test driver on
 * (development mode via ?payload=) the workbench never shows toasts, so fall back to the
 * Notification Center.
 */
export async function readNotification(page: Page, text: string, timeoutMs = 30_000): Promise<string> {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  try {
    await toast.waitFor({ state: 'visible', timeout: Math.min(timeoutMs, 10_000) });
    return (await toast.locator('.notification-list-item-message').innerText()).trim();
  } catch {
    await runCommand(page, 'Notifications: Show Notifications');
    const item = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    const message = (await item.locator('.notification-list-item-message').innerText()).trim();
    await runCommand(page, 'Notifications: Hide Notifications');
    return message;
  }
}

/** Status bar item containing `text`. */
export function statusBarItem(page: Page, text: string | RegExp): Locator {
  return page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: text }).first();
}

/** Editor tab whose label contains `title`. */
export function editorTab(page: Page, title: string): Locator {
  return page.locator('.tabs-container .tab', { hasText: title }).first();
}

/**
 * The content of a webview. A webview is two nested iframes: <iframe class="webview ready">
 * (VS Code's host page) > <iframe id="active-frame"> (the extension's HTML). With `title`, the
 * frame whose inner document has that <title>; otherwise the `index`-th visible webview.
 */
export async function webviewFrame(page: Page, opts: { title?: string; index?: number; timeoutMs?: number } = {}): Promise<FrameLocator> {
  const outer = page.locator('iframe.webview.ready');
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const n = await outer.count();
    if (opts.title === undefined) {
      if (n > (opts.index ?? 0)) return outer.nth(opts.index ?? 0).contentFrame().locator('#active-frame').contentFrame();
    } else {
      for (let i = 0; i < n; i++) {
        const inner = outer.nth(i).contentFrame().locator('#active-frame').contentFrame();
        const title = await inner.locator('title').textContent({ timeout: 1000 }).catch(() => null);
        if (title === opts.title) return inner;
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview ${opts.title ? `titled "${opts.title}"` : `#${opts.index ?? 0}`} appeared`);
    await page.waitForTimeout(250);
  }
}

/** Sets the colour theme through the palette (works in install and development mode alike). */
export async function setColorTheme(page: Page, theme: string, kind: 'light' | 'dark'): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(theme);
  const row = quickPickRow(page, theme);
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  const cls = kind === 'light' ? 'vs' : 'vs-dark';
  await page.locator(`.monaco-workbench.${cls}`).waitFor({ timeout: 15_000 });
}
