// `seqlab train --threads N` in the real process (node dist/cli.js; its helpers run dist/trainThread.js): the
// weights after N steps on 2 threads, and on the default (every core), are those of --threads 1 up to float32
// summation order; a bad value is a one-line usage error (exit 2); Ctrl-C during a threaded run still stops it
// with exit 130 and saves the weights.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODEL_FILE } from '../../src/engine/checkpoint';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import { decodeSafetensors } from '../../src/engine/safetensors';
import { scratchDir } from './scratchDir';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const { dir: tmp, file } = scratchDir('seqlab-cli-threads-');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function weights(dir: string): Map<string, Float32Array> {
  const t = decodeSafetensors(new Uint8Array(fs.readFileSync(path.join(dir, MODEL_FILE))));
  return new Map([...t.tensors].map(([name, x]) => [name, Float32Array.from(x.data)]));
}

function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  assert.deepEqual([...a.keys()], [...b.keys()]);
  let w = 0;
  for (const [k, x] of a) {
    const y = b.get(k)!;
    for (let i = 0; i < x.length; i++) w = Math.max(w, Math.abs(x[i] - y[i]));
  }
  return w;
}

const WORDS = 'the quick brown fox jumps over a lazy dog while seven wizards box and jump'.split(' ');
const rng = new Rng(9);
const LM = Array.from({ length: 4000 }, () => WORDS[rng.int(WORDS.length)]).join(' ');
const PAIRS = generateTask('reverse', new Rng(4), 300, { minLen: 3, maxLen: 9 }).map((p) => `${p.source}\t${p.target}`).join('\n');

describe('seqlab train --threads (real processes)', function () {
  this.timeout(240_000);
  before(() => assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'trainThread.js')), 'dist/trainThread.js is missing: run npm run build first'));

  const cases: { task: string; text: string; flags: string[] }[] = [
    { task: 'lm', text: LM, flags: ['--layers', '2', '--batch', '9', '--seq-len', '24'] },
    { task: 'seq2seq', text: PAIRS, flags: ['--attention', 'additive', '--attention-location', '3', '--batch', '17'] },
  ];
  for (const c of cases) {
    it(`${c.task}: --threads 2 and the default (every core) end where --threads 1 does, up to float32 rounding`, () => {
      const data = file(`${c.task}.txt`, c.text);
      const train = (threads: string[], out: string, steps = '12') => {
        const r = cli('train', '--task', c.task, '--data', data, '--out', path.join(tmp, out), '--steps', steps, '--hidden', '24', '--embedding', '12',
          '--valid-every', '0', '--seed', '3', '--force', ...c.flags, ...threads);
        assert.equal(r.status, 0, r.stderr);
        return weights(path.join(tmp, out));
      };
      const one = train(['--threads', '1'], `${c.task}-1`);
      const two = train(['--threads', '2'], `${c.task}-2`);
      const auto = train([], `${c.task}-auto`);
      const d2 = maxDiff(two, one), dAuto = maxDiff(auto, one);
      console.log(`      ${c.task}: max |Δw| 2 threads ${d2.toExponential(1)}, every core ${dAuto.toExponential(1)}`);
      assert.ok(d2 < 1e-4 && dAuto < 1e-4, `weights differ: ${d2}, ${dAuto}`);
      const moved = maxDiff(one, train(['--threads', '1'], `${c.task}-1-step`, '1'));
      assert.ok(moved > 1e-3, `the runs did train (${moved})`);
    });
  }

  it('a bad --threads value is one usage line naming the flag, exit 2, before any training', () => {
    const data = file('lm-bad.txt', LM);
    for (const [v, why] of [['-1', /at least 0/], ['two', /must be a number/], ['1.5', /must be an integer/], ['257', /at most 256/]] as const) {
      const r = cli('train', '--task', 'lm', '--data', data, '--out', path.join(tmp, 'bad'), '--threads', v, '--force');
      assert.match(r.stderr, /^seqlab: [^\n]*--threads[^\n]*\n$/, r.stderr);
      assert.match(r.stderr, why);
      assert.equal(r.status, 2);
      assert.equal(fs.existsSync(path.join(tmp, 'bad', MODEL_FILE)), false);
    }
  });

  it('Ctrl-C during a 2-thread run stops it: exit 130, the weights saved', async () => {
    const data = file('lm-int.txt', LM), out = path.join(tmp, 'interrupted');
    const p = spawn(process.execPath, [CLI, 'train', '--task', 'lm', '--data', data, '--out', out, '--time', '120', '--threads', '2', '--json', '--force'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stderr.on('data', (b: Buffer) => void (stderr += b.toString()));
    await new Promise<void>((resolve) => p.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (stdout.includes('"type":"start"')) resolve();
    }));
    await new Promise((r) => setTimeout(r, 1500));
    p.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => p.on('close', (code) => resolve(code)));
    assert.equal(status, 130, stderr);
    assert.equal(JSON.parse(stdout.split('\n')[0]).threads, 2, 'the start line says how many threads train');
    assert.match(stderr, /interrupted by SIGINT/);
    assert.ok(fs.existsSync(path.join(out, MODEL_FILE)));
  });
});
