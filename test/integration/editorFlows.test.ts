// The editor flows of every task kind, in the real extension host:
//   - Train on Selection with the seq2seq preset refuses lines that are not "source<TAB>target", naming the
//     file and the FILE's line of the first offending one (not the selection's), and starts nothing;
//   - Translate Selection uses the seq2seq model of the last training run (its checkpoint in the run store,
//     here made by `seqlab train`) without a load step, and names the run and its step.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SeqLabApi } from '../../src/extension';
import type { CommandResult } from '../../src/extension/training/trainingCommands';
import type { RunConfig } from '../../src/engine/run/config';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Resolves to the command's result, or fails when it waits (e.g. on a dialog) longer than `ms`. */
function within<T>(ms: number, what: string, p: Thenable<T>): Promise<T> {
  return Promise.race([Promise.resolve(p), new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms (a dialog?)`)), ms))]);
}

describe('editor flows for every task kind', function () {
  this.timeout(120_000);
  let api: SeqLabApi;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-flows-'));

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!.activate();
  });

  after(async () => {
    await api.training.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('seqlab.newModel', { preset: 'char-lstm' });
  });

  it('Train on Selection with the seq2seq preset names the file and its line of the first line that does not fit, and starts nothing', async () => {
    const file = path.join(dir, 'pairs.tsv');
    const lines = ['one\tuno', 'two\tdos', 'three\ttres', 'four\tcuatro', 'five cinco', 'six\tseis'];
    fs.writeFileSync(file, lines.join('\n') + '\n');
    await vscode.commands.executeCommand('seqlab.newModel', { preset: 'seq2seq-attention' });
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    editor.selection = new vscode.Selection(2, 0, 6, 0); // lines 3–6 of the file; "five cinco" is line 5
    const before = api.training.runs.size;
    const res = await within(30_000, 'Train on Selection', vscode.commands.executeCommand<CommandResult>('seqlab.trainOnSelection'));
    assert.equal(res.ok, false);
    assert.match(!res.ok ? res.error : '', /pairs\.tsv:5: expected "source<TAB>target" \(exactly one tab\) but found no tab in "five cinco"$/);
    assert.equal(api.training.runs.size, before, 'a run was started on data that does not fit');
  });

  it('Train on Workspace Files with the tagger preset names the second file and its line when only that one does not fit', async () => {
    const good = path.join(dir, 'good.conll'), bad = path.join(dir, 'bad.conll');
    fs.writeFileSync(good, 'the\tDET\ncat\tNOUN\n\na\tDET\ndog\tNOUN\n');
    fs.writeFileSync(bad, 'the\tDET\ncat\tNOUN\n\nthe dog\n');
    await vscode.commands.executeCommand('seqlab.newModel', { preset: 'tagger' });
    const before = api.training.runs.size;
    const res = await within(30_000, 'Train on Workspace Files', vscode.commands.executeCommand<CommandResult>('seqlab.trainOnWorkspaceFiles', { files: [good, bad] }));
    assert.equal(res.ok, false);
    assert.match(!res.ok ? res.error : '', /bad\.conll:4: expected "token<TAB>tag" but found no tab in "the dog"$/);
    assert.equal(api.training.runs.size, before);
  });

  it('Translate Selection uses the last run\'s seq2seq model with no load step', async () => {
    fs.writeFileSync(path.join(dir, 'dates.tsv'), execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'data', 'dates', '--n', '200', '--seed', '3'], { encoding: 'utf8' }));
    execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'train', '--task', 'seq2seq', '--data', 'dates.tsv', '--out', 'model', '--hidden', '16', '--steps', '20', '--seed', '1'], { cwd: dir });
    // The run store holds it as a run of this window would: its config, its data and its checkpoint.
    const id = `run-flows-${Date.now()}`;
    const config = { task: 'seq2seq' } as unknown as RunConfig;
    await api.training.store.saveRun({ id, name: 'dates.tsv', config, train: '', valid: '', corpusMessages: [] });
    await api.training.store.saveCheckpoint(id, {
      meta: fs.readFileSync(path.join(dir, 'model', 'seqlab.json'), 'utf8'), model: new Uint8Array(fs.readFileSync(path.join(dir, 'model', 'model.safetensors'))),
      // `seqlab train` saves the run's training state too (its seqlab.json records the file's checksum).
      state: new Uint8Array(fs.readFileSync(path.join(dir, 'model', 'training.safetensors'))),
    });
    await api.training.store.flush();
    api.models.clear('seq2seq');
    await api.training.loadStoredRuns();
    assert.equal(api.training.current?.id, id);
    const res = await within(30_000, 'Translate Selection', vscode.commands.executeCommand<{ ok: boolean; output?: string; error?: string }>('seqlab.translateSelection', { text: '24 November 2026' }));
    assert.ok(res.ok, `Translate Selection failed: ${res.error}`);
    assert.ok(typeof res.output === 'string');
    assert.equal(api.models.seq2seq?.runId, id, 'the translation did not use the run\'s model');
    assert.equal(api.models.seq2seq?.uri, null);
  });
});
