// Training you can trust, in the real workbench (issue #14 items 1–2):
//   (a) a large model on a tiny selection: early stopping ends the run and the dashboard's best validation is the
//       minimum of the validation losses it drew; with a long patience the dashboard and a notification say the
//       model memorises, and the banner's "Stop and keep best weights" stops it keeping the best;
//   (b) the reload flow: a run training when the window reloads comes back "interrupted at step N (last
//       checkpoint M)" on the dashboard and in a notification; its checkpoint serves ghost text at once; the
//       dashboard's Resume continues it from M.
// Screenshots dark and light go to test-results/trust-*.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { ownWorkbench } from '../harness/e2eContext';
import { editorTab, readNotification, runCommand, setColorTheme, statusBarItem, waitForWorkbench, webviewFrame } from '../harness/ui';
import { dashboardData, type DashboardData } from './dashboardData';
import { openPath } from './editorSteps';

const GHOST = '.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text';

// A rule to learn (the next letter follows the alphabet 60% of the time) and noise to memorise: 20 lines of 40.
function ruleText(): string {
  let x = 5, p = 0;
  const next = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines: string[] = [];
  for (let l = 0; l < 20; l++) {
    let s = '';
    for (let i = 0; i < 40; i++) {
      p = next() < 0.6 ? (p + 1) % 8 : Math.floor(next() * 8);
      s += 'abcdefgh'[p];
    }
    lines.push(s);
  }
  return lines.join('\n') + '\n';
}
const STORY = 'the quick brown fox jumps over the lazy dog. a lazy dog sleeps in the warm sun. the quick fox runs away.\n'.repeat(8);

/** Workspace settings (VS Code applies an edit of .vscode/settings.json at once). */
function settings(folder: string, values: Record<string, unknown>): void {
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify(values, null, 1));
}

const OVERFIT = {
  'seqlab.training.hiddenSize': 96, 'seqlab.training.embeddingSize': 16, 'seqlab.training.batchSize': 4, 'seqlab.training.sequenceLength': 16,
  'seqlab.training.learningRate': 0.01, 'seqlab.training.validEvery': 10, 'seqlab.training.validBatches': 4, 'seqlab.training.seed': 3,
};

/** openPath, once more after Escape if the dialog lost its input (a workbench busy starting can take the focus). */
async function open(page: Page, file: string): Promise<void> {
  try {
    await openPath(page, file);
  } catch {
    await page.keyboard.press('Escape');
    await openPath(page, file);
  }
}

async function trainWholeFile(page: Page, file: string): Promise<FrameLocator> {
  await open(page, file);
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await runCommand(page, 'SeqLab: Train on Selection');
  await editorTab(page, 'SeqLab Dashboard').waitFor({ timeout: 30_000 });
  return webviewFrame(page, { title: 'SeqLab Dashboard' });
}

const series = (d: DashboardData, label: string): number[] => d.charts.loss.find((s) => s.label === label)?.ys ?? [];
/** The newest run's validation losses: each run's series is "<run name>: validation", in the runs' order. */
const validation = (d: DashboardData): number[] => d.charts.loss.filter((s) => s.label.endsWith(': validation')).at(-1)?.ys ?? [];

async function screenshots(page: Page, frame: FrameLocator, name: string, shoot: (n: string) => Promise<string>): Promise<void> {
  if ((await page.locator('.monaco-workbench.vs-dark').count()) === 0) await setColorTheme(page, 'Dark Modern', 'dark');
  await frame.locator('body.vscode-dark').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(800);
  await shoot(`trust-${name}-dark`);
  await setColorTheme(page, 'Light Modern', 'light');
  await frame.locator('body.vscode-light').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(800);
  await shoot(`trust-${name}-light`);
  await setColorTheme(page, 'Dark Modern', 'dark');
}

describe('training you can trust (e2e, real workbench)', function () {
  this.timeout(300_000);
  let folder = '';
  // Its own workbench: these tests reload the window, change workspace settings and rely on Train on Selection's
  // own defaults, none of which may depend on the models and runs earlier test files left in the shared one.
  const workbench = ownWorkbench();

  before(async () => {
    const wb = await workbench();
    folder = path.join(wb.server.folder, 'trust-e2e');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'tiny.txt'), ruleText());
    fs.writeFileSync(path.join(folder, 'story.txt'), STORY);
    fs.writeFileSync(path.join(folder, 'typing.txt'), '');
  });

  it('(a) early stopping on a tiny selection keeps the best: its validation loss is the minimum the dashboard drew', async () => {
    const wb = await workbench();
    settings(wb.server.folder, { ...OVERFIT, 'seqlab.training.patience': 6 });
    await wb.page.waitForTimeout(1000);
    const frame = await trainWholeFile(wb.page, path.join(folder, 'tiny.txt'));
    await frame.locator('#status', { hasText: 'stopped early' }).waitFor({ timeout: 120_000 });
    await frame.locator('#trust-title', { hasText: 'Stopped early' }).waitFor({ timeout: 10_000 });
    const d = await dashboardData(frame);
    const valid = validation(d), best = series(d, 'best validation');
    console.log(`      validation losses ${valid.map((v) => v.toFixed(3)).join(' ')}; best ${best}`);
    assert.equal(best.length, 1, 'no best-validation marker');
    assert.equal(best[0], Math.min(...valid));
    assert.ok(valid.at(-1)! > best[0]!, 'the run stopped while still improving');
    const stats = await frame.locator('#stats').innerText();
    assert.match(stats, new RegExp(`Best validation\\s+${best[0]!.toPrecision(4)} at step \\d+`));
    await screenshots(wb.page, frame, 'early-stopped', (n) => wb.screenshot(n));
  });

  it('(a) with a long patience the dashboard and a notification say it memorises; "Stop and keep best weights" stops it', async () => {
    const wb = await workbench();
    settings(wb.server.folder, { ...OVERFIT, 'seqlab.training.patience': 100_000 });
    await wb.page.waitForTimeout(1000);
    const frame = await trainWholeFile(wb.page, path.join(folder, 'tiny.txt'));
    await frame.locator('#trust-title', { hasText: /Memorising since step \d+/ }).waitFor({ timeout: 120_000 });
    // The validations so far (the chart reports every value of a short series); the best is the lowest of them.
    const early = validation(await dashboardData(frame));
    const note = await readNotification(wb.page, 'is memorising its training data', 30_000);
    console.log(`      notification: ${note}`);
    assert.match(note, /validation loss has risen at every validation while training loss fell/);
    await screenshots(wb.page, frame, 'memorising', (n) => wb.screenshot(n));
    await frame.locator('#trust-keep-best').click();
    await frame.locator('#trust-title', { hasText: 'Stopped with the best weights' }).waitFor({ timeout: 60_000 });
    const d = await dashboardData(frame);
    const best = series(d, 'best validation')[0]!;
    console.log(`      validations when the notice came: ${early.map((v) => v.toFixed(3)).join(' ')}; kept best ${best}`);
    assert.ok(early.includes(best) || best < Math.min(...early), `best ${best} is not the minimum of ${early}`);
    assert.ok(best <= Math.min(...validation(d)), 'a later validation was lower than the kept best');
    assert.match(await frame.locator('#trust-message').innerText(), new RegExp(`best validation loss was ${best.toPrecision(4)}`));
  });

  it('(b) a reload mid-training: interrupted at step N (last checkpoint M), ghost text at once, Resume from the dashboard', async () => {
    const wb = await workbench();
    const page = wb.page;
    settings(wb.server.folder, {
      'seqlab.training.earlyStopping': false, 'seqlab.training.hiddenSize': 64, 'seqlab.training.sequenceLength': 32, 'seqlab.training.batchSize': 8,
      'seqlab.training.checkpointEvery': 100, 'seqlab.training.seed': 1,
    });
    await page.waitForTimeout(1000);
    const frame = await trainWholeFile(page, path.join(folder, 'story.txt'));
    await frame.locator('#status', { hasText: /running · [6-9]\d\d steps|running · \d{4,} steps/ }).waitFor({ timeout: 180_000 });
    await page.waitForTimeout(2500); // progress.json is written every second: the step reached is known
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForTimeout(1000);
    await waitForWorkbench(page);
    const note = await readNotification(page, 'was interrupted at step', 60_000);
    console.log(`      notification: ${note}`);
    const m = /interrupted at step (\d+) \(last checkpoint (\d+)\)/.exec(note);
    assert.ok(m, note);
    const [n, ck] = [Number(m[1]), Number(m[2])];
    assert.ok(ck >= 500 && ck <= n, `step ${n}, checkpoint ${ck}`);
    // Its checkpoint serves completions right away, before any Resume.
    await statusBarItem(page, /SeqLab · step/).waitFor({ timeout: 30_000 });
    await open(page, path.join(folder, 'typing.txt'));
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.type('the quick br', { delay: 40 });
    await page.locator(GHOST).first().waitFor({ state: 'visible', timeout: 20_000 });
    console.log(`      ghost text after the reload: "${(await page.locator(GHOST).first().innerText()).replace(/\u00a0/g, ' ')}"`);
    await page.keyboard.press('Escape');
    // The dashboard says what happened and offers Resume; its state is not "running".
    await editorTab(page, 'SeqLab Dashboard').click();
    const restored = await webviewFrame(page, { title: 'SeqLab Dashboard', timeoutMs: 60_000 });
    await restored.locator('#trust-title', { hasText: `Interrupted at step ${n} (last checkpoint ${ck})` }).waitFor({ timeout: 60_000 });
    assert.doesNotMatch(await restored.locator('#status').innerText(), /running/);
    assert.equal(await restored.locator('#btn-resume').isDisabled(), false);
    await screenshots(page, restored, 'interrupted', (x) => wb.screenshot(x));
    await restored.locator('#trust-resume').click();
    await restored.locator('#status', { hasText: 'running' }).waitFor({ timeout: 60_000 });
    const before = (await dashboardData(restored)).runs.find((r) => r.state === 'running');
    assert.ok(before, 'no run is running after Resume');
    await runCommand(page, 'SeqLab: Stop Training');
    await restored.locator('#status', { hasText: 'stopped' }).waitFor({ timeout: 60_000 });
  });
});
