// Checkpoint folders under crashes and reuse, with real processes (node dist/cli.js; run `npm run build` first):
//   - fault injection: a save is killed with SIGKILL right after its k-th file-system change (write, rename,
//     removal), for every k until a save runs to the end; each time the folder must load and be EXACTLY the old
//     model or EXACTLY the new one, keep the user's other files, leave no temporary behind once loaded, and
//     take a later save;
//   - train / import / export refuse an --out holding another model or other files, unless --force, and refuse
//     before any work.
import * as assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCheckpointFiles } from '../../src/cli/exportIo';
import { loadTask } from '../../src/engine/tasks/checkpoint';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function cli(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
}

function ok(args: string[]): string {
  const r = cli(args);
  assert.equal(r.status, 0, `seqlab ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** name → contents of every entry of a folder (files only; the checkpoint folders here hold no subfolders). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) out[name] = fs.readFileSync(path.join(dir, name)).toString('base64');
  return out;
}

describe('checkpoint folders: crashes at every step of a save, and --force', function () {
  this.timeout(240_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-crash-'));
  const text = path.join(tmp, 'lm.txt');
  const tiny = ['--task', 'lm', '--data', text, '--hidden', '8', '--embedding', '4', '--seq-len', '8', '--batch', '2'];
  const modelA = path.join(tmp, 'a'), modelB = path.join(tmp, 'b');

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`);
    fs.writeFileSync(text, 'the cat sat on the mat. '.repeat(20));
    ok(['train', ...tiny, '--steps', '2', '--out', modelA, '--seed', '1']);
    ok(['train', ...tiny, '--steps', '2', '--out', modelB, '--seed', '2', '--layers', '2']); // another architecture: a mix cannot load
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Runs `save(out)` killed after its k-th change, for k = 1, 2, … until it completes; checks every outcome. */
  function crashEverywhere(name: string, save: (out: string) => string[], expected: { old: Record<string, string>; fresh: Record<string, string> }): void {
    const parent = path.join(tmp, `${name}-runs`);
    const out = path.join(parent, 'model');
    const outcomes = { old: 0, fresh: 0 };
    let k = 1;
    for (; k < 100; k++) {
      fs.rmSync(parent, { recursive: true, force: true });
      fs.mkdirSync(out, { recursive: true });
      for (const [f, b64] of Object.entries(expected.old)) fs.writeFileSync(path.join(out, f), Buffer.from(b64, 'base64'));
      const r = cli(save(out), { SEQLAB_FAULT_AFTER_FS_OPS: String(k) });
      const killed = r.signal === 'SIGKILL';
      if (!killed) assert.equal(r.status, 0, `k=${k}: ${r.stderr}`);
      // The folder loads (settling the interrupted save) and is exactly one of the two models.
      const files = readCheckpointFiles(out);
      loadTask(files, out);
      const now = snapshot(out);
      const which = JSON.stringify(now) === JSON.stringify(expected.old) ? 'old' : JSON.stringify(now) === JSON.stringify(expected.fresh) ? 'fresh' : null;
      assert.ok(which, `k=${k}: the folder holds neither the old nor the new model: ${Object.keys(now).join(', ')}`);
      outcomes[which]++;
      assert.deepEqual(fs.readdirSync(parent), ['model'], `k=${k}: temporaries left after the load`);
      if (!killed) {
        assert.equal(which, 'fresh');
        break;
      }
      // A later save over whatever the crash left works and gives the new model.
      assert.equal(cli(save(out)).status, 0, `k=${k}: the save after the crash failed`);
      assert.equal(JSON.stringify(snapshot(out)), JSON.stringify(expected.fresh), `k=${k}: the save after the crash`);
      assert.deepEqual(fs.readdirSync(parent), ['model']);
    }
    console.log(`      ${name}: killed after each of ${k - 1} file-system changes; the folder held the old model ${outcomes.old}×, the new ${outcomes.fresh - 1}× (+1 uninterrupted save)`);
    assert.ok(k > 5 && k < 100, `the save made ${k - 1} file-system changes`);
    assert.ok(outcomes.old > 0 && outcomes.fresh > 0, `outcomes ${JSON.stringify(outcomes)}`);
  }

  it('import --force over a model, killed after each write and rename: old or new, notes.txt kept', () => {
    const ref = (dir: string, from: string): Record<string, string> => {
      ok(['import', path.join(from, 'model.safetensors'), '--meta', from, '--out', dir]);
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'the user\'s own file\n');
      return snapshot(dir);
    };
    // info.importedFrom names the weights file, the same in both; so the reference folders are byte-exact.
    const old = ref(path.join(tmp, 'ref-old'), modelA), fresh = ref(path.join(tmp, 'ref-new'), modelB);
    assert.notDeepEqual(old['model.safetensors'], fresh['model.safetensors']);
    crashEverywhere('import', (out) => ['import', path.join(modelB, 'model.safetensors'), '--meta', modelB, '--out', out, '--force'], { old, fresh });
  });

  it('export --force over an export, killed at every step', () => {
    const refOld = path.join(tmp, 'exp-old'), refNew = path.join(tmp, 'exp-new');
    ok(['export', modelA, '--out', refOld]);
    ok(['export', modelB, '--out', refNew]);
    crashEverywhere('export', (out) => ['export', modelB, '--out', out, '--force'], { old: snapshot(refOld), fresh: snapshot(refNew) });
  });

  describe('--force', () => {
    const cases: [string, (out: string) => string[]][] = [
      ['train', (out) => ['train', ...tiny, '--steps', '100000', '--out', out]],
      ['import', (out) => ['import', path.join(modelA, 'model.safetensors'), '--meta', modelA, '--out', out]],
      ['export', (out) => ['export', modelA, '--out', out]],
    ];
    for (const [command, args] of cases) {
      it(`${command} refuses a folder holding another model, before any work; --force replaces it`, () => {
        const out = path.join(tmp, `force-${command}`);
        fs.cpSync(modelB, out, { recursive: true });
        const before = snapshot(out);
        const t0 = performance.now();
        const r = cli(args(out));
        assert.equal(r.status, 2, r.stderr);
        assert.ok(performance.now() - t0 < 5000, 'the refusal came after the work');
        assert.equal(r.stdout, '');
        assert.equal(r.stderr, `seqlab: ${command}: --out ${out} already holds a model (seqlab.json); pass --force to replace it\n`);
        assert.deepEqual(snapshot(out), before);
        const forced = args(out).map((a) => (a === '100000' ? '2' : a)).concat('--force');
        assert.equal(cli(forced).status, 0);
        assert.notDeepEqual(snapshot(out)['model.safetensors'], before['model.safetensors']);
        assert.ok(!fs.existsSync(path.join(out, 'training.safetensors')) || command === 'train');
      });

      it(`${command} refuses a non-empty folder that is not a checkpoint; --force keeps its files`, () => {
        const out = path.join(tmp, `foreign-${command}`);
        fs.mkdirSync(path.join(out, 'sub'), { recursive: true });
        fs.writeFileSync(path.join(out, 'essay.txt'), 'mine');
        fs.writeFileSync(path.join(out, 'sub', 'data.csv'), '1,2');
        const r = cli(args(out));
        assert.equal(r.status, 2);
        assert.match(r.stderr, /^seqlab: \w+: --out .* is not empty and is not a SeqLab checkpoint \(it holds 2 entries, e\.g\. essay\.txt\); pass --force to save the model into it anyway\n$/);
        assert.equal(cli(args(out).map((a) => (a === '100000' ? '2' : a)).concat('--force')).status, 0);
        assert.equal(fs.readFileSync(path.join(out, 'essay.txt'), 'utf8'), 'mine');
        assert.equal(fs.readFileSync(path.join(out, 'sub', 'data.csv'), 'utf8'), '1,2');
        loadTask(readCheckpointFiles(out), out);
      });
    }

    it('a symlinked model folder is replaced where it is; the link stays a link', () => {
      const real = path.join(tmp, 'real-model'), link = path.join(tmp, 'link-model');
      fs.cpSync(modelA, real, { recursive: true });
      fs.symlinkSync(real, link);
      assert.equal(cli(['import', path.join(modelB, 'model.safetensors'), '--meta', modelB, '--out', link, '--force']).status, 0);
      assert.ok(fs.lstatSync(link).isSymbolicLink());
      assert.deepEqual(fs.readFileSync(path.join(real, 'model.safetensors')), fs.readFileSync(path.join(modelB, 'model.safetensors')));
      loadTask(readCheckpointFiles(link), link);
    });

    it('an --out that is a file is refused even with --force; an empty folder needs no --force', () => {
      const file = path.join(tmp, 'plain-file');
      fs.writeFileSync(file, 'x');
      const r = cli(['export', modelA, '--out', file, '--force']);
      assert.equal(r.status, 1); // a file in the way is a file problem (exit 1), not a usage error
      assert.match(r.stderr, /--out .*plain-file is a file, not a folder/);
      const empty = path.join(tmp, 'empty');
      fs.mkdirSync(empty);
      ok(['export', modelA, '--out', empty]);
    });
  });
});
