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
import type { RunConfig } from '../../src/engine/run/config';
import { TASK_TEST_CONFIG } from './taskConfig';
import { Seq2SeqTask } from '../../src/engine/tasks/seq2seqTask';
import { SequenceTask } from '../../src/engine/tasks/sequenceTask';
import { TrainStep } from '../../src/engine/trainer';
import { WasmHeap } from '../../src/engine/kernels/heap';
import { setKernelBackend } from '../../src/engine/ops/matmul';
import { SequenceClassifier } from '../../src/engine/classifier';
import { Seq2Seq } from '../../src/engine/seq2seq/model';
import { SequenceTagger } from '../../src/engine/tagger';
import { wasmStats } from '../../src/engine/kernels/product';
import type { FloatArrayCtor } from '../../src/engine/tensor';

const o: RunConfig = { ...TASK_TEST_CONFIG, hidden: 16, embedding: 8, batch: 8, seqLen: 12, lr: 0.01, seed: 5 };
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
    for (const over of [{}, { cell: 'gru', optimizer: 'sgd' }, { layers: 2, dropout: 0.2, optimizer: 'rmsprop' }] as Partial<RunConfig>[]) {
      const task = LmTask.create({ ...o, ...over }, text);
      const h = trainExactly(`lm ${JSON.stringify(over)}`, task, 2 * Math.ceil(text.length / (o.batch * o.seqLen)) + 1);
      const used = h.heap.used;
      task.generate('she ', { maxLength: 20 });
      task.evaluate(text.slice(0, 300), { words: 10 });
      assert.equal(h.heap.used, used, 'inference allocated in the training heap');
    }
  });

  const seq2seqCases: [string, Partial<RunConfig>, Partial<RunConfig>][] = [
    ['no attention', {}, {}],
    ['dot, gru', { attention: 'dot', cell: 'gru' }, {}],
    ['general, bidirectional encoder, adamw', { attention: 'general', bidirectional: true, optimizer: 'adamw' }, {}],
    ['additive, 2 layers, dropout, scheduled sampling', { attention: 'additive', layers: 2, dropout: 0.1, teacherForcing: 0.5 }, {}],
    ['additive, location-aware (kernel 3), reversed source, sgd', { attention: 'additive', optimizer: 'sgd' }, { attentionLocation: 3, reverseSource: true }],
    ['additive, location-aware (kernel 5), bidirectional, rmsprop', { attention: 'additive', bidirectional: true, optimizer: 'rmsprop' }, { attentionLocation: 5 }],
  ];
  for (const [label, over, extra] of seq2seqCases) {
    it(`seq2seq: ${label}`, () => {
      const task = Seq2SeqTask.create({ ...o, ...over, ...extra }, pairs);
      const h = trainExactly(`seq2seq ${label}`, task, 2 * Math.ceil(pairs.length / o.batch) + 1);
      const used = h.heap.used;
      task.translate(pairs[0].source, 3);
      task.evaluate(pairs.slice(0, 5));
      assert.equal(h.heap.used, used, 'inference allocated in the training heap');
    });
  }

  for (const over of [{}, { bidirectional: true, merge: 'weighted', cell: 'gru' }, { layers: 2, bidirectional: true, merge: 'concat', dropout: 0.2, optimizer: 'sgd' }] as Partial<RunConfig>[]) {
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

// The heap changes where buffers live, not what is computed: on the TypeScript kernels (one backend for both
// paths) a heap-backed run equals a plain-array run bit for bit, and on the SIMD kernels (zero-copy products,
// SIMD pointwise cells; plain arrays copy products and run the TypeScript cells) within float32 rounding.
describe('heap and plain arrays train to the same weights', () => {
  afterEach(() => setKernelBackend('wasm'));
  const B = 4, S = 7, T = 6, V = 12;
  type Run = { params: Params; step(r: Rng): number };
  const step = (core: TrainStep, f: () => { loss: number; count: number }): number => core.run(f).loss;
  const adam = { optimizer: { kind: 'adam' as const }, schedule: { kind: 'constant' as const, lr: 0.02 }, clipNorm: 1 };
  const batch = (r: Rng) => {
    const b = 1 + r.int(B), s = 1 + r.int(S), t = 1 + r.int(T);
    const ids = (n: number) => Int32Array.from({ length: n }, () => 4 + r.int(V - 4));
    const lengths = Int32Array.from({ length: b }, (_, i) => (i === 0 ? s : 1 + r.int(s)));
    return { b, s, t, src: ids(b * s), lengths, decIn: ids(b * t), targets: ids(b * t), labels: Int32Array.from({ length: b }, () => r.int(3)), tags: Int32Array.from({ length: b * s }, () => r.int(4)) };
  };
  const kinds: [string, (ctor: FloatArrayCtor) => Run][] = [
    ['seq2seq additive, location-aware, bidirectional', (ctor) => {
      const m = new Seq2Seq({ srcVocab: V, tgtVocab: V, embeddingSize: 8, cell: 'lstm', encoder: { hiddenSize: 8, numLayers: 1, bidirectional: true },
        decoder: { hiddenSize: 16, numLayers: 2 }, attention: 'additive', locationKernel: 3 }, ctor);
      m.reserve(B, S, T);
      const core = new TrainStep(m.params, adam);
      m.initialize(new Rng(1));
      return { params: m.params, step: (r) => {
        const x = batch(r);
        return step(core, () => m.trainForwardBackward(x.src, x.lengths, x.b, x.s, x.decIn, x.targets, x.t, 'mean', 0.7, r));
      } };
    }],
    ['seq2seq general, gru', (ctor) => {
      const m = new Seq2Seq({ srcVocab: V, tgtVocab: V, embeddingSize: 8, cell: 'gru', encoder: { hiddenSize: 16, numLayers: 2, bidirectional: false },
        decoder: { hiddenSize: 16, numLayers: 2 }, attention: 'general' }, ctor);
      m.reserve(B, S, T);
      const core = new TrainStep(m.params, adam);
      m.initialize(new Rng(1));
      return { params: m.params, step: (r) => {
        const x = batch(r);
        return step(core, () => m.trainForwardBackward(x.src, x.lengths, x.b, x.s, x.decIn, x.targets, x.t, 'mean', 1, r));
      } };
    }],
    ['classifier gru bi weighted, dropout', (ctor) => {
      const m = new SequenceClassifier({ vocabSize: V, embeddingSize: 8, numClasses: 3, rnn: { cell: 'gru', hiddenSize: 16, numLayers: 2, bidirectional: true, merge: 'weighted', dropout: 0.2 } }, ctor);
      m.reserve(B, S);
      const core = new TrainStep(m.params, adam);
      m.initialize(new Rng(1));
      return { params: m.params, step: (r) => {
        const x = batch(r);
        return step(core, () => (m.forward(x.src, x.lengths, x.b, x.s, { training: true, rng: r }), m.lossAndBackward(x.labels, 'mean')));
      } };
    }],
    ['tagger lstm bi', (ctor) => {
      const m = new SequenceTagger({ vocabSize: V, embeddingSize: 8, numTags: 4, rnn: { cell: 'lstm', hiddenSize: 16, numLayers: 1, bidirectional: true, merge: 'concat', dropout: 0 } }, ctor);
      m.reserve(B, S);
      const core = new TrainStep(m.params, adam);
      m.initialize(new Rng(1));
      return { params: m.params, step: (r) => {
        const x = batch(r);
        return step(core, () => (m.forward(x.src, x.lengths, x.b, x.s), m.lossAndBackward(x.tags, 'mean')));
      } };
    }],
    ['one-to-many lstm, label condition', (ctor) => {
      const m = new OneToMany({ vocabSize: V, embeddingSize: 8, condition: { kind: 'label', numLabels: 3, size: 4 }, rnn: { cell: 'lstm', hiddenSize: 16, numLayers: 2, dropout: 0 } }, ctor);
      m.reserve(B, T);
      const core = new TrainStep(m.params, adam);
      m.initialize(new Rng(1));
      return { params: m.params, step: (r) => {
        const x = batch(r);
        return step(core, () => (m.forward(x.labels, x.decIn, x.b, x.t), m.lossAndBackward(x.targets, 'mean')));
      } };
    }],
  ];
  for (const [label, make] of kinds) {
    for (const backend of ['js', 'wasm'] as const) {
      it(`${label}: ${backend === 'js' ? 'bit for bit on the TypeScript kernels' : 'within float32 rounding on the SIMD kernels'}`, () => {
        setKernelBackend(backend);
        const train = (ctor: FloatArrayCtor) => {
          const run = make(ctor), r = new Rng(8), losses: number[] = [];
          for (let s = 0; s < 8; s++) losses.push(run.step(r));
          return { run, losses };
        };
        const heap = sizedHeap(make)!;
        const onHeap = train(heap as unknown as FloatArrayCtor), plain = train(Float32Array);
        assert.equal(heap.overflow.arrays, 0);
        assert.equal(heap.heap.used, heap.sized);
        const a = onHeap.run.params.data, b = plain.run.params.data;
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        const lossDiff = onHeap.losses.reduce((m, l, i) => Math.max(m, Math.abs(l - plain.losses[i])), 0);
        console.log(`      ${label} [${backend}]: 8 steps, max weight difference ${worst.toExponential(2)}, max loss difference ${lossDiff.toExponential(2)}`);
        if (backend === 'js') {
          assert.deepEqual(onHeap.losses, plain.losses);
          assert.equal(worst, 0);
        } else {
          assert.ok(lossDiff <= 1e-5 * Math.max(...plain.losses), `losses differ by ${lossDiff}`);
          assert.ok(worst < 1e-4, `weights differ by ${worst}`);
        }
      });
    }
  }
});
