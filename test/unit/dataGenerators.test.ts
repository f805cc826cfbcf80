import * as assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { civilFromDays, DATE_STYLES, daysFromCivil, MONTHS, WEEKDAYS, weekdayOf } from '../../src/engine/data/calendar';
import { DEMO_TASKS, formatConll, generateTask, generateTaggedSentences, POS_TAGS } from '../../src/engine/data/generators';
import { readConll, type TaggedSentence } from '../../src/engine/data/readers';
import { buildWordLanguageData, wordListFromText } from '../../src/engine/data/wordLanguages';

/** Independent reading of a generated date: numbers and month/weekday names, checked against Date (UTC). */
function parseDate(source: string): { y: number; m: number; d: number; weekday?: number } {
  const words = source.split(/[\s,./]+/).filter((w) => w && w !== 'of');
  let y = -1;
  let m = -1;
  let weekday: number | undefined;
  const nums: number[] = [];
  for (const w of words) {
    const month = MONTHS.findIndex((name) => name === w || name.slice(0, 3) === w);
    const wd = WEEKDAYS.findIndex((name) => name === w || name.slice(0, 3) === w);
    if (month >= 0) m = month + 1;
    else if (wd >= 0) weekday = wd;
    else if (/^\d{4}$/.test(w)) y = Number(w);
    else if (/^\d{1,2}(st|nd|rd|th)?$/.test(w)) nums.push(parseInt(w, 10));
    else throw new Error(`unexpected word ${JSON.stringify(w)} in ${JSON.stringify(source)}`);
  }
  if (m < 0) {
    assert.equal(nums.length, 2, source); // numeric styles are day first: DD/MM/YYYY, D.M.YYYY
    return { y, m: nums[1], d: nums[0], weekday };
  }
  assert.equal(nums.length, 1, source);
  return { y, m, d: nums[0], weekday };
}

describe('demo-task generators', () => {
  it('are deterministic for a seed and differ across seeds', () => {
    for (const task of DEMO_TASKS) {
      const a = generateTask(task, new Rng(11), 50);
      assert.deepEqual(generateTask(task, new Rng(11), 50), a);
      assert.notDeepEqual(generateTask(task, new Rng(12), 50), a);
    }
  });

  it('copy, reverse and sort: right target, lengths in range, small alphabet', () => {
    const rng = new Rng(1);
    const lens = new Set<number>();
    for (const p of generateTask('reverse', rng, 500)) {
      assert.equal(p.target, [...p.source].reverse().join(''));
      assert.match(p.source, /^[a-j]{5,20}$/);
      lens.add(p.source.length);
    }
    assert.equal(lens.size, 16, 'every length 5..20 appears');
    for (const p of generateTask('copy', rng, 100)) assert.equal(p.target, p.source);
    for (const p of generateTask('sort', rng, 100, { alphabet: 'zyx😀', minLen: 2, maxLen: 4 })) {
      const chars = [...p.source];
      assert.ok(chars.length >= 2 && chars.length <= 4);
      for (let i = 1; i < [...p.target].length; i++) assert.ok([...p.target][i - 1] <= [...p.target][i]);
      assert.deepEqual([...p.target].sort(), chars.sort());
    }
  });

  it('dates: the target is the ISO form of the source, weekdays are right, every style appears', () => {
    const rng = new Rng(2);
    const styleSeen = new Set<number>();
    for (const p of generateTask('dates', rng, 2000)) {
      const date = new Date(`${p.target}T00:00:00Z`);
      assert.ok(!Number.isNaN(date.getTime()), p.target);
      assert.equal(date.toISOString().slice(0, 10), p.target, 'target is a real calendar date');
      const got = parseDate(p.source);
      assert.deepEqual([got.y, got.m, got.d], [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()], p.source);
      if (got.weekday !== undefined) assert.equal(got.weekday, date.getUTCDay(), `wrong weekday in ${p.source}`);
      assert.ok(got.y >= 1950 && got.y <= 2050);
      DATE_STYLES.forEach((s, i) => {
        if (s.format(got.y, got.m, got.d, date.getUTCDay()) === p.source) styleSeen.add(i);
      });
    }
    assert.equal(styleSeen.size, DATE_STYLES.length);
    assert.equal(DATE_STYLES[4].format(2026, 11, 24, weekdayOf(daysFromCivil(2026, 11, 24))), 'Tuesday, 24 November 2026');
  });

  it('calendar arithmetic agrees with Date over four centuries', () => {
    for (let days = -80000; days < 80000; days += 37) {
      const date = new Date(days * 86400000);
      assert.deepEqual(civilFromDays(days), [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]);
      assert.equal(daysFromCivil(...civilFromDays(days)), days);
      assert.equal(weekdayOf(days), date.getUTCDay());
    }
  });

  it('addition: target is the numeric sum, operands have 1..maxDigits digits', () => {
    const digitCounts = new Set<number>();
    for (const p of generateTask('addition', new Rng(3), 1000)) {
      const m = /^(\d+)\+(\d+)$/.exec(p.source);
      assert.ok(m, p.source);
      assert.equal(Number(p.target), Number(m[1]) + Number(m[2]));
      assert.equal(String(Number(p.target)), p.target, 'no leading zeros');
      for (const x of [m[1], m[2]]) {
        assert.ok(x.length <= 3 && (x.length === 1 || x[0] !== '0'));
        digitCounts.add(x.length);
      }
    }
    assert.deepEqual([...digitCounts].sort(), [1, 2, 3]);
  });

  it('unique and exclude give disjoint held-out sets, and fail clearly when impossible', () => {
    const train = generateTask('addition', new Rng(4), 300, { unique: true, maxDigits: 2 });
    assert.equal(new Set(train.map((p) => p.source)).size, 300);
    const exclude = new Set(train.map((p) => p.source));
    const test = generateTask('addition', new Rng(5), 200, { exclude, maxDigits: 2 });
    for (const p of test) assert.ok(!exclude.has(p.source));
    assert.throws(() => generateTask('copy', new Rng(1), 20, { unique: true, alphabet: 'ab', minLen: 1, maxLen: 2 }), /could not draw 20 distinct/);
    assert.throws(() => generateTask('nope' as never, new Rng(1), 1), /unknown demo task "nope"/);
  });
});

describe('word-language dataset', () => {
  const lists = {
    fr: wordListFromText('été\r\nchat\nmaison\nl\'eau\nfromage\nbonjour\nchien\nfenêtre\n'),
    en: wordListFromText("cat\nCat\ncat's\nhouse\nchat\nwindow\ndog\nhello\nx\nwell-known\n"),
    de: wordListFromText('Haus\nKatze\nFenster\nHund\nStraße\nKäse\nBrot\nchat\nHallo\n'),
  };

  it('cleans, drops shared words, balances classes and labels by sorted language', () => {
    const data = buildWordLanguageData(lists, new Rng(1));
    assert.deepEqual(data.languages, ['de', 'en', 'fr']);
    // en keeps cat, house, window, dog, hello (chat is shared; cat's, x, well-known dropped): 5 each.
    for (const lang of data.languages) assert.equal(data.words[lang].length, 5);
    assert.deepEqual([...data.words.en].sort(), ['cat', 'dog', 'hello', 'house', 'window']);
    assert.equal(data.examples.length, 15);
    for (const e of data.examples) {
      assert.ok(data.words[e.label].includes(e.text));
      assert.notEqual(e.text, 'chat');
      assert.equal(e.text, e.text.toLowerCase());
    }
    assert.ok(data.words.de.every((w) => !/[A-Z]/.test(w)));
    assert.deepEqual(buildWordLanguageData(lists, new Rng(1)), data);
    assert.equal(buildWordLanguageData(lists, new Rng(2), { perLanguage: 2 }).examples.length, 6);
  });

  it('normalises to NFC and rejects unusable input', () => {
    const data = buildWordLanguageData({ a: ['cafe\u0301', 'xyz'], b: ['café', 'abc'] }, new Rng(1), { dropShared: false });
    assert.ok(data.words.a.includes('café') && data.words.b.includes('café'));
    assert.throws(() => buildWordLanguageData({ a: ['abc'] }, new Rng(1)), /at least 2 languages/);
    assert.throws(() => buildWordLanguageData({ a: ['abc'], b: ["it's", '1'] }, new Rng(1)), /no usable words left for b/);
  });
});

/** For each token, the tag seen with each context key (what a tagger looking at that much context could know). */
function tagsByContext(sentences: readonly TaggedSentence[], key: (s: TaggedSentence, i: number) => string): Map<string, Map<string, number>> {
  const seen = new Map<string, Map<string, number>>();
  for (const s of sentences) {
    s.tokens.forEach((_, i) => {
      const k = key(s, i);
      const tags = seen.get(k) ?? new Map<string, number>();
      tags.set(s.tags[i], (tags.get(s.tags[i]) ?? 0) + 1);
      seen.set(k, tags);
    });
  }
  return seen;
}

/** Accuracy of the best tagger that sees only `key`: the majority tag of each key. */
function bestAccuracy(seen: Map<string, Map<string, number>>): number {
  let right = 0, all = 0;
  for (const tags of seen.values()) for (const c of tags.values()) all += c;
  for (const tags of seen.values()) right += Math.max(...tags.values());
  return right / all;
}

describe('tagging generator', () => {
  const word = (s: TaggedSentence, i: number): string => s.tokens[i] ?? (i < 0 ? '<s>' : '</s>');

  it('writes CoNLL that readConll reads back: one token<TAB>tag a line, a blank line after each sentence', () => {
    const sentences = generateTaggedSentences(new Rng(3), 50);
    const text = formatConll(sentences);
    assert.ok(text.endsWith('\n\n'));
    const blocks = text.slice(0, -2).split('\n\n');
    assert.equal(blocks.length, 50);
    for (const block of blocks) for (const line of block.split('\n')) assert.match(line, /^[A-Za-z]+\t[A-Z]+$/);
    const back = readConll(text);
    assert.deepEqual(back.sentences, sentences);
    assert.deepEqual(back.tags, [...POS_TAGS]);
    for (const s of sentences) {
      assert.equal(s.tokens.length, s.tags.length);
      assert.ok(s.tokens.length >= 2 && s.tokens.length <= 12, s.tokens.join(' '));
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    assert.deepEqual(generateTaggedSentences(new Rng(9), 40), generateTaggedSentences(new Rng(9), 40));
    assert.notDeepEqual(generateTaggedSentences(new Rng(9), 40), generateTaggedSentences(new Rng(10), 40));
    assert.deepEqual(generateTaggedSentences(new Rng(9), 0), []);
    assert.throws(() => generateTaggedSentences(new Rng(9), 1.5), /whole number/);
  });

  it('the tag follows from the neighbours, not from the word alone', () => {
    const sentences = generateTaggedSentences(new Rng(11), 4000);
    // With one word either side, every context has exactly one tag, and it carries over to new sentences.
    const window = (s: TaggedSentence, i: number): string => `${word(s, i - 1)} ${word(s, i)} ${word(s, i + 1)}`;
    const byWindow = tagsByContext(sentences, window);
    const clashes = [...byWindow].filter(([, tags]) => tags.size > 1).map(([k, tags]) => `${k}: ${[...tags.keys()].join('/')}`);
    assert.deepEqual(clashes, []);
    const fresh = generateTaggedSentences(new Rng(12), 500);
    let known = 0, right = 0;
    for (const s of fresh) s.tokens.forEach((_, i) => {
      const tags = byWindow.get(window(s, i));
      if (tags) known++, right += tags.has(s.tags[i]) ? 1 : 0;
    });
    assert.equal(right, known);
    const total = fresh.reduce((n, s) => n + s.tokens.length, 0);
    assert.ok(known > 0.8 * total, `${known} of ${total} tokens in a seen context`);
    // The word alone is not enough: a dozen words are nouns or verbs, and the best word-only tagger misses.
    const byWord = tagsByContext(sentences, (s, i) => s.tokens[i]);
    const nounOrVerb = [...byWord].filter(([, tags]) => tags.has('NOUN') && tags.has('VERB')).map(([w]) => w);
    assert.ok(nounOrVerb.length >= 10, nounOrVerb.join(' '));
    const wordOnly = bestAccuracy(byWord);
    assert.ok(wordOnly < 0.95, `word-only accuracy ${wordOnly}`);
    // Nor is the left neighbour alone: a sentence's first word needs the next one ("fish can swim" / "fish the river").
    const leftOnly = tagsByContext(sentences, (s, i) => `${word(s, i - 1)} ${word(s, i)}`);
    const needRight = [...leftOnly].filter(([, tags]) => tags.size > 1).map(([k]) => k);
    assert.ok(needRight.length > 0 && needRight.every((k) => k.startsWith('<s> ')), needRight.join(', '));
  });
});
