// Data-parallel training (src/engine/parallel) on REAL threads (dist/trainThread.js, started by the CLI's Node
// host): for every task kind, N = 2 (and 3) threads take the steps of the 1-thread run up to float32 summation
// order: the same losses, gradient norms and weights after several steps, with uneven shares (odd batches), the
// lm's truncated-BPTT carry and every seq2seq attention kind. Dropout draws other masks on other threads, so
// with dropout the test is determinism: the same thread count and seed give the same weights bit for bit, also
// across a checkpoint and resume.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { nodeThreadHost } from '../../src/cli/threads';
import type { ReplicaInit } from '../../src/engine/parallel/contract';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import { ConfigError, runConfig, type RunConfig, type TaskKind } from '../../src/engine/run/config';
import { parseTaskData, type TaskData } from '../../src/engine/run/data';
import { TrainingRun } from '../../src/engine/run/run';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'dist', 'trainThread.js');
const host = nodeThreadHost(SCRIPT, 2);

const LM_TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(30) + 'pack my box with five dozen liquor jugs.\n'.repeat(12);
const PAIRS = generateTask('reverse', new Rng(3), 40, { minLen: 2, maxLen: 7 }).map((p) => `${p.source}\t${p.target}`).join('\n');
const WORDS = ['red', 'green', 'blue', 'cat', 'dog', 'bird', 'runs', 'sits', 'sings'];
const LABELLED = Array.from({ length: 50 }, (_, i) => `${['color', 'animal', 'verb'][i % 3]}\t${WORDS[(i % 3) * 3 + (i % 7) % 3]} ${WORDS[(i % 3) * 3 + (i % 5) % 3]}${i % 4 ? '' : ' ' + WORDS[i % 9]}`).join('\n');
const TAGGED = Array.from({ length: 33 }, (_, i) => [`the\tDET`, `${WORDS[3 + (i % 3)]}\tNOUN`, `${WORDS[6 + (i % 3)]}\tVERB`, ...(i % 2 ? [`${WORDS[i % 3]}\tADJ`] : [])].join('\n')).join('\n\n');
const TEXTS: Record<TaskKind, string> = { lm: LM_TEXT, seq2seq: PAIRS, classify: LABELLED, tag: TAGGED, 'one-to-many': LABELLED };

function data(task: TaskKind): TaskData {
  return parseTaskData(task, [{ source: `${task}.txt`, text: TEXTS[task] }]);
}

interface Trace {
  losses: number[];
  norms: number[];
  weights: Float32Array;
}

function train(cfg: RunConfig, steps: number): Trace {
  const run = TrainingRun.create(cfg, data(cfg.task), null, null, host);
  try {
    assert.equal(run.threads, Math.max(1, cfg.threads));
    const losses: number[] = [], norms: number[] = [];
    for (let i = 0; i < steps; i++) {
      const s = run.trainStep();
      assert.equal(s.nonFinite, null, `${cfg.task}: step ${s.step} not finite (${s.nonFinite})`);
      losses.push(s.loss);
      norms.push(s.gradNorm);
    }
    return { losses, norms, weights: run.snapshot() };
  } finally {
    run.dispose();
  }
}

/** Largest |a − b| / (|b| + 1e-3) over two series: float32 summation order moves the 6th or 7th digit. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + 1e-3));
  return w;
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
}

const CASES: { name: string; over: Partial<RunConfig>; steps?: number }[] = [
  { name: 'lm, 2-layer LSTM, carry over chunks', over: { task: 'lm', layers: 2, batch: 5, seqLen: 12 } },
  // After the held-out share, 6 chunks an epoch, the last one 38 steps long; step 7 restarts the streams (carry reset).
  { name: 'lm, across an epoch boundary (a short last chunk, the carry reset)', over: { task: 'lm', batch: 7, seqLen: 40 }, steps: 10 },
  { name: 'lm, GRU', over: { task: 'lm', cell: 'gru', batch: 6, seqLen: 10 } },
  { name: 'lm, tanh RNN', over: { task: 'lm', cell: 'rnn_tanh', batch: 3, seqLen: 9 } },
  { name: 'seq2seq, no attention', over: { task: 'seq2seq', attention: 'none', batch: 7 } },
  { name: 'seq2seq, dot attention', over: { task: 'seq2seq', attention: 'dot', bidirectional: false, batch: 7 } },
  { name: 'seq2seq, general attention, GRU', over: { task: 'seq2seq', attention: 'general', cell: 'gru', batch: 6 } },
  { name: 'seq2seq, additive attention, bidirectional encoder', over: { task: 'seq2seq', attention: 'additive', bidirectional: true, batch: 7 } },
  { name: 'seq2seq, location-aware additive attention', over: { task: 'seq2seq', attention: 'additive', attentionLocation: 3, batch: 5 } },
  { name: 'classify, bidirectional, weighted merge', over: { task: 'classify', bidirectional: true, merge: 'weighted', batch: 7 } },
  { name: 'tag, bidirectional', over: { task: 'tag', bidirectional: true, tokenizer: 'word', batch: 5 } },
  { name: 'one-to-many, 2-layer GRU', over: { task: 'one-to-many', cell: 'gru', layers: 2, batch: 7 } },
];

function config(over: Partial<RunConfig>): RunConfig {
  return runConfig({ hidden: 12, embedding: 6, seqLen: 8, lr: 0.01, seed: 5, clip: 1, ...over });
}

describe('data-parallel training on real threads', function () {
  this.timeout(120_000);

  for (const c of CASES) {
    it(`${c.name}: 2 and 3 threads take the 1-thread steps up to float32 summation order`, () => {
      const steps = c.steps ?? 8;
      const one = train(config({ ...c.over, threads: 1 }), steps);
      for (const threads of [2, 3]) {
        const many = train(config({ ...c.over, threads }), steps);
        const dl = worst(many.losses, one.losses), dn = worst(many.norms, one.norms), dw = maxAbs(many.weights, one.weights);
        console.log(`      ${threads} threads: max rel. diff loss ${dl.toExponential(1)}, grad norm ${dn.toExponential(1)}; max |Δw| ${dw.toExponential(1)}`);
        assert.ok(dl < 1e-4 && dn < 1e-4, `${c.name}, ${threads} threads: loss ${dl}, grad norm ${dn}`);
        assert.ok(dw < 1e-4, `${c.name}, ${threads} threads: weights differ by ${dw}`);
        // Not trivially equal: the runs did train.
        assert.ok(maxAbs(many.weights, train(config({ ...c.over, threads: 1 }), 1).weights) > 1e-4);
      }
    });
  }

  it('dropout and scheduled sampling: the same thread count and seed give the same run bit for bit, through a checkpoint and resume', () => {
    for (const over of [{ task: 'lm', layers: 2, dropout: 0.2, batch: 5 }, { task: 'seq2seq', layers: 2, dropout: 0.3, teacherForcing: 0.6, batch: 7 }] as Partial<RunConfig>[]) {
      const cfg = config({ ...over, threads: 2 });
      const a = train(cfg, 7), b = train(cfg, 7);
      assert.deepEqual(Array.from(a.weights), Array.from(b.weights), `${over.task}: two runs differ`);
      const first = TrainingRun.create(cfg, data(cfg.task), null, null, host);
      for (let i = 0; i < 4; i++) first.trainStep();
      const files = first.checkpoint();
      first.dispose();
      const resumed = TrainingRun.resume(files, data(cfg.task), null, null, host);
      try {
        assert.equal(resumed.threads, 2);
        for (let i = 0; i < 3; i++) resumed.trainStep();
        assert.deepEqual(Array.from(resumed.snapshot()), Array.from(a.weights), `${over.task}: the resumed run differs`);
      } finally {
        resumed.dispose();
      }
    }
  });

  it('validations, ‖∂L/∂h_t‖ reads and attention frames between threaded steps change nothing (bit for bit)', () => {
    for (const over of [{ task: 'lm', layers: 2, batch: 7 }, { task: 'seq2seq', batch: 7 }] as Partial<RunConfig>[]) {
      const weights = [false, true].map((observe) => {
        const run = TrainingRun.create(config({ ...over, threads: 2 }), data(over.task!), null, null, host);
        try {
          for (let i = 0; i < 9; i++) {
            run.trainStep();
            if (observe) {
              run.validate();
              run.gradThroughTime();
              run.attentionFrame();
            }
          }
          return Array.from(run.snapshot());
        } finally {
          run.dispose();
        }
      });
      assert.deepEqual(weights[1], weights[0], over.task);
    }
  });

  it('threads 0 takes the host\'s cores, never more threads than batch rows; threads ≥ 2 without a host is refused naming the field', () => {
    const auto = TrainingRun.create(config({ task: 'classify', threads: 0, batch: 4 }), data('classify'), null, null, nodeThreadHost(SCRIPT, 3));
    assert.equal(auto.threads, 3);
    auto.dispose();
    const few = TrainingRun.create(config({ task: 'classify', threads: 8, batch: 2 }), data('classify'), null, null, host);
    assert.equal(few.threads, 2);
    few.dispose();
    assert.equal(TrainingRun.create(config({ task: 'classify', threads: 0 }), data('classify')).threads, 1);
    assert.throws(() => TrainingRun.create(config({ task: 'classify', threads: 2 }), data('classify')), (e: unknown) => e instanceof ConfigError && e.field === 'config.threads');
  });

  it('a helper that cannot start or fails is one error naming it, not a hang', () => {
    assert.throws(() => TrainingRun.create(config({ task: 'classify', threads: 2 }), data('classify'), null, null, nodeThreadHost('/nonexistent/trainThread.js', 2)),
      /training thread's script \/nonexistent\/trainThread\.js is missing/);
    // A helper handed a model it cannot build reports it through the shared block; thread 0's next step throws.
    const broken = {
      cores: 2,
      spawn: (init: ReplicaInit) => host.spawn({ ...init, architecture: { ...init.architecture, kind: 'no-such-kind' } as unknown as ReplicaInit['architecture'] }),
    };
    const run = TrainingRun.create(config({ task: 'classify', threads: 2 }), data('classify'), null, null, broken);
    try {
      assert.throws(() => run.trainStep(), /^Error: training thread 1 failed: could not build its replica: /);
    } finally {
      run.dispose();
    }
  });

  it('a checkpoint written before the threads field existed still parses (threads takes its default)', () => {
    const run = TrainingRun.create(config({ task: 'classify', threads: 1 }), data('classify'));
    const files = run.checkpoint();
    const meta = JSON.parse(files.meta);
    assert.equal(meta.training.extra.config.threads, 1, 'where the test expects the config');
    delete meta.training.extra.config.threads;
    delete meta.checksums?.['seqlab.json']; // an edit made on purpose (the reader says how)
    const old = { ...files, meta: JSON.stringify(meta) };
    assert.equal(TrainingRun.resume(old, data('classify')).config.threads, 0);
  });
});
