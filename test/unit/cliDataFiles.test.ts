// Data files as untrusted input, through the real CLI in its own process (out/src/cli/main.js is the main()
// that dist/cli.js bundles): devices, FIFOs and oversized files are refused promptly with one line naming the
// file, its size, the cap and the flag that raises it; the flag raises it; invalid UTF-8 is counted and warned.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeText } from '../../src/cli/dataFiles';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function seqlab(...argv: string[]): Result {
  const t0 = Date.now();
  // The timeout only guards the test run: the old reader blocked forever on a FIFO and read /dev/zero until
  // memory ran out.
  const r = spawnSync(process.execPath, [CLI, ...argv], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** Exit 1, one `seqlab: …` line matching `pattern`, nothing on stdout, within a few seconds. */
function refused(r: Result, pattern: RegExp): void {
  assert.equal(r.status, 1, `exit ${r.status}, stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^seqlab: [^\n]*\n$/);
  assert.match(r.stderr, pattern);
  assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
}

describe('CLI data files: special files, size caps, invalid UTF-8 (real processes)', function () {
  this.timeout(60_000);
  let dir: string;
  const tiny = ['--task', 'lm', '--steps', '1', '--hidden', '8', '--embedding', '8', '--seq-len', '8', '--batch', '2'];
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-data-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses /dev/zero (a character device) before reading it', () => {
    refused(seqlab('train', ...tiny, '--out', path.join(dir, 'm'), '--data', '/dev/zero'), /cannot read \/dev\/zero: it is a character device, not a regular file/);
    assert.ok(!fs.existsSync(path.join(dir, 'm')));
  });

  it('refuses a FIFO without opening it (opening would block until a writer came)', function () {
    const fifo = path.join(dir, 'corpus.fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) this.skip();
    refused(seqlab('train', ...tiny, '--out', path.join(dir, 'm'), '--data', fifo), /cannot read .*corpus\.fifo: it is a FIFO \(named pipe\), not a regular file/);
    // The weights file of `seqlab import` is read the same way.
    refused(seqlab('import', fifo, '--out', path.join(dir, 'imp')), /cannot read .*corpus\.fifo: it is a FIFO \(named pipe\)/);
    refused(seqlab('import', '/dev/zero', '--out', path.join(dir, 'imp')), /cannot read \/dev\/zero: it is a character device/);
    assert.ok(!fs.existsSync(path.join(dir, 'imp')));
  });

  it('a checkpoint folder\'s files are untrusted too: model.safetensors or seqlab.json as a FIFO or a symlink to /dev/zero is refused on every load', function () {
    const text = path.join(dir, 'ckpt-corpus.txt');
    fs.writeFileSync(text, 'the cat sat on the mat\n'.repeat(40));
    const good = path.join(dir, 'good');
    assert.equal(seqlab('train', ...tiny, '--out', good, '--data', text).status, 0);
    const cases: Array<[string, string, RegExp]> = [
      ['zero-model', 'model.safetensors', /cannot read .*zero-model\/model\.safetensors: it is a character device, not a regular file/],
      ['fifo-model', 'model.safetensors', /cannot read .*fifo-model\/model\.safetensors: it is a FIFO \(named pipe\)/],
      ['fifo-meta', 'seqlab.json', /cannot read .*fifo-meta\/seqlab\.json: it is a FIFO \(named pipe\)/],
    ];
    for (const [name, file, pattern] of cases) {
      const bad = path.join(dir, name);
      fs.mkdirSync(bad);
      for (const f of ['model.safetensors', 'seqlab.json']) if (f !== file) fs.copyFileSync(path.join(good, f), path.join(bad, f));
      if (name.startsWith('zero')) fs.symlinkSync('/dev/zero', path.join(bad, file));
      else if (spawnSync('mkfifo', [path.join(bad, file)]).status !== 0) this.skip();
      // Before, each of these blocked on the FIFO or read /dev/zero until memory ran out (4.7 GB in 10 s).
      refused(seqlab('generate', bad, '--prompt', 'the', '--max', '3'), pattern);
      refused(seqlab('eval', bad, '--data', text), pattern);
      refused(seqlab('export', bad, '--out', path.join(dir, `${name}-export`)), pattern);
    }
  });

  it('prompt, input and import files over the cap name the fixed cap, not a --max-data-mb those commands refuse; a prompt file\'s invalid UTF-8 is warned with its count', () => {
    const text = path.join(dir, 'pf-corpus.txt');
    fs.writeFileSync(text, 'the cat sat on the mat\n'.repeat(40));
    const model = path.join(dir, 'pf-model');
    assert.equal(seqlab('train', ...tiny, '--out', model, '--data', text).status, 0);
    const big = path.join(dir, 'pf-big.txt');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, 70 * 2 ** 20); // sparse: 70 MB on paper, nothing on disk
    for (const [argv, what] of [
      [['generate', model, '--prompt-file', big], 'a --prompt-file'],
      [['complete', model, '--prompt-file', big], 'a --prompt-file'],
      [['classify', model, '--input-file', big], 'a --input-file'],
      [['import', path.join(model, 'model.safetensors'), '--meta', big, '--out', path.join(dir, 'pf-imp')], 'a seqlab.json'],
    ] as Array<[string[], string]>) {
      const r = seqlab(...argv);
      refused(r, new RegExp(`cannot read .*pf-big\\.txt: it is 70 MB, over the 64 MB cap; SeqLab reads ${what.replace(/[-.]/g, '\\$&')} of at most 64 MB`));
      assert.ok(!r.stderr.includes('--max-data-mb'), `${argv[0]} advised a flag it refuses: ${r.stderr}`);
    }
    const bad = path.join(dir, 'pf-bad.txt');
    fs.writeFileSync(bad, Buffer.concat([Buffer.from('the c'), Buffer.from([0xff]), Buffer.from('at s'), Buffer.from([0xc3, 0x28]), Buffer.from('at')]));
    const r = seqlab('generate', model, '--prompt-file', bad, '--max', '3');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^seqlab: warning: .*pf-bad\.txt: 2 invalid UTF-8 sequences replaced with U\+FFFD/);
  });

  it('refuses a 300 MB (sparse) file from its size alone, naming the size, the cap and the flag', () => {
    const big = path.join(dir, 'big.txt');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 300 * 2 ** 20);
    const r = seqlab('train', ...tiny, '--out', path.join(dir, 'm'), '--data', big);
    // Past what the flag can reach (128 MB: larger corpora overflow V8's arrays), it says to split the data.
    refused(r, /cannot read .*big\.txt: it is 300 MB, over the 64 MB data cap; split it: --max-data-mb goes up to 128$/m);
    assert.ok(r.ms < 5000, `a size check, not a read: took ${r.ms} ms`);
    fs.truncateSync(big, 100 * 2 ** 20);
    refused(seqlab('train', ...tiny, '--out', path.join(dir, 'm'), '--data', big), /big\.txt: it is 100 MB, over the 64 MB data cap; raise the cap with --max-data-mb 100$/m);
  });

  it('--max-data-mb raises (and lowers) the cap; the cap counts all data files of the command together', () => {
    const line = 'the quick brown fox jumps over the lazy dog\n';
    const text = path.join(dir, 'text.txt');
    fs.writeFileSync(text, line.repeat(Math.ceil(1.5 * 2 ** 20 / line.length)).slice(0, 1.5 * 2 ** 20)); // 1.5 MB exactly
    refused(seqlab('train', ...tiny, '--out', path.join(dir, 'm'), '--data', text, '--max-data-mb', '1'), /text\.txt: it is 1\.5 MB, over the 1 MB data cap; raise the cap with --max-data-mb 2/);
    const ok = seqlab('train', ...tiny, '--out', path.join(dir, 'm'), '--data', text, '--max-data-mb', '2');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /trained lm: 1 steps/);
    // Two files of 1.5 MB: the second takes the total past 2 MB.
    refused(seqlab('train', ...tiny, '--out', path.join(dir, 'm2'), '--data', text, text, '--max-data-mb', '2'), /with the files before it, the data is 3 MB, over the 2 MB data cap; raise the cap with --max-data-mb 3/);
    // eval and data read files under the same flag.
    refused(seqlab('eval', path.join(dir, 'm'), '--data', text, '--max-data-mb', '1'), /text\.txt: it is 1\.5 MB, over the 1 MB data cap/);
    refused(seqlab('data', 'copy', '--n', '3', '--exclude', '/dev/zero'), /cannot read \/dev\/zero: it is a character device/);
    const usage = seqlab('train', ...tiny, '--out', path.join(dir, 'm'), '--data', text, '--max-data-mb', '0');
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--max-data-mb must be greater than 0/);
  });

  it('warns on stderr with the count of invalid UTF-8 sequences replaced by U+FFFD (genuine U+FFFD not counted)', () => {
    const f = path.join(dir, 'latin1.txt');
    // Per line: é and ï in Latin-1 (2 invalid bytes), a lone continuation byte (1), a truncated 3-byte sequence
    // (1 maximal subsequence), and one genuine U+FFFD (EF BF BD) that must not be counted: 4 per line.
    const lineBytes = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' na'), Buffer.from([0xef]), Buffer.from('ve '),
      Buffer.from([0x80]), Buffer.from(' x'), Buffer.from([0xe2, 0x82]), Buffer.from(' \ufffd ok\n')]);
    fs.writeFileSync(f, Buffer.concat(Array(25).fill(lineBytes)));
    const r = seqlab('train', ...tiny, '--out', path.join(dir, 'u'), '--data', f);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^seqlab: warning: .*latin1\.txt: 100 invalid UTF-8 sequences replaced with U\+FFFD/);
    const clean = seqlab('train', ...tiny, '--out', path.join(dir, 'c'), '--data', path.join(dir, 'text.txt'), '--max-data-mb', '2');
    assert.equal(clean.stderr, '', 'no warning for clean UTF-8');
  });

  it('decodeText counts what the decoder replaced, drops a BOM, and leaves clean text alone', () => {
    assert.deepEqual(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xff, 0x62])), { text: 'a\ufffdb', replaced: 1 });
    assert.deepEqual(decodeText(Buffer.from('a\ufffdb')), { text: 'a\ufffdb', replaced: 0 });
    assert.deepEqual(decodeText(Buffer.from([0xf0, 0x9f, 0x98])), { text: '\ufffd', replaced: 1 }); // one maximal subsequence
  });
});
