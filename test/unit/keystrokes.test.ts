// W8's parts (test/bench/ngram.ts, test/bench/keystrokes.ts): the Kneser–Ney n-gram's distributions sum to 1 and
// match values computed by hand on a tiny corpus; the typing simulation saves exactly the word characters with a
// perfect oracle, nothing with a model that never suggests, is wrong, or is unsure; the n-gram's ghost text follows
// the editor's one-word policy.
import * as assert from 'node:assert/strict';
import { CharNgram } from '../bench/ngram';
import { MIN_CONFIDENCE, NEXT_WORD_CONFIDENCE, ngramGhost, simulateTyping, type GhostText } from '../bench/keystrokes';

const close = (a: number, b: number, what = ''): void => assert.ok(Math.abs(a - b) <= 1e-12, `${what}: ${a} vs ${b}`);
const PROSE = 'The cat sat on the mat. The dog sat on the log, and the cat ran off!\nA cat, a dog; the end.\n';

describe('W8: character n-gram with interpolated Kneser–Ney', () => {
  it('every distribution sums to 1 over the vocabulary (seen, unseen and short contexts, orders 1 to 5)', () => {
    for (const order of [1, 2, 3, 5]) {
      const m = new CharNgram(PROSE.repeat(3), order);
      const out = new Float64Array(m.vocab.length);
      for (const ctx of ['', 'T', 'the c', 'e cat', 'zzzz', 'at on', 'g; t', '\n', 'qqqqqqqq the']) {
        m.distribution(ctx, out);
        const sum = out.reduce((a, b) => a + b, 0);
        close(sum, 1, `order ${order}, context ${JSON.stringify(ctx)}`);
        assert.ok(out.every((p) => p > 0), 'every character keeps some probability');
      }
    }
  });

  it('"aaab", order 2: hand-computed discounts and probabilities (Chen & Goodman 1998 eq. 12–13)', () => {
    // Bigram counts after "a": a 2, b 1 → D2 = n1/(n1 + 2 n2) = 1/3. Continuation counts: a follows "a" and the
    // text's start (2), b follows "a" (1) → D1 = 1/3; P1(a) = (2 − 1/3)/3 + (1/3 · 2/3) · 1/2 = 2/3, P1(b) = 1/3.
    // P(a | a) = (2 − 1/3)/3 + (1/3 · 2/3) · 2/3 = 19/27; P(b | a) = (1 − 1/3)/3 + (2/9) · 1/3 = 8/27.
    const m = new CharNgram('aaab', 2);
    assert.deepEqual(m.vocab, ['a', 'b']);
    close(m.discounts[0], 1 / 3, 'D1');
    close(m.discounts[1], 1 / 3, 'D2');
    close(m.prob('', 'a'), 2 / 3, 'P(a)');
    close(m.prob('', 'b'), 1 / 3, 'P(b)');
    close(m.prob('a', 'a'), 19 / 27, 'P(a | a)');
    close(m.prob('a', 'b'), 8 / 27, 'P(b | a)');
    close(m.prob('b', 'a'), 2 / 3, 'P(a | b): "b" was never followed, so the unigram answers');
    close(m.prob('xa', 'b'), 8 / 27, 'only the last order − 1 characters count');
    assert.equal(m.prob('a', 'z'), 0, 'a character outside the vocabulary');
  });
});

describe('W8: the typing simulation', () => {
  const text = 'the cat sat. on a mat\nok';
  /** The rest of the word that starts or continues at the cursor, as a perfect model would suggest it. */
  const oracle = (full: string): GhostText => (before) => {
    const rest = full.slice(before.length);
    const m = /^[\p{L}\p{M}\p{N}_']+/u.exec(rest);
    return m ? { completion: m[0], prob: 1 } : null;
  };

  it('a perfect oracle saves every word character and types only the boundaries', () => {
    const wordChars = [...text].filter((c) => /[\p{L}]/u.test(c)).length;
    const r = simulateTyping(text, oracle(text));
    assert.equal(r.saved, wordChars);
    assert.equal(r.tabs, 7, 'one Tab per word');
    assert.equal(r.chars, text.length);
  });

  it('the context typed before counts as text before the cursor', () => {
    const before = 'hello ';
    const r = simulateTyping(text, (b) => oracle(before + text)(b), before);
    assert.equal(r.saved, [...text].filter((c) => /[\p{L}]/u.test(c)).length);
  });

  it('a model that never suggests, one that is always wrong, and one below minConfidence save nothing', () => {
    assert.equal(simulateTyping(text, () => null).saved, 0);
    assert.equal(simulateTyping(text, () => ({ completion: 'zzz', prob: 1 })).saved, 0);
    const unsure = simulateTyping(text, (b) => { const g = oracle(text)(b); return g && { ...g, prob: MIN_CONFIDENCE / 2 }; });
    assert.deepEqual([unsure.saved, unsure.shown], [0, 0]);
  });

  it('a next word (nothing of it typed) needs nextWordConfidence, a begun word minConfidence, as the editor\'s provider', () => {
    // Between the two thresholds: shown only where part of the word is typed.
    const between = (MIN_CONFIDENCE + NEXT_WORD_CONFIDENCE) / 2;
    const g: GhostText = (b) => { const o = oracle(text)(b); return o && { ...o, prob: between }; };
    const editor = simulateTyping(text, g);
    const words = text.split(/[^\p{L}]+/u).filter((w) => w.length > 0);
    // The first word starts the text (nothing before it: a next word too); every word is typed up to its first letter.
    assert.equal(editor.tabs, words.filter((w) => w.length > 1).length, 'each word completed after its first letter (a one-letter word has nothing left)');
    assert.equal(editor.saved, words.reduce((n, w) => n + w.length - 1, 0));
    const anyWord = simulateTyping(text, g, '', MIN_CONFIDENCE, MIN_CONFIDENCE);
    assert.equal(anyWord.saved, words.reduce((n, w) => n + w.length, 0), 'with one threshold for both, whole words');
    const never = simulateTyping(text, (b) => oracle(text)(b), '', MIN_CONFIDENCE, 1);
    assert.equal(never.saved, editor.saved, 'nextWordConfidence 1 never offers a next word, even a certain one');
  });

  it('the n-gram\'s ghost text completes one word (never past a boundary) and saves keystrokes on text like its training text', () => {
    const m = new CharNgram(PROSE.repeat(20), 5);
    const ghost = ngramGhost(m);
    assert.equal(ghost(''), null, 'nothing before any text');
    const g = ghost('The dog sat on the l');
    assert.ok(g, 'a suggestion inside a known word');
    assert.equal(g!.completion, 'og');
    for (const before of ['The c', 'The cat sat on ', 'A cat, a d']) {
      const s = ghost(before);
      if (s) assert.match(s.completion, /^[\p{L}]*$/u, `one word after ${JSON.stringify(before)}`);
    }
    const r = simulateTyping('The dog sat on the mat.', ghost, 'A cat, a dog; the end.\n');
    assert.ok(r.saved > 5, `saved ${r.saved} of ${r.chars}`);
  });
});
