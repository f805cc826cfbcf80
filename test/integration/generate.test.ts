// Generate Text in the real extension host: a 60 KB prompt (a whole file selected) is read in chunks and
// continued, and a model whose head strongly prefers <pad>, <unk> and <bos> writes none of them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { saveTaskDir } from '../../src/cli/io';
import { TASK_TEST_CONFIG } from '../unit/taskConfig';
import { LmTask } from '../../src/engine/tasks/lmTask';
import { BOS, PAD, UNK } from '../../src/engine/tokenize/types';

describe('Generate Text: long prompts and special tokens', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-gen-'));
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('continues a 60 KB prompt without writing <pad>, <unk> or <bos>, though the model prefers them', async () => {
    const corpus = 'the cat sat on the mat. the dog sat on the log. '.repeat(50);
    const task = LmTask.create({ ...TASK_TEST_CONFIG, cell: 'gru', hidden: 32, embedding: 8, batch: 4, seqLen: 16, seed: 5 }, corpus);
    for (let i = 0; i < 5; i++) task.trainStep();
    const bias = task.params.value('head.bias');
    for (const id of [PAD, UNK, BOS]) bias[id] += 30;
    saveTaskDir(task, dir, {});
    await vscode.extensions.getExtension('seqlab.seqlab')!.activate();
    const prompt = corpus.repeat(25).slice(0, 60_000);
    const r = await vscode.commands.executeCommand<{ ok: boolean; text?: string; tokens?: number; error?: string }>(
      'seqlab.generateText', { checkpoint: dir, text: prompt },
    );
    assert.ok(r.ok, r.error);
    assert.ok(r.text!.length > 0 && r.tokens! > 0);
    // A char model: every written token is one character, so a special (<pad>/<bos> write nothing, <unk> U+FFFD)
    // would show as a shorter text or a replacement character.
    assert.equal([...r.text!].length, r.tokens);
    assert.ok(!r.text!.includes('\uFFFD'));
  });
});
