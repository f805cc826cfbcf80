// Keydown-to-paint in the real workbench (issue #14, item 4), shared by the e2e test (typing.test.ts) and the
// benchmark's UI rows (test/bench/ui.ts). In the page, a capture-phase keydown listener takes the event's
// timestamp (when the browser received the key, so time spent queued behind other work counts) and asks for
// an animation frame; a message posted from that frame's callback runs once the frame — the editor's repaint
// with the new character, scheduled for the same frame by the key's handler — has been produced: that moment
// minus the keydown is the figure. Typing is 90 characters at 110 ms
// gaps, in three states: idle; training with the dashboard hidden (behind an editor in its group); training
// with the dashboard visible beside the editor. The figures are printed, never asserted (the machine is shared).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { Workbench } from '../harness/workbench';
import { ROOT } from '../harness/paths';
import { editorTab, runCommand, setColorTheme, statusBarItem, webviewFrame } from '../harness/ui';
import { openPath } from './editorSteps';

export const TYPED = 'the model reads one character at a time and keeps a state that summarises the text so far.'.slice(0, 90);
export const GAP_MS = 110;

export interface Figures {
  n: number;
  p50: number;
  p90: number;
  max: number;
}

export interface TypingReport {
  idle: Figures;
  hidden: Figures;
  visible: Figures;
  /** The suggester's latency line from the status bar hover, read while training with the dashboard visible. */
  suggestHover: string;
  /** Its p95 (ms), parsed from that line; null if the hover had none. */
  suggestP95: number | null;
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN;
}

export function figures(values: number[]): Figures {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), max: s.length ? s[s.length - 1] : NaN };
}

export const show = (f: Figures): string => `p50 ${f.p50.toFixed(1)} ms, p90 ${f.p90.toFixed(1)} ms, max ${f.max.toFixed(1)} ms (${f.n} keys)`;

/** Installs the keydown → input → frame probe in the workbench page (once). */
async function installProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __seqlabKeys?: { out: number[]; t0: number | null } };
    if (w.__seqlabKeys) return;
    const probe = (w.__seqlabKeys = { out: [] as number[], t0: null as number | null });
    const channel = new MessageChannel();
    channel.port1.onmessage = (e: MessageEvent<number>) => probe.out.push(performance.now() - e.data);
    // The editor takes text through EditContext (no textarea `input` event in Chromium), handling the key in
    // this same task and scheduling its render for the next frame: a frame asked for here is that frame.
    window.addEventListener('keydown', (e) => {
      const t0 = e.timeStamp;
      requestAnimationFrame(() => channel.port2.postMessage(t0));
    }, true);
  });
}

/** Types TYPED into the focused editor at GAP_MS gaps; the keydown-to-paint of every key (ms). */
export async function typeAndMeasure(page: Page, text = TYPED): Promise<number[]> {
  await installProbe(page);
  await page.evaluate(() => {
    (window as unknown as { __seqlabKeys: { out: number[] } }).__seqlabKeys.out = [];
  });
  for (const ch of text) {
    await page.keyboard.press(ch === ' ' ? 'Space' : ch);
    await page.waitForTimeout(GAP_MS);
  }
  await page.waitForTimeout(300);
  return page.evaluate(() => (window as unknown as { __seqlabKeys: { out: number[] } }).__seqlabKeys.out.slice());
}

/** A prose corpus of ~30 KB from the project's own README (varied text: training goes on for minutes). */
function corpusText(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/[`|#*<>[\]()]/g, ' ');
  let text = '';
  while (text.length < 30_000) text += readme;
  return text;
}

/** The editor group `n` (0-based)'s tab titled `title`. */
function groupTab(page: Page, n: number, title: string) {
  return page.locator('.editor-group-container').nth(n).locator('.tabs-container .tab', { hasText: title }).first();
}

/** Moves to a new line at the end of the focused editor (openPath and a tab click focus it), ready to type. */
async function focusEnd(page: Page): Promise<void> {
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
}

/**
 * The three states, in one workbench with no training run: writes corpus.txt and typing.txt to `dir`, types
 * idle, trains on corpus.txt (Train on Selection with no selection: the whole file) and types with the dashboard
 * hidden, then visible. Stops the run at the end. `shot` takes screenshots (the e2e test's, dark).
 */
export async function typingScenario(wb: Workbench, dir: string, log: (s: string) => void, shot?: (name: string) => Promise<unknown>): Promise<TypingReport> {
  const { page } = wb;
  fs.mkdirSync(dir, { recursive: true });
  const corpus = path.join(dir, 'corpus.txt'), typing = path.join(dir, 'typing.txt');
  fs.writeFileSync(corpus, corpusText());
  fs.writeFileSync(typing, '');
  // SeqLab activated (its status bar items shown) and the workbench settled: a quick input opened while the
  // extension host is still starting can be closed under the pointer.
  await statusBarItem(page, /SeqLab/).waitFor({ timeout: 60_000 });
  await runCommand(page, 'View: Close All Editors');
  await page.waitForTimeout(2000);

  await openPath(page, typing);
  await focusEnd(page);
  const idle = figures(await typeAndMeasure(page));
  log(`idle:                         ${show(idle)}`);

  // Training on the whole corpus file; the dashboard opens beside the editor (group 2), the editor keeps focus.
  await openPath(page, corpus);
  await runCommand(page, 'SeqLab: Train on Selection');
  await editorTab(page, 'SeqLab Dashboard').waitFor({ timeout: 60_000 });
  const frame = await webviewFrame(page, { title: 'SeqLab Dashboard' });
  await frame.locator('#status', { hasText: /running/ }).waitFor({ timeout: 90_000 });
  await statusBarItem(page, /SeqLab · step/).waitFor({ timeout: 60_000 }); // the run's model serves suggestions
  await page.waitForTimeout(3000); // steady state: the first batches and snapshots are in

  // Hidden: typing.txt opened in the dashboard's group, on top of it.
  await groupTab(page, 1, 'SeqLab Dashboard').click(); // makes the dashboard's group the active one
  await openPath(page, typing);
  await focusEnd(page);
  const hidden = figures(await typeAndMeasure(page));
  log(`training, dashboard hidden:   ${show(hidden)}`);

  // Visible: the dashboard shown in group 2 again, typing in group 1.
  await groupTab(page, 1, 'SeqLab Dashboard').click();
  await groupTab(page, 0, path.basename(typing)).click();
  await focusEnd(page);
  // The webview was discarded while hidden: find it again, and wait for its replay.
  const shown = await webviewFrame(page, { title: 'SeqLab Dashboard' });
  await shown.locator('#status', { hasText: /running/ }).waitFor({ timeout: 30_000 });
  const visible = figures(await typeAndMeasure(page));
  log(`training, dashboard visible:  ${show(visible)}`);
  if (shot) {
    await shot('typing-training-dashboard-dark');
    await setColorTheme(page, 'Light Modern', 'light');
    await page.waitForTimeout(1500); // the dashboard redraws in the new theme at its next slot
    await shot('typing-training-dashboard-light');
    await setColorTheme(page, 'Dark Modern', 'dark');
  }

  // The suggester's own figure, as its status bar hover shows it (refreshed with each weight snapshot).
  await page.waitForTimeout(2500);
  const item = statusBarItem(page, /SeqLab · step/);
  await item.hover();
  const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'Latency' }).first();
  let suggestHover = '';
  try {
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    suggestHover = (/Latency:[^\n]*/.exec(await hover.innerText())?.[0] ?? '').trim();
  } catch {
    suggestHover = '(no latency in the hover)';
  }
  const p95 = /p95 ([\d.]+) ms/.exec(suggestHover);
  log(`suggester during training:    ${suggestHover}`);
  await page.mouse.move(10, 10);
  await runCommand(page, 'SeqLab: Stop Training');
  await shown.locator('#status', { hasText: /stopped/ }).waitFor({ timeout: 60_000 }).catch(() => undefined);
  return { idle, hidden, visible, suggestHover, suggestP95: p95 ? Number(p95[1]) : null };
}
