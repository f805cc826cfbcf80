// The memory check counts a data-parallel run's helper threads (issue #16's threads, parallel/*): each helper
// builds a replica for its share of the batch (parameters, gradients, activations) and the threads share a block
// of weights and gradients. The replica part of the estimate bounds what a helper's setup allocates (counted
// exactly by sizing/count.ts, running parallel/replica.ts's own setup), and TrainingRun, on REAL threads, refuses
// a 2-thread run whose replicas would not fit under a limit the 1-thread run fits in, before any thread starts.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { nodeThreadHost } from '../../src/cli/threads';
import { LanguageModel } from '../../src/engine/lm';
import { ModelMemoryError, type MemoryEstimate } from '../../src/engine/modelMemory';
import { shareOf } from '../../src/engine/parallel/contract';
import { shareState } from '../../src/engine/parallel/rowShare';
import { Rng } from '../../src/engine/rng';
import { runConfig, type RunConfig } from '../../src/engine/run/config';
import { parseTaskData } from '../../src/engine/run/data';
import { TrainingRun } from '../../src/engine/run/run';
import { optimizerConfig } from '../../src/engine/runDerived';
import { countFloats } from '../../src/engine/sizing/count';
import type { LmTask } from '../../src/engine/tasks/lmTask';
import { lmTrainingMemory } from '../../src/engine/tasks/taskMemory';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'dist', 'trainThread.js');
const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(60) + 'pack my box with five dozen liquor jugs.\n'.repeat(20);
const data = () => parseTaskData('lm', [{ source: 'text.txt', text: TEXT }]);
const part = (e: MemoryEstimate, what: RegExp): number => e.parts.filter((p) => what.test(p.what)).reduce((s, p) => s + p.bytes, 0);

describe('memory check: the replicas of a data-parallel run', function () {
  this.timeout(60_000);
  const config = (over: Partial<RunConfig> = {}): RunConfig => runConfig({
    task: 'lm', tokenizer: 'char', embedding: 24, cell: 'lstm', hidden: 96, layers: 2, batch: 9, seqLen: 32, optimizer: 'adam', lr: 0.01, seed: 5, ...over,
  });
  /** The 1-thread run's model config and batch, read off a real run (no limit). */
  const shape = () => {
    const run = TrainingRun.create(config({ threads: 1 }), data());
    const task = run.task as LmTask;
    const out = { cfg: task.architecture.config, B: task.batcher!.batchSize };
    run.dispose();
    return out;
  };

  it('N threads: the 1-thread estimate + (N − 1) replicas bounding what a helper allocates + the shared block', () => {
    const { cfg, B } = shape(), T = config().seqLen, opt = optimizerConfig(config());
    const one = lmTrainingMemory(cfg, B, T, opt);
    for (const N of [2, 3]) {
      const e = lmTrainingMemory(cfg, B, T, opt, N);
      const replicas = part(e, /more training thread/), block = part(e, /share/);
      assert.equal(e.bytes, one.bytes + replicas + block, `${N} threads: thread 0's part is the 1-thread run's`);
      assert.equal(block, 4 * N * e.params, 'the block: weights and N − 1 helper gradients');
      // What one helper allocates: replica.ts's setup (the model, reserved for the largest share, and its share state).
      const rows = shareOf(B, N, N - 1).end - shareOf(B, N, N - 1).start;
      const largest = Math.max(...Array.from({ length: N }, (_, k) => shareOf(B, N, k).end - shareOf(B, N, k).start));
      const counted = 4 * countFloats((ctor) => {
        const model = new LanguageModel(cfg, ctor);
        model.reserve(largest, T);
        shareState({ kind: 'lm', model }, new Rng(1), 1, largest, ctor as new (n: number) => Float32Array);
      });
      const perReplica = replicas / (N - 1);
      console.log(`      ${N} threads, batch ${B} (${rows}–${largest} rows a share): a helper allocates ${(counted / 2 ** 20).toFixed(2)} MB, estimated ${(perReplica / 2 ** 20).toFixed(2)} MB; all threads ${(e.bytes / 2 ** 20).toFixed(1)} MB against ${(one.bytes / 2 ** 20).toFixed(1)} MB for one`);
      assert.ok(counted <= perReplica && perReplica <= 2 * counted, `a helper allocates ${counted} bytes, the estimate says ${perReplica}`);
    }
  });

  it('TrainingRun on real threads: a limit the 1-thread run fits in refuses 2 threads before starting them, naming the threads; a limit above the 2-thread estimate trains on 2', () => {
    const host = nodeThreadHost(SCRIPT, 2);
    const { cfg, B } = shape(), T = config().seqLen, opt = optimizerConfig(config());
    const one = lmTrainingMemory(cfg, B, T, opt).bytes, two = lmTrainingMemory(cfg, B, T, opt, 2).bytes;
    assert.ok(two > one);
    const between = { bytes: (one + two) / 2, why: 'set by the test' };
    const alone = TrainingRun.create(config({ threads: 1 }), data(), null, between, host);
    assert.equal(alone.threads, 1);
    alone.trainStep();
    alone.dispose();
    assert.throws(() => TrainingRun.create(config({ threads: 2 }), data(), null, between, host), (e: Error) => {
      assert.ok(e instanceof ModelMemoryError, String(e));
      assert.match(e.message, /^the model needs [\d.]+ MB to train for hidden 96 × 2 layers \(lstm\) \(.*1 more training thread \(each a replica: parameters, gradients, activations for 5 rows\) [\d.]+ MB, weights and gradients the threads share [\d.]+ MB\); the limit is [\d.]+ MB, set by the test$/);
      return true;
    });
    const enough = TrainingRun.create(config({ threads: 2 }), data(), null, { bytes: two + 1, why: 'set by the test' }, host);
    try {
      assert.equal(enough.threads, 2);
      assert.equal(enough.trainStep().nonFinite, null);
    } finally {
      enough.dispose();
    }
  });
});
