// The PyTorch training project in the real extension host: a run trained in the editor is exported with "Export
// Training Project for PyTorch…", Debian's python3 runs its train.py for a few steps, and "Load Model…" on the
// project folder loads the checkpoint PyTorch wrote: completions come from it, and the dashboard's runs list it
// with the history SeqLab and PyTorch logged. Skipped, saying why, only when python3-torch is absent.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SeqLabApi } from '../../src/extension';

type Result = { ok: true; kind?: string; files?: string[] } | { ok: false; error: string };
const PROSE = 'the quick brown fox jumps over the lazy dog. the lazy dog sleeps in the sun. '.repeat(30);

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('PyTorch training project from the editor (extension host, real torch)', function () {
  this.timeout(240_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-project-ext-'));
  let api: SeqLabApi;

  before(async function () {
    if (spawnSync('/usr/bin/python3', ['-c', 'import torch']).status !== 0) {
      console.log('      skipped: /usr/bin/python3 cannot import torch; install python3-torch');
      this.skip();
    }
    api = await vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!.activate();
  });
  after(async () => {
    await api?.training.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports the editor\'s run, train.py continues it, and Load Model… on the project serves completions with the whole history', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: PROSE });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, doc.lineCount, 0);
    const config = { task: 'lm', cell: 'lstm', hidden: 32, embedding: 16, layers: 1, batch: 8, seqLen: 32, lr: 0.01, checkpointEvery: 10, validEvery: 0, steps: 0 };
    const started = await vscode.commands.executeCommand<Result>('seqlab.trainOnSelection', { config, name: 'to-pytorch' });
    assert.ok(started.ok, JSON.stringify(started));
    const run = api.training.current!;
    await until('20 steps and a checkpoint', () => run.step >= 20 && (run.lastCheckpointStep ?? 0) >= 10);
    await api.training.stop();

    const project = path.join(dir, 'project');
    const exported = await vscode.commands.executeCommand<Result>('seqlab.exportTrainingProject', { runId: run.id, folder: project });
    assert.ok(exported.ok, exported.ok ? '' : exported.error);
    const cfg = JSON.parse(fs.readFileSync(path.join(project, 'config.json'), 'utf8')) as { exportedAtStep: number };
    const seqlabSteps = fs.readFileSync(path.join(project, 'history.jsonl'), 'utf8').trim().split('\n').length;
    assert.equal(seqlabSteps, cfg.exportedAtStep, 'history.jsonl holds one line per SeqLab step');

    const py = spawnSync('/usr/bin/python3', [path.join(project, 'train.py'), '--cpu', '--steps', '30'], { encoding: 'utf8', timeout: 180_000 });
    assert.equal(py.status, 0, py.stderr);
    const steps = py.stdout.split('\n').filter((l) => l.startsWith('{"step"')).map((l) => JSON.parse(l) as { step: number; loss: number });
    assert.equal(steps[0].step, cfg.exportedAtStep + 1, 'PyTorch continues at the next step');

    const loaded = await vscode.commands.executeCommand<Result>('seqlab.loadModel', { folder: project });
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.error);
    assert.equal(loaded.ok && loaded.kind, 'lm');
    assert.equal(api.models.lm?.name, `step-${String(cfg.exportedAtStep + 30).padStart(8, '0')}`);
    const imported = [...api.training.runs.values()].at(-1)!;
    assert.equal(imported.name, 'project');
    assert.equal(imported.state, 'imported', 'listed as imported: it never trained (nor stopped) in this editor');
    assert.deepEqual(imported.history.map((p) => p.step), Array.from({ length: cfg.exportedAtStep + 30 }, (_, i) => i + 1));
    assert.equal(imported.history.at(-1)!.loss, steps.at(-1)!.loss, 'the dashboard ends with PyTorch\'s last loss');

    const typing = await vscode.workspace.openTextDocument({ content: 'the quick brown fox jumps over the la' });
    await vscode.window.showTextDocument(typing);
    const items = await api.completions.provider.provideInlineCompletionItems(
      typing, typing.positionAt(typing.getText().length), { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined },
      new vscode.CancellationTokenSource().token,
    );
    assert.ok(items.length > 0, 'the PyTorch-trained model suggests a completion');
  });
});
