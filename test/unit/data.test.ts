import * as assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import {
  DataFormatError, readConll, readLabelText, readParallel, readPlainText, splitText, splitTrainValid, toLabelIds,
} from '../../src/engine/data/readers';

/** Asserts that fn throws a DataFormatError for `line` whose message matches re. */
function throwsAt(fn: () => unknown, line: number, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataFormatError, `not a DataFormatError: ${String(e)}`);
    assert.equal(e.line, line);
    assert.match(e.message, re);
    return true;
  });
}

describe('data readers', () => {
  it('plain text: keeps the text exactly, drops a BOM, rejects an empty corpus', () => {
    assert.equal(readPlainText('\ufeffa b\r\nc\n'), 'a b\r\nc\n');
    throwsAt(() => readPlainText(' \n\n'), 1, /^line 1: the text is empty$/);
  });

  it('classification: label before the first tab, the rest is the text (tabs and all), sorted labels, CRLF and blank lines', () => {
    const { examples, labels } = readLabelText('pos\tgood film\r\n\r\nneg\tbad\tfilm\r\nneu\tmeh\n');
    assert.deepEqual(examples, [
      { text: 'good film', label: 'pos' },
      { text: 'bad\tfilm', label: 'neg' },
      { text: 'meh', label: 'neu' },
    ]);
    assert.deepEqual(labels, ['neg', 'neu', 'pos']);
  });

  it('classification: a word-language line reads as label then word, not the other way round', () => {
    // The order `seqlab data languages` writes and the demo's languages.tsv holds.
    const { examples, labels } = readLabelText('german\tabschluss\nfrench\tchat\ngerman\tkatze\n');
    assert.deepEqual(examples.map((e) => e.label), ['german', 'french', 'german']);
    assert.deepEqual(examples.map((e) => e.text), ['abschluss', 'chat', 'katze']);
    assert.deepEqual(labels, ['french', 'german']);
  });

  it('classification: errors name the line', () => {
    throwsAt(() => readLabelText('x\ta\n\nno tab here\n'), 3, /^line 3: expected "label<TAB>text" but found no tab in "no tab here"$/);
    throwsAt(() => readLabelText('x\ta\n \tb\n'), 2, /the label before the tab is empty in " \\tb"/);
    throwsAt(() => readLabelText('x\t\n'), 1, /the text after the tab is empty/);
    throwsAt(() => readLabelText('\n\n'), 1, /no "label<TAB>text" lines/);
    assert.throws(() => readLabelText('oops', 'train.tsv'), /^DataFormatError: train\.tsv:1: expected "label<TAB>text"/);
  });

  it('parallel: one tab per line, with errors naming the line and the tab count', () => {
    assert.deepEqual(readParallel('24 Nov 2026\t2026-11-24\n\nabc\tcba'), [
      { source: '24 Nov 2026', target: '2026-11-24' },
      { source: 'abc', target: 'cba' },
    ]);
    throwsAt(() => readParallel('a\tb\nc\td\te\n'), 2, /exactly one tab\) but found 2 tabs/);
    throwsAt(() => readParallel('a\tb\r\nc\r\n'), 2, /but found no tab in "c"/);
    throwsAt(() => readParallel('a\t\n'), 1, /target after the tab is empty/);
  });

  it('CoNLL: sentences split on blank lines, first column token, last column tag, DOCSTART skipped', () => {
    const text = '-DOCSTART-\tO\n\nJohn\tNNP\tB-PER\nlives\tVBZ\tO\n\n\nin\tO\r\nParis\tB-LOC\n';
    const { sentences, tags } = readConll(text);
    assert.deepEqual(sentences, [
      { tokens: ['John', 'lives'], tags: ['B-PER', 'O'] },
      { tokens: ['in', 'Paris'], tags: ['O', 'B-LOC'] },
    ]);
    assert.deepEqual(tags, ['B-LOC', 'B-PER', 'O']);
    throwsAt(() => readConll('a\tX\nb\tY\n\nc\n'), 4, /expected "token<TAB>tag" but found no tab in "c"/);
    throwsAt(() => readConll('a\t\n'), 1, /the tag is empty/);
  });

  it('splitTrainValid: seeded, disjoint, complete, sized as asked', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const a = splitTrainValid(items, 7, { validFraction: 0.2 });
    const b = splitTrainValid(items, 7, { validFraction: 0.2 });
    const c = splitTrainValid(items, 8, { validFraction: 0.2 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.valid, c.valid);
    assert.equal(a.valid.length, 20);
    assert.deepEqual([...a.train, ...a.valid].sort((x, y) => x - y), items);
    assert.notDeepEqual(a.valid, items.slice(80)); // actually shuffled
    assert.equal(splitTrainValid(items, new Rng(1), { validCount: 3 }).valid.length, 3);
    assert.throws(() => splitTrainValid(items, 1, { validFraction: 1 }), /validFraction must be in \[0, 1\)/);
  });

  it('splitText: contiguous, cut at a line start, nothing lost', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const { train, valid } = splitText(text, 0.1);
    assert.equal(train + valid, text);
    assert.ok(train.endsWith('\n') && valid.startsWith('line '));
    assert.ok(Math.abs(valid.length / text.length - 0.1) < 0.05);
    const emoji = '😀'.repeat(10);
    const s = splitText(emoji, 0.35);
    assert.equal(s.train + s.valid, emoji);
    assert.ok(!/[\ud800-\udbff]$/.test(s.train), 'split a surrogate pair');
  });

  it('toLabelIds: indexes labels and names an unknown one', () => {
    assert.deepEqual([...toLabelIds(['pos', 'neg', 'pos'], ['neg', 'pos'])], [1, 0, 1]);
    assert.throws(() => toLabelIds(['neu'], ['neg', 'pos']), /unknown label "neu" \(known: neg, pos\)/);
  });
});
