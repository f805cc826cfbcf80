// The seqlab.training.* settings reach the RunConfig a training command builds, in the real extension host:
// beneath the chosen model (a preset's own fields win) and beneath the command's overrides; a bad setting stops
// the command with one message naming it, before any text is read.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunConfig } from '../../src/engine/run/config';
import type { SeqLabApi } from '../../src/extension';
import type { CommandResult } from '../../src/extension/training/trainingCommands';

const PROSE = Array.from({ length: 60 }, (_, i) => `Line ${i}: the quick brown fox jumps over the lazy dog.`).join('\n');
/** Settings this suite changes, restored after each test. */
const CHANGED = ['learningRate', 'seed', 'clipNorm', 'hiddenSize', 'maxSteps', 'lrSchedule', 'bidirectional'];

type Started = { ok: true; runId?: string; config?: RunConfig };

describe('seqlab.training.* settings reach the run config of a training command', function () {
  this.timeout(60_000);
  let api: SeqLabApi;
  const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('seqlab.training');

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!.activate();
  });

  beforeEach(async () => {
    const doc = await vscode.workspace.openTextDocument({ content: PROSE });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, doc.lineCount, 0);
  });

  // Leave the next suite a model equal to the default one (the settings alone), whatever this one chose last.
  after(() => vscode.commands.executeCommand('seqlab.newModel', { custom: { task: 'lm' } }));

  afterEach(async () => {
    await api.training.stop();
    for (const name of CHANGED) await settings().update(name, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Train on Selection: settings beneath the chosen preset, the command\'s overrides on top', async () => {
    const chosen = await vscode.commands.executeCommand<{ ok: boolean }>('seqlab.newModel', { preset: 'char-lstm' });
    assert.ok(chosen.ok, JSON.stringify(chosen));
    await settings().update('learningRate', 0.005, vscode.ConfigurationTarget.Global);
    await settings().update('seed', 7, vscode.ConfigurationTarget.Global);
    await settings().update('clipNorm', 1, vscode.ConfigurationTarget.Global);
    await settings().update('maxSteps', 3, vscode.ConfigurationTarget.Global);
    await settings().update('hiddenSize', 48, vscode.ConfigurationTarget.Global); // the preset's 128 wins
    await settings().update('bidirectional', true, vscode.ConfigurationTarget.Global); // a language model does not read it

    const res = await vscode.commands.executeCommand<CommandResult>('seqlab.trainOnSelection', { config: { batch: 4, seqLen: 16, embedding: 8 } });
    assert.ok(res.ok, JSON.stringify(res));
    const c = (res as Started).config!;
    assert.deepEqual(
      { task: c.task, lr: c.lr, seed: c.seed, clip: c.clip, steps: c.steps, hidden: c.hidden, bidirectional: c.bidirectional, batch: c.batch, seqLen: c.seqLen, embedding: c.embedding, tokenizer: c.tokenizer },
      { task: 'lm', lr: 0.005, seed: 7, clip: 1, steps: 3, hidden: 128, bidirectional: false, batch: 4, seqLen: 16, embedding: 8, tokenizer: 'char' },
    );
    assert.ok(api.training.runs.get((res as Started).runId!), 'the run was started');
  });

  it('a setting changed between two runs changes the next run\'s config (nothing is cached)', async () => {
    await vscode.commands.executeCommand('seqlab.newModel', { preset: 'word-gru' });
    await settings().update('seed', 11, vscode.ConfigurationTarget.Global);
    const first = await vscode.commands.executeCommand<CommandResult>('seqlab.startTraining', { source: { kind: 'selection' }, config: { batch: 2, seqLen: 8, steps: 2 } });
    assert.ok(first.ok, JSON.stringify(first));
    await api.training.stop();
    await settings().update('seed', 12, vscode.ConfigurationTarget.Global);
    const second = await vscode.commands.executeCommand<CommandResult>('seqlab.startTraining', { source: { kind: 'selection' }, config: { batch: 2, seqLen: 8, steps: 2 } });
    assert.ok(second.ok, JSON.stringify(second));
    assert.deepEqual([(first as Started).config!.seed, (second as Started).config!.seed], [11, 12]);
    assert.equal((second as Started).config!.cell, 'gru', 'the word-GRU preset');
  });

  it('a setting the run cannot honour stops the command with one message naming it', async () => {
    await vscode.commands.executeCommand('seqlab.newModel', { preset: 'char-lstm' });
    const runs = api.training.runs.size;
    await settings().update('lrSchedule', 'cosine', vscode.ConfigurationTarget.Global); // with maxSteps 0: no budget to decay over
    let res = await vscode.commands.executeCommand<CommandResult>('seqlab.trainOnSelection');
    assert.deepEqual(res, { ok: false, error: 'seqlab.training.lrSchedule: the cosine schedule runs over the run\'s budget: set a step limit of 2 or more, or a time limit' });
    await settings().update('lrSchedule', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('hiddenSize', 1.5, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('seqlab.newModel', { custom: { task: 'lm', layers: 2 } });
    res = await vscode.commands.executeCommand<CommandResult>('seqlab.trainOnSelection');
    assert.deepEqual(res, { ok: false, error: 'seqlab.training.hiddenSize: must be a whole number, got 1.5' });
    assert.equal(api.training.runs.size, runs, 'no run was started');
  });
});
