// Long prompts: the state after a prompt read in fixed-size chunks (promptFeed.ts) equals the state of one
// full forward over it (Float64: to 1e-12; Float32: to float rounding), for the step decoder, the Completer and
// every cell; and the model's activation caches stay sized by the chunk, not by the prompt.
import * as assert from 'node:assert/strict';
import { Completer } from '../../src/engine/complete';
import { LanguageModel } from '../../src/engine/lm';
import { LmStepDecoder } from '../../src/engine/lmDecoder';
import { feedPrompt, PROMPT_CHUNK } from '../../src/engine/promptFeed';
import { Rng } from '../../src/engine/rng';
import { StepState } from '../../src/engine/stepState';
import type { FloatArrayCtor } from '../../src/engine/tensor';
import { CharTokenizer } from '../../src/engine/tokenize/char';

function model(cell: 'lstm' | 'gru' | 'rnn_tanh', ctor: FloatArrayCtor, V = 20, layers = 2): LanguageModel {
  const m = new LanguageModel({
    vocabSize: V, embeddingSize: 6, rnn: { cell, hiddenSize: 10, numLayers: layers, bidirectional: false, merge: 'concat', dropout: 0 },
  }, ctor);
  m.initialize(new Rng(7));
  return m;
}

function tokens(n: number, V: number, seed: number): number[] {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => 4 + Math.floor(r.next() * (V - 4)));
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('prompt feeding in chunks', () => {
  for (const cell of ['lstm', 'gru', 'rnn_tanh'] as const)
    for (const [ctor, tol] of [[Float64Array, 1e-12], [Float32Array, 2e-5]] as const) {
      it(`${cell} ${ctor.name}: chunked state and next-token logits equal the full forward (chunks of 1, 7, ${PROMPT_CHUNK})`, () => {
        const V = 20, n = 600, ids = tokens(n, V, 3);
        const full = model(cell, ctor);
        full.forward(Int32Array.from(ids), 1, n);
        const LH = 2 * 10;
        const wantH = full.rnn.hN.slice(0, LH), wantC = full.rnn.cN.slice(0, cell === 'lstm' ? LH : 0);
        const wantLogits = full.logits.slice((n - 1) * V, n * V);
        for (const chunk of [1, 7, PROMPT_CHUNK]) {
          const m = model(cell, ctor);
          const st = new StepState(2, 10, cell === 'lstm', ctor);
          st.replicate(null, null, 1);
          const last = new ctor(V);
          feedPrompt(m, ids, 0, n, st, last, chunk);
          const dh = maxDiff(st.h, wantH, LH), dc = cell === 'lstm' ? maxDiff(st.c, wantC, LH) : 0, dz = maxDiff(last, wantLogits, V);
          console.log(`      chunk ${chunk}: max |Δh| ${dh.toExponential(2)}, |Δc| ${dc.toExponential(2)}, |Δlogits| ${dz.toExponential(2)}`);
          assert.ok(dh <= tol && dc <= tol && dz <= tol, `chunk ${chunk}: ${dh} ${dc} ${dz}`);
        }
      });
    }

  it('the step decoder\'s first distribution after a long prompt is the full forward\'s last row', () => {
    const V = 20, n = 700, ids = tokens(n, V, 5);
    const full = model('lstm', Float64Array);
    full.forward(Int32Array.from(ids), 1, n);
    const want = full.logits.slice((n - 1) * V, n * V);
    const dec = new LmStepDecoder(model('lstm', Float64Array), ids);
    dec.reset(1);
    const got = dec.step(Int32Array.of(dec.startToken), 1);
    const d = maxDiff(got, want, V);
    console.log(`      max |Δlogits| ${d.toExponential(2)}`);
    assert.ok(d < 1e-12, String(d));
  });

  it('caches stay sized by the chunk: a 20 000-token prompt leaves the model\'s buffers as a 256-token one does', () => {
    const V = 20;
    const sizes = (m: LanguageModel): number[] => [m.logits.length, m.rnn.output.length, m.probs.length];
    const short = model('gru', Float32Array), long = model('gru', Float32Array);
    new LmStepDecoder(short, tokens(PROMPT_CHUNK + 1, V, 1));
    new LmStepDecoder(long, tokens(20000, V, 1));
    assert.deepEqual(sizes(long), sizes(short));
    assert.ok(long.logits.length <= PROMPT_CHUNK * V, `logits cache ${long.logits.length} > ${PROMPT_CHUNK * V}`);
  });

  it('the Completer reads a long prefix in chunks: same suggestions and probabilities as the one-forward reading', () => {
    const text = 'the cat sat on the mat and the dog sat on the log. '.repeat(60) + 'the d';
    const tok = CharTokenizer.build(text);
    const V = tok.vocabSize;
    const m = model('lstm', Float64Array, V, 1);
    const c = new Completer(m, tok, 100000);
    c.setPrefix(text);
    assert.ok(m.logits.length <= PROMPT_CHUNK * V, 'the Completer sized caches by the prefix');
    // Reference: the prefix state from ONE forward over the whole prefix, then the same beam search.
    const ref = model('lstm', Float64Array, V, 1);
    const ids = tok.encode(text);
    ref.forward(Int32Array.from(ids), 1, ids.length);
    const want = ref.logits.slice((ids.length - 1) * V, ids.length * V);
    const got = (c as unknown as { last: Float32Array }).last;
    const d = maxDiff(got, want, V);
    console.log(`      max |Δlogits| ${d.toExponential(2)} (Completer keeps them in float32)`);
    assert.ok(d < 1e-5, String(d));
    assert.ok(c.suggest({ count: 3 }).length > 0);
  });
});
