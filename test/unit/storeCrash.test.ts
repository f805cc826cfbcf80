// The extension's run store (src/extension/training/store.ts, over Node's fs as the extension uses it for local
// storage) under crashes: a child process saves a checkpoint and is killed with SIGKILL right after its k-th
// file-system change, for every k until the save completes, starting from a run whose latest checkpoint is an
// older model AT THE SAME STEP (the case that used to rewrite the live folder file by file). Every time, a fresh
// store (a reloaded window) must load exactly the old or exactly the new checkpoint, and a later save must work
// and leave no stray folders or temporaries.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCheckpoint, writeCheckpoint, type CheckpointFiles } from '../../src/engine/checkpoint';
import { LanguageModel } from '../../src/engine/lm';
import { Rng } from '../../src/engine/rng';
import { CharTokenizer } from '../../src/engine/tokenize/tokenizer';
import { FileRunStore, nodeFiles } from '../../src/extension/training/store';

const STORE_JS = path.resolve(__dirname, '../../src/extension/training/store.js');

function checkpoint(seed: number, step: number): CheckpointFiles {
  const tok = CharTokenizer.build('abcdefgh');
  const arch = { kind: 'lm' as const, config: { vocabSize: tok.vocabSize, embeddingSize: 3, rnn: { cell: 'lstm' as const, hiddenSize: 5, numLayers: 1, bidirectional: false, merge: 'concat' as const, dropout: 0 } } };
  const model = new LanguageModel(arch.config);
  const rng = new Rng(seed);
  model.initialize(rng);
  const m = new Float32Array(model.params.size).fill(seed), v = new Float32Array(model.params.size).fill(seed / 10);
  return writeCheckpoint({
    architecture: arch, params: model.params, tokenizer: tok, seed,
    training: { optimizer: { kind: 'adam' }, optimizerState: { kind: 'adam', stepCount: step, moments: { exp_avg: m, exp_avg_sq: v } }, rng: rng.getState(), extra: {}, buffers: {} },
  });
}

const same = (a: CheckpointFiles, b: CheckpointFiles): boolean =>
  a.meta === b.meta && Buffer.from(a.model).equals(Buffer.from(b.model)) && Buffer.from(a.state ?? []).equals(Buffer.from(b.state ?? []));

describe('run store: a checkpoint save killed at every file-system change', function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-store-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a fresh store loads exactly the old or the new checkpoint, and saves again cleanly', async () => {
    const oldCk = checkpoint(1, 50), newCk = checkpoint(2, 50); // the same step: the save must not touch the live folder
    const newDir = path.join(tmp, 'new');
    fs.mkdirSync(newDir);
    fs.writeFileSync(path.join(newDir, 'model'), newCk.model);
    fs.writeFileSync(path.join(newDir, 'meta'), newCk.meta);
    fs.writeFileSync(path.join(newDir, 'state'), newCk.state!);
    const child = path.join(tmp, 'save.js');
    fs.writeFileSync(child, `
      const fs = require('fs'), path = require('path');
      const { FileRunStore, nodeFiles } = require(${JSON.stringify(STORE_JS)});
      const [root, dir] = process.argv.slice(2);
      const read = (n) => new Uint8Array(fs.readFileSync(path.join(dir, n)));
      new FileRunStore(nodeFiles(root)).saveCheckpoint('r1', { model: read('model'), meta: fs.readFileSync(path.join(dir, 'meta'), 'utf8'), state: read('state') })
        .then(() => process.exit(0), (e) => { console.error(e); process.exit(3); });
    `);
    const outcomes = { old: 0, new: 0 };
    let k = 1;
    for (; k < 60; k++) {
      const root = path.join(tmp, `root-${k}`);
      await new FileRunStore(nodeFiles(root)).saveCheckpoint('r1', oldCk);
      const r = spawnSync(process.execPath, [child, root, newDir], { encoding: 'utf8', env: { ...process.env, SEQLAB_FAULT_AFTER_FS_OPS: String(k) } });
      const killed = r.signal === 'SIGKILL';
      if (!killed) assert.equal(r.status, 0, r.stderr);
      const reloaded = new FileRunStore(nodeFiles(root));
      const loaded = await reloaded.loadCheckpoint('r1');
      assert.ok(loaded, `k=${k}: no checkpoint loads`);
      readCheckpoint(loaded, `k=${k}`); // checksums, shapes, finiteness
      const which = same(loaded, oldCk) ? 'old' : same(loaded, newCk) ? 'new' : null;
      assert.ok(which, `k=${k}: the loaded checkpoint is neither the old nor the new one`);
      outcomes[which]++;
      const dir = await reloaded.checkpointDir('r1');
      assert.ok(dir && fs.existsSync(path.join(dir, 'seqlab.json')), `k=${k}: checkpointDir names no complete folder`);
      if (!killed) {
        assert.equal(which, 'new');
        break;
      }
      const later = checkpoint(3, 75);
      await reloaded.saveCheckpoint('r1', later);
      assert.ok(same((await new FileRunStore(nodeFiles(root)).loadCheckpoint('r1'))!, later), `k=${k}: the save after the crash`);
      const left = fs.readdirSync(path.join(root, 'runs', 'r1'));
      assert.ok(left.length <= 3 && left.includes('latest.json') && left.every((n) => n === 'latest.json' || /^ckpt-\d+-[0-9a-z]+$/.test(n)), `k=${k}: left ${left.join(', ')}`);
    }
    console.log(`      killed after each of ${k - 1} file-system changes: loaded the old checkpoint ${outcomes.old}×, the new ${outcomes.new - 1}× (+1 uninterrupted save)`);
    assert.ok(k > 5 && k < 60 && outcomes.old > 0);
  });

  it('an unreadable latest.json falls back to the newest complete folder; old-style ckpt-<step> folders still load', async () => {
    const root = path.join(tmp, 'fallback');
    const store = new FileRunStore(nodeFiles(root));
    const a = checkpoint(4, 10), b = checkpoint(5, 20);
    await store.saveCheckpoint('r2', a);
    await store.saveCheckpoint('r2', b);
    fs.writeFileSync(path.join(root, 'runs', 'r2', 'latest.json'), '{"dir": "ckpt-00'); // torn by a power loss
    assert.ok(same((await new FileRunStore(nodeFiles(root)).loadCheckpoint('r2'))!, b));
    // An incomplete newer folder (no seqlab.json yet) is passed over.
    fs.mkdirSync(path.join(root, 'runs', 'r2', 'ckpt-0000030-zzz'));
    fs.writeFileSync(path.join(root, 'runs', 'r2', 'ckpt-0000030-zzz', 'model.safetensors'), a.model);
    assert.ok(same((await new FileRunStore(nodeFiles(root)).loadCheckpoint('r2'))!, b));
    // The layout of earlier versions: ckpt-0000010/ named by latest.json.
    const legacy = path.join(tmp, 'legacy', 'runs', 'r3');
    fs.mkdirSync(path.join(legacy, 'ckpt-0000010'), { recursive: true });
    fs.writeFileSync(path.join(legacy, 'ckpt-0000010', 'model.safetensors'), a.model);
    fs.writeFileSync(path.join(legacy, 'ckpt-0000010', 'seqlab.json'), a.meta);
    fs.writeFileSync(path.join(legacy, 'ckpt-0000010', 'training.safetensors'), a.state!);
    fs.writeFileSync(path.join(legacy, 'latest.json'), JSON.stringify({ dir: 'ckpt-0000010', step: 10 }));
    const old = new FileRunStore(nodeFiles(path.join(tmp, 'legacy')));
    assert.ok(same((await old.loadCheckpoint('r3'))!, a));
    await old.saveCheckpoint('r3', b);
    assert.ok(same((await old.loadCheckpoint('r3'))!, b));
  });
});
