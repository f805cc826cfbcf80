// TrainingRun (src/engine/run/run.ts), THE run of every task kind: a run resumed from a checkpoint takes bit for
// bit the steps of one that never stopped, with validations, ‖∂L/∂h_t‖ reads and attention frames taken in
// between (they must not disturb training); validation reports the task's metrics; RunInfo names the stacks;
// a held-out share is made when no validation data is given; a checkpoint that does not fit changes nothing.
import * as assert from 'node:assert/strict';
import { readCheckpoint } from '../../src/engine/checkpoint';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import { runConfig, type RunConfig, type TaskKind } from '../../src/engine/run/config';
import { describeTaskData, parseTaskData, type TaskData } from '../../src/engine/run/data';
import { TrainingRun } from '../../src/engine/run/run';

const LM_TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(20) + 'pack my box with five dozen liquor jugs.\n'.repeat(8);
const PAIRS = generateTask('reverse', new Rng(3), 30, { minLen: 3, maxLen: 6 }).map((p) => `${p.source}\t${p.target}`).join('\n');
const WORDS = ['red', 'green', 'blue', 'cat', 'dog', 'bird', 'runs', 'sits', 'sings'];
// label<TAB>text, the format of the run config's classify task (engine/run/data.ts).
const LABELLED = Array.from({ length: 48 }, (_, i) => `${i % 3 === 0 ? 'color' : i % 3 === 1 ? 'animal' : 'verb'}\t${WORDS[(i % 3) * 3 + (i % 7) % 3]} ${WORDS[(i % 3) * 3 + (i % 5) % 3]}`).join('\n');
const TAGGED = Array.from({ length: 30 }, (_, i) => [`the\tDET`, `${WORDS[3 + (i % 3)]}\tNOUN`, `${WORDS[6 + (i % 3)]}\tVERB`, ...(i % 2 ? [`${WORDS[i % 3]}\tADJ`] : [])].join('\n')).join('\n\n');

const TEXTS: Record<TaskKind, string> = { lm: LM_TEXT, seq2seq: PAIRS, classify: LABELLED, tag: TAGGED, 'one-to-many': LABELLED };
const EXTRA: Record<TaskKind, Partial<RunConfig>> = {
  lm: { layers: 2, dropout: 0.1 },
  seq2seq: { attention: 'additive', teacherForcing: 0.7 },
  classify: { bidirectional: true, merge: 'weighted' },
  tag: { bidirectional: true, tokenizer: 'word' },
  'one-to-many': { cell: 'gru', layers: 2, dropout: 0.1 },
};

function config(task: TaskKind, over: Partial<RunConfig> = {}): RunConfig {
  return runConfig({ task, hidden: 10, embedding: 6, batch: 4, seqLen: 8, lr: 0.02, seed: 11, validBatches: 2, ...EXTRA[task], ...over });
}

function data(task: TaskKind): TaskData {
  return parseTaskData(task, [{ source: `${task}.txt`, text: TEXTS[task] }]);
}

/** n steps; after each step whose number `observe` accepts, a validation, a ‖∂L/∂h_t‖ read and an attention frame. */
function steps(run: TrainingRun, n: number, observe: (step: number) => boolean): number[] {
  const losses: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = run.trainStep();
    assert.equal(s.nonFinite, null);
    losses.push(s.loss);
    if (observe(s.step)) {
      run.validate();
      run.gradThroughTime();
      run.attentionFrame();
    }
  }
  return losses;
}

const KINDS: TaskKind[] = ['lm', 'seq2seq', 'classify', 'tag', 'one-to-many'];

describe('TrainingRun: one run for every task kind', () => {
  for (const kind of KINDS) {
    it(`${kind}: resumed from a checkpoint, it takes bit for bit the steps of a run that never stopped (validations in between change nothing)`, () => {
      const cfg = config(kind), d = data(kind);
      const plain = TrainingRun.create(cfg, d);
      const plainLosses = steps(plain, 14, () => false);
      const first = TrainingRun.create(cfg, d);
      const head = steps(first, 9, (k) => k % 2 === 0);
      const files = first.checkpoint({ note: 'test' });
      const resumed = TrainingRun.resume(files, d);
      assert.equal(resumed.step, 9);
      assert.equal(resumed.epoch, first.epoch);
      const tail = steps(resumed, 5, (k) => k % 3 === 0);
      assert.deepEqual([...head, ...tail], plainLosses);
      assert.deepEqual(Array.from(resumed.snapshot()), Array.from(plain.snapshot()), 'the same weights, bit for bit');
      // Long enough to start a new epoch at least once (the batch order and lm carry restart there).
      assert.ok(plain.epoch >= 1 || kind === 'lm', `${kind}: epoch ${plain.epoch}`);
    });
  }

  it('lm: resuming across an epoch boundary (the carry reset and the stream restart) stays exact', () => {
    const cfg = config('lm', { seqLen: 16, batch: 8 }), d = data('lm');
    const plain = TrainingRun.create(cfg, d);
    const all = steps(plain, 20, () => false);
    assert.ok(plain.epoch >= 2, `epochs: ${plain.epoch}`);
    const a = TrainingRun.create(cfg, d);
    const head = steps(a, 11, (k) => k % 4 === 0);
    const b = TrainingRun.resume(a.checkpoint(), d);
    assert.deepEqual([...head, ...steps(b, 9, () => true)], all);
  });

  for (const kind of KINDS) {
    it(`${kind}: validation gives a finite loss and the task's metrics; RunInfo names the stacks ‖∂L/∂h_t‖ is read from`, () => {
      const run = TrainingRun.create(config(kind), data(kind));
      steps(run, 3, () => false);
      const v = run.validate();
      assert.ok(v && Number.isFinite(v.loss) && v.loss > 0, JSON.stringify(v));
      const metricKeys = Object.keys(v.metrics).sort();
      const expected = { lm: [], seq2seq: ['exactMatch', 'tokenAccuracy'], classify: ['accuracy'], tag: ['accuracy'], 'one-to-many': ['accuracy'] }[kind];
      assert.deepEqual(metricKeys, expected);
      for (const m of Object.values(v.metrics)) assert.ok(m >= 0 && m <= 1);
      assert.equal(v.bitsPerChar !== undefined, kind === 'lm');
      const info = run.info();
      assert.equal(info.task, kind);
      assert.deepEqual(info.stacks.map((s) => s.name), kind === 'seq2seq' ? ['encoder', 'decoder'] : ['rnn']);
      const gtt = run.gradThroughTime();
      assert.equal(gtt.length, info.stacks.length);
      gtt.forEach((g, i) => {
        assert.ok(g.values.length > 0 && g.values.length % info.stacks[i].rows === 0, `${info.stacks[i].name}: ${g.values.length} values`);
        assert.ok(g.values.length <= info.stacks[i].rows * (run.config.seqLen + 1));
      });
      assert.equal(info.labels !== undefined, kind === 'classify' || kind === 'tag' || kind === 'one-to-many');
      assert.ok(info.validExamples > 0, 'a held-out share was made (no validation data given)');
      assert.ok(info.trainExamples > info.validExamples);
      const m = run.metric(run.trainStep(), 100);
      assert.equal(m.bitsPerChar !== undefined, kind === 'lm');
    });
  }

  it('seq2seq with attention: a frame of the current weights, rows summing to 1, following the first validation pair or a chosen source', () => {
    const run = TrainingRun.create(config('seq2seq'), data('seq2seq'));
    const first = run.attentionFrame()!;
    assert.ok(first.reference !== undefined, 'a validation pair has its reference');
    assert.equal(first.weights.length, first.outputTokens.length);
    for (const row of first.weights) {
      assert.equal(row.length, first.sourceTokens.length);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    }
    const chosen = run.attentionFrame('abcd')!;
    assert.deepEqual(chosen.sourceTokens, ['a', 'b', 'c', 'd']);
    assert.equal(chosen.reference, undefined);
    steps(run, 20, () => false);
    assert.notDeepEqual(run.attentionFrame()!.weights, first.weights, 'training moves the attention');
    assert.equal(TrainingRun.create(config('seq2seq', { attention: 'none' }), data('seq2seq')).attentionFrame(), null);
    assert.equal(TrainingRun.create(config('lm'), data('lm')).attentionFrame(), null);
  });

  it('given validation data is used as it is; describeTaskData counts what was read', () => {
    const train = data('classify');
    const valid = parseTaskData('classify', [{ source: 'valid.tsv', text: 'color\tred blue\nanimal\tcat dog\n' }]);
    const run = TrainingRun.create(config('classify'), train, valid);
    assert.equal(run.info().validExamples, 2);
    assert.equal(run.info().trainExamples, 48);
    assert.match(describeTaskData(train), /^48 texts, \d+ labels$/);
    assert.equal(describeTaskData(data('seq2seq')), '30 pairs');
    assert.equal(describeTaskData(data('tag')), '30 sentences, 4 tags');
    assert.match(describeTaskData(data('lm')), /^1,2\d\d characters$/);
  });

  it('refuses data of another task, a config that breaks a rule, and a checkpoint of other data, changing nothing', () => {
    assert.throws(() => TrainingRun.create(config('lm'), data('tag')), /the run trains a lm model, but the data was read as tag/);
    assert.throws(() => TrainingRun.create({ ...config('seq2seq'), cell: 'rnn_tanh' }, data('seq2seq')), /config\.cell: seq2seq needs an lstm or gru/);
    assert.throws(() => parseTaskData('seq2seq', [{ source: 'pairs.tsv', text: 'a\tb\nno tab here\n' }]), /^DataFormatError: pairs\.tsv:2: expected "source<TAB>target"/);
    const run = TrainingRun.create(config('seq2seq'), data('seq2seq'));
    steps(run, 2, () => false);
    const other = TrainingRun.create(config('seq2seq'), parseTaskData('seq2seq', [{ source: 'x', text: 'xyz\tzyx\nqrs\tsrq\n'.repeat(5) }]));
    const before = run.snapshot();
    assert.throws(() => run.rollback(other.checkpoint()), /is not this run's|vocabulary differs/);
    assert.deepEqual(run.snapshot(), before);
    const lmCk = TrainingRun.create(config('lm'), data('lm')).checkpoint();
    assert.throws(() => run.rollback(lmCk), /checkpoint/);
    assert.deepEqual(run.snapshot(), before);
    assert.ok(readCheckpoint(lmCk).training, 'an lm checkpoint holds its training state');
  });

  it('adjust() after a non-finite pause lowers the learning rate and sets clipping, and a resumed run keeps both', () => {
    const d = data('tag');
    const run = TrainingRun.create(config('tag'), d);
    steps(run, 2, () => false);
    run.adjust(0.5, 0.25);
    run.adjust(0.5);
    const s = run.trainStep();
    assert.equal(s.lr, 0.02 * 0.25);
    const resumed = TrainingRun.resume(run.checkpoint(), d);
    const next = [run.trainStep().loss, run.trainStep().lr];
    assert.deepEqual([resumed.trainStep().loss, resumed.trainStep().lr], next);
    assert.equal(resumed.parts.core.cfg.clipNorm, 0.25);
  });
});
