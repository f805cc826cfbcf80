// Every PyTorch reference fixture, dispatched on `kind` (never on the file name): the bundled ones and, when
// SEQLAB_TORCH_FIXTURES names a folder, every fixture there too (an empty folder is a failure).
// Prints each fixture's name and the max difference per tensor (`npm run test:torch`).
import * as assert from 'node:assert/strict';
import { fixtureFolders, loadFixtures, type Fixture, type TensorReport } from './torch/fixtures';
import { checkRnnFixture } from './torch/rnnFixture';
import { checkLmStepFixture } from './torch/lmStepFixture';
import { checkAttentionFixture } from './torch/attentionFixture';
import { checkOneToManyFixture } from './torch/oneToManyFixture';
import { checkLmStepThreaded, checkOneToManyThreaded } from './torch/threadedFixture';
import type { FloatArrayCtor } from '../../src/engine/tensor';
import { asFloatCtor, sizedHeap } from '../../src/engine/sizing/alloc';

// Every kind runs twice: on plain Float32Arrays (TypeScript cells, copied products) and with every buffer in a
// WasmHeap, the fast path (zero-copy SIMD products and the SIMD pointwise cells of kernels/pointwise.ts). The heap
// is sized by counting what the check itself allocates (sizing/alloc.ts), so it must hold exactly that.
function bothPaths(check: (fx: Fixture, ctor?: FloatArrayCtor) => TensorReport[]): (fx: Fixture) => TensorReport[] {
  return (fx) => {
    const heap = sizedHeap((ctor) => check(fx, ctor));
    assert.ok(heap, 'WebAssembly SIMD is available in Node');
    const fast = check(fx, asFloatCtor(heap)).map((r) => ({ ...r, tensor: `${r.tensor} [WasmHeap]` }));
    assert.equal(heap.overflow.arrays, 0, 'the fixture outgrew its heap');
    assert.equal(heap.heap.used, heap.sized, 'the fixture used other than the counted heap');
    return [...check(fx), ...fast];
  };
}

// The model-level fixtures also run on the data-parallel path (torch/threadedFixture.ts): the batch's rows on 2
// real threads, the gradients reduced, then (lm_step) clipping and Adam.
function andThreaded(check: (fx: Fixture) => TensorReport[], threaded: (fx: Fixture) => TensorReport[]): (fx: Fixture) => TensorReport[] {
  return (fx) => [...check(fx), ...threaded(fx).map((r) => ({ ...r, tensor: `${r.tensor} [2 threads]` }))];
}

const CHECKERS: Record<string, (fx: Fixture) => TensorReport[]> = {
  rnn: bothPaths(checkRnnFixture),
  lm_step: andThreaded(bothPaths(checkLmStepFixture), checkLmStepThreaded),
  attention: bothPaths(checkAttentionFixture),
  one_to_many: andThreaded(bothPaths(checkOneToManyFixture), checkOneToManyThreaded),
};

describe('PyTorch fixtures', () => {
  for (const folder of fixtureFolders()) {
    describe(folder, () => {
      const fixtures = loadFixtures(folder);
      it('holds at least one fixture', () => {
        assert.ok(fixtures.length > 0, `no *.json fixture in ${folder}`);
      });
      for (const fx of fixtures) {
        const check = CHECKERS[fx.kind];
        if (!check) {
          it(`${fx.name} (${fx.kind})`, function () {
            console.log(`      SKIP ${fx.name}: kind "${fx.kind}" has no checker yet`);
            this.skip();
          });
          continue;
        }
        it(`${fx.name} (${fx.kind})`, () => {
          const reports = check(fx);
          for (const r of reports) console.log(`      ${r.ok ? 'ok  ' : 'FAIL'} ${fx.name} ${r.tensor}: max diff ${r.maxDiff.toExponential(2)}`);
          const bad = reports.filter((r) => !r.ok);
          assert.deepEqual(bad.map((r) => r.tensor), [], `${fx.name}: out of tolerance`);
        });
      }
    });
  }
});
