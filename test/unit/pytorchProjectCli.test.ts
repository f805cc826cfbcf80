// The training project through the real CLI (own processes): `seqlab train` → `seqlab export --format
// pytorch-project` → `python3 train.py` → `seqlab import PROJECT` → the imported model answers (generate, translate
// with its attention matrix, classify) and carries the history train.py logged. And the one-line refusals:
// a checkpoint with no training state, a missing or different data file, --data with the inference export.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sampleData, torchMissing, trainPy } from './pytorch/project';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function seqlab(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(cwd: string, ...args: string[]): string {
  const r = seqlab(cwd, ...args);
  assert.equal(r.status, 0, `seqlab ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const SMALL = ['--hidden', '8', '--embedding', '6', '--batch', '4', '--seq-len', '12', '--seed', '5', '--valid-every', '0'];

describe('PyTorch training project through the CLI (real processes, real torch)', function () {
  this.timeout(300_000);
  let tmp: string;

  before(function () {
    const missing = torchMissing();
    if (missing) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    if (!fs.existsSync(CLI)) assert.fail(`${CLI} is missing: run npm run build first`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-project-cli-'));
    for (const kind of ['lm', 'seq2seq', 'classify'] as const) fs.writeFileSync(path.join(tmp, `${kind}.txt`), sampleData(kind, 60));
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  const cases = [
    { kind: 'lm', use: ['generate', '--prompt', 'the ', '--max', '10'] },
    { kind: 'seq2seq', use: ['translate', '--input', 'the cat sat', '--json'] },
    { kind: 'classify', use: ['classify', '--input', 'the cat sat on a mat', '--json'] },
  ] as const;
  for (const c of cases) {
    it(`${c.kind}: train → export project → train.py 3 steps → import the project → ${c.use[0]} with the PyTorch weights`, () => {
      const ck = `${c.kind}-ck`, proj = `${c.kind}-proj`, model = `${c.kind}-model`;
      ok(tmp, 'train', '--task', c.kind, '--data', `${c.kind}.txt`, '--out', ck, '--steps', '4', ...SMALL, ...(c.kind === 'lm' ? [] : ['--tokenizer', 'word']));
      const exported = ok(tmp, 'export', ck, '--format', 'pytorch-project', '--out', proj);
      assert.match(exported, new RegExp(`^exported ${c.kind} training project \\(continues at step 5\\) to `));
      for (const f of ['model.py', 'train.py', 'config.json', 'data.json', 'README.md', 'checkpoint/seqlab.json', 'checkpoint/training.safetensors']) {
        assert.ok(fs.existsSync(path.join(tmp, proj, f)), `${proj}/${f} is missing`);
      }
      const lines = trainPy(path.join(tmp, proj), ['--steps', '3']);
      assert.deepEqual(lines.map((l) => l.step), [5, 6, 7]);
      const imported = ok(tmp, 'import', proj, '--out', model);
      assert.equal(imported, `imported the ${c.kind} model of ${path.join(proj, 'runs', 'step-00000007')} (step 7, 3 steps of history) into ${model}\n`);
      const history = fs.readFileSync(path.join(tmp, model, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number });
      assert.deepEqual(history.map((h) => [h.step, h.loss]), lines.map((l) => [l.step, l.loss]));
      const out = ok(tmp, c.use[0], model, ...c.use.slice(1));
      if (c.kind === 'seq2seq') {
        const t = JSON.parse(out) as { attention: number[][] };
        assert.ok(t.attention.length > 0 && t.attention.every((row) => Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-4), 'attention rows sum to 1');
      } else if (c.kind === 'classify') {
        assert.match(out, /"label"/);
      } else {
        assert.ok(out.length > 0);
      }
    });
  }

  it('refuses in one line: no training state, missing data, other data, --data for the inference export', () => {
    ok(tmp, 'train', '--task', 'lm', '--data', 'lm.txt', '--out', 'r-ck', '--steps', '2', ...SMALL);
    ok(tmp, 'export', 'r-ck', '--out', 'r-inference');
    fs.copyFileSync(path.join(tmp, 'r-ck', 'model.safetensors'), path.join(tmp, 'r-inference', 'model.safetensors'));
    const noState = seqlab(tmp, 'export', 'r-inference', '--format', 'pytorch-project', '--out', 'p1');
    assert.equal(noState.status, 1);
    assert.match(noState.stderr, /^seqlab: export: r-inference holds no training state .*train it with seqlab train first\n$/);
    const missing = seqlab(tmp, 'export', 'r-ck', '--format', 'pytorch-project', '--out', 'p2', '--data', 'nope.txt');
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, 'seqlab: export: the run\'s training data nope.txt is not found; give it with --data FILE\n');
    fs.writeFileSync(path.join(tmp, 'other.txt'), 'zzzz qqqq xxxx '.repeat(50));
    const other = seqlab(tmp, 'export', 'r-ck', '--format', 'pytorch-project', '--out', 'p3', '--data', 'other.txt');
    assert.equal(other.status, 1);
    assert.match(other.stderr, /^seqlab: export: r-ck does not continue on other\.txt: (the checkpoint's lm model|the checkpoint was trained on other data).*\n$/);
    const usage = seqlab(tmp, 'export', 'r-ck', '--out', 'p4', '--data', 'lm.txt');
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^seqlab: export: --data and --valid apply to --format pytorch-project/);
    for (const p of ['p1', 'p2', 'p3', 'p4']) assert.ok(!fs.existsSync(path.join(tmp, p)), `${p} was written`);
    const notProject = seqlab(tmp, 'import', '.', '--out', 'm');
    assert.equal(notProject.status, 1);
    assert.match(notProject.stderr, /^seqlab: import: \. is neither a SeqLab training project/);
  });
});
