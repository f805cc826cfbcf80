// Every kind trains on a WasmHeap sized from its real layout (sizing/alloc.ts, count.ts): a real training run —
// the task's own create() and trainStep(), over more than one epoch of length-bucketed batches, with every
// attention kind, optimizer kind, dropout and scheduled sampling — allocates nothing outside its heap
// (overflow 0) and uses the heap to the float (used === what sizing counted), and inference afterwards
// (translate, evaluate, predict, generate) leaves the training heap untouched.
import * as assert from 'node:assert/strict';
import { generateTask } from '../../src/engine/data/generators';
import type { ParallelPair } from '../../src/engine/data/readers';
import { OneToMany, type OneToManyConfig } from '../../src/engine/oneToMany';
import type { Params } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { heapCtorOf, sizedHeap, type HeapFloatCtor } from '../../src/engine/sizing/alloc';
import { countFloats } from '../../src/engine/sizing/count';
import { LmTask } from '../../src/engine/tasks/lmTask';
import { DEFAULT_TASK_OPTIONS, type TaskOptions } from '../../src/engine/tasks/options';
import { Seq2SeqTask, type Seq2SeqOptions } from '../../src/engine/tasks/seq2seqTask';
import { SequenceTask } from '../../src/engine/tasks/sequenceTask';
import { TrainStep } from '../../src/engine/trainer';
import { WasmHeap } from '../../src/engine/kernels/heap';
import { wasmStats } from '../../src/engine/kernels/product';
import type { FloatArrayCtor } from '../../src/engine/tensor';

const o: TaskOptions = { ...DEFAULT_TASK_OPTIONS, hidden: 16, embedding: 8, batch: 8, seqLen: 12, lr: 0.01, seed: 5 };
const text = 'she sells sea shells by the sea shore; the shells she sells are sea shells. '.repeat(8);
const pairs: ParallelPair[] = generateTask('reverse', new Rng(2), 30, { minLen: 2, maxLen: 7 });
const labelled = ['ab', 'abba', 'b', 'bbbbbba', 'aaa a b', 'ba', 'abab abab', 'bbb'].flatMap((t, i) => [
  { text: t, label: i % 3 === 0 ? 'x' : i % 3 === 1 ? 'y' : 'z' }, { text: `${t} ${t}`, label: 'y' },
]);
const sentences = [
  { tokens: ['U.S.', 'wins'], tags: ['N', 'V'] }, { tokens: ['the', 'dog', 'runs', 'fast'], tags: ['D', 'N', 'V', 'A'] },
  { tokens: ['dogs', 'run'], tags: ['N', 'V'] }, { tokens: ['a', 'cat', 'sleeps'], tags: ['D', 'N', 'V'] },
  { tokens: ['the', 'U.S.', 'dog', 'wins', 'again', 'and', 'again'], tags: ['D', 'N', 'N', 'V', 'A', 'C', 'A'] },
];

/** The heap behind a task's parameters, after asserting it is one. */
function heapOf(params: Params): HeapFloatCtor {
  const h = heapCtorOf(params.ctor);
  assert.ok(h, 'the model trains on a WasmHeap (this runtime has WebAssembly SIMD)');
  assert.equal(WasmHeap.ofBuffer(params.data.buffer), h.heap);
  return h;
}

/** Trains `steps` steps; every step finite, nothing outside the heap, the heap filled exactly as sized. */
function trainExactly(label: string, task: { params: Params; trainStep(): { loss: number; nonFinite: string | null } }, steps: number): HeapFloatCtor {
  const h = heapOf(task.params);
  const before = { ...wasmStats };
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const st = task.trainStep();
    assert.equal(st.nonFinite, null, `${label}: step ${s} not finite`);
    losses.push(st.loss);
  }
  console.log(`      ${label}: heap ${h.heap.used} floats used of ${h.sized} sized, overflow ${h.overflow.arrays}; loss ${losses[0].toFixed(3)} → ${losses[steps - 1].toFixed(3)}`);
  assert.equal(h.overflow.arrays, 0, `${label}: ${h.overflow.floats} floats fell back to plain arrays`);
  assert.equal(h.heap.used, h.sized, `${label}: heap used ${h.heap.used} floats, sizing counted ${h.sized}`);
  assert.equal(wasmStats.copied, before.copied, `${label}: a product copied its operands`);
  return h;
}

describe('every kind trains on an exactly sized WasmHeap', () => {
  it('lm (lstm, gru, 2 layers with dropout; adam, sgd, rmsprop)', () => {
    for (const over of [{}, { cell: 'gru', optimizer: 'sgd' }, { layers: 2, dropout: 0.2, optimizer: 'rmsprop' }] as Partial<TaskOptions>[]) {
      const task = LmTask.create({ ...o, ...over }, text);
      const h = trainExactly(`lm ${JSON.stringify(over)}`, task, 2 * Math.ceil(text.length / (o.batch * o.seqLen)) + 1);
      const used = h.heap.used;
      task.generate('she ', { maxLength: 20 });
      task.evaluate(text.slice(0, 300), { words: 10 });
      assert.equal(h.heap.used, used, 'inference allocated in the training heap');
    }
  });

  const seq2seqCases: [string, Partial<TaskOptions>, Seq2SeqOptions][] = [
    ['no attention', {}, {}],
    ['dot, gru', { attention: 'dot', cell: 'gru' }, {}],
    ['general, bidirectional encoder, adamw', { attention: 'general', bidirectional: true, optimizer: 'adamw' }, {}],
    ['additive, 2 layers, dropout, scheduled sampling', { attention: 'additive', layers: 2, dropout: 0.1, teacherForcing: 0.5 }, {}],
    ['additive, location-aware (kernel 3), reversed source, sgd', { attention: 'additive', optimizer: 'sgd' }, { locationKernel: 3, reverseSource: true }],
    ['additive, location-aware (kernel 5), bidirectional, rmsprop', { attention: 'additive', bidirectional: true, optimizer: 'rmsprop' }, { locationKernel: 5 }],
  ];
  for (const [label, over, extra] of seq2seqCases) {
    it(`seq2seq: ${label}`, () => {
      const task = Seq2SeqTask.create({ ...o, ...over }, pairs, extra);
      const h = trainExactly(`seq2seq ${label}`, task, 2 * Math.ceil(pairs.length / o.batch) + 1);
      const used = h.heap.used;
      task.translate(pairs[0].source, 3);
      task.evaluate(pairs.slice(0, 5));
      assert.equal(h.heap.used, used, 'inference allocated in the training heap');
    });
  }

  for (const over of [{}, { bidirectional: true, merge: 'weighted', cell: 'gru' }, { layers: 2, bidirectional: true, merge: 'concat', dropout: 0.2, optimizer: 'sgd' }] as Partial<TaskOptions>[]) {
    it(`classify ${JSON.stringify(over)}`, () => {
      const task = SequenceTask.createClassifier({ ...o, ...over }, labelled, ['x', 'y', 'z']);
      const h = trainExactly(`classify ${JSON.stringify(over)}`, task, 2 * Math.ceil(labelled.length / o.batch) + 1);
      const used = h.heap.used;
      task.evaluate(labelled);
      task.predict(task.encode('abba abba abba abba abba abba abba abba'));
      assert.equal(h.heap.used, used, 'inference allocated in the training heap');
    });

    it(`tag ${JSON.stringify(over)}`, () => {
      const task = SequenceTask.createTagger({ ...o, batch: 2, ...over }, sentences, ['D', 'N', 'V', 'A', 'C']);
      const h = trainExactly(`tag ${JSON.stringify(over)}`, task, 2 * Math.ceil(sentences.length / 2) + 1);
      const used = h.heap.used;
      task.evaluate(sentences);
      assert.equal(h.heap.used, used, 'inference allocated in the training heap');
    });
  }

  for (const [cell, condition] of [['lstm', { kind: 'label', numLabels: 3, size: 4 }], ['gru', { kind: 'vector', size: 5 }]] as const) {
    it(`one-to-many ${cell}, ${condition.kind} condition (model + reserve + TrainStep, as a run sets it up)`, () => {
      const cfg: OneToManyConfig = { vocabSize: 11, embeddingSize: 6, condition, rnn: { cell, hiddenSize: 12, numLayers: 2, dropout: 0.1 } };
      const B = 4, T = 7;
      const setup = (ctor: FloatArrayCtor) => {
        const m = new OneToMany(cfg, ctor);
        m.reserve(B, T);
        return { model: m, core: new TrainStep(m.params, { optimizer: { kind: 'adam' }, schedule: { kind: 'constant', lr: 0.01 }, clipNorm: 1 }) };
      };
      const counted = countFloats(setup);
      const heap = sizedHeap(setup)!;
      assert.equal(heap.sized, counted);
      const { model, core } = setup(heap as unknown as FloatArrayCtor);
      const rng = new Rng(9);
      model.initialize(rng);
      trainExactly(`one-to-many ${cell}`, {
        params: model.params,
        trainStep: () => {
          const b = 1 + rng.int(B), t = 1 + rng.int(T); // every shape within the reserved (B, T)
          const cond = condition.kind === 'label' ? Int32Array.from({ length: b }, () => rng.int(3)) : Float32Array.from({ length: b * 5 }, () => rng.uniform(-1, 1));
          const decIn = Int32Array.from({ length: b * t }, () => 2 + rng.int(9)), targets = Int32Array.from({ length: b * t }, () => 3 + rng.int(8));
          return core.run(() => {
            model.forward(cond, decIn, b, t, { training: true, rng });
            return model.lossAndBackward(targets, 'mean');
          });
        },
      }, 12);
    });
  }

  it('sizing a model past the heap limit stops counting there instead of making its largest arrays', () => {
    const huge: OneToManyConfig = { vocabSize: 60000, embeddingSize: 512, condition: { kind: 'vector', size: 8 }, rnn: { cell: 'lstm', hiddenSize: 1024, numLayers: 2, dropout: 0 } };
    // Its logits for (64, 256) batches alone are 983 M floats (3.9 GB): a counting ctor that made them would fail.
    const rssBefore = process.memoryUsage().rss;
    const n = countFloats((ctor) => new OneToMany(huge, ctor).reserve(64, 256), 2 ** 28);
    assert.equal(n, Infinity);
    assert.ok(process.memoryUsage().rss - rssBefore < 2 ** 30, 'counting allocated more than the 1 GiB limit');
  });
});
