// Gate saturation of a data-parallel run counts every thread's rows (parallel/threadSaturation.ts), on REAL
// threads: the shares a 2- or 3-thread run reports at its measured steps are the 1-thread run's (the same steps up
// to float32 summation order, so at most an activation or two in a few thousand cross 0.1 or 0.9), for an LSTM language
// model, a bidirectional GRU tagger and a seq2seq model's two stacks; thread 0's share alone would differ.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { nodeThreadHost } from '../../src/cli/threads';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import { runConfig, type RunConfig, type TaskKind } from '../../src/engine/run/config';
import { parseTaskData } from '../../src/engine/run/data';
import { SATURATION_EVERY, TrainingRun } from '../../src/engine/run/run';
import type { StackSaturation } from '../../src/engine/run/report';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'dist', 'trainThread.js');
const host = nodeThreadHost(SCRIPT, 3);
const WORDS = ['red', 'green', 'blue', 'cat', 'dog', 'bird', 'runs', 'sits', 'sings'];
const TEXTS: Partial<Record<TaskKind, string>> = {
  lm: 'the quick brown fox jumps over the lazy dog. '.repeat(40) + 'pack my box with five dozen liquor jugs.\n'.repeat(15),
  tag: Array.from({ length: 40 }, (_, i) => [`the\tDET`, `${WORDS[3 + (i % 3)]}\tNOUN`, `${WORDS[6 + (i % 3)]}\tVERB`, ...(i % 2 ? [`${WORDS[i % 3]}\tADJ`] : [])].join('\n')).join('\n\n'),
  seq2seq: generateTask('reverse', new Rng(3), 60, { minLen: 2, maxLen: 7 }).map((p) => `${p.source}\t${p.target}`).join('\n'),
};
const CASES: { name: string; over: Partial<RunConfig> }[] = [
  { name: 'lm lstm ×2', over: { task: 'lm', cell: 'lstm', layers: 2, batch: 12, seqLen: 16 } },
  { name: 'tag bidirectional gru', over: { task: 'tag', cell: 'gru', bidirectional: true, batch: 10 } },
  { name: 'seq2seq lstm, additive attention (encoder and decoder)', over: { task: 'seq2seq', cell: 'lstm', attention: 'additive', bidirectional: false, batch: 11 } },
];

/** The gate saturation of the run's first two measured steps. */
function saturation(over: Partial<RunConfig>, threads: number): StackSaturation[][] {
  const cfg = runConfig({ embedding: 12, hidden: 24, optimizer: 'adam', lr: 0.01, seed: 9, dropout: 0, ...over, threads });
  const run = TrainingRun.create(cfg, parseTaskData(cfg.task, [{ source: 'data.txt', text: TEXTS[cfg.task]! }]), null, null, host);
  try {
    assert.equal(run.threads, threads);
    const out: StackSaturation[][] = [];
    for (let i = 1; i <= 2 * SATURATION_EVERY; i++) {
      const p = run.metric(run.trainStep(), 0);
      if (i % SATURATION_EVERY === 0) out.push(p.gateSaturation!);
    }
    return out;
  } finally {
    run.dispose();
  }
}

function maxDiff(a: StackSaturation[][], b: StackSaturation[][]): number {
  let d = 0;
  a.forEach((step, s) => step.forEach((st, k) => {
    for (const key of ['low', 'high'] as const) st[key].forEach((v, i) => (d = Math.max(d, Math.abs(v - b[s][k][key][i]))));
  }));
  return d;
}

describe('gate saturation over every thread\'s rows (real threads)', function () {
  this.timeout(120_000);
  for (const c of CASES) {
    it(`${c.name}: 2 and 3 threads report the 1-thread shares`, () => {
      const one = saturation(c.over, 1);
      assert.ok(one.every((s) => s.length === (c.over.task === 'seq2seq' ? 2 : 1)));
      for (const N of [2, 3]) {
        const many = saturation(c.over, N), d = maxDiff(many, one);
        console.log(`      ${c.name}, ${N} threads: max |share − 1-thread share| ${d.toExponential(2)}`);
        assert.ok(d <= 1e-3, `${N} threads: the shares differ from the 1-thread run's by ${d}`);
      }
    });
  }
});
