// `seqlab generate / complete / translate / classify` as real processes (node dist/cli.js; run `npm run build`
// first): a 120 KB --prompt-file on a small model finishes in bounded time with bounded memory (peak RSS
// measured in the child, against a one-word prompt); a model biased towards <pad>, <unk>, <bos> and a control
// byte never emits them, and does with --allow-special; --beam 64 --max 100000 returns non-empty text quickly
// with a one-line note; --prompt-file / --input-file errors are one line with the documented exit codes.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIO } from '../../src/cli/io';
import { loadTaskDir, saveTaskDir } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { BOS, NUM_SPECIAL, PAD, UNK } from '../../src/engine/tokenize/types';
import { scratchDir } from './scratchDir';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const { dir: tmp, file } = scratchDir('seqlab-infer-');

interface Proc {
  code: number | null;
  out: string;
  err: string;
  ms: number;
  /** Peak resident memory of the child (KiB), reported by a preloaded exit hook. */
  maxRssKb: number;
}

function cli(...argv: string[]): Proc {
  const hook = path.join(tmp, 'maxrss.js');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-r', hook, CLI, ...argv], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 180000 });
  const m = /maxrss_kb (\d+)\n$/.exec(r.stderr);
  return { code: r.status, out: r.stdout, err: m ? r.stderr.slice(0, m.index) : r.stderr, ms: performance.now() - t0, maxRssKb: m ? Number(m[1]) : NaN };
}

async function inProcess(...argv: string[]): Promise<void> {
  let err = '';
  const io: CliIO = { out: () => undefined, err: (t) => void (err += t), tty: false, now: () => performance.now() };
  assert.equal(await main(argv, io), 0, err);
}

const words = 'the cat sat on the mat and the dog ran over a big red log'.split(' ');
function text(n: number, seed: number): string {
  let s = seed, out = '';
  while (out.length < n) {
    s = (s * 1103515245 + 12345) >>> 0;
    out += words[s % words.length] + ' ';
  }
  return out;
}

describe('seqlab inference as a process: long prompts, special tokens, bounded beams', function () {
  this.timeout(300000);
  const lmDir = path.join(tmp, 'lm'), bpeDir = path.join(tmp, 'bpe'), s2sDir = path.join(tmp, 's2s'), clsDir = path.join(tmp, 'cls');
  const tiny = ['--hidden', '32', '--embedding', '8', '--seed', '3', '--batch', '4', '--seq-len', '16'];

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`);
    file('maxrss.js', "process.on('exit', () => process.stderr.write(`maxrss_kb ${process.resourceUsage().maxRSS}\\n`));\n");
    const corpus = file('corpus.txt', text(20000, 1));
    await inProcess('train', '--task', 'lm', '--cell', 'gru', '--data', corpus, '--out', lmDir, '--steps', '40', ...tiny);
    await inProcess('train', '--task', 'lm', '--tokenizer', 'bpe', '--data', corpus, '--out', bpeDir, '--steps', '5', ...tiny);
    // Bias the byte-BPE model's head towards <pad>, <unk>, <bos> and the ESC byte: unmasked, they win.
    const task = loadTaskDir(bpeDir);
    const bias = task.params.value('head.bias');
    for (const id of [PAD, UNK, BOS, NUM_SPECIAL + 0x1b]) bias[id] += 40;
    saveTaskDir(task, bpeDir, {});
    const pairs = file('rev.tsv', Array.from({ length: 60 }, (_, i) => { const w = text(8, i).slice(0, 6).trim(); return `${w}\t${[...w].reverse().join('')}`; }).join('\n') + '\n');
    await inProcess('train', '--task', 'seq2seq', '--data', pairs, '--out', s2sDir, '--steps', '10', ...tiny);
    const cls = file('cls.tsv', ['A\tapple', 'Z\tzebra', 'A\tamber', 'Z\tzinc'].join('\n') + '\n');
    await inProcess('train', '--task', 'classify', '--data', cls, '--out', clsDir, '--steps', '5', ...tiny);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('generate --prompt-file with a 120 KB prompt: bounded time, peak memory within 64 MB of a one-word prompt, same output as --prompt', () => {
    const long = file('long.txt', text(120 * 1024, 2));
    const small = cli('generate', lmDir, '--prompt', 'the', '--max', '20', '--temperature', '0');
    assert.equal(small.code, 0, small.err);
    const big = cli('generate', lmDir, '--prompt-file', long, '--max', '20', '--temperature', '0');
    assert.equal(big.code, 0, big.err);
    const growthMb = (big.maxRssKb - small.maxRssKb) / 1024;
    console.log(`      120 KB prompt: ${(big.ms / 1000).toFixed(1)} s, peak RSS ${(big.maxRssKb / 1024).toFixed(0)} MB (one word: ${(small.maxRssKb / 1024).toFixed(0)} MB)`);
    assert.ok(growthMb < 64, `the long prompt grew peak RSS by ${growthMb.toFixed(0)} MB`);
    assert.ok(big.ms < 120000, `${big.ms} ms`);
    // A prompt file is not echoed: stdout is the continuation, the same as --prompt with the same text prints after it.
    const tail = text(120 * 1024, 2).slice(-3000);
    const inline = cli('generate', lmDir, '--prompt', tail, '--max', '20', '--temperature', '0');
    const fromFile = cli('generate', lmDir, '--prompt-file', file('tail.txt', tail), '--max', '20', '--temperature', '0');
    assert.equal(inline.code, 0, inline.err);
    assert.equal(inline.out, tail + fromFile.out);
  });

  it('complete --prompt-file reads the whole long prompt; translate and classify take --input-file', () => {
    const c = cli('complete', lmDir, '--prompt-file', file('long2.txt', text(50000, 3) + 'the ca'), '--json');
    assert.equal(c.code, 0, c.err);
    const j = JSON.parse(c.out);
    assert.ok(j.suggestions.length > 0 && j.prompt_file);
    const t = cli('translate', s2sDir, '--input-file', file('src.txt', 'abc'), '--json');
    assert.equal(t.code, 0, t.err);
    assert.equal(JSON.parse(t.out).input, 'abc');
    const k = cli('classify', clsDir, '--input-file', file('cls-in.txt', 'zoo'), '--json');
    assert.equal(k.code, 0, k.err);
  });

  it('a model biased towards <pad>, <unk>, <bos> and ESC never emits them; --allow-special lets it', () => {
    const bad = new Set(['<pad>', '<unk>', '<bos>', '\u001b']);
    for (const flags of [['--temperature', '0'], ['--temperature', '1', '--top-k', '3'], ['--beam', '4']]) {
      const r = cli('generate', bpeDir, '--prompt', 'the cat', '--max', '30', '--json', ...flags);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.ok(j.steps.length > 0 && j.text.length > 0, `${flags}: empty`);
      for (const s of j.steps) assert.ok(!bad.has(s.token), `${flags}: emitted ${JSON.stringify(s.token)}`);
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f\uFFFD]/.test(j.text), `${flags}: ${JSON.stringify(j.text)}`);
    }
    const allowed = cli('generate', bpeDir, '--prompt', 'the cat', '--max', '30', '--temperature', '0', '--json', '--allow-special');
    assert.equal(allowed.code, 0, allowed.err);
    const j = JSON.parse(allowed.out);
    assert.ok(j.steps.some((s: { token: string }) => bad.has(s.token)), 'with --allow-special the biased model emits a special');
    assert.match(j.text, /<pad>|<unk>|<bos>|\u001b/);
    const tr = cli('translate', s2sDir, '--input', 'abc', '--json');
    assert.ok(!JSON.parse(tr.out).output_tokens.some((t: string) => bad.has(t)));
  });

  it('generate --beam 64 --max 100000 returns non-empty text quickly, with a one-line note that --max was lowered', () => {
    const r = cli('generate', lmDir, '--prompt', 'the cat', '--beam', '64', '--max', '100000');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /^seqlab: note: generate: --max 100000 lowered to 1024 for --beam 64 [^\n]*\n$/);
    const out = r.out.replace(/\n$/, '');
    assert.ok(out.startsWith('the cat') && out.length > 'the cat'.length, JSON.stringify(out.slice(0, 80)));
    console.log(`      beam 64: ${(r.ms / 1000).toFixed(1)} s`);
    assert.ok(r.ms < 60000, `${r.ms} ms`);
  });

  describe('prompt and input files: one line on stderr, exit 2 for usage, 1 for files', () => {
    const cases: [string, () => string[], number, RegExp][] = [
      ['both --prompt and --prompt-file', () => ['generate', lmDir, '--prompt', 'a', '--prompt-file', path.join(tmp, 'corpus.txt')], 2, /give --prompt or --prompt-file, not both/],
      ['neither', () => ['generate', lmDir], 2, /--prompt TEXT or --prompt-file FILE is required/],
      ['missing file', () => ['complete', lmDir, '--prompt-file', path.join(tmp, 'nope.txt')], 1, /cannot read .*nope\.txt: no such file/],
      ['empty file', () => ['generate', lmDir, '--prompt-file', file('empty.txt', '')], 1, /--prompt-file .*empty\.txt is empty/],
      ['a directory', () => ['translate', s2sDir, '--input-file', tmp], 1, /it is a directory/],
      ['--allow-special on classify', () => ['classify', clsDir, '--input', 'x', '--allow-special'], 2, /unknown option --allow-special/],
    ];
    for (const [name, argv, code, message] of cases)
      it(name, () => {
        const r = cli(...argv());
        assert.equal(r.code, code, r.err);
        assert.equal(r.out, '');
        assert.match(r.err, /^seqlab: [^\n]+\n$/);
        assert.match(r.err, message);
      });
  });
});
