// Float64 central-difference gradient checks of whole architectures, every parameter tensor of each: seq2seq
// (no attention with a direct state hand-over, each attention score, bidirectional and stacked encoders, the
// learned bridge, a decoder deeper than its encoder), the many-to-one classifier, the aligned tagger and the
// one-to-many generator. Padded batches with mixed lengths throughout, so masking is checked too.
import * as assert from 'node:assert/strict';
import type { Params } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { Seq2Seq, type Seq2SeqConfig } from '../../src/engine/seq2seq/model';
import { SequenceClassifier } from '../../src/engine/classifier';
import type { MergeMode } from '../../src/engine/layers/recurrent';
import { OneToMany } from '../../src/engine/oneToMany';
import { SequenceTagger } from '../../src/engine/tagger';
import type { CellKind } from '../../src/engine/cells/cell';
import { checkGradient, copyOf, randomArray, type GradError } from './gradcheck/numeric';

/** Checks every tensor of `params`: f() is the loss, analytic() fills params.grad. Returns the failures. */
export function checkModel(label: string, params: Params, f: () => number, analytic: () => void): string[] {
  params.zeroGrad();
  analytic();
  const errs: GradError[] = params.entries.map((e) => checkGradient(e.name, f, params.value(e.name), copyOf(params.gradOf(e.name))));
  const worst = errs.reduce((m, e) => Math.max(m, e.maxRel), 0);
  console.log(`      ${label}: ${errs.length} tensors, max rel err ${worst.toExponential(2)}`);
  return errs.filter((e) => !e.ok).map((e) => `${e.name} (abs ${e.maxAbs.toExponential(2)})`);
}

// Two padded sequences (PAD = 0, BOS = 2, EOS = 3, content ids 4…).
const src = Int32Array.of(4, 5, 6, 7, 5, 4, 0, 0);
const srcLengths = Int32Array.of(4, 2);
const decIn = Int32Array.of(2, 7, 6, 5, 2, 4, 5, 0);
const targets = Int32Array.of(7, 6, 5, 3, 4, 5, 3, 0);

function s2s(over: Partial<Seq2SeqConfig>): Seq2Seq {
  const m = new Seq2Seq({
    srcVocab: 8, tgtVocab: 8, embeddingSize: 3, cell: 'gru',
    encoder: { hiddenSize: 4, numLayers: 1, bidirectional: false }, decoder: { hiddenSize: 4, numLayers: 1 },
    attention: 'none', attentionSize: 3, ...over,
  }, Float64Array);
  m.initialize(new Rng(3));
  return m;
}

describe('architecture gradient checks (Float64)', () => {
  const cases: [string, Partial<Seq2SeqConfig>][] = [
    ['seq2seq gru, no attention, direct hand-over', {}],
    ['seq2seq lstm, no attention, learned bridge', { cell: 'lstm', bridge: 'always' }],
    ['seq2seq lstm, bi 2-layer encoder, bridge, additive', {
      cell: 'lstm', encoder: { hiddenSize: 3, numLayers: 2, bidirectional: true }, attention: 'additive' }],
    ['seq2seq gru, dot attention', { attention: 'dot' }],
    ['seq2seq lstm, additive, Luong query (decoder output)', {
      cell: 'lstm', decoder: { hiddenSize: 3, numLayers: 2 }, attention: 'additive', attentionQuery: 'output' }],
    ['seq2seq gru, bi encoder, 2-layer decoder, general', {
      encoder: { hiddenSize: 3, numLayers: 1, bidirectional: true }, decoder: { hiddenSize: 4, numLayers: 2 }, attention: 'general' }],
    ['seq2seq lstm, reversed source, 2-layer encoder, additive', {
      cell: 'lstm', encoder: { hiddenSize: 3, numLayers: 2, bidirectional: false }, attention: 'additive', reverseSource: true }],
    ['seq2seq gru, location-aware additive (kernel 3), chained over steps', { attention: 'additive', locationKernel: 3 }],
    ['seq2seq lstm, reversed source, location-aware additive (kernel 5), Luong query', {
      cell: 'lstm', attention: 'additive', locationKernel: 5, reverseSource: true, attentionQuery: 'output' }],
  ];
  for (const [label, over] of cases) {
    it(label, () => {
      const m = s2s(over);
      const f = (): number => {
        m.forward(src, srcLengths, 2, 4, decIn, 4);
        return m.loss(targets, 'sum').loss;
      };
      const bad = checkModel(label, m.params, f, () => {
        m.forward(src, srcLengths, 2, 4, decIn, 4);
        m.lossAndBackward(targets, 'sum');
      });
      assert.deepEqual(bad, []);
    });
  }

  it('seq2seq: padded source positions get no gradient through their embeddings', () => {
    const m = s2s({ attention: 'additive', encoder: { hiddenSize: 4, numLayers: 1, bidirectional: true } });
    const src2 = Int32Array.of(4, 5, 6, 7, 5, 4, 1, 1); // row 1 padded with id 1, used nowhere else
    m.params.zeroGrad();
    m.forward(src2, srcLengths, 2, 4, decIn, 4);
    m.lossAndBackward(targets, 'sum');
    const g = m.params.gradOf('src_embedding.weight');
    for (let e = 0; e < 3; e++) assert.equal(g[1 * 3 + e], 0);
  });

  const rnnCfg = (cell: CellKind, bidirectional: boolean, merge: MergeMode, numLayers = 1) =>
    ({ cell, hiddenSize: 3, numLayers, bidirectional, merge, dropout: 0 });
  const classifierCases: [CellKind, boolean, MergeMode, number][] = [
    ['gru', false, 'concat', 2], ['lstm', true, 'concat', 1], ['gru', true, 'sum', 1], ['lstm', true, 'mean', 2], ['rnn_tanh', true, 'weighted', 2],
  ];
  for (const [cell, bi, merge, layers] of classifierCases) {
    const label = `classifier ${cell}${bi ? ` bi ${merge}` : ''} ${layers} layer(s), padded`;
    it(label, () => {
      const m = new SequenceClassifier({ vocabSize: 8, embeddingSize: 3, numClasses: 3, rnn: rnnCfg(cell, bi, merge, layers) }, Float64Array);
      m.initialize(new Rng(4));
      if (merge === 'weighted') m.params.value(`rnn.merge_weight_l${layers - 1}`).set([0.7, -0.4]);
      const labels = Int32Array.of(2, 0);
      const f = (): number => {
        m.forward(src, srcLengths, 2, 4);
        return m.loss(labels, 'sum').loss;
      };
      assert.deepEqual(checkModel(label, m.params, f, () => {
        m.forward(src, srcLengths, 2, 4);
        m.lossAndBackward(labels, 'sum');
      }), []);
    });
  }

  it('tagger lstm bi, 2 layers, padded (ignored tags)', () => {
    const m = new SequenceTagger({ vocabSize: 8, embeddingSize: 3, numTags: 4, rnn: rnnCfg('lstm', true, 'concat', 2) }, Float64Array);
    m.initialize(new Rng(5));
    const tags = Int32Array.of(1, 0, 3, 2, 2, 1, -1, -1);
    const f = (): number => {
      m.forward(src, srcLengths, 2, 4);
      return m.loss(tags, 'mean').loss;
    };
    assert.deepEqual(checkModel('tagger lstm bi 2 layers', m.params, f, () => {
      m.forward(src, srcLengths, 2, 4);
      m.lossAndBackward(tags, 'mean');
    }), []);
  });

  for (const [cell, kind] of [['lstm', 'label'], ['gru', 'vector']] as const) {
    it(`one-to-many ${cell}, ${kind} condition, 2 layers`, () => {
      const m = new OneToMany({
        vocabSize: 8, embeddingSize: 3, rnn: { cell, hiddenSize: 3, numLayers: 2, dropout: 0 },
        condition: kind === 'label' ? { kind, numLabels: 3, size: 2 } : { kind, size: 2 },
      }, Float64Array);
      m.initialize(new Rng(6));
      const cond = kind === 'label' ? Int32Array.of(2, 0) : randomArray(4, new Rng(8));
      const f = (): number => {
        m.forward(cond, decIn, 2, 4);
        return m.loss(targets, 'sum').loss;
      };
      assert.deepEqual(checkModel(`one-to-many ${cell} ${kind}`, m.params, f, () => {
        m.forward(cond, decIn, 2, 4);
        m.lossAndBackward(targets, 'sum');
      }), []);
    });
  }
});
