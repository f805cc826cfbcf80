import * as assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import {
  BOS, BpeTokenizer, buildTokenizer, CharTokenizer, EOS, NUM_SPECIAL, PAD, Tokenizer, tokenizerFromJSON, UNK,
  UNK_TEXT, WordTokenizer,
} from '../../src/engine/tokenize/tokenizer';
import { KEY } from '../../src/engine/tokenize/bpeTrain';
import { bpeChunks, wordPieces } from '../../src/engine/tokenize/pretokenize';
import { utf8Decode, utf8Encode } from '../../src/engine/tokenize/utf8';

const PROSE =
  'The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs away!\n' +
  "It's a fox's life, isn't it? Don't worry: the dog doesn't mind.\r\n" +
  'Café, naïve, façade, Übermaß, 東京, 😀 and 👍🏽 are all fine.\n';
const CODE =
  'function add(a: number, b: number): number {\n\treturn a + b;\n}\r\n' +
  'for (let i = 0; i < 10; i++) {\n    if (i % 2 === 0) console.log(`even ${i}`);\n}\n' +
  "const s = 'it\\'s'; // comment\n\t\t  mixed\t indentation\n";
const CORPUS = PROSE + CODE;
const KINDS = ['char', 'word', 'bpe'] as const;

function roundTrip(tok: Tokenizer, text: string): void {
  const ids = tok.encode(text);
  for (const id of ids) assert.ok(Number.isInteger(id) && id >= 0 && id < tok.vocabSize, `id ${id} out of range`);
  assert.ok(!ids.includes(UNK), `unexpected UNK encoding ${JSON.stringify(text)}`);
  assert.equal(tok.decode(ids), text);
}

describe('utf8', () => {
  it('matches Node Buffer on mixed text and decodes invalid bytes to U+FFFD like TextDecoder', () => {
    const text = 'a\u00e9\u6771\u{1f600}\u{10ffff}\r\n\u0000';
    assert.deepEqual(utf8Encode(text), [...Buffer.from(text, 'utf8')]);
    assert.equal(utf8Decode(utf8Encode(text)), text);
    const bad = [0xe2, 0x82, 0x41, 0xff, 0xc0, 0x80, 0xf0, 0x9f, 0x98, 0xed, 0xa0, 0x80, 0xe2];
    assert.equal(utf8Decode(bad), new TextDecoder().decode(Uint8Array.from(bad)));
    assert.deepEqual(utf8Encode('x\ud800y'), [...Buffer.from('x\ufffdy', 'utf8')]);
  });
});

describe('pre-tokenizers', () => {
  it('cover the text exactly, with emoji whole and CRLF as one piece', () => {
    for (const text of [CORPUS, '', ' ', '\r\n\r\n', '😀😀', 'a\ud800b']) {
      assert.equal(wordPieces(text).join(''), text);
      assert.equal(bpeChunks(text).join(''), text);
    }
    assert.deepEqual(wordPieces("don't  stop\r\n😀!"), ["don't", '  ', 'stop', '\r\n', '😀', '!']);
    assert.deepEqual(bpeChunks('if (x) {\n    y'), ['if', ' (', 'x', ')', ' {', '\n   ', ' y']);
  });
});

describe('tokenizers', () => {
  for (const kind of KINDS) {
    describe(kind, () => {
      const tok = buildTokenizer(kind, CORPUS, { merges: 200 });

      it('round-trips prose, code, CRLF, tabs, emoji and surrogate pairs', () => {
        roundTrip(tok, CORPUS);
        roundTrip(tok, PROSE);
        roundTrip(tok, CODE);
        roundTrip(tok, '');
        roundTrip(tok, '😀 👍🏽\r\n\tthe');
      });

      it('keeps the special ids fixed and decodes them away (or shows them on request)', () => {
        assert.equal(tok.tokenText(PAD), '<pad>');
        assert.equal(tok.tokenText(UNK), '<unk>');
        assert.equal(tok.tokenText(BOS), '<bos>');
        assert.equal(tok.tokenText(EOS), '<eos>');
        const ids = [BOS, ...tok.encode('the fox'), EOS, PAD, PAD];
        assert.equal(tok.decode(ids), 'the fox');
        assert.equal(tok.decode(ids, { showSpecial: true }), '<bos>the fox<eos><pad><pad>');
        // Out-of-range ids (say, a model with a larger head) decode as UNK instead of throwing.
        assert.equal(tok.decode([tok.vocabSize, -5, 4.5, NaN]), UNK_TEXT.repeat(4));
        assert.equal(tok.tokenText(4.5), '<unk>');
        for (let id = NUM_SPECIAL; id < tok.vocabSize; id++) assert.ok(tok.tokenText(id).length > 0);
      });

      it('gives identical encodings after a JSON save/load (through text)', () => {
        const saved = JSON.stringify(tok.toJSON());
        const back = tokenizerFromJSON(JSON.parse(saved));
        assert.equal(back.kind, kind);
        assert.equal(back.vocabSize, tok.vocabSize);
        const probe = CORPUS + ' unseen words ∑ 🦀 zebra';
        assert.deepEqual(back.encode(probe), tok.encode(probe));
        assert.deepEqual(tokenizerFromJSON(saved).encode(probe), tok.encode(probe));
        assert.equal(JSON.stringify(back.toJSON()), saved);
      });

      it('is deterministic: same corpus, same vocabulary', () => {
        const again = buildTokenizer(kind, CORPUS, { merges: 200 });
        assert.deepEqual(again.toJSON(), tok.toJSON());
      });
    });
  }

  it('char: one token per code point, ordered by frequency then code point', () => {
    const tok = CharTokenizer.build('bab😀c😀😀');
    // counts: 😀 3, b 2, a 1, c 1 -> ties by code point
    assert.deepEqual(tok.toJSON().symbols, ['😀', 'b', 'a', 'c']);
    assert.deepEqual(tok.encode('😀a'), [NUM_SPECIAL, NUM_SPECIAL + 2]);
    // Code-point order, not UTF-16 order: U+E000 < U+1F600 although '\ue000' > '\ud83d' as units.
    assert.deepEqual(CharTokenizer.build('\u{1f600}\ue000').toJSON().symbols, ['\ue000', '\u{1f600}']);
  });

  it('char: unseen characters and maxVocab cut-offs map to UNK', () => {
    const tok = CharTokenizer.build('aaabbc', { maxVocab: NUM_SPECIAL + 2 });
    assert.equal(tok.vocabSize, 6);
    assert.deepEqual(tok.encode('abcz🦀'), [4, 5, UNK, UNK, UNK]);
    assert.equal(tok.decode(tok.encode('abz')), 'ab' + UNK_TEXT);
  });

  it('word: unknown words become one UNK each, unseen whitespace runs are rebuilt from known runs', () => {
    const tok = WordTokenizer.build('the cat  sat on the mat.\n');
    const ids = tok.encode('the dog sat on the zebra.');
    assert.equal(ids.filter((id) => id === UNK).length, 2);
    assert.equal(tok.decode(ids), `the ${UNK_TEXT} sat on the ${UNK_TEXT}.`);
    const spaces = ' '.repeat(7);
    const sp = tok.encode(`the${spaces}cat`);
    assert.ok(!sp.includes(UNK));
    assert.equal(tok.decode(sp), `the${spaces}cat`);
    assert.deepEqual(tok.encode('\t'), [UNK]); // a tab never seen at all
    assert.ok(tok.isWord(tok.idOf('cat')) && !tok.isWord(tok.idOf(' ')) && !tok.isWord(tok.idOf('.')));
  });

  it('word: minCount and maxVocab keep the frequent tokens', () => {
    const tok = WordTokenizer.build('a a a b b c', { minCount: 2 });
    assert.deepEqual(tok.toJSON().tokens, [' ', 'a', 'b']);
    assert.equal(tok.encode('c')[0], UNK);
    const capped = WordTokenizer.build('a a a b b c', { maxVocab: NUM_SPECIAL + 2 });
    assert.deepEqual(capped.toJSON().tokens, [' ', 'a']);
  });

  describe('bpe', () => {
    it('learns exactly the merges of a naive recount-every-step reference', () => {
      const rng = new Rng(5);
      const words = ['low', 'lower', 'newest', 'widest', 'aaaa', 'banana', 'band', 'café', '😀😀!', 'x+=1;', "it's"];
      let text = '';
      for (let i = 0; i < 600; i++) text += (i ? ' ' : '') + words[rng.int(words.length)] + (rng.int(9) ? '' : '\n');
      for (const base of ['byte', 'char'] as const) {
        const tok = BpeTokenizer.build(text, { merges: 40, base });
        const ref = naiveMerges(tok, text, 40);
        assert.ok(ref.length >= 60, `the reference found only ${ref.length / 2} merges`);
        assert.deepEqual(tok.toJSON().merges, ref);
      }
    });

    it('compresses its corpus, more with more merges, and byte-level never emits UNK', () => {
      const text = (CORPUS + CODE.replace(/a/g, 'e')).repeat(3);
      const bytes = utf8Encode(text).length;
      let prev = bytes;
      for (const merges of [50, 150, 400]) {
        const tok = BpeTokenizer.build(text, { merges });
        const n = tok.encode(text).length;
        assert.ok(n < prev, `${merges} merges: ${n} tokens, not fewer than ${prev}`);
        prev = n;
      }
      assert.ok(prev < bytes / 2.5, `400 merges give ${prev} tokens for ${bytes} bytes`);
      const tok = BpeTokenizer.build(CORPUS, { merges: 100 });
      const unseen = 'Ωμέγα ∑ 🦀 \u0000 \uffff נ ﷽';
      assert.ok(!tok.encode(unseen).includes(UNK));
      assert.equal(tok.decode(tok.encode(unseen)), unseen);
    });

    it('char base maps unseen characters to UNK, one per character', () => {
      const tok = BpeTokenizer.build('hello hello world', { base: 'char', merges: 10 });
      const ids = tok.encode('hello 🦀x');
      assert.equal(ids.filter((id) => id === UNK).length, 2);
      assert.equal(tok.decode(ids), `hello ${UNK_TEXT}${UNK_TEXT}`);
    });

    it('shows partial-character byte tokens as hex and decodes split characters whole', () => {
      const tok = BpeTokenizer.build('plain ascii text only', { merges: 5 });
      const ids = tok.encode('é');
      assert.equal(ids.length, 2);
      assert.equal(tok.tokenText(ids[0]), '<0xC3>');
      assert.equal(tok.decode(ids), 'é');
      assert.equal(tok.decode([ids[0]]), UNK_TEXT); // a lone lead byte is invalid UTF-8
    });

    it('learns 2000 merges on ~1 MB in seconds', function () {
      this.timeout(20000);
      const rng = new Rng(1);
      const syll = ['ka', 'to', 'ri', 'ne', 'su', 'mo', 'la', 'pe', 'di', 'shu', 'an', 'ex', 'or', 'ing'];
      const vocab: string[] = [];
      for (let i = 0; i < 3000; i++) {
        let w = '';
        const n = 1 + rng.int(4);
        for (let j = 0; j < n; j++) w += syll[rng.int(syll.length)];
        vocab.push(w);
      }
      const parts: string[] = [];
      let len = 0;
      while (len < 1 << 20) {
        const w = vocab[Math.floor(vocab.length * rng.next() ** 3)] + (rng.int(12) === 0 ? '.\n' : ' ');
        parts.push(w);
        len += w.length;
      }
      const text = parts.join('');
      const t0 = Date.now();
      const tok = BpeTokenizer.build(text, { merges: 2000 });
      const ms = Date.now() - t0;
      assert.equal(tok.numMerges, 2000);
      assert.ok(ms < 10000, `learning took ${ms} ms`);
      console.log(`      bpe: 2000 merges on ${text.length} chars in ${ms} ms`);
    });
  });

  describe('tokenizerFromJSON errors', () => {
    const cases: [unknown, RegExp][] = [
      [null, /must be an object/],
      [[1, 2], /must be an object.*array/],
      ['{not json', /does not parse/],
      [{ version: 1 }, /unknown kind undefined/],
      [{ kind: 'sentencepiece', version: 1 }, /unknown kind "sentencepiece"; expected one of char, word, bpe/],
      [{ kind: 'char', version: 2, symbols: [] }, /unsupported version 2/],
      [{ kind: 'char', version: 1 }, /symbols must be an array of strings/],
      [{ kind: 'char', version: 1, symbols: ['a', 3] }, /symbols\[1\] must be a string/],
      [{ kind: 'char', version: 1, symbols: ['ab'] }, /not one code point/],
      [{ kind: 'char', version: 1, symbols: ['a', 'a'] }, /appears twice/],
      [{ kind: 'word', version: 1, tokens: ['a', ''] }, /token 1 is empty/],
      [{ kind: 'bpe', version: 1, base: 'utf16', merges: [] }, /base must be 'byte' or 'char'/],
      [{ kind: 'bpe', version: 1, base: 'byte', merges: [4] }, /even length/],
      [{ kind: 'bpe', version: 1, base: 'byte', merges: [4, 260] }, /merge 0 refers to id 260/],
      [{ kind: 'bpe', version: 1, base: 'byte', merges: [4, 5, 4, 5] }, /repeats an earlier merge/],
      [{ kind: 'bpe', version: 1, base: 'char', merges: [] }, /alphabet must be an array/],
    ];
    for (const [json, re] of cases) {
      it(`rejects ${JSON.stringify(json)}`, () => assert.throws(() => tokenizerFromJSON(json), re));
    }
  });
});

/** Reference BPE: recount every pair over every chunk before each merge (Sennrich et al. Algorithm 1). */
function naiveMerges(tok: BpeTokenizer, text: string, numMerges: number): number[] {
  const base = tok.base;
  const alphabet = tok.toJSON().alphabet ?? [];
  const first = NUM_SPECIAL + (base === 'byte' ? 256 : alphabet.length);
  const counts = new Map<string, number>();
  for (const c of bpeChunks(text)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const chunks = [...counts].map(([c, n]) => ({
    s: base === 'byte' ? utf8Encode(c).map((b) => NUM_SPECIAL + b) : Array.from(c).map((ch) => NUM_SPECIAL + alphabet.indexOf(ch)),
    n,
  }));
  const merges: number[] = [];
  for (let r = 0; r < numMerges; r++) {
    const pc = new Map<number, number>();
    for (const { s, n } of chunks) for (let i = 0; i + 1 < s.length; i++) pc.set(s[i] * KEY + s[i + 1], (pc.get(s[i] * KEY + s[i + 1]) ?? 0) + n);
    let best = -1;
    let bestN = 1;
    for (const [k, n] of pc) if (n > bestN || (n === bestN && n >= 2 && k < best)) [best, bestN] = [k, n];
    if (best < 0) break;
    const a = Math.floor(best / KEY);
    const b = best % KEY;
    merges.push(a, b);
    for (const c of chunks) {
      const out: number[] = [];
      for (let i = 0; i < c.s.length; ) {
        if (i + 1 < c.s.length && c.s[i] === a && c.s[i + 1] === b) {
          out.push(first + r);
          i += 2;
        } else out.push(c.s[i++]);
      }
      c.s = out;
    }
  }
  return merges;
}
