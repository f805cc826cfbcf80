// The live attention view in the real extension host: Follow Line in Attention View says in one line why it
// cannot follow (no run; a run that is not seq2seq with attention) and never opens a view then; an attention
// frame of a run in training opens the attention view beside the editor, and the host keeps each run's last
// frame for a view opened later (Show Live Attention).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SeqLabApi } from '../../src/extension';
import type { LiveResult } from '../../src/extension/panels/liveAttentionCommands';
import type { RunRecord, SessionEvent } from '../../src/extension/training/session';
import type { CommandResult } from '../../src/extension/training/trainingCommands';
import type { RunConfig } from '../../src/engine/run/config';

const CONFIG: Partial<RunConfig> = { embedding: 8, hidden: 16, layers: 1, batch: 4, seqLen: 16, checkpointEvery: 0, snapshotEvery: 0, validEvery: 0 };
const PROSE = Array.from({ length: 60 }, (_, i) => `Line ${i}: the quick brown fox jumps over the lazy dog.`).join('\n');

const attentionTab = (): vscode.Tab | undefined =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'SeqLab Attention');

async function until(what: string, f: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live attention view in the extension host', function () {
  this.timeout(90_000);
  let api: SeqLabApi;

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!.activate();
  });

  afterEach(async () => {
    await api.training.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Follow Line refuses in one line when nothing follows, and opens no view', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'Sunday, 30 October 2039\t2039-10-30\n' });
    await vscode.window.showTextDocument(doc);
    const none = await vscode.commands.executeCommand<LiveResult>('seqlab.followLineInAttention');
    assert.equal(none.ok, false);
    assert.match(!none.ok ? none.error : '', /^No model is training: the live attention view follows a seq2seq model with attention/);

    // A language model in training: named, and why it cannot be followed.
    const doc2 = await vscode.workspace.openTextDocument({ content: PROSE });
    const editor = await vscode.window.showTextDocument(doc2);
    editor.selection = new vscode.Selection(0, 0, doc2.lineCount, 0);
    const started = await vscode.commands.executeCommand<CommandResult>('seqlab.trainOnSelection', { config: CONFIG });
    assert.ok(started.ok, JSON.stringify(started));
    await until('the run to start', () => api.training.current?.state === 'running');
    await vscode.window.showTextDocument(doc2);
    const lm = await vscode.commands.executeCommand<LiveResult>('seqlab.followLineInAttention');
    assert.equal(lm.ok, false);
    assert.match(!lm.ok ? lm.error : '', /^The run “.+” trains a language model: the live attention view needs a seq2seq model with attention\.$/);
    assert.equal(attentionTab(), undefined, 'no attention view opened');
  });

  it('a run\'s attention frame opens the view beside the editor; its last frame is kept for a view opened later', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: PROSE });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, doc.lineCount, 0);
    assert.ok((await vscode.commands.executeCommand<CommandResult>('seqlab.trainOnSelection', { config: CONFIG })).ok);
    await until('the run to start', () => api.training.current?.state === 'running');
    const run = api.training.current as RunRecord;
    // What the session emits for a worker's `attention` message (the language-model worker sends none itself).
    const emit = (e: SessionEvent): void => (api.training as unknown as { emit(e: SessionEvent): void }).emit(e);
    const frame = (step: number, w: number[][]): SessionEvent => ({
      type: 'attention', run, step,
      frame: { source: 'Oct 30', reference: '10-30', sourceTokens: ['O', 'c', 't', ' ', '3', '0'], outputTokens: ['1', '0', '<eos>'], weights: w },
    });
    const uniform = [0, 1, 2].map(() => Array(6).fill(1 / 6));
    emit(frame(20, uniform));
    await until('the attention view to open', () => attentionTab() !== undefined);
    assert.equal(api.liveAttention.lastFrame()?.step, 20);
    const sharp = [[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1]];
    emit(frame(60, sharp));
    assert.equal(api.liveAttention.lastFrame(run.id)?.step, 60, 'the last frame per run');
    assert.deepEqual(api.liveAttention.lastFrame(run.id)?.frame.weights, sharp);

    // Closed, then opened again: it shows the kept frame at once.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the view to close', () => attentionTab() === undefined);
    const shown = await vscode.commands.executeCommand<LiveResult>('seqlab.showLiveAttention');
    assert.deepEqual(shown, { ok: true, source: 'Oct 30', step: 60 });
    await until('the attention view to open again', () => attentionTab() !== undefined);
  });
});
