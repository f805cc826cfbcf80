// Classify Selection through the real UI: a word-language classifier (english / french / german / spanish) is
// trained by the CLI in the test setup; a selected word is classified after the checkpoint is chosen in VS
// Code's open dialog; the result must name the label and list every class with its probability, and
// agree with what the CLI says for the same text and checkpoint.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workbench } from '../harness/e2eContext';
import { runCommand, setColorTheme } from '../harness/ui';
import { answerOpenDialog, cli, openPath } from './editorSteps';

const WORD = 'häuschen';

describe('Classify Selection (e2e, real workbench)', function () {
  this.timeout(120_000);
  let dir = '';
  let expected: { label: string; probs: { label: string; prob: number }[] };

  before(async () => {
    const wb = await workbench();
    dir = path.join(wb.server.folder, 'classify-e2e');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'words.tsv'), cli(['data', 'languages', '--n', '400', '--seed', '2'], dir));
    cli(['train', '--task', 'classify', '--out', 'lang-model', '--data', 'words.tsv', '--hidden', '32', '--steps', '300', '--seed', '1'], dir);
    expected = JSON.parse(cli(['classify', 'lang-model', '--input', WORD, '--json'], dir));
    fs.writeFileSync(path.join(dir, 'word.txt'), WORD);
  });

  it('shows the label and every class probability for the selection', async () => {
    const wb = await workbench();
    const { page } = wb;
    await openPath(page, path.join(dir, 'word.txt'));
    await page.keyboard.press('Control+A');
    await runCommand(page, 'SeqLab: Classify Selection');
    await answerOpenDialog(page, path.join(dir, 'lang-model', 'seqlab.json'));
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.quick-input-title', { hasText: 'SeqLab (lang-model)' }).waitFor({ timeout: 20_000 });
    // Title: the label and its probability; rows: every class, most probable first, as the CLI computes them.
    assert.match(await widget.locator('.quick-input-title').innerText(), new RegExp(`“${expected.label}” \\(\\d+\\.\\d%\\)`));
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    const labels = (await rows.evaluateAll((els) => els.map((r) => r.querySelector('.label-name')?.textContent ?? ''))).map((l) => l.trim());
    const pcts = (await rows.evaluateAll((els) => els.map((r) => r.querySelector('.label-description')?.textContent ?? ''))).map((d) => Number(d.replace('%', '')));
    assert.deepEqual(labels, expected.probs.map((p) => p.label), 'every class, most probable first');
    pcts.forEach((x, i) => assert.ok(Math.abs(x - 100 * expected.probs[i].prob) < 0.051, `${labels[i]}: ${x}% vs the CLI's ${expected.probs[i].prob}`));
    assert.ok(Math.abs(pcts.reduce((a, x) => a + x, 0) - 100) < 0.3, 'the probabilities sum to 100%');
    await wb.screenshot('classify-dark');
    await page.keyboard.press('Escape');
  });

  it('reads well in a light theme', async () => {
    const wb = await workbench();
    const { page } = wb;
    await setColorTheme(page, 'Light Modern', 'light');
    await runCommand(page, 'SeqLab: Classify Selection');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'SeqLab (lang-model)' }).waitFor({ timeout: 20_000 });
    await wb.screenshot('classify-light');
    await page.keyboard.press('Escape');
    await setColorTheme(page, 'Dark Modern', 'dark');
    await runCommand(page, 'View: Close All Editors');
  });
});
