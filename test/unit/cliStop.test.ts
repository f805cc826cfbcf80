// `seqlab train` stopping early without losing the run, through the real command (node dist/cli.js in a child
// process, real corpus files, real signals): a diverging run (--lr 1e30) exits 1 naming the tensor and step
// and leaves a checkpoint of the last good weights that `seqlab eval` loads with a finite loss; a huge but
// finite loss (--lr 1e6) is warned about once; SIGTERM / SIGINT during a --time 60 run save a loadable
// checkpoint and exit 143 / 130; a second signal exits at once; no checkpoint writer accepts NaN weights (import).
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeSafetensors } from '../../src/engine/safetensors';
import { scratchDir } from './scratchDir';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const { dir: tmp, file } = scratchDir('seqlab-stop-');

function seqlab(...argv: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...argv], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every tensor of DIR/model.safetensors is finite; returns how many values were checked. */
function finiteWeights(dir: string): number {
  const { tensors } = decodeSafetensors(new Uint8Array(fs.readFileSync(path.join(dir, 'model.safetensors'))), dir);
  let n = 0;
  for (const [name, t] of tensors) {
    for (const v of t.data) assert.ok(Number.isFinite(v), `${dir}: ${name} holds ${v}`);
    n += t.data.length;
  }
  return n;
}

/** The checkpoint in `dir` holds finite weights and `seqlab eval` loads it with a finite loss. */
function assertSavedAndLoadable(dir: string): void {
  assert.ok(finiteWeights(dir) > 0);
  const e = seqlab('eval', dir, '--data', lmText, '--json');
  assert.equal(e.code, 0, e.err);
  assert.ok(Number.isFinite(JSON.parse(e.out).loss));
}

const small = ['--hidden', '16', '--embedding', '8', '--batch', '8', '--seed', '3'];
const lmText = file('corpus.txt', 'the cat sat on the mat. the dog sat on the log. a bird flew over the house.\n'.repeat(30));
const data: Record<string, string> = {
  lm: lmText,
  seq2seq: file('rev.tsv', Array.from({ length: 60 }, (_, i) => { const s = `w${i}xyz`.slice(0, 3 + (i % 3)); return `${s}\t${[...s].reverse().join('')}`; }).join('\n')),
  classify: file('cls.tsv', Array.from({ length: 60 }, (_, i) => `${i % 4 < 2 ? 'pos' : 'neg'}\t${['good', 'fine', 'bad', 'awful'][i % 4]} ${['day', 'film'][i % 2]}`).join('\n')),
  tag: file('tags.conll', Array.from({ length: 30 }, (_, i) => `the\tD\n${['dog', 'cat', 'man'][i % 3]}\tN\n${['ran', 'sat'][i % 2]}\tV\n`).join('\n')),
};

describe('seqlab train stops early and keeps the last good weights', function () {
  this.timeout(120_000);
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const [kind, opt] of [['lm', 'adam'], ['lm', 'sgd'], ['seq2seq', 'adam'], ['classify', 'adam'], ['tag', 'sgd']] as const) {
    it(`--task ${kind} --optimizer ${opt} --lr 1e30: exit 1, one line naming tensor and step, a finite checkpoint that eval loads`, () => {
      const out = path.join(tmp, `diverged-${kind}-${opt}`);
      const r = seqlab('train', '--task', kind, '--data', data[kind], '--out', out, '--steps', '40', '--optimizer', opt, '--lr', '1e30', ...small);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /^seqlab: training diverged: (the loss|the gradient of [\w.]+|parameter [\w.]+) (is|became) NaN or Infinity (at|in the update of) step \d+[^\n]*; saved the last good weights \(after \d+ steps\) to [^\n]+\n$/);
      console.log(`      ${r.err.trim()}`);
      assert.ok(finiteWeights(out) > 0);
      const e = seqlab('eval', out, '--data', data[kind], '--json');
      assert.equal(e.code, 0, e.err);
      const ev = JSON.parse(e.out);
      if (kind === 'lm') assert.ok(Number.isFinite(ev.loss) && ev.loss < 10, `eval loss ${ev.loss}`);
      else assert.ok(Number.isFinite(ev.accuracy ?? ev.token_accuracy));
    });
  }

  it('an update that overflows a parameter (rmsprop, --lr 1e38, no clipping): the parameter and the step are named', () => {
    const out = path.join(tmp, 'diverged-param');
    const r = seqlab('train', '--task', 'classify', '--data', data.classify, '--out', out, '--steps', '20', '--optimizer', 'rmsprop', '--clip', '0', '--lr', '1e38', ...small);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^seqlab: training diverged: parameter [\w.]+ became NaN or Infinity in the update of step \d+; saved the last good weights \(after \d+ steps\) to [^\n]+ or set --clip 1\n$/);
    assert.ok(finiteWeights(out) > 0);
    assert.equal(seqlab('eval', out, '--data', data.classify).code, 0);
  });

  it('--lr 1e30 --json: the done line says why it stopped and where', () => {
    const out = path.join(tmp, 'diverged-json');
    const r = seqlab('train', '--task', 'lm', '--data', lmText, '--out', out, '--steps', '40', '--lr', '1e30', '--json', ...small);
    assert.equal(r.code, 1);
    const done = JSON.parse(r.out.trim().split('\n').at(-1)!);
    assert.equal(done.stopped, 'nonfinite');
    assert.equal(typeof done.nonFinite.tensor, 'string');
    assert.ok(Number.isInteger(done.nonFinite.step) && done.nonFinite.step >= 1);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'seqlab.json'), 'utf8'));
    assert.equal(meta.info.steps, done.steps, 'the checkpoint records the steps its weights contain');
  });

  it('--lr 1e6: a huge but finite loss is warned about once on stderr, and the run still ends normally', () => {
    const out = path.join(tmp, 'huge');
    const r = seqlab('train', '--task', 'lm', '--data', lmText, '--out', out, '--steps', '30', '--lr', '1e6', ...small);
    assert.equal(r.code, 0, r.err);
    const warnings = r.err.split('\n').filter((l) => l.startsWith('seqlab: warning:'));
    assert.equal(warnings.length, 1, r.err);
    assert.match(warnings[0], /the loss is [\d.e+]+ at step \d+, more than 10 × the chance level ln\(\d+\) = [\d.]+: training is diverging; lower --lr/);
    console.log(`      ${warnings[0]}`);
    const quiet = seqlab('train', '--task', 'lm', '--data', lmText, '--out', path.join(tmp, 'normal'), '--steps', '30', '--lr', '0.01', ...small);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.err, '', 'a healthy run prints no warning');
  });

  it('no writer saves NaN weights: importing a safetensors file with a NaN is refused, naming the tensor', () => {
    const dir = path.join(tmp, 'to-export'), exp = path.join(tmp, 'exported');
    assert.equal(seqlab('train', '--task', 'lm', '--data', lmText, '--out', dir, '--steps', '2', ...small).code, 0);
    assert.equal(seqlab('export', dir, '--format', 'pytorch', '--out', exp).code, 0);
    const bytes = fs.readFileSync(path.join(exp, 'model.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { data_offsets: [number, number] }>;
    const [offset] = header['rnn.weight_hh_l0'].data_offsets;
    bytes.writeFloatLE(NaN, 8 + n + offset + 8);
    const poisoned = path.join(tmp, 'nan.safetensors');
    fs.writeFileSync(poisoned, bytes);
    const r = seqlab('import', poisoned, '--meta', path.join(exp, 'seqlab.json'), '--out', path.join(tmp, 'imported'));
    assert.equal(r.code, 1);
    assert.match(r.err, /^seqlab: [^\n]*rnn\.weight_hh_l0[^\n]*NaN[^\n]*\n$/);
    assert.ok(!fs.existsSync(path.join(tmp, 'imported', 'model.safetensors')), 'nothing written');
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal} during --time 60: stops after the current step, saves a loadable checkpoint, exits ${code}`, async () => {
      const out = path.join(tmp, `signal-${signal}`);
      const child = spawn(process.execPath, [CLI, 'train', '--task', 'lm', '--data', lmText, '--out', out, '--time', '60', '--json', ...small]);
      const { stdout, stderr } = collect(child);
      await until(() => stdout().split('\n').some((l) => l.includes('"type":"step"')), 20_000, 'the first training step');
      const t0 = Date.now();
      child.kill(signal);
      const exit = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      assert.equal(exit, code, stderr());
      assert.ok(Date.now() - t0 < 10_000, 'it stopped promptly, not after --time');
      assert.match(stderr(), new RegExp(`seqlab: interrupted by ${signal} after \\d+ steps; saved the weights to ${out.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}\\n$`));
      const done = JSON.parse(stdout().trim().split('\n').at(-1)!);
      assert.equal(done.stopped, signal);
      assert.ok(done.steps >= 1);
      assertSavedAndLoadable(out);
    });
  }

  // A reader that goes away (`seqlab train --json … | head -3`, a crashed consumer) used to end the run with 141 and
  // nothing saved: the closed pipe now interrupts training like a signal, which saves the weights first.
  it('a reader closing stdout during --time 60 --json: stops after the current step, saves a loadable checkpoint, exits 141', async () => {
    const out = path.join(tmp, 'closed-stdout');
    const child = spawn(process.execPath, [CLI, 'train', '--task', 'lm', '--data', lmText, '--out', out, '--time', '60', '--json', ...small]);
    const { stdout, stderr } = collect(child);
    await until(() => stdout().split('\n').some((l) => l.includes('"type":"step"')), 20_000, 'the first training step');
    const t0 = Date.now();
    child.stdout!.destroy(); // the reader's end of the pipe closes; the next step line gets EPIPE
    const exit = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(exit, 141, stderr());
    assert.ok(Date.now() - t0 < 10_000, 'it stopped promptly, not after --time');
    assert.match(stderr(), /^seqlab: interrupted by a closed output pipe \(SIGPIPE\) after \d+ steps; saved the weights to [^\n]+\n$/);
    assertSavedAndLoadable(out);
  });

  it('a closed stderr when the huge-loss warning is written (--lr 1e6 --time 60): saves a loadable checkpoint, exits 141', async () => {
    const out = path.join(tmp, 'closed-stderr');
    const child = spawn(process.execPath, [CLI, 'train', '--task', 'lm', '--data', lmText, '--out', out, '--time', '60', '--lr', '1e6', ...small]);
    child.stderr!.destroy(); // closed before the warning at step ~2 is written
    const { stdout } = collect(child, ['stdout']);
    const t0 = Date.now();
    const exit = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(exit, 141, stdout());
    assert.ok(Date.now() - t0 < 10_000, 'it stopped promptly, not after --time');
    assert.equal(stdout(), '', 'no summary: the run was interrupted');
    assert.ok(finiteWeights(out) > 0);
    assert.equal(seqlab('eval', out, '--data', lmText, '--json').code, 0);
  });

  it('a second signal exits at once (signals.ts in a real process whose command never finishes)', async () => {
    const signals = path.join(ROOT, 'out/src/cli/signals.js');
    const script = `const s = require(${JSON.stringify(signals)});
      s.onProcessInterrupt((sig) => console.log('first ' + sig));
      console.log('ready');
      (async () => { for (;;) { const t = Date.now(); while (Date.now() - t < 20) {} await s.yieldToEventLoop(); } })();`;
    const child = spawn(process.execPath, ['-e', script]);
    const { stdout } = collect(child);
    await until(() => stdout().includes('ready'), 10_000, 'the script to start');
    child.kill('SIGINT');
    await until(() => stdout().includes('first SIGINT'), 10_000, 'the first signal to reach the command');
    child.kill('SIGTERM');
    const exit = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(exit, 143, 'the second signal (SIGTERM) ends the process with its own code');
  });
});

function collect(child: ChildProcess, streams: readonly ('stdout' | 'stderr')[] = ['stdout', 'stderr']): { stdout: () => string; stderr: () => string } {
  let out = '', err = '';
  if (streams.includes('stdout')) child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  if (streams.includes('stderr')) child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
  return { stdout: () => out, stderr: () => err };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
