// What decoding may emit: with a head bias that makes <pad>, <unk>, <bos>, a control byte, a lone UTF-8
// continuation byte or an impossible byte (0xFF) by far the most probable tokens, greedy, sampling, beam and
// completion still never emit them (and do when no mask is asked for); byte-BPE output is always valid UTF-8,
// even when the length cap falls right after a lead byte; the mask renormalises (allowed probabilities sum to
// 1); EOS is never first with minLength 1, so beam search over an EOS-loving model never returns empty text,
// and its model calls grow linearly with the length (one K-row step per token).
import * as assert from 'node:assert/strict';
import { Completer } from '../../src/engine/complete';
import { LanguageModel } from '../../src/engine/lm';
import { LmStepDecoder } from '../../src/engine/lmDecoder';
import { Rng } from '../../src/engine/rng';
import { beamSearch, decode, sampleSequence, type DecodeOptions, type StepDecoder } from '../../src/engine/sample';
import { isForbiddenControl, TokenFilter } from '../../src/engine/tokenFilter';
import { BpeTokenizer } from '../../src/engine/tokenize/bpe';
import { CharTokenizer } from '../../src/engine/tokenize/char';
import { utf8Decode, utf8Encode } from '../../src/engine/tokenize/utf8';
import { BOS, EOS, NUM_SPECIAL, PAD, UNK, type Tokenizer } from '../../src/engine/tokenize/types';

const CORPUS = 'héllo wörld, naïve café — ünïcödé “quotes” and 漢字 text. '.repeat(20);

function lmFor(tok: Tokenizer, seed = 1): LanguageModel {
  const m = new LanguageModel({
    vocabSize: tok.vocabSize, embeddingSize: 8, rnn: { cell: 'gru', hiddenSize: 12, numLayers: 1, bidirectional: false, merge: 'concat', dropout: 0 },
  }, Float64Array);
  m.initialize(new Rng(seed));
  return m;
}

/** Adds `by` to the head bias of each token: the model then all but always wants them. */
function favour(m: LanguageModel, ids: number[], by = 30): void {
  const b = m.params.value('head.bias');
  for (const id of ids) b[id] += by;
}

const byteId = (b: number): number => NUM_SPECIAL + b;
const strategies: [string, (o: DecodeOptions) => DecodeOptions][] = [
  ['greedy', (o) => ({ ...o, strategy: 'greedy' })],
  ['sampling τ=1.5 top-p 0.99', (o) => ({ ...o, strategy: 'sample', temperature: 1.5, topP: 0.99, rng: new Rng(9) })],
  ['top-k 5', (o) => ({ ...o, strategy: 'sample', topK: 5, rng: new Rng(4) })],
  ['beam 6', (o) => ({ ...o, strategy: 'beam', beamWidth: 6 })],
];

/** All tokens of every result a strategy returns (beam: every hypothesis). */
function emitted(dec: StepDecoder, o: DecodeOptions): number[][] {
  return o.strategy === 'beam' ? beamSearch(dec, o).map((r) => r.steps.map((s) => s.token)) : [sampleSequence(dec, o).steps.map((s) => s.token)];
}

describe('token filter: what decoding may emit', () => {
  const bpe = BpeTokenizer.build(CORPUS, { merges: 40 });
  const char = CharTokenizer.build(CORPUS + '\u0007\r');

  it('the byte automaton follows RFC 3629: which tokens are allowed after a lead byte', () => {
    const f = new TokenFilter(bpe);
    f.reset(1);
    const row = new Float64Array(bpe.vocabSize);
    const allowed = (): Set<number> => {
      row.fill(0);
      f.mask(row, 0, 100);
      return new Set([...row.keys()].filter((v) => row[v] === 0));
    };
    const start = allowed();
    for (const id of [PAD, BOS, UNK, byteId(0x00), byteId(0x07), byteId(0x0d), byteId(0x1b), byteId(0x7f), byteId(0x80), byteId(0xbf), byteId(0xc0), byteId(0xc1), byteId(0xf5), byteId(0xff)])
      assert.ok(!start.has(id), `token ${id} allowed at the start`);
    for (const id of [EOS, byteId(0x0a), byteId(0x09), byteId(0x41), byteId(0xc3), byteId(0xe2), byteId(0xf0)]) assert.ok(start.has(id), `token ${id} refused at the start`);
    f.commit(Int32Array.of(0), Int32Array.of(byteId(0xe0)), 1); // E0 must be followed by A0..BF (no overlong form)
    const afterE0 = allowed();
    assert.ok(!afterE0.has(byteId(0x9f)) && afterE0.has(byteId(0xa0)) && !afterE0.has(EOS) && !afterE0.has(byteId(0x41)));
    f.reset(1);
    f.commit(Int32Array.of(0), Int32Array.of(byteId(0xed)), 1); // ED: A0..BF would encode a surrogate
    const afterED = allowed();
    assert.ok(afterED.has(byteId(0x9f)) && !afterED.has(byteId(0xa0)));
    // Owed bytes must fit before the cap: with 1 token left, a 3-byte lead is refused, ASCII is fine.
    f.reset(1);
    row.fill(0);
    f.mask(row, 0, 1);
    assert.equal(row[byteId(0xe2)], -Infinity);
    assert.equal(row[byteId(0x41)], 0);
    assert.ok(isForbiddenControl(0x1b) && !isForbiddenControl(0x0a) && !isForbiddenControl(0x09));
  });

  for (const [name, opts] of strategies) {
    it(`${name}: a model that wants <pad>, <unk>, <bos>, ESC, a lone continuation byte and 0xFF never emits them (and does unmasked)`, () => {
      const bad = [PAD, UNK, BOS, byteId(0x1b), byteId(0x80), byteId(0xff)];
      const m = lmFor(bpe);
      favour(m, bad);
      const prompt = bpe.encode('héllo ');
      const base: DecodeOptions = { maxLength: 40, eos: EOS, minLength: 1 };
      for (const toks of emitted(new LmStepDecoder(m, prompt), opts({ ...base, constraint: new TokenFilter(bpe) }))) {
        assert.ok(toks.length > 0);
        // 0x80 is fine as a continuation byte: the UTF-8 check below is what rules out the lone one.
        for (const t of toks) assert.ok(!bad.includes(t) || t === byteId(0x80), `emitted forbidden token ${t}`);
        const body = toks.filter((t) => t !== EOS);
        const bytes = body.flatMap((t) => [...bpe.tokenBytes(t)!]);
        const text = bpe.decode(body);
        assert.ok(!text.includes('\uFFFD'), `invalid UTF-8 in ${JSON.stringify(text)}`);
        assert.deepEqual(utf8Encode(text), bytes, 'the bytes are exactly a valid UTF-8 text');
      }
      const unmasked = emitted(new LmStepDecoder(m, prompt), opts(base)).flat();
      assert.ok(unmasked.some((t) => bad.includes(t)), 'without the mask the biased model emits them (the test can fail)');
    });
  }

  it('a model that wants a 4-byte lead byte still ends on whole characters when the cap cuts in (every cap 1..12)', () => {
    const m = lmFor(bpe, 3);
    favour(m, [byteId(0xf0)], 12);
    for (let cap = 1; cap <= 12; cap++)
      for (const [, opts] of strategies) {
        const f = new TokenFilter(bpe);
        for (const toks of emitted(new LmStepDecoder(m, bpe.encode('a')), opts({ maxLength: cap, eos: -1, constraint: f }))) {
          const bytes = toks.flatMap((t) => [...(bpe.tokenBytes(t) ?? [])]);
          assert.ok(!utf8Decode(bytes).includes('\uFFFD'), `cap ${cap}: ${bytes.map((b) => b.toString(16))}`);
        }
      }
  });

  it('char vocabulary: control characters and specials are masked; probabilities renormalise over the rest', () => {
    const m = lmFor(char);
    const bell = char.encode('\u0007')[0], cr = char.encode('\r')[0];
    favour(m, [PAD, UNK, BOS, bell, cr], 5);
    const r = decode(new LmStepDecoder(m, char.encode('hé')), { maxLength: 30, eos: EOS, minLength: 1, strategy: 'greedy', constraint: new TokenFilter(char), alternatives: char.vocabSize });
    for (const s of r.steps) {
      assert.ok(![PAD, UNK, BOS, bell, cr].includes(s.token));
      const mass = s.alternatives.reduce((a, x) => a + x.prob, 0);
      assert.ok(Math.abs(mass - 1) < 1e-9, `allowed probabilities sum to ${mass}`);
      assert.ok(s.alternatives.every((a) => ![PAD, UNK, BOS, bell, cr].includes(a.token)), 'a masked token listed as an alternative');
    }
  });

  it('EOS-loving model: minLength 1 keeps every strategy from returning the empty text; beam stays one K-row step per token', () => {
    const m = lmFor(bpe, 5);
    favour(m, [EOS], 8);
    for (const [name, opts] of strategies) {
      const o = opts({ maxLength: 50, eos: EOS, minLength: 1, constraint: new TokenFilter(bpe) });
      const r = decode(new LmStepDecoder(m, bpe.encode('x')), o);
      assert.ok(r.tokens.length > 0, `${name}: empty result`);
      assert.notEqual(r.steps[0].token, EOS);
      if (o.strategy !== 'beam') continue;
      const empty = decode(new LmStepDecoder(m, bpe.encode('x')), { ...o, minLength: 0 });
      assert.equal(empty.tokens.length, 0, 'without minLength the EOS-only hypothesis wins (the test can fail)');
    }
    // Linear cost: count the rows the model is asked for; no step re-reads a prefix.
    const noEos = lmFor(bpe, 6);
    const rows = (cap: number): number => {
      const dec = new LmStepDecoder(noEos, bpe.encode('x'));
      let n = 0, calls = 0;
      const step = dec.step.bind(dec);
      dec.step = (t, K) => ((n += K), calls++, step(t, K));
      beamSearch(dec, { maxLength: cap, eos: -1, beamWidth: 8, strategy: 'beam', constraint: new TokenFilter(bpe) });
      assert.equal(calls, cap, 'one model step per output token');
      return n;
    };
    assert.ok(rows(200) <= 8 * 200 && rows(400) <= 8 * 400);
  });

  it('completion: no suggestion holds a special, a control character or a broken character', () => {
    const m = lmFor(bpe, 7);
    favour(m, [UNK, byteId(0x07), byteId(0xc3)], 6);
    const c = new Completer(m, bpe);
    c.setPrefix('naïve caf');
    const s = c.suggest({ count: 5, beam: 8 });
    assert.ok(s.length > 0);
    for (const x of s) {
      assert.ok(![...x.word].some((ch) => isForbiddenControl(ch.codePointAt(0)!) || ch === '\uFFFD'), JSON.stringify(x.word));
    }
    // Unmasked, <unk>, BEL and half a character (U+FFFD) all read as word boundaries, so "caf" takes their
    // mass; masked, a hypothesis owing bytes goes on, and "caf" keeps only real boundaries' probability.
    const pCaf = (cc: Completer): number => cc.suggest({ count: 5, beam: 8 }).find((x) => x.word === 'caf')?.prob ?? 0;
    const open = new Completer(m, bpe, 2048, true);
    open.setPrefix('naïve caf');
    assert.ok(pCaf(open) > 0.5, `unmasked P(caf) ${pCaf(open)}`);
    assert.ok(pCaf(c) < 0.1, `masked P(caf) ${pCaf(c)}`);
  });
});
