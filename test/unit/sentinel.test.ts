// The step sentinel inside TrainStep (src/engine/sentinel.ts): on a crafted two-tensor model whose "forward"
// is a closure the test controls, a NaN/Inf in a named gradient, a parameter made infinite by the update, and a
// non-finite loss each stop the update, name the tensor and its kind, and put back the weights and optimizer
// state of the last step whose forward and backward were finite. Then the same on real tasks (every task
// kind diverging at lr 1e30), the one-time huge-loss flag, and the checkpoint writers refusing NaN weights.
import * as assert from 'node:assert/strict';
import { CheckpointError, writeCheckpoint } from '../../src/engine/checkpoint';
import { ParamLayout, type Params } from '../../src/engine/params';
import { describeNonFinite, firstNonFiniteParam, hugeLossThreshold, type NamedActivation } from '../../src/engine/sentinel';
import { taskCheckpoint, type AnyTask } from '../../src/engine/tasks/checkpoint';
import { LmTask } from '../../src/engine/tasks/lmTask';
import { TASK_TEST_CONFIG } from './taskConfig';
import type { RunConfig } from '../../src/engine/run/config';
import { Seq2SeqTask } from '../../src/engine/tasks/seq2seqTask';
import { SequenceTask } from '../../src/engine/tasks/sequenceTask';
import { TrainStep, type TrainStepConfig } from '../../src/engine/trainer';
import { createOptimizer, type OptimizerConfig } from '../../src/engine/optim';

function crafted(
  optimizer: OptimizerConfig = { kind: 'sgd' }, lr = 0.1, extra: Partial<TrainStepConfig> = {}, activations?: () => NamedActivation[],
): { params: Params; step: TrainStep } {
  const layout = new ParamLayout();
  layout.add('enc.weight', [2, 3], { kind: 'constant', value: 0.5 });
  layout.add('head.bias', [4], { kind: 'constant', value: -0.25 });
  const params = layout.allocate(Float32Array);
  params.value('enc.weight').fill(0.5);
  params.value('head.bias').fill(-0.25);
  return { params, step: new TrainStep(params, { optimizer, schedule: { kind: 'constant', lr }, clipNorm: null, ...extra }, activations) };
}

/** A "forward/backward" that writes the given gradient into every element and returns `loss`. */
function grads(params: Params, loss: number, g: (name: string, i: number) => number): () => { loss: number; count: number } {
  return () => {
    for (const e of params.entries) {
      const v = params.gradOf(e.name);
      for (let i = 0; i < v.length; i++) v[i] += g(e.name, i);
    }
    return { loss, count: 1 };
  };
}

describe('step sentinel', () => {
  it('a NaN in a named gradient: no update, the tensor and kind named, back to the weights before the previous update', () => {
    for (const opt of [{ kind: 'sgd' }, { kind: 'adam' }] as OptimizerConfig[]) {
      const { params, step } = crafted(opt);
      const w0 = Float32Array.from(params.data);
      const ok = step.run(grads(params, 1, () => 1));
      assert.equal(ok.nonFinite, null);
      assert.equal(ok.lastGoodStep, 1);
      assert.notDeepEqual(Float32Array.from(params.data), w0, 'the first update moved the weights');
      const bad = step.run(grads(params, 1, (n, i) => (n === 'head.bias' && i === 2 ? NaN : 1)));
      assert.equal(bad.nonFinite, 'head.bias');
      assert.equal(bad.nonFiniteKind, 'gradient');
      assert.equal(bad.step, 2);
      assert.equal(bad.lastGoodStep, 0, `${opt.kind}: rolled back past update 1`);
      assert.deepEqual(Float32Array.from(params.data), w0, `${opt.kind}: the weights whose forward and backward were finite`);
      assert.equal(step.optimizer.stepCount, 0, 'the optimizer state is rolled back too');
      for (const m of step.optimizer.momentNames) assert.ok(step.optimizer.moment(m).every((x) => x === 0), `${opt.kind}: moment ${m} back to zero`);
      assert.match(describeNonFinite(bad.nonFiniteKind!, bad.nonFinite!, bad.step), /the gradient of head\.bias is NaN or Infinity at step 2/);
    }
  });

  it('an update that makes a parameter infinite is undone exactly and names the parameter', () => {
    // SGD with lr 1e38 and a finite gradient of 1e10 in enc.weight: w − 1e48 overflows float32 to −Infinity.
    const { params, step } = crafted({ kind: 'sgd' }, 1e38);
    const w0 = Float32Array.from(params.data);
    const s = step.run(grads(params, 1, (n) => (n === 'enc.weight' ? 1e10 : 0)));
    assert.equal(s.nonFinite, 'enc.weight');
    assert.equal(s.nonFiniteKind, 'parameter');
    assert.equal(s.lastGoodStep, 0);
    assert.deepEqual(Float32Array.from(params.data), w0);
    assert.equal(firstNonFiniteParam(params), null);
    assert.equal(describeNonFinite('parameter', 'enc.weight', s.step), 'parameter enc.weight became NaN or Infinity in the update of step 1');
  });

  it('an optimizer moment that overflows while every weight stays finite: undone exactly and named as training.safetensors names it', () => {
    // |g| = 1e21: g² = 1e42 overflows float32 in Adam's and RMSprop's second moment, and m / √v = 0 leaves the
    // weight finite (frozen for good). Without the check the run went on and its editor checkpoints could never resume.
    const cases: [OptimizerConfig, string][] = [[{ kind: 'adam' }, 'exp_avg_sq'], [{ kind: 'adamw' }, 'exp_avg_sq'], [{ kind: 'rmsprop' }, 'square_avg']];
    for (const [opt, moment] of cases) {
      const { params, step } = crafted(opt, 1e-3);
      const w0 = Float32Array.from(params.data);
      const s = step.run(grads(params, 1, (n) => (n === 'head.bias' ? 1e21 : 0.5)));
      assert.equal(firstNonFiniteParam(params), null, `${opt.kind}: the weights are finite`);
      assert.equal(s.nonFiniteKind, 'optimizer', opt.kind);
      assert.equal(s.nonFinite, `optim.${moment}.head.bias`, opt.kind);
      assert.equal(s.lastGoodStep, 0);
      assert.deepEqual(Float32Array.from(params.data), w0, `${opt.kind}: weights put back`);
      assert.equal(step.optimizer.stepCount, 0);
      for (const m of step.optimizer.momentNames) assert.ok(step.optimizer.moment(m).every((x) => x === 0), `${opt.kind}: moment ${m} put back`);
      assert.match(describeNonFinite(s.nonFiniteKind!, s.nonFinite!, s.step), new RegExp(`optimizer state optim\\.${moment}\\.head\\.bias became NaN or Infinity in the update of step 1`));
    }
  });

  it('a non-finite loss from finite but overflowing weights: back to the last weights with a finite forward, the big tensor named', () => {
    // The model's forward buffers, in forward order: the test's "hidden" layer overflows, its "logits" follow.
    const hidden = new Float32Array(3), logits = new Float32Array(2);
    const acts = (): NamedActivation[] => [{ name: 'embedding output', values: new Float32Array(2) }, { name: 'hidden', values: hidden }, { name: 'logits', values: logits }];
    const { params, step } = crafted({ kind: 'sgd' }, 1e30, {}, acts);
    const w0 = Float32Array.from(params.data);
    assert.equal(step.run(grads(params, 2, (n) => (n === 'head.bias' ? -1 : 0))).nonFinite, null);
    assert.ok(Math.abs(params.value('head.bias')[0]) > 1e29, 'update 1 left finite 1e30-sized weights');
    hidden[1] = Infinity;
    logits.fill(NaN);
    const s = step.run(grads(params, Infinity, () => 0));
    assert.equal(s.nonFinite, 'loss');
    assert.equal(s.activation, 'hidden', 'the first non-finite activation in forward order');
    assert.equal(s.nonFiniteKind, 'loss');
    assert.deepEqual(Float32Array.from(params.data), w0);
    assert.equal(describeNonFinite('loss', 'loss', s.step, s.largestWeight, s.activation),
      'the loss is NaN or Infinity at step 2 (the forward pass overflowed: the first non-finite activation is hidden; head.bias holds |w| = 1.00e+30)');
    // Two failures in a row stay on the good weights (nothing newer to roll back).
    step.run(grads(params, NaN, () => 0));
    assert.deepEqual(Float32Array.from(params.data), w0);
    // And training continues from them.
    assert.equal(step.run(grads(params, 1, () => 1e-3)).nonFinite, null);
    assert.equal(step.optimizer.stepCount, 1);
  });

  it('a good step allocates nothing: the same stats object, weights and moments arenas', () => {
    const { params, step } = crafted({ kind: 'adam' });
    const data = params.data, m = step.optimizer.moment('exp_avg');
    const s1 = step.run(grads(params, 1, () => 1));
    const s2 = step.run(grads(params, 1, () => 1));
    assert.equal(s1, s2);
    assert.equal(params.data, data);
    assert.equal(step.optimizer.moment('exp_avg'), m);
  });

  it('flags a finite loss above 10·ln(classes) once, and never without classes', () => {
    assert.ok(Math.abs(hugeLossThreshold(30) - 10 * Math.log(30)) < 1e-12);
    const { params, step } = crafted({ kind: 'sgd' }, 1e-3, { classes: 30 });
    const flags = [3, 40, 1e6, 2e6, 3].map((loss) => step.run(grads(params, loss, () => 0)).hugeLoss);
    assert.deepEqual(flags, [false, true, false, false, false]);
    const quiet = crafted({ kind: 'sgd' }, 1e-3);
    assert.equal(quiet.step.run(grads(quiet.params, 1e9, () => 0)).hugeLoss, false);
  });

  describe('real tasks diverging at lr 1e30 stop with finite weights', () => {
    const o = (over: Partial<RunConfig>): RunConfig => ({ ...TASK_TEST_CONFIG, hidden: 12, embedding: 6, batch: 4, seqLen: 12, seed: 5, ...over });
    const lmText = 'the cat sat on the mat. '.repeat(20);
    const tasks: [string, () => AnyTask][] = [
      ['lm (adam)', () => LmTask.create(o({ lr: 1e30 }), lmText)],
      ['lm (sgd, no clipping)', () => LmTask.create(o({ lr: 1e30, optimizer: 'sgd', clip: 0 }), lmText)],
      ['seq2seq', () => Seq2SeqTask.create(o({ lr: 1e30, attention: 'dot' }), Array.from({ length: 20 }, (_, i) => ({ source: `ab${i}`, target: `${i}ba` })))],
      ['classify', () => SequenceTask.createClassifier(o({ lr: 1e30 }), Array.from({ length: 20 }, (_, i) => ({ text: i % 2 ? 'good day' : 'bad day', label: i % 2 ? 'pos' : 'neg' })), ['neg', 'pos'])],
      ['tag', () => SequenceTask.createTagger(o({ lr: 1e30 }), Array.from({ length: 12 }, (_, i) => ({ tokens: ['the', ['dog', 'cat', 'man'][i % 3], ['ran', 'sat'][i % 2], 'the', 'mat'], tags: ['D', 'N', 'V', 'D', 'N'] })), ['D', 'N', 'V'])],
    ];
    for (const [name, make] of tasks) {
      it(name, () => {
        const task = make();
        let s = task.trainStep();
        for (let i = 0; i < 20 && s.nonFinite === null; i++) s = task.trainStep();
        assert.notEqual(s.nonFinite, null, 'lr 1e30 diverges within 20 steps');
        assert.ok(['loss', 'gradient', 'parameter'].includes(s.nonFiniteKind!), `kind ${s.nonFiniteKind}`);
        if (s.nonFiniteKind === 'loss') assert.match(s.activation ?? '', /^(embedding|src_embedding|tgt_embedding) output$|^(rnn|encoder|decoder)\.l\d+ output$|^logits$|^merged final states$|^attentional hidden state$/);
        assert.equal(firstNonFiniteParam(task.params), null, 'no NaN/Inf weight kept');
        let max = 0;
        for (const v of task.params.data) max = Math.max(max, Math.abs(v));
        assert.ok(max < 1e6, `the weights kept are the pre-divergence ones (max |w| ${max})`);
        assert.doesNotThrow(() => taskCheckpoint(task), 'the last good weights can be saved');
        console.log(`      ${name}: ${describeNonFinite(s.nonFiniteKind!, s.nonFinite!, s.step, s.largestWeight, s.activation)}; kept step ${s.lastGoodStep}`);
      });
    }
  });

  it('checkpoint writers refuse non-finite parameters, naming the tensor', () => {
    const task = LmTask.create({ ...TASK_TEST_CONFIG, hidden: 8, embedding: 4, batch: 2, seqLen: 8 }, 'abcabcabc abc abc');
    task.params.value('rnn.weight_hh_l0')[3] = NaN;
    assert.throws(() => taskCheckpoint(task), (e: Error) => e instanceof CheckpointError && /refusing to write a checkpoint: parameter rnn\.weight_hh_l0 holds NaN or Infinity/.test(e.message));
    assert.throws(() => writeCheckpoint({ architecture: task.architecture, params: task.params, tokenizer: task.tokenizer, seed: 1 }), /parameter rnn\.weight_hh_l0 holds NaN/);
    const cls = SequenceTask.createClassifier({ ...TASK_TEST_CONFIG, hidden: 8, embedding: 4, batch: 2 }, [{ text: 'a', label: 'x' }, { text: 'b', label: 'y' }], ['x', 'y']);
    cls.params.value('head.bias')[0] = -Infinity;
    assert.throws(() => taskCheckpoint(cls), /parameter head\.bias holds NaN or Infinity/);
  });

  it('the checkpoint writer refuses a training state (optimizer moment or buffer) holding NaN or Infinity, naming it', () => {
    const task = LmTask.create({ ...TASK_TEST_CONFIG, hidden: 8, embedding: 4, batch: 2, seqLen: 8 }, 'abcabcabc abc abc');
    const state = createOptimizer(task.params, { kind: 'adam' }).state();
    const at = task.params.entries.find((e) => e.name === 'head.weight')!;
    state.moments.exp_avg_sq[at.offset + 5] = Infinity;
    const input = { architecture: task.architecture, params: task.params, tokenizer: task.tokenizer, seed: 1 };
    const training = { optimizer: { kind: 'adam' as const }, optimizerState: state, rng: [1, 2, 3, 4] as [number, number, number, number], extra: {}, buffers: {} };
    assert.throws(() => writeCheckpoint({ ...input, training }),
      (e: Error) => e instanceof CheckpointError && /training\.safetensors: tensor optim\.exp_avg_sq\.head\.weight holds Infinity at index 5/.test(e.message));
    state.moments.exp_avg_sq[at.offset + 5] = 0;
    const buffers = { carry: { shape: [2], data: Float32Array.of(0, NaN) } };
    assert.throws(() => writeCheckpoint({ ...input, training: { ...training, buffers } }), /tensor buffer\.carry holds NaN at index 1/);
    assert.doesNotThrow(() => writeCheckpoint({ ...input, training }), 'finite state is written');
  });
});
