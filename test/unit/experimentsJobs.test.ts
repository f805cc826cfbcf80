// The experiments worker's pure jobs: the vanishing-gradient job's two curves (read the same way the dashboard
// and the e2e test read them), the gradient check (a correct model agrees; a deliberately corrupted analytic
// gradient is caught), and text sampling from a snapshot.
import * as assert from 'node:assert/strict';
import { writeCheckpoint } from '../../src/engine/checkpoint';
import { LanguageModel } from '../../src/engine/lm';
import { Rng } from '../../src/engine/rng';
import { buildTokenizer } from '../../src/engine/tokenize/tokenizer';
import { LongLagJob, TextSampler, gradCheck } from '../../src/extension/experiments/jobs';
import { parseHostToExperiments } from '../../src/protocol/experiments';
import { runConfig } from '../../src/engine/run/config';

const TEXT = 'the cat sat on the mat. the dog sat on the log. the cat saw the dog and the dog saw the cat. ';

function smallCheckpoint(cell: 'lstm' | 'gru' | 'rnn_tanh', layers = 1) {
  const tokenizer = buildTokenizer('char', TEXT);
  const config = { vocabSize: tokenizer.vocabSize, embeddingSize: 5, rnn: { cell, hiddenSize: 6, numLayers: layers, bidirectional: false, merge: 'concat' as const, dropout: 0 } };
  const lm = new LanguageModel(config);
  lm.initialize(new Rng(3));
  return writeCheckpoint({ architecture: { kind: 'lm', config }, params: lm.params, tokenizer, seed: 3 });
}

describe('experiments jobs', () => {
  it('long-lag job: the tanh RNN gradient decays by orders of magnitude more than the LSTM one', function () {
    this.timeout(20000);
    const job = new LongLagJob({ steps: 30, trainSteps: 3, hiddenSize: 16, seed: 1 });
    while (!job.done) job.tick();
    const v = job.view();
    assert.equal(v.done, true);
    assert.deepEqual(v.series.map((s) => s.cell), ['rnn_tanh', 'lstm']);
    const decay = Object.fromEntries(v.series.map((s) => [s.cell, (s.gradThroughTime[29] as number) / (s.gradThroughTime[0] as number)]));
    console.log(`      decay over 30 steps: tanh RNN ${decay.rnn_tanh?.toExponential(2)}, LSTM ${decay.lstm?.toExponential(2)}`);
    for (const s of v.series) {
      assert.equal(s.gradThroughTime.length, 30);
      assert.equal(s.loss.length, 3);
      assert.ok(s.accuracy !== null && s.accuracy >= 0 && s.accuracy <= 1);
    }
    assert.ok((decay.rnn_tanh as number) > 100 * (decay.lstm as number), JSON.stringify(decay));
  });

  for (const cell of ['lstm', 'gru', 'rnn_tanh'] as const) {
    it(`gradient check of a ${cell} language model: every tensor agrees`, () => {
      const view = gradCheck(smallCheckpoint(cell, 2), TEXT, 'tiny');
      const worst = Math.max(...view.rows.map((r) => r.maxRelError));
      console.log(`      ${cell}: ${view.rows.length} tensors, worst relative error ${worst.toExponential(2)}`);
      assert.ok(view.rows.length >= 9);
      for (const r of view.rows) {
        assert.ok(r.checked > 0 && r.checked <= 6, `${r.tensor} checked ${r.checked}`);
        assert.ok(r.ok, `${r.tensor}: rel ${r.maxRelError}, abs ${r.maxAbsError}`);
      }
    });
  }

  it('gradient check catches a wrong analytic gradient', () => {
    // Break backward: scale every head gradient after lossAndBackward by patching the prototype for one call.
    const proto = LanguageModel.prototype as unknown as { lossAndBackward: (...a: unknown[]) => { loss: number; count: number } };
    const original = proto.lossAndBackward;
    proto.lossAndBackward = function (this: LanguageModel, ...a: unknown[]) {
      const r = original.apply(this, a);
      const g = this.params.gradOf('head.bias');
      for (let i = 0; i < g.length; i++) g[i] *= 1.5;
      return r;
    };
    try {
      const view = gradCheck(smallCheckpoint('lstm'), TEXT, 'broken');
      const head = view.rows.find((r) => r.tensor === 'head.bias');
      assert.ok(head && !head.ok, 'the corrupted head.bias gradient was not caught');
      assert.ok(view.rows.filter((r) => r.tensor !== 'head.bias').every((r) => r.ok));
    } finally {
      proto.lossAndBackward = original;
    }
  });

  it('samples text from a snapshot with the run\'s tokenizer', () => {
    const config = runConfig({ seed: 1, tokenizer: 'char', embedding: 5, cell: 'lstm', hidden: 6, layers: 1, lr: 0.01, clip: 0, batch: 2, seqLen: 8 });
    const tokenizer = buildTokenizer('char', TEXT);
    const lm = new LanguageModel({ vocabSize: tokenizer.vocabSize, embeddingSize: 5, rnn: { cell: 'lstm', hiddenSize: 6, numLayers: 1, bidirectional: false, merge: 'concat', dropout: 0 } });
    lm.initialize(new Rng(1));
    const sampler = new TextSampler();
    const a = sampler.sample('r1', config, TEXT, Float32Array.from(lm.params.data), 40, 5);
    const b = sampler.sample('r1', config, TEXT, Float32Array.from(lm.params.data), 40, 5);
    assert.deepEqual(a, b, 'same seed, same sample');
    assert.ok(TEXT.includes(a.prompt));
    assert.ok(a.text.length > 0 && [...a.text].every((ch) => TEXT.includes(ch) || ch === '\uFFFD'), a.text);
    assert.throws(() => sampler.sample('r1', config, TEXT, new Float32Array(3), 10, 1), /snapshot has 3 values/);
  });

  it('the worker protocol rejects malformed requests with a reason', () => {
    assert.throws(() => parseHostToExperiments({ type: 'longLag', id: 1, options: { steps: 0 } }), /longLag\.options\.steps must be an integer in \[2, 4096\], got 0/);
    assert.throws(() => parseHostToExperiments({ type: 'sample', id: 2, runId: 'x', train: '', weights: [1], length: 5, config: {} }), /sample\.step must be an integer in \[0, 1e9\], got undefined/);
    assert.throws(() => parseHostToExperiments({ type: 'nope', id: 3 }), /unknown message type "nope"/);
    assert.equal(parseHostToExperiments({ type: 'cancel', id: 4 }).type, 'cancel');
  });
});
