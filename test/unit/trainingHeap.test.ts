// The heap a model trains on is sized from the model's real layout (src/engine/sizing/trainingHeap.ts): one
// recorded training step of the largest batch shape. For every architecture — language model, seq2seq with
// attention, classifier, tagger — and several cells, optimizers and shapes, a model built on a heap of that size
// trains many steps (largest shape, smaller and ragged ones, the largest again) without one array overflowing
// into plain memory, and the heap is not padded with headroom: nearly all of it is in use.
import * as assert from 'node:assert/strict';
import type { CellKind } from '../../src/engine/cells/cell';
import { SequenceClassifier, type ClassifierConfig } from '../../src/engine/classifier';
import { LanguageModel, type LmConfig } from '../../src/engine/lm';
import type { OptimizerConfig } from '../../src/engine/optim';
import { Rng } from '../../src/engine/rng';
import { Seq2Seq } from '../../src/engine/seq2seq/model';
import type { Seq2SeqConfig } from '../../src/engine/seq2seq/config';
import { asFloatCtor, wasmFloatCtor, type HeapFloatCtor } from '../../src/engine/sizing/alloc';
import { lmTrainingHeapFloats, seq2seqTrainingHeapFloats, sequenceTrainingHeapFloats } from '../../src/engine/sizing/trainingHeap';
import { SequenceTagger, type TaggerConfig } from '../../src/engine/tagger';
import { LmTrainer, TrainStep } from '../../src/engine/trainer';

const OPTIMIZERS: OptimizerConfig[] = [
  { kind: 'adam' }, { kind: 'rmsprop', momentum: 0.9, centered: true }, { kind: 'sgd' }, { kind: 'adamw' },
];

function heapOf(floats: number | null): HeapFloatCtor {
  assert.ok(floats !== null && floats > 0, `sized ${floats}`);
  const ctor = wasmFloatCtor(floats);
  assert.ok(ctor, 'this runtime has WebAssembly SIMD');
  return ctor;
}

/** No array left the heap, and the heap holds what was asked with no headroom (page rounding aside). */
function assertSizedExactly(ctor: HeapFloatCtor, floats: number, what: string): void {
  assert.equal(ctor.overflow.arrays, 0, `${what}: ${ctor.overflow.floats} floats did not fit the sized heap of ${floats}`);
  const used = ctor.heap.capacity - ctor.heap.free;
  assert.ok(used >= 0.98 * floats, `${what}: ${used} of ${floats} sized floats used — an estimate with headroom, not the layout`);
}

function ids(rng: Rng, n: number, vocab: number): Int32Array {
  return Int32Array.from({ length: n }, () => 4 + rng.int(vocab - 4));
}

describe('heap sized from the real layouts (sizing/trainingHeap.ts)', () => {
  const cells: CellKind[] = ['lstm', 'gru', 'rnn_tanh'];

  cells.forEach((cell, i) => {
    const optimizer = OPTIMIZERS[i];
    it(`language model (${cell}, ${optimizer.kind}, 2 layers, dropout): truncated BPTT steps never overflow`, () => {
      const cfg: LmConfig = { vocabSize: 41, embeddingSize: 12, rnn: { cell, hiddenSize: 24, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0.2 } };
      const B = 5, T = 9, floats = lmTrainingHeapFloats(cfg, B, T, optimizer)!;
      const ctor = heapOf(floats);
      const model = new LanguageModel(cfg, asFloatCtor(ctor));
      const rng = new Rng(7);
      model.initialize(rng);
      const trainer = new LmTrainer(model, { optimizer, schedule: { kind: 'constant', lr: 1e-2 }, clipNorm: 1 }, 'mean', rng);
      for (const [b, t, reset] of [[B, T, true], [B, T, false], [B, 4, false], [3, T, true], [B, T, false]] as const) {
        trainer.step({ inputs: ids(rng, b * t, 41), targets: ids(rng, b * t, 41), B: b, T: t, resetState: reset });
      }
      assertSizedExactly(ctor, floats, 'lm');
    });
  });

  for (const [cell, attention, bidirectional, ratio, optimizer] of [
    ['lstm', 'additive', true, 1, OPTIMIZERS[0]], ['gru', 'general', false, 0.5, OPTIMIZERS[1]], ['lstm', 'dot', false, 1, OPTIMIZERS[2]],
    ['gru', 'none', true, 1, OPTIMIZERS[3]],
  ] as const) {
    it(`seq2seq (${cell}, ${attention} attention${bidirectional ? ', bidirectional encoder' : ''}, teacher forcing ${ratio}, ${optimizer.kind}): no overflow`, () => {
      const cfg: Seq2SeqConfig = {
        srcVocab: 30, tgtVocab: 26, embeddingSize: 8, cell, attention,
        encoder: { hiddenSize: 16, numLayers: 2, bidirectional }, decoder: { hiddenSize: 16, numLayers: 2 },
      };
      const B = 4, S = 7, T = 6, floats = seq2seqTrainingHeapFloats(cfg, B, S, T, optimizer, ratio)!;
      const ctor = heapOf(floats);
      const model = new Seq2Seq(cfg, asFloatCtor(ctor));
      const rng = new Rng(11);
      model.initialize(rng);
      const core = new TrainStep(model.params, { optimizer, schedule: { kind: 'constant', lr: 1e-2 }, clipNorm: 1 });
      for (const [b, s, t] of [[B, S, T], [2, 3, 4], [B, S - 1, T], [B, S, T]] as const) {
        const lengths = Int32Array.from({ length: b }, (_, r) => s - (r % 2));
        const src = ids(rng, b * s, 30), tgt = ids(rng, b * t, 26);
        core.run(() => model.trainForwardBackward(src, lengths, b, s, tgt, tgt, t, 'mean', ratio, rng));
      }
      assertSizedExactly(ctor, floats, 'seq2seq');
    });
  }

  for (const kind of ['classify', 'tag'] as const) {
    cells.forEach((cell, i) => {
      const optimizer = OPTIMIZERS[(i + 1) % OPTIMIZERS.length];
      const bidirectional = i !== 1, merge = (['concat', 'sum', 'mean'] as const)[i];
      it(`${kind === 'classify' ? 'classifier' : 'tagger'} (${cell}${bidirectional ? `, bidirectional ${merge}` : ''}, ${optimizer.kind}): padded batches never overflow`, () => {
        const rnn = { cell, hiddenSize: 20, numLayers: 2, bidirectional, merge, dropout: 0.1 };
        const cfg: ClassifierConfig | TaggerConfig = kind === 'classify'
          ? { vocabSize: 33, embeddingSize: 10, numClasses: 5, rnn } : { vocabSize: 33, embeddingSize: 10, numTags: 6, rnn };
        const B = 6, T = 11, floats = sequenceTrainingHeapFloats(kind, cfg, B, T, optimizer)!;
        const ctor = heapOf(floats);
        const model = kind === 'classify' ? new SequenceClassifier(cfg as ClassifierConfig, asFloatCtor(ctor)) : new SequenceTagger(cfg as TaggerConfig, asFloatCtor(ctor));
        const rng = new Rng(5);
        model.initialize(rng);
        const core = new TrainStep(model.params, { optimizer, schedule: { kind: 'constant', lr: 1e-2 }, clipNorm: 1 });
        for (const [b, t] of [[B, T], [B, 3], [2, T], [B, T]] as const) {
          const lengths = Int32Array.from({ length: b }, (_, r) => Math.max(1, t - r));
          const targets = Int32Array.from({ length: kind === 'tag' ? b * t : b }, () => rng.int(5));
          core.run(() => {
            model.forward(ids(rng, b * t, 33), lengths, b, t, { training: true, rng });
            return model.lossAndBackward(targets, 'mean', -1);
          });
        }
        assertSizedExactly(ctor, floats, kind);
      });
    });
  }

  it('a model whose arenas pass one heap is refused from its layout alone, allocating nothing', () => {
    const huge: LmConfig = { vocabSize: 60000, embeddingSize: 512, rnn: { cell: 'lstm', hiddenSize: 1024, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0 } };
    const before = process.memoryUsage().arrayBuffers;
    assert.equal(lmTrainingHeapFloats(huge, 64, 256, { kind: 'adam' }), null);
    assert.ok(process.memoryUsage().arrayBuffers - before < 2 ** 26, 'the sizing run allocated the model');
  });
});
