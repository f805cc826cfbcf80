// Load Model in the real extension host reads a checkpoint folder as untrusted input, as the CLI does: a
// model.safetensors that is a FIFO or a symlink to /dev/zero is refused from its stat with the file named
// (workspace.fs.readFile used to block on the FIFO, or read /dev/zero until the extension host ran out of memory).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { saveTaskDir } from '../../src/cli/io';
import { TASK_TEST_CONFIG } from '../unit/taskConfig';
import { LmTask } from '../../src/engine/tasks/lmTask';

type Result = { ok: true; kind?: string } | { ok: false; error: string };

describe('Load Model: checkpoint files are untrusted', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-load-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a model.safetensors that is a symlink to /dev/zero or a FIFO, naming it, within seconds; a good folder loads', async function () {
    const good = path.join(dir, 'good');
    const task = LmTask.create({ ...TASK_TEST_CONFIG, hidden: 8, embedding: 8, batch: 2, seqLen: 8, seed: 3 }, 'the cat sat on the mat. '.repeat(20));
    saveTaskDir(task, good, {});
    await vscode.extensions.getExtension('seqlab.seqlab')!.activate();
    const load = async (folder: string): Promise<{ r: Result; ms: number }> => {
      const t0 = Date.now();
      // The race only guards the test run: before the fix neither load returned.
      const r = await Promise.race([
        vscode.commands.executeCommand<Result>('seqlab.loadModel', { folder }),
        new Promise<Result>((resolve) => setTimeout(() => resolve({ ok: false, error: 'no answer in 20 s' }), 20_000)),
      ]);
      return { r, ms: Date.now() - t0 };
    };
    const zero = path.join(dir, 'zero'), fifo = path.join(dir, 'fifo');
    for (const d of [zero, fifo]) {
      fs.mkdirSync(d);
      fs.copyFileSync(path.join(good, 'seqlab.json'), path.join(d, 'seqlab.json'));
    }
    fs.symlinkSync('/dev/zero', path.join(zero, 'model.safetensors'));
    const cases: Array<[string, RegExp]> = [[zero, /cannot read .*zero\/model\.safetensors: it is not a regular file/]];
    if (spawnSync('mkfifo', [path.join(fifo, 'model.safetensors')]).status === 0) cases.push([fifo, /cannot read .*fifo\/model\.safetensors: it is not a regular file/]);
    for (const [folder, pattern] of cases) {
      const { r, ms } = await load(folder);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.match(r.error, pattern);
        assert.ok(!r.error.includes('\n'), 'one line');
      }
      assert.ok(ms < 10_000, `took ${ms} ms`);
    }
    const { r } = await load(good);
    assert.ok(r.ok, r.ok ? '' : r.error);
  });
});
