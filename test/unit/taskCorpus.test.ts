// The editor's training data for every task kind (src/extension/training/taskCorpus.ts, fileCandidates.ts):
// a file that does not fit is refused with its name and first offending line (a selection counts the file's
// own lines); records are held out whole and at random with the seed; a held-out label or tag the training
// part lacks goes back to training; the picker's ✓/✗ rows for real generated data and for broken files.
import * as assert from 'node:assert/strict';
import { generateTask } from '../../src/engine/data/generators';
import { DataFormatError } from '../../src/engine/data/readers';
import { parseTaskData } from '../../src/engine/run/data';
import { Rng } from '../../src/engine/rng';
import { CHECK_BYTES, candidateStatus } from '../../src/extension/training/fileCandidates';
import { MIN_RECORDS_FOR_VALIDATION, prepareTaskCorpus, taskRecords } from '../../src/extension/training/taskCorpus';

const datesTsv = (n: number, seed = 7): string => generateTask('dates', new Rng(seed), n).map((p) => `${p.source}\t${p.target}`).join('\n') + '\n';
const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

function formatError(f: () => unknown): DataFormatError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DataFormatError, `expected a DataFormatError, got ${String(e)}`);
    return e;
  }
  return assert.fail('no DataFormatError');
}

/** A tagged corpus: sentences of "word<TAB>TAG" lines; the tag RARE appears in exactly one sentence. */
function conll(sentences: number): string {
  const tags = ['DET', 'NOUN', 'VERB', 'ADJ'];
  const out: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const words = Array.from({ length: 2 + (s % 4) }, (_, i) => `w${s}_${i}\t${s === 5 && i === 0 ? 'RARE' : tags[(s + i) % tags.length]}`);
    out.push(words.join('\n'));
  }
  return out.join('\n\n') + '\n';
}

describe('task corpus (editor training data for every kind)', () => {
  it('splits seq2seq pairs into whole lines: every pair once, 10% held out, the same split for the same seed', () => {
    const text = datesTsv(200);
    const c = prepareTaskCorpus('seq2seq', [{ source: 'dates.tsv', text }], 42);
    assert.equal(c.description, '200 pairs');
    assert.deepEqual([c.trainExamples, c.validExamples], [180, 20]);
    const lines = (s: string): string[] => s.split('\n').filter((l) => l.length > 0);
    assert.deepEqual([...lines(c.train), ...lines(c.valid)].sort(), lines(text).sort(), 'every pair lands in exactly one part');
    // Both parts parse as the worker will parse them.
    const train = parseTaskData('seq2seq', [{ source: 'train', text: c.train }]);
    const valid = parseTaskData('seq2seq', [{ source: 'valid', text: c.valid }]);
    assert.equal(train.kind === 'seq2seq' && train.pairs.length, 180);
    assert.equal(valid.kind === 'seq2seq' && valid.pairs.length, 20);
    assert.deepEqual(prepareTaskCorpus('seq2seq', [{ source: 'dates.tsv', text }], 42), c, 'same seed, same split');
    assert.notEqual(prepareTaskCorpus('seq2seq', [{ source: 'dates.tsv', text }], 43).valid, c.valid, 'another seed holds out other pairs');
  });

  it('refuses a file that does not fit with its name and first offending line, also in a second file', () => {
    const lines = datesTsv(30).split('\n');
    lines[16] = lines[16].replace('\t', ' '); // line 17: no tab
    const e = formatError(() => prepareTaskCorpus('seq2seq', [{ source: 'dates.tsv', text: lines.join('\n') }], 1));
    assert.equal(e.line, 17);
    assert.match(e.message, /^dates\.tsv:17: expected "source<TAB>target" \(exactly one tab\) but found no tab in "/);
    const e2 = formatError(() => prepareTaskCorpus('seq2seq', [{ source: 'a.tsv', text: datesTsv(20) }, { source: 'notes/b.md', text: '# Notes\nplain prose\n' }], 1));
    assert.match(e2.message, /^notes\/b\.md:1: /);
  });

  it('numbers the lines of a selection as its file does', () => {
    const sel = 'a\tb\nc\td\nno tab here\n';
    const e = formatError(() => prepareTaskCorpus('seq2seq', [{ source: 'dates.tsv', text: sel, firstLine: 40 }], 1));
    assert.match(e.message, /^dates\.tsv:43: /);
    // A CoNLL selection starting mid-file: its first sentence is still a sentence.
    const tagged = prepareTaskCorpus('tag', [{ source: 'tags.conll', text: 'the\tDET\ncat\tNOUN\n', firstLine: 12 }], 1);
    assert.equal(tagged.description, '1 sentence, 2 tags');
  });

  it('keeps tagged sentences whole and never holds out a tag the training part lacks', () => {
    const text = conll(60);
    for (let seed = 0; seed < 25; seed++) {
      const c = prepareTaskCorpus('tag', [{ source: 'tags.conll', text }], seed);
      assert.equal(c.trainExamples + c.validExamples, 60);
      assert.ok(c.validExamples >= 1, `seed ${seed}: nothing held out`);
      const train = parseTaskData('tag', [{ source: 'train', text: c.train }]);
      const valid = parseTaskData('tag', [{ source: 'valid', text: c.valid }]);
      assert.ok(train.kind === 'tag' && valid.kind === 'tag');
      assert.ok(train.tags.includes('RARE'), `seed ${seed}: the one sentence tagged RARE was held out`);
      assert.ok(valid.tags.every((t) => train.tags.includes(t)));
      const originals = new Set(taskRecords('tag', text));
      for (const block of [...taskRecords('tag', c.train), ...taskRecords('tag', c.valid)]) assert.ok(originals.has(block), `a sentence was cut: ${block}`);
    }
  });

  it('never holds out a label the training part lacks (classifier)', () => {
    // Label and text are equal, so the lines mean the same whichever column the reader takes as the label.
    const lines = Array.from({ length: 40 }, (_, i) => ['en', 'fr', 'de'][i % 3]).map((l) => `${l}\t${l}`);
    lines.push('xx\txx');
    for (let seed = 0; seed < 25; seed++) {
      const c = prepareTaskCorpus('classify', [{ source: 'langs.tsv', text: lines.join('\n') }], seed);
      assert.equal(c.description, '41 texts, 4 labels');
      assert.match(c.train, /^xx\txx$/m, `seed ${seed}: the only "xx" text was held out`);
      assert.equal(c.trainExamples + c.validExamples, 41);
    }
  });

  it(`trains on everything, with a note, below ${MIN_RECORDS_FOR_VALIDATION} records; lm keeps the contiguous split`, () => {
    const c = prepareTaskCorpus('seq2seq', [{ source: 'few.tsv', text: datesTsv(4) }], 1);
    assert.equal(c.valid, '');
    assert.equal(c.trainExamples, 4);
    assert.match(c.note ?? '', /only 4 pairs: all of them are used for training, and no validation loss or exact match is reported/);
    const prose = 'The quick brown fox jumps over the lazy dog.\n'.repeat(20);
    const lm = prepareTaskCorpus('lm', [{ source: 'a.txt', text: prose }], 1);
    assert.equal(lm.train + lm.valid, prose);
    assert.equal(lm.description, `${prose.length} characters`);
  });

  it('describes each picker candidate: ✓ with its size, ✗ with the first bad line, partial files as a lower bound', () => {
    assert.deepEqual(candidateStatus('seq2seq', 'dates.tsv', enc(datesTsv(1204))), { fits: true, description: '✓ 1,204 pairs' });
    assert.deepEqual(candidateStatus('seq2seq', 'README.md', enc('# Title\n\nSome prose.\n')), { fits: false, description: '✗ line 1: no tab; expected "source<TAB>target" (exactly one tab)' });
    assert.deepEqual(candidateStatus('tag', 'dates.tsv', enc('a\tb\tc\n')), { fits: true, description: '✓ 1 sentence, 1 tag' }, 'extra CoNLL columns are allowed');
    assert.equal(candidateStatus('tag', 'tags.conll', enc(conll(30))).description, '✓ 30 sentences, 5 tags');
    assert.equal(candidateStatus('lm', 'notes.md', enc('hello world\n')).description, '✓ 12 characters');
    assert.equal(candidateStatus('lm', 'logo.png', Uint8Array.from([0x89, 0x50, 0, 1])).description, '✗ binary (it contains NUL bytes)');
    assert.deepEqual(candidateStatus('seq2seq', 'crlf.tsv', enc('a\tb\r\nc\td\r\n')), { fits: true, description: '✓ 2 pairs' });
    assert.match(candidateStatus('seq2seq', 'huge.tsv', enc('a\tb\n'), 200 * 2 ** 20, 64 * 2 ** 20).description, /^✗ 200 MiB, over the 64 MiB corpus cap$/);
    // Only the first CHECK_BYTES are parsed, cut after the last whole line: no false "no tab" on a cut line.
    const big = datesTsv(80_000);
    assert.ok(big.length > CHECK_BYTES);
    const s = candidateStatus('seq2seq', 'big.tsv', enc(big));
    assert.ok(s.fits, s.description);
    assert.match(s.description, /^✓ ≥ [\d,]+ pairs in the first 1 MiB$/);
  });
});
