// The editor's completion model runs on an inference twin in a WasmHeap (engine/sizing/inferenceTwin.ts): its
// suggestions equal the original model's, every product of typing and beam search is zero-copy, the heap never
// overflows however long one types (nothing allocates per suggestion), and the Suggester copies refreshed
// weights (training snapshots written into the same model) into the twin.
import * as assert from 'node:assert/strict';
import { Completer } from '../../src/engine/complete';
import { LmTask } from '../../src/engine/tasks/lmTask';
import { TASK_TEST_CONFIG } from './taskConfig';
import type { RunConfig } from '../../src/engine/run/config';
import { inferenceTwin } from '../../src/engine/sizing/inferenceTwin';
import { wasmStats } from '../../src/engine/kernels/product';
import { heapCtorOf, type HeapFloatCtor } from '../../src/engine/sizing/alloc';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import { decode } from '../../src/engine/sample';
import { Seq2SeqStepDecoder } from '../../src/engine/seq2seq/step';
import { loadTask, taskCheckpoint } from '../../src/engine/tasks/checkpoint';
import { Seq2SeqTask } from '../../src/engine/tasks/seq2seqTask';
import { SequenceTask } from '../../src/engine/tasks/sequenceTask';
import { EOS } from '../../src/engine/tokenize/types';
import { Suggester } from '../../src/extension/completion/suggester';

const o: RunConfig = { ...TASK_TEST_CONFIG, hidden: 32, embedding: 8, batch: 4, seqLen: 16, lr: 0.01, seed: 3 };
const text = 'the quick brown fox jumps over the lazy dog; the quiet brown owl sleeps. '.repeat(12);

describe('inference twin (editor completions on a WasmHeap)', () => {
  const task = LmTask.create(o, text);
  for (let i = 0; i < 40; i++) task.trainStep();

  it('suggests what the model itself suggests, on zero-copy products only, without filling its heap', () => {
    const twin = inferenceTwin(task.model, 64, 8);
    assert.ok(twin, 'WebAssembly SIMD is available in Node');
    const overflow = (twin.params.ctor as unknown as HeapFloatCtor).overflow;
    const a = new Completer(task.model, task.tokenizer), b = new Completer(twin, task.tokenizer);
    const before = { ...wasmStats };
    let typed = '';
    for (let round = 0; round < 6; round++) {
      for (const ch of text.slice(0, 60)) {
        typed = (typed + ch).slice(-60);
        a.setPrefix(typed);
        b.setPrefix(typed);
        const [x, y] = [a.suggest({ count: 2, beam: 4, maxTokens: 12 }), b.suggest({ count: 2, beam: 4, maxTokens: 12 })];
        assert.deepEqual(y.map((s) => s.word), x.map((s) => s.word), `after ${JSON.stringify(typed)}`);
        y.forEach((s, i) => assert.ok(Math.abs(s.prob - x[i].prob) < 1e-5, `${s.prob} vs ${x[i].prob}`));
      }
    }
    assert.equal(overflow.arrays, 0, `heap overflowed by ${overflow.floats} floats`);
    // The plain model's products copy; the twin's never do: count the twin alone.
    const c = new Completer(twin, task.tokenizer);
    const mid = { ...wasmStats };
    c.setPrefix(text.slice(0, 50));
    c.suggest({ count: 3, beam: 8 });
    assert.equal(wasmStats.copied, mid.copied, 'a twin product was copied');
    assert.ok(wasmStats.zeroCopy > mid.zeroCopy && wasmStats.zeroCopy > before.zeroCopy);
  });

  it('Suggester: refreshed weights never cost a keystroke a re-read; refresh() (idle time) brings them in', async () => {
    const s = new Suggester(() => 0, 30);
    const model = LmTask.create(o, text).model; // untrained: suggests something else than `task`
    const m = { model, tokenizer: task.tokenizer, version: 1 };
    const prefix = 'the quick brown fox jumps over the lazy dog; the qu';
    const untrained = s.suggest(m, 1, prefix, 3, 8, 'a.txt');
    model.params.data.set(task.model.params.data); // a training snapshot lands in the same model object
    const m2 = { ...m, version: 2 };
    // Typing on: the carried state goes on with the weights it was read with; nothing is re-read.
    const typing = s.suggest(m2, 1, prefix, 3, 8, 'a.txt');
    assert.deepEqual(typing, untrained, 'a keystroke after new weights gave the same words from the carried state');
    assert.equal(s.refreshes, 0);
    // Typing pauses: the idle refresh copies the weights and re-reads the window once.
    s.refreshWhenIdle(() => m2);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(s.refreshes, 1);
    assert.equal(s.refresh(m2), false, 'the same version is not read twice');
    const refreshed = s.suggest(m2, 1, prefix, 3, 8, 'a.txt');
    const reference = new Completer(task.model, task.tokenizer);
    reference.setPrefix(prefix);
    assert.deepEqual(refreshed.map((x) => x.word), reference.suggest({ count: 3, beam: 8, maxTokens: 16, leadingSpace: true }).map((x) => x.word));
    assert.notDeepEqual(untrained.map((x) => x.word), refreshed.map((x) => x.word));
  });
});

// Seq2seq, classifier and tagger infer the same way (Seq2SeqTask.inferenceModel, SequenceTask.inferenceModel): a
// twin on a heap sized for the shapes asked, reused while large enough, rebuilt larger when not; on it every
// product is zero-copy, nothing falls back to plain arrays however many inputs it serves, and the outputs are
// the plain model's (a checkpoint loads onto plain arrays) within float32 rounding.
describe('inference twins of seq2seq, classifier and tagger', () => {
  const pairs = generateTask('reverse', new Rng(3), 40, { minLen: 2, maxLen: 6 });

  for (const [label, over, extra] of [
    ['additive, location-aware', { attention: 'additive' }, { attentionLocation: 3 }], ['general, bidirectional', { attention: 'general', bidirectional: true }, {}], ['none, gru', { cell: 'gru' }, {}],
  ] as const) {
    it(`translate (${label}): zero-copy, no overflow over sources and beams, the plain model's output`, () => {
      const trained = Seq2SeqTask.create({ ...o, ...over, ...extra }, pairs);
      for (let i = 0; i < 30; i++) trained.trainStep();
      const task = loadTask(taskCheckpoint(trained)) as Seq2SeqTask; // plain arrays
      assert.equal(heapCtorOf(task.model.params.ctor), null);
      const sources = ['ab', 'abcdef', 'fedcbafedcba', 'c', 'abcdefabcdefabcdefabcdef', 'ba'];
      for (const beam of [1, 4, 2]) {
        for (const s of sources) {
          const before = { ...wasmStats };
          const t = task.translate(s, beam);
          assert.equal(wasmStats.copied, before.copied, `${s} beam ${beam}: a product copied its operands`);
          const twin = heapCtorOf(task.inferenceModel(1, 1).params.ctor)!;
          assert.equal(twin.overflow.arrays, 0);
          assert.equal(twin.heap.used, twin.sized);
          // The same decoding on the plain model itself.
          const ids = task.tokenizer.encode(s);
          const r = decode(new Seq2SeqStepDecoder(task.model, ids), beam > 1 ? { strategy: 'beam', beamWidth: beam, eos: EOS, maxLength: 2 * task.architecture.maxTargetLength + 10 } : { strategy: 'greedy', eos: EOS, maxLength: 2 * task.architecture.maxTargetLength + 10 });
          assert.equal(t.output, task.tokenizer.decode(r.tokens), `${s} beam ${beam}`);
          assert.ok(Math.abs(t.logProb - r.logProb) <= 1e-4 * Math.max(1, Math.abs(r.logProb)), `${t.logProb} vs ${r.logProb}`);
        }
      }
    });
  }

  it('classify and tag: zero-copy, no overflow over many inputs, the plain model\'s probabilities', () => {
    const cls = loadTask(taskCheckpoint(SequenceTask.createClassifier({ ...o, bidirectional: true, merge: 'sum' }, [{ text: 'abc', label: 'x' }, { text: 'cba', label: 'y' }], ['x', 'y']))) as SequenceTask;
    const tag = loadTask(taskCheckpoint(SequenceTask.createTagger({ ...o, bidirectional: true }, [{ tokens: ['a', 'b'], tags: ['N', 'V'] }], ['N', 'V']))) as SequenceTask;
    for (const [task, inputs] of [[cls, ['a', 'abcabc', 'cab'.repeat(30), 'b']], [tag, [['a'], ['a', 'b', 'b', 'a'], Array(70).fill('b'), ['b', 'a']]]] as const) {
      for (const x of inputs) {
        const ids = typeof x === 'string' ? task.encode(x) : task.encodeTokens(x);
        const before = { ...wasmStats };
        const p = task.predict(ids);
        assert.equal(wasmStats.copied, before.copied, 'a product copied its operands');
        const ref = task.predict(ids, task.model);
        for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - ref[i]) < 1e-5, `${p[i]} vs ${ref[i]}`);
        const twin = heapCtorOf(task.inferenceModel(1).params.ctor)!;
        assert.equal(twin.overflow.arrays, 0);
        assert.equal(twin.heap.used, twin.sized);
      }
    }
  });
});
