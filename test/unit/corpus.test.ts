// Corpus assembly: every bad corpus case with the message the user sees (empty, one character, only binary
// files, no matches, caps), NUL-byte detection, invalid UTF-8 replaced AND counted (independently of genuine
// U+FFFD characters in the text), and the train/validation split.
import * as assert from 'node:assert/strict';
import {
  CorpusError, DEFAULT_CORPUS_LIMITS, DEFAULT_MAX_CORPUS_MB, assembleCorpus, corpusLimits, decodeUtf8, isBinary, splitCorpus, textCorpus, type CorpusFile,
} from '../../src/engine/corpus';

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const file = (name: string, s: string | number[]): CorpusFile => ({ name, bytes: typeof s === 'string' ? enc(s) : Uint8Array.from(s) });
const LIMITS = { maxFileBytes: 100, maxTotalBytes: 150, maxFiles: 10 };

function corpusError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CorpusError, `expected a CorpusError, got ${String(e)}`);
    return e.message;
  }
  return assert.fail('no CorpusError');
}

describe('corpus', () => {
  it('decodes UTF-8 and counts only the replacements the decoder made', () => {
    // "a", an invalid byte (FF), "é", a truncated 3-byte sequence (E2 82), "b", a genuine U+FFFD (EF BF BD),
    // an overlong "/" (C0 is never valid; 2F then decodes as ASCII)
    const bytes = Uint8Array.from([0x61, 0xff, 0xc3, 0xa9, 0xe2, 0x82, 0x62, 0xef, 0xbf, 0xbd, 0xc0, 0x2f]);
    const { text, replaced } = decodeUtf8(bytes);
    assert.equal(text, 'a\ufffdé\ufffdb\ufffd\ufffd/');
    assert.equal(replaced, 3); // FF, E2 82 (one maximal subpart), C0 — not the genuine EF BF BD
    assert.deepEqual(decodeUtf8(enc('\ufeffhi')), { text: 'hi', replaced: 0 }); // BOM dropped
    assert.equal(Buffer.from(decodeUtf8(enc('ünïcödé 🎉')).text).toString(), 'ünïcödé 🎉');
  });

  it('skips binary files (NUL bytes), over-cap files and what exceeds the total cap, saying what was left out', () => {
    const c = assembleCorpus([
      file('a.txt', 'hello world\n'),
      file('img.png', [0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a]),
      file('big.txt', 'x'.repeat(101)),
      file('b.txt', 'bad éé'),
      file('latin1.txt', [0x63, 0x61, 0x66, 0xe9, 0x0a]),
      file('c.txt', 'y'.repeat(99)),
      file('d.txt', 'z'.repeat(60)),
    ], LIMITS);
    assert.deepEqual(c.report.used, ['a.txt', 'b.txt', 'latin1.txt', 'c.txt']);
    assert.equal(c.text, 'hello world\n\nbad éé\ncaf\ufffd\n\n' + 'y'.repeat(99));
    assert.deepEqual(c.messages, [
      'Skipped 1 binary file(s) (they contain NUL bytes): img.png.',
      'Skipped 1 file(s) over the 100 bytes per-file cap: big.txt (101 bytes).',
      'Left out 1 file(s) to stay under the 150 bytes corpus cap: d.txt.',
      'Replaced 1 invalid UTF-8 sequence(s) with U+FFFD in 1 file(s): latin1.txt (1).',
    ]);
    assert.equal(isBinary(enc('no nul')), false);
  });

  it('skips devices, pipes and sockets unread, and names the size found, the cap and how to raise it', () => {
    const limits = corpusLimits(1 / 1024, 'To use more, raise seqlab.training.maxCorpusMB.'); // 1 KiB
    assert.deepEqual([limits.maxFileBytes, limits.maxTotalBytes], [1024, 1024]);
    const c = assembleCorpus([
      { name: 'zero', bytes: new Uint8Array(0), size: 0, special: true },
      { name: 'novel.txt', bytes: new Uint8Array(0), size: 300 * 2 ** 20 },
      file('a.txt', 'a'.repeat(600)),
      file('b.txt', 'b'.repeat(600)),
    ], limits);
    assert.deepEqual(c.report.used, ['a.txt']);
    assert.deepEqual(c.messages, [
      'Skipped 1 item(s) that are not regular files (devices, pipes or sockets, which may never end): zero.',
      'Skipped 1 file(s) over the 1 KiB per-file cap: novel.txt (300 MiB). To use more, raise seqlab.training.maxCorpusMB.',
      'Left out 1 file(s) to stay under the 1 KiB corpus cap: b.txt. To use more, raise seqlab.training.maxCorpusMB.',
    ]);
    assert.equal(corpusError(() => assembleCorpus([{ name: 'fifo', bytes: new Uint8Array(0), special: true }], limits)),
      'None of the 1 file(s) could be used, so the corpus is empty. Skipped 1 item(s) that are not regular files (devices, pipes or sockets, which may never end): fifo.');
    assert.deepEqual(textCorpus('selection', 'xy'.repeat(1000), limits).messages,
      ['The selection is longer than the 1 KiB corpus cap; only its first 1 KiB are used. To use more, raise seqlab.training.maxCorpusMB.']);
    assert.equal(DEFAULT_CORPUS_LIMITS.maxTotalBytes, DEFAULT_MAX_CORPUS_MB * 2 ** 20);
  });

  it('reports the file-count cap', () => {
    const c = assembleCorpus([file('a', 'ab'), file('b', 'cd')], LIMITS, true);
    assert.deepEqual(c.messages, ['Only the first 10 matching files were read (the file-count cap).']);
  });

  describe('bad corpora get a clear error', () => {
    const cases: [string, () => unknown, string][] = [
      ['no files matched', () => assembleCorpus([], LIMITS), 'No files matched, so the corpus is empty. Check the glob pattern and the excluded folders.'],
      ['only binary files', () => assembleCorpus([file('a.bin', [1, 0, 2]), file('b.bin', [0])], LIMITS),
        'None of the 2 file(s) could be used, so the corpus is empty. Skipped 2 binary file(s) (they contain NUL bytes): a.bin, b.bin.'],
      ['only empty files', () => assembleCorpus([file('empty.txt', '')], LIMITS), 'None of the 1 file(s) could be used, so the corpus is empty.'],
      ['only over-cap files', () => assembleCorpus([file('huge.txt', 'x'.repeat(500))], LIMITS),
        'None of the 1 file(s) could be used, so the corpus is empty. Skipped 1 file(s) over the 100 bytes per-file cap: huge.txt (500 bytes).'],
      ['a one-character file', () => assembleCorpus([file('one.txt', 'x')], LIMITS),
        'The corpus has only one character ("x"): a language model needs at least two characters, one to read and one to predict.'],
      ['an empty selection', () => textCorpus('selection', ''), 'The selection is empty: select some text (or open a file with text) to train on.'],
      ['a one-character selection (an emoji is one character)', () => textCorpus('selection', '🎉'),
        'The selection has only one character ("🎉"): a language model needs at least two characters, one to read and one to predict.'],
      ['a binary active file', () => textCorpus('active file', 'ab\u0000cd'), 'The active file contains NUL characters: it looks like binary data, not text.'],
    ];
    for (const [what, f, message] of cases) it(what, () => assert.equal(corpusError(f), message));
  });

  it('caps a long selection and says so', () => {
    const c = textCorpus('selection', 'ab'.repeat(100), LIMITS);
    assert.equal(c.text.length, 150);
    assert.deepEqual(c.messages, ['The selection is longer than the 150 bytes corpus cap; only its first 150 bytes are used.']);
  });

  it('splits train/validation at a line start near the cut, never inside a surrogate pair', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line number ${i}\n`).join('');
    const s = splitCorpus(lines, 0.1);
    assert.equal(s.train + s.valid, lines);
    assert.ok(s.valid.startsWith('line number '));
    assert.ok(Math.abs(s.valid.length - lines.length * 0.1) < 20);
    const emoji = '🎉'.repeat(150);
    const e = splitCorpus(emoji, 0.1);
    assert.equal(e.train + e.valid, emoji);
    assert.equal(e.train.length % 2, 0);
    const tiny = splitCorpus('short text', 0.1);
    assert.deepEqual([tiny.train, tiny.valid], ['short text', '']);
    assert.match(tiny.note!, /only 10 characters: all of it is used for training, and no validation loss is reported/);
  });
});
