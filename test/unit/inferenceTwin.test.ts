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
import type { HeapFloatCtor } from '../../src/engine/sizing/alloc';
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

  it('Suggester: refreshed weights reach the twin once the refresh interval has passed', () => {
    let now = 0;
    const s = new Suggester(() => now);
    const model = LmTask.create(o, text).model; // untrained: suggests something else than `task`
    const m = { model, tokenizer: task.tokenizer, version: 1 };
    const prefix = 'the quick brown fox jumps over the lazy dog; the qu';
    const untrained = s.suggest(m, 1, prefix, 3, 8);
    model.params.data.set(task.model.params.data); // a training snapshot lands in the same model object
    now = 10_000;
    const refreshed = s.suggest({ ...m, version: 2 }, 1, prefix, 3, 8);
    const reference = new Completer(task.model, task.tokenizer);
    reference.setPrefix(prefix);
    assert.deepEqual(refreshed.map((x) => x.word), reference.suggest({ count: 3, beam: 8, maxTokens: 16 }).map((x) => x.word));
    assert.notDeepEqual(untrained.map((x) => x.word), refreshed.map((x) => x.word));
  });
});
