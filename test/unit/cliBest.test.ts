// `seqlab train`'s best checkpoint and early stopping, through the real command (node dist/cli.js in a child
// process, real files): a run that overfits a small text stops early (--early-stopping --patience), saves the
// weights of its lowest validation loss to <out>/best/ and to <out>, and says where; `seqlab eval` on best/ gives
// the best's loss exactly as the run measured it on the same data; the --json summary names the best; --patience
// without --early-stopping is a usage error; a --force run without validations removes a stale best/.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scratchDir } from './scratchDir';
import { ruleTexts } from './ruleText';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const { dir: tmp, file } = scratchDir('seqlab-best-');

function seqlab(...argv: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...argv], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const texts = ruleTexts();
const train = file('train.txt', texts.train), valid = file('valid.txt', texts.valid);
const big = ['--task', 'lm', '--data', train, '--valid', valid, '--hidden', '96', '--embedding', '16', '--batch', '4', '--seq-len', '16', '--lr', '0.01', '--seed', '3', '--valid-every', '10'];

describe('seqlab train: best checkpoint and early stopping', function () {
  this.timeout(180_000);
  before(() => assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--early-stopping stops after --patience validations without improvement; best/ and --out hold the lowest validation loss\'s weights', () => {
    const out = path.join(tmp, 'early');
    const r = seqlab('train', ...big, '--out', out, '--early-stopping', '--patience', '4', '--steps', '3000', '--json');
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const valids = lines.filter((l) => l.type === 'valid'), done = lines.at(-1);
    assert.equal(done.type, 'done');
    assert.equal(done.earlyStopped, true);
    const min = Math.min(...valids.map((v) => v.loss));
    assert.equal(done.best.validLoss, min);
    assert.equal(valids.find((v) => v.loss === min).step, done.best.step);
    // Stopped exactly `patience` validations after the last improvement (every later one was above the best).
    assert.equal(valids.at(-1).step, done.best.step + 4 * 10);
    assert.ok(done.steps < 3000);
    const meta = (dir: string): { info: { best?: { step: number } } } => JSON.parse(fs.readFileSync(path.join(dir, 'seqlab.json'), 'utf8'));
    assert.equal(meta(path.join(out, 'best')).info.best!.step, done.best.step);
    assert.equal(meta(out).info.best!.step, done.best.step);
    assert.deepEqual(fs.readFileSync(path.join(out, 'best', 'model.safetensors')), fs.readFileSync(path.join(out, 'model.safetensors')));
  });

  it('without --early-stopping the run takes every step, reports the best and keeps best/ beside the latest', () => {
    const out = path.join(tmp, 'plain');
    const r = seqlab('train', ...big, '--out', out, '--steps', '200');
    assert.equal(r.code, 0, r.err);
    const m = /best validation loss ([\d.]+) at step (\d+); saved to (\S+)\n/.exec(r.out);
    assert.ok(m, r.out);
    assert.equal(m[3], path.join(out, 'best'));
    assert.match(r.out, /^trained lm: 200 steps/);
    assert.doesNotMatch(r.out, /stopped early/);
    const latest = fs.readFileSync(path.join(out, 'model.safetensors')), best = fs.readFileSync(path.join(out, 'best', 'model.safetensors'));
    assert.notDeepEqual(latest, best);
    // The best generalises better than the memorised latest on held-out text.
    const evalLoss = (dir: string): number => JSON.parse(seqlab('eval', dir, '--data', valid, '--json').out).loss;
    assert.ok(evalLoss(path.join(out, 'best')) < evalLoss(out));
    // --force without validations: no best, and the stale best/ of the earlier model is gone.
    const again = seqlab('train', '--task', 'lm', '--data', train, '--out', out, '--force', '--steps', '5', '--valid-every', '0');
    assert.equal(again.code, 0, again.err);
    assert.equal(fs.existsSync(path.join(out, 'best')), false);
  });

  it('--patience without --early-stopping is a usage error (exit 2, one line)', () => {
    const r = seqlab('train', '--task', 'lm', '--data', train, '--out', path.join(tmp, 'x'), '--patience', '3');
    assert.equal(r.code, 2);
    assert.equal(r.err, 'seqlab: train: --patience counts validations before an early stop; without --early-stopping the run never stops early\n');
    const z = seqlab('train', '--task', 'lm', '--data', train, '--out', path.join(tmp, 'y'), '--early-stopping', '--valid-every', '0');
    assert.equal(z.code, 2);
    assert.match(z.err, /^seqlab: train: --early-stopping: watches validation loss: set validEvery and validBatches above 0\n$/);
  });
});
