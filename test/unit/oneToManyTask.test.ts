// engine/tasks/oneToManyTask.ts: the one-to-many task (label<TAB>text → p(text | label)) trains like the other
// kinds. Its batch loss passes the gradient check; seeded training lowers the loss and is bit-identical twice;
// on a synthetic set where label "alpha" writes only a…-words and "beta" only b…-words, every label's samples
// resemble its own data and held-out texts are told apart by their label's likelihood; a checkpoint round-trips
// bit for bit; a crafted seqlab.json is refused naming the field; the config table knows the kind.
import * as assert from 'node:assert/strict';
import { CheckpointError } from '../../src/engine/checkpoint';
import { DataFormatError, readLabelText, swappedColumnsWarning, type LabeledText } from '../../src/engine/data/readers';
import { checkGradient } from '../../src/engine/gradcheck';
import { Rng } from '../../src/engine/rng';
import { ConfigError, runConfig, TASK_KINDS, fieldSpec, type RunConfig } from '../../src/engine/run/config';
import { loadTask, taskCheckpoint } from '../../src/engine/tasks/checkpoint';
import { OneToManyTask } from '../../src/engine/tasks/oneToManyTask';

const CONSONANTS = 'bcdfghklmnprstvz', VOWELS = 'aeiou';

/** `n` lines: label alpha → a word starting with 'a', beta → with 'b', then 1..3 consonant-vowel pairs. */
function words(n: number, seed: number): LabeledText[] {
  const rng = new Rng(seed), pick = (s: string): string => s[rng.int(s.length)];
  return Array.from({ length: n }, () => {
    const label = rng.int(2) === 0 ? 'alpha' : 'beta';
    let text = label[0];
    const pairs = 1 + rng.int(3);
    for (let i = 0; i < pairs; i++) text += pick(CONSONANTS) + pick(VOWELS);
    return { label, text };
  });
}

const small: Partial<RunConfig> = { task: 'one-to-many', hidden: 24, embedding: 12, batch: 16, lr: 0.01, seed: 5 };
const train = words(240, 1), held = words(60, 2), LABELS = ['alpha', 'beta'];

describe('one-to-many task', function () {
  this.timeout(120000);

  it('the loss of a real batch (BOS/EOS rows, PAD ignored, label per row) passes the gradient check', () => {
    for (const cell of ['lstm', 'gru'] as const) {
      // Float64 weights; two layers so init_h feeds both; a batch of texts of different lengths (padding).
      const task = OneToManyTask.create(runConfig({ ...small, cell, layers: 2, hidden: 5, embedding: 4, batch: 5 }), train.slice(0, 12), LABELS, null, Float64Array);
      task.nextBatch();
      const p = task.params;
      p.zeroGrad();
      task.batchLoss(true);
      let worst = 0;
      for (const e of p.entries) {
        const r = checkGradient(e.name, () => task.batchLoss(), p.value(e.name), Float64Array.from(p.gradOf(e.name)));
        worst = Math.max(worst, r.maxRel);
        assert.ok(r.ok, `${cell} ${e.name}: max abs err ${r.maxAbs}`);
      }
      console.log(`      ${cell}: ${p.entries.length} tensors, max rel err ${worst.toExponential(2)}`);
    }
  });

  it('seeded training lowers the loss and gives the same weights bit for bit twice; another seed differs', () => {
    const run = (seed: number): { first: number; last: number; data: Float32Array } => {
      const task = OneToManyTask.create(runConfig({ ...small, seed }), train, LABELS);
      const losses: number[] = [];
      for (let i = 0; i < 60; i++) losses.push(task.trainStep().loss);
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      return { first: mean(losses.slice(0, 5)), last: mean(losses.slice(-5)), data: Float32Array.from(task.params.data) };
    };
    const a = run(5), b = run(5), c = run(6);
    console.log(`      loss: first 5 steps ${a.first.toFixed(4)} → last 5 steps ${a.last.toFixed(4)}`);
    assert.ok(a.last < 0.75 * a.first, `loss ${a.first} → ${a.last}`);
    assert.deepEqual(Buffer.from(a.data.buffer), Buffer.from(b.data.buffer));
    assert.notDeepEqual(Buffer.from(a.data.buffer), Buffer.from(c.data.buffer));
  });

  it('reuses its buffers from step to step once every batch length has been seen (no allocation in a step)', () => {
    const task = OneToManyTask.create(runConfig(small), train, LABELS);
    const steps = Math.ceil(train.length / small.batch!);
    for (let i = 0; i < steps; i++) task.trainStep(); // one epoch: the longest batch has been seen
    const m = task.model, held1 = [m.logits, m.probs, m.h0, m.rnn.output, task.params.grad];
    for (let i = 0; i < 2 * steps; i++) task.trainStep();
    [m.logits, m.probs, m.h0, m.rnn.output, task.params.grad].forEach((b, i) => assert.equal(b, held1[i], `buffer ${i} was reallocated`));
  });

  it('each label writes texts like its own data, and held-out texts are most likely under their own label', () => {
    const task = OneToManyTask.create(runConfig(small), train, LABELS);
    const before = task.evaluate(held);
    for (let i = 0; i < 300; i++) task.trainStep();
    const after = task.evaluate(held);
    console.log(`      held-out loss ${before.loss.toFixed(3)} → ${after.loss.toFixed(3)}; label accuracy ${before.label_accuracy} → ${after.label_accuracy}`);
    assert.equal(after.examples, held.length);
    assert.equal(after.tokens, held.reduce((n, e) => n + e.text.length + 1, 0)); // chars + EOS
    assert.ok(after.loss < before.loss - 0.5, `held-out loss ${before.loss} → ${after.loss}`);
    assert.ok(after.label_accuracy! >= 0.95, `label accuracy ${after.label_accuracy}`);
    const rng = new Rng(9);
    for (const label of LABELS) {
      const samples = Array.from({ length: 20 }, () => task.generate(label, { strategy: 'sample', rng, minLength: 1 }).text);
      const own = samples.filter((s) => s.startsWith(label[0])).length;
      console.log(`      ${label}: ${samples.slice(0, 6).join(' ')} … (${own}/20 start with ${label[0]})`);
      assert.ok(own >= 18, `${label}: ${samples.join(' ')}`);
      assert.ok(samples.every((s) => s.length >= 1 && s.length <= 2 * task.architecture.maxLength + 10));
      assert.ok(task.generate(label, { strategy: 'greedy' }).text.startsWith(label[0]));
      assert.ok(task.generate(label, { strategy: 'beam', beamWidth: 4 }).text.startsWith(label[0]));
    }
    assert.throws(() => task.generate('gamma'), /unknown label "gamma"; this model knows "alpha", "beta"/);
    assert.throws(() => task.evaluate([{ label: 'gamma', text: 'gu' }]), /unknown label "gamma"/);
  });

  it('a single label is allowed (plain generation of lines); label accuracy is then null', () => {
    const only = train.filter((e) => e.label === 'alpha');
    const task = OneToManyTask.create(runConfig(small), only, ['alpha']);
    task.trainStep();
    assert.equal(task.evaluate(only.slice(0, 5)).label_accuracy, null);
  });

  it('a checkpoint round-trips bit for bit: weights, files, generation and evaluation', () => {
    const task = OneToManyTask.create(runConfig({ ...small, cell: 'gru', layers: 2, dropout: 0.1, tokenizer: 'word' }), train, LABELS);
    for (let i = 0; i < 10; i++) task.trainStep();
    const files = taskCheckpoint(task, { note: 'x' });
    const loaded = loadTask(files, 'ck');
    assert.ok(loaded instanceof OneToManyTask);
    assert.deepEqual(Buffer.from(loaded.params.data.buffer), Buffer.from(task.params.data.buffer));
    const again = taskCheckpoint(loaded, { note: 'x' });
    assert.deepEqual(Buffer.from(again.model), Buffer.from(files.model));
    assert.equal(again.meta, files.meta);
    assert.deepEqual(loaded.labels, LABELS);
    assert.deepEqual(loaded.generate('beta', { strategy: 'sample', rng: new Rng(3) }), task.generate('beta', { strategy: 'sample', rng: new Rng(3) }));
    assert.deepEqual(loaded.evaluate(held), task.evaluate(held));
    assert.throws(() => loaded.trainStep(), /loaded from a checkpoint; it has no training data/);
  });

  it('a crafted seqlab.json is refused naming the field, before a model is built', () => {
    const task = OneToManyTask.create(runConfig(small), train.slice(0, 20), LABELS);
    const files = taskCheckpoint(task);
    const edit = (f: (a: Record<string, any>) => void): { model: Uint8Array; meta: string } => {
      const meta = JSON.parse(files.meta);
      delete meta.checksums['seqlab.json']; // an edit by hand: the per-field checks must catch it
      f(meta.architecture);
      return { model: files.model, meta: JSON.stringify(meta) };
    };
    const cases: [string, (a: Record<string, any>) => void, RegExp][] = [
      ['labels vs numLabels', (a) => a.labels.push('gamma'), /architecture\.labels has 3 entries, architecture\.config\.condition\.numLabels says 2/],
      ['a label twice', (a) => (a.labels[1] = 'alpha'), /architecture\.labels lists a label twice/],
      ['a vector condition with labels', (a) => (a.config.condition.kind = 'vector'), /architecture\.labels names condition labels, but architecture\.config\.condition\.kind is "vector"/],
      ['an unknown condition', (a) => (a.config.condition.kind = 'image'), /architecture\.config\.condition\.kind must be one of label, vector/],
      ['bidirectional', (a) => (a.config.rnn.bidirectional = true), /architecture\.config\.rnn\.bidirectional does not apply to a one-to-many model/],
      ['bidirectional false', (a) => (a.config.rnn.bidirectional = false), /architecture\.config\.rnn\.bidirectional does not apply to a one-to-many model/],
      ['a merge', (a) => (a.config.rnn.merge = 'concat'), /architecture\.config\.rnn\.merge does not apply to a one-to-many model/],
      ['hidden as text', (a) => (a.config.rnn.hiddenSize = '24'), /architecture\.config\.rnn\.hiddenSize must be an integer, got "24"/],
      ['numLayers huge', (a) => (a.config.rnn.numLayers = 1e6), /architecture\.config\.rnn\.numLayers must be between 1 and 16/],
      ['condition size', (a) => (a.config.condition.size = 0), /architecture\.config\.condition\.size must be between 1 and 4096/],
      ['no decoding cap', (a) => delete a.maxLength, /architecture\.maxLength must be an integer, got nothing/],
      ['far more weights than the file', (a) => (a.config.rnn.hiddenSize = 4096), /needs at least \d+ weights but model\.safetensors holds/],
      ['a vocabulary the tokenizer lacks', (a) => (a.config.vocabSize += 1), /vocabulary mismatch/],
      ['a wider label embedding', (a) => (a.config.condition.size += 1), /tensor condition\.weight has shape \[2, 12\], the architecture needs \[2, 13\]/],
    ];
    for (const [what, f, re] of cases) {
      assert.throws(() => loadTask(edit(f), 'ck'), (e: unknown) => e instanceof CheckpointError && re.test((e as Error).message), what);
    }
  });

  it('the run config knows the kind: the tokenizer applies, bidirectional is refused by name', () => {
    assert.ok(TASK_KINDS.includes('one-to-many'));
    assert.ok(fieldSpec('tokenizer').tasks!.includes('one-to-many'));
    for (const key of ['bidirectional', 'merge', 'attention', 'teacherForcing'] as const) assert.ok(!fieldSpec(key).tasks!.includes('one-to-many'), key);
    assert.throws(() => runConfig({ task: 'one-to-many', bidirectional: true }), (e: unknown) => e instanceof ConfigError && e.field === 'config.bidirectional');
    assert.throws(() => OneToManyTask.create({ ...runConfig(small), bidirectional: true }, train, LABELS), /cannot be bidirectional/);
  });

  it('reads label<TAB>text lines (the label before the first tab), naming the file and line of a bad one; warns of swapped columns', () => {
    const r = readLabelText('german\tHaus\r\n\nfrench\tla\tmaison\n', 'w.tsv');
    assert.deepEqual(r.examples, [{ label: 'german', text: 'Haus' }, { label: 'french', text: 'la\tmaison' }]);
    assert.deepEqual(r.labels, ['french', 'german']);
    const bad: [string, RegExp][] = [
      ['german\tHaus\nno tab here\n', /^w\.tsv:2: expected "label<TAB>text" but found no tab in "no tab here"$/],
      ['\tHaus\n', /^w\.tsv:1: the label before the tab is empty/],
      ['german\t  \n', /^w\.tsv:1: the text after the tab is empty/],
      ['\n\n', /^w\.tsv:1: no "label<TAB>text" lines found$/],
    ];
    for (const [text, re] of bad) assert.throws(() => readLabelText(text, 'w.tsv'), (e: unknown) => e instanceof DataFormatError && re.test((e as Error).message), text);
    // A file written text<TAB>label (every "label" a different word) is warned about; label-first data is not.
    const swapped = train.map((e) => ({ label: e.text, text: e.label }));
    assert.match(swappedColumnsWarning(swapped, 'w.tsv') ?? '', /^w\.tsv: \d+ distinct labels in 240 lines; each line is read as label<TAB>text, the label first: is the file written text<TAB>label\?$/);
    assert.equal(swappedColumnsWarning(train, 'w.tsv'), null);
    assert.equal(swappedColumnsWarning(swapped.slice(0, 19), 'w.tsv'), null); // too few lines to tell
  });
});
