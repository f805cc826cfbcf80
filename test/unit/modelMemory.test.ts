// Model sizing before allocation: parameter counts asked of the real models (with a counting ctor) equal the
// arenas they allocate, for every task and odd configuration; moment counts match the optimizers; the training
// estimate bounds what a real step allocates; and a model too large is refused before allocation, with the
// amount, by the real CLI (train and load, in their own processes) and by the extension's real training worker.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SequenceClassifier, type ClassifierConfig } from '../../src/engine/classifier';
import { LanguageModel, type LmConfig } from '../../src/engine/lm';
import { checkMemory, countParams, memoryLimitForRam, momentCount, ModelMemoryError } from '../../src/engine/modelMemory';
import { createOptimizer, type OptimizerConfig } from '../../src/engine/optim';
import { Seq2Seq, type Seq2SeqConfig } from '../../src/engine/seq2seq/model';
import { SequenceTagger, type TaggerConfig } from '../../src/engine/tagger';
import { lmTrainingMemory, seq2seqTrainingMemory } from '../../src/engine/tasks/taskMemory';
import { LmTrainer, TrainStep } from '../../src/engine/trainer';
import { countFloats } from '../../src/engine/sizing/count';
import { TrainingSession } from '../../src/extension/training/session';
import { FileRunStore, nodeFiles } from '../../src/extension/training/store';
import { smallConfig } from './worker.test';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');
const WORKER = path.resolve(__dirname, '../../src/extension/training/worker.js');
const rnn = (o: Partial<ClassifierConfig['rnn']> = {}): ClassifierConfig['rnn'] => ({
  cell: 'lstm', hiddenSize: 24, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0, ...o,
});

describe('model memory: sizing before allocation', function () {
  this.timeout(60_000);

  it('counts parameters by asking the real models, without allocating them', () => {
    const lms: LmConfig[] = [
      { vocabSize: 37, embeddingSize: 16, rnn: rnn() },
      { vocabSize: 5, embeddingSize: 3, rnn: rnn({ cell: 'gru', hiddenSize: 7, numLayers: 3 }) },
      { vocabSize: 90, embeddingSize: 8, rnn: rnn({ cell: 'rnn_tanh', numLayers: 1 }) },
    ];
    for (const c of lms) assert.equal(countParams((ctor) => new LanguageModel(c, ctor)), new LanguageModel(c).params.size);
    for (const merge of ['concat', 'sum', 'mean', 'weighted'] as const) {
      const c: ClassifierConfig = { vocabSize: 20, embeddingSize: 6, numClasses: 4, rnn: rnn({ bidirectional: true, merge, cell: 'gru' }) };
      assert.equal(countParams((ctor) => new SequenceClassifier(c, ctor)), new SequenceClassifier(c).params.size, merge);
      const t: TaggerConfig = { vocabSize: 20, embeddingSize: 6, numTags: 5, rnn: rnn({ bidirectional: true, merge }) };
      assert.equal(countParams((ctor) => new SequenceTagger(t, ctor)), new SequenceTagger(t).params.size, merge);
    }
    const s2s: Seq2SeqConfig[] = [
      { srcVocab: 30, tgtVocab: 30, embeddingSize: 8, cell: 'lstm', encoder: { hiddenSize: 12, numLayers: 2, bidirectional: true }, decoder: { hiddenSize: 16, numLayers: 1 }, attention: 'additive', attentionSize: 9, locationKernel: 3 },
      { srcVocab: 30, tgtVocab: 30, embeddingSize: 8, cell: 'gru', encoder: { hiddenSize: 16, numLayers: 1, bidirectional: false }, decoder: { hiddenSize: 16, numLayers: 1 }, attention: 'general', bridge: 'always' },
      { srcVocab: 30, tgtVocab: 30, embeddingSize: 8, cell: 'lstm', encoder: { hiddenSize: 8, numLayers: 1, bidirectional: true }, decoder: { hiddenSize: 16, numLayers: 2 }, attention: 'dot' },
    ];
    for (const c of s2s) assert.equal(countParams((ctor) => new Seq2Seq(c, ctor)), new Seq2Seq(c).params.size, c.attention);
    // A model far beyond any machine is counted in no time and no memory.
    const huge: LmConfig = { vocabSize: 100, embeddingSize: 64, rnn: rnn({ hiddenSize: 65536, numLayers: 4 }) };
    const before = process.memoryUsage().arrayBuffers, t0 = performance.now();
    const P = countParams((ctor) => new LanguageModel(huge, ctor));
    assert.equal(P, 100 * 64 + 4 * (4 * 65536 * 2) + 4 * 65536 * (64 + 65536) + 3 * 4 * 65536 * (2 * 65536) + 100 * 65536 + 100);
    assert.ok(performance.now() - t0 < 500 && process.memoryUsage().arrayBuffers - before < 2 ** 20);
  });

  it('counts the moment arenas each optimizer keeps', () => {
    const params = new LanguageModel({ vocabSize: 10, embeddingSize: 4, rnn: rnn({ hiddenSize: 4, numLayers: 1 }) }).params;
    const configs: OptimizerConfig[] = [
      { kind: 'adam' }, { kind: 'adamw' }, { kind: 'sgd' }, { kind: 'sgd', momentum: 0.9 }, { kind: 'rmsprop' },
      { kind: 'rmsprop', momentum: 0.9 }, { kind: 'rmsprop', centered: true }, { kind: 'rmsprop', momentum: 0.5, centered: true },
    ];
    for (const c of configs) assert.equal(momentCount(c), Object.keys(createOptimizer(params, c).state().moments).length, JSON.stringify(c));
  });

  it('bounds what a real training run allocates (LM and seq2seq), within 2×', () => {
    // What a run allocates, counted exactly and deterministically (sizing/count.ts) by the run's own setup: the
    // model, its caches for the batch, the optimizer's moments, the roll-back copy of weights and moments (which
    // the estimate calls the checkpoint copy) and the carried states. (Measuring process.memoryUsage() deltas
    // instead depended on when the garbage collector last ran.)
    const cfg: LmConfig = { vocabSize: 60, embeddingSize: 32, rnn: rnn({ hiddenSize: 192, numLayers: 2 }) };
    const B = 16, T = 48;
    let params = 0;
    const counted = 4 * countFloats((ctor) => {
      const model = new LanguageModel(cfg, ctor);
      model.reserve(B, T);
      new LmTrainer(model, { optimizer: { kind: 'adam' }, schedule: { kind: 'constant', lr: 1e-3 }, clipNorm: 1 }, 'mean').reserve(B);
      params = model.params.size;
    });
    const e = lmTrainingMemory(cfg, B, T, { kind: 'adam' });
    console.log(`      LM ${JSON.stringify(cfg.rnn.hiddenSize)}×2, batch ${B}×${T}: a run allocates ${(counted / 2 ** 20).toFixed(1)} MB, estimated ${(e.bytes / 2 ** 20).toFixed(1)} MB`);
    assert.ok(counted <= e.bytes && e.bytes <= 2 * counted, `counted ${counted}, estimated ${e.bytes}`);
    assert.ok(e.params === params);

    const s: Seq2SeqConfig = { srcVocab: 40, tgtVocab: 40, embeddingSize: 16, cell: 'lstm', encoder: { hiddenSize: 64, numLayers: 1, bidirectional: true }, decoder: { hiddenSize: 128, numLayers: 1 }, attention: 'general' };
    const S = 20, Tt = 21;
    const counted2 = 4 * countFloats((ctor) => {
      const m2 = new Seq2Seq(s, ctor);
      m2.reserve(B, S, Tt);
      return new TrainStep(m2.params, { optimizer: { kind: 'adam' }, schedule: { kind: 'constant', lr: 1e-3 }, clipNorm: 1 });
    });
    const e2 = seq2seqTrainingMemory(s, B, S, Tt, { kind: 'adam' });
    console.log(`      seq2seq: a run allocates ${(counted2 / 2 ** 20).toFixed(2)} MB, estimated ${(e2.bytes / 2 ** 20).toFixed(2)} MB`);
    assert.ok(counted2 <= e2.bytes && e2.bytes <= 2 * counted2, `counted ${counted2}, estimated ${e2.bytes}`);
  });

  it('refuses with one line saying how much the model needs and what the limit is', () => {
    const e = lmTrainingMemory({ vocabSize: 100, embeddingSize: 64, rnn: rnn({ hiddenSize: 65536, numLayers: 4 }) }, 32, 64, { kind: 'adam' });
    assert.throws(() => checkMemory(e, memoryLimitForRam(16 * 2 ** 30), 'train'), (err: Error) => {
      assert.ok(err instanceof ModelMemoryError);
      assert.match(err.message, /^the model needs [\d.]+ GB to train for hidden 65536 × 4 layers \(lstm\) \(120\.28 billion parameters; parameters 448\.1 GB, gradients 448\.1 GB, adam moments 896\.2 GB, .*activations for a batch of 32 × 64 [\d.]+ GB\); the limit is 8 GB, half of this machine's 16 GB of RAM$/);
      return true;
    });
    checkMemory(e, null, 'train'); // no limit, no check
  });

  describe('the real CLI (own processes)', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-mem-'));
      fs.writeFileSync(path.join(dir, 'text.txt'), 'the quick brown fox jumps over the lazy dog.\n'.repeat(200));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const seqlab = (...argv: string[]): { status: number | null; stdout: string; stderr: string; ms: number; rssMb: number } => {
      const hook = path.join(dir, 'rss.js');
      fs.writeFileSync(hook, "process.on('exit', () => process.stderr.write(`maxrss_kb=${process.resourceUsage().maxRSS}\\n`));\n");
      const t0 = Date.now();
      const r = spawnSync(process.execPath, ['--require', hook, CLI, ...argv], { encoding: 'utf8', timeout: 30_000 });
      const rssMb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1]) / 1024;
      return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/maxrss_kb=\d+\n/, ''), ms: Date.now() - t0, rssMb };
    };

    it('train: refuses a model over --max-memory-mb before allocating it, with the amount; a smaller one trains', () => {
      // One thread: the thread replicas of a data-parallel run (threadReplicaMemory.test.ts) are not part of this figure.
      const r = seqlab('train', '--task', 'lm', '--out', path.join(dir, 'm'), '--data', path.join(dir, 'text.txt'), '--hidden', '4096', '--layers', '4', '--max-memory-mb', '1024', '--steps', '1', '--threads', '1');
      console.log(`      hidden 4096 × 4 with --max-memory-mb 1024: exit ${r.status} in ${r.ms} ms, peak RSS ${r.rssMb.toFixed(0)} MB`);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^seqlab: the model needs 1[0-9]\.\d GB to train for hidden 4096 × 4 layers \(lstm\) \(4\d\d\.\d+ million parameters; parameters 1\.8 GB, .*\); the limit is 1 GB, set by --max-memory-mb 1024\n$/);
      assert.doesNotMatch(r.stderr, /training thread/);
      // Two threads: the second thread's replica and the shared block are counted too.
      const two = seqlab('train', '--task', 'lm', '--out', path.join(dir, 'm'), '--data', path.join(dir, 'text.txt'), '--hidden', '4096', '--layers', '4', '--max-memory-mb', '1024', '--steps', '1', '--threads', '2');
      assert.equal(two.status, 1, two.stderr);
      assert.match(two.stderr, /^seqlab: the model needs 2[0-9]\.\d GB to train .*, 1 more training thread \(each a replica: parameters, gradients, activations for 16 rows\) [\d.]+ GB, weights and gradients the threads share [\d.]+ GB\); the limit is 1 GB, set by --max-memory-mb 1024\n$/);
      assert.ok(r.rssMb < 300 && r.ms < 10_000, `refused before allocating: ${r.rssMb} MB, ${r.ms} ms`);
      assert.ok(!fs.existsSync(path.join(dir, 'm')));
      for (const task of ['classify', 'seq2seq'] as const) {
        const data = path.join(dir, `${task}.tsv`);
        // Classifier files are label<TAB>text (text first would train words as classes, and is warned about).
        const line = (i: number): [string, string] => [`word${i}`, i % 2 ? 'odd' : 'even'];
        fs.writeFileSync(data, Array.from({ length: 40 }, (_, i) => (task === 'classify' ? line(i).reverse() : line(i)).join('\t')).join('\n'));
        const t = seqlab('train', '--task', task, '--out', path.join(dir, task), '--data', data, '--hidden', '2048', '--layers', '8', '--max-memory-mb', '64', '--steps', '1');
        assert.equal(t.status, 1, t.stderr);
        assert.match(t.stderr, /^seqlab: the model needs [\d.]+ GB to train for .*hidden 2048 × 8 layers .*; the limit is 64 MB, set by --max-memory-mb 64\n$/);
      }
      const ok = seqlab('train', '--task', 'lm', '--out', path.join(dir, 'm'), '--data', path.join(dir, 'text.txt'), '--hidden', '16', '--max-memory-mb', '64', '--steps', '1');
      assert.equal(ok.status, 0, ok.stderr);
    });

    it('train: the default limit is half this machine\'s RAM', function () {
      // hidden 4096 × 16 needs ~58 GB: refused unless this machine has more than ~116 GB of RAM.
      if (os.totalmem() > 100 * 2 ** 30) this.skip();
      const r = seqlab('train', '--task', 'lm', '--out', path.join(dir, 'm16'), '--data', path.join(dir, 'text.txt'), '--hidden', '4096', '--layers', '16', '--steps', '1');
      assert.equal(r.status, 1, r.stderr);
      const half = +(os.totalmem() / 2 / 2 ** 30).toFixed(1), all = +(os.totalmem() / 2 ** 30).toFixed(1);
      assert.ok(r.stderr.endsWith(`the limit is ${half} GB, half of this machine's ${all} GB of RAM; raise it with --max-memory-mb\n`), r.stderr);
      assert.ok(r.rssMb < 300, `${r.rssMb} MB`);
    });

    it('load: refuses a checkpoint whose seqlab.json claims an architecture the weights file cannot hold', () => {
      const ck = path.join(dir, 'm');
      const meta = JSON.parse(fs.readFileSync(path.join(ck, 'seqlab.json'), 'utf8'));
      meta.architecture.config.rnn.hiddenSize = 4096; // in range (hidden 65536 is refused as a field first)
      meta.architecture.config.rnn.numLayers = 16;
      const bad = path.join(dir, 'bad');
      fs.mkdirSync(bad);
      fs.writeFileSync(path.join(bad, 'seqlab.json'), JSON.stringify(meta));
      fs.copyFileSync(path.join(ck, 'model.safetensors'), path.join(bad, 'model.safetensors'));
      // seqlab train saves the run's training state too (its checksum is recorded): keep it beside the weights.
      if (fs.existsSync(path.join(ck, 'training.safetensors'))) fs.copyFileSync(path.join(ck, 'training.safetensors'), path.join(bad, 'training.safetensors'));
      const r = seqlab('generate', bad, '--prompt', 'the', '--max', '3');
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^seqlab: .*bad\/seqlab\.json: the architecture needs at least \d+ weights but model\.safetensors holds \d+/);
      assert.ok(r.rssMb < 300, `${r.rssMb} MB`);
    });
  });

  it('the extension\'s training worker refuses a model over the session\'s limit, and the run fails with the amount', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-memsession-'));
    const session = new TrainingSession(WORKER, new FileRunStore(nodeFiles(root)), { bytes: 2 ** 20, why: 'the test\'s 1 MB' });
    try {
      const text = 'the quick brown fox jumps over the lazy dog.\n'.repeat(40);
      await assert.rejects(session.start({ config: { ...smallConfig(), hidden: 256, layers: 1 }, train: text, valid: '' }),
        /the model needs [\d.]+ MB to train for hidden 256 × 1 layer \(lstm\) .*; the limit is 1 MB, the test's 1 MB/);
      assert.equal(session.current!.state, 'failed');
      assert.match(session.current!.message!, /the model needs/);
    } finally {
      session.dispose();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
