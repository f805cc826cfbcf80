// The receiving ends of the worker channels, with real worker threads: a host session that gets a
// 300,000-point metrics message (which used to overflow the stack in `history.push(...points)`) or NaN in a
// point logs and drops it and keeps the run; the experiments client fails the request a malformed reply names;
// the training worker never posts a metrics batch larger than the host accepts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentsClient } from '../../src/extension/experiments/client';
import { TrainingSession } from '../../src/extension/training/session';
import { FileRunStore, nodeFiles } from '../../src/extension/training/store';
import { WorkerLoop } from '../../src/extension/training/workerLoop';
import { TRAINING_LIMITS, parseWorkerToHost, type WorkerToHost } from '../../src/protocol/training';
import { parseHostToAttention } from '../../src/protocol/attention';
import { parseExperimentsToHost } from '../../src/protocol/experiments';
import { LongLagJob, gradCheck } from '../../src/extension/experiments/jobs';
import { translateForView } from '../../src/extension/use/translate';
import { writeCheckpoint } from '../../src/engine/checkpoint';
import { generateTask } from '../../src/engine/data/generators';
import { LanguageModel } from '../../src/engine/lm';
import { Rng } from '../../src/engine/rng';
import { Seq2SeqTask } from '../../src/engine/tasks/seq2seqTask';
import { TASK_TEST_CONFIG } from './taskConfig';
import { buildTokenizer } from '../../src/engine/tokenize/tokenizer';
import { DEFAULT_CORPUS_LIMITS, MAX_CORPUS_MB, assembleCorpus, corpusLimits } from '../../src/engine/corpus';
import { LIMITS } from '../../src/engine/checkpoint/fields';
import { smallConfig } from './worker.test';

async function until(what: string, f: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A real worker_threads script standing in for a misbehaving worker. */
function workerScript(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `const { parentPort } = require('node:worker_threads');\n${body}\n`);
  return file;
}

const POINT = 'step, epoch: 0, loss: 2, bitsPerChar: 3, lr: 0.01, tokensPerSecond: 100, gradNorm: 1, gradNormAfterClip: 1, clipped: false, groupNorms: [0.5]';

describe('protocol boundaries (real worker threads)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-protocol-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the host session drops a 300,000-point metrics message and a NaN point, keeps every valid point and the run', async () => {
    const file = workerScript(dir, 'floodingWorker.js', `
      const point = (step) => ({ ${POINT} });
      parentPort.on('message', (m) => {
        if (m.type === 'start') {
          parentPort.postMessage({ type: 'started', runId: m.runId, info: { task: 'lm', vocabSize: 5, paramCount: 4, trainChars: 10, validChars: 0, trainExamples: 10,
            validExamples: 0, groups: ['embedding'], tensors: [{ name: 'embedding.weight', shape: [2, 2], offset: 0 }], stacks: [{ name: 'rnn', rows: 1 }], step: 0 } });
          parentPort.postMessage({ type: 'metrics', points: Array.from({ length: 300000 }, (_, i) => point(i + 1)) });
          parentPort.postMessage({ type: 'metrics', points: Array.from({ length: 4096 }, (_, i) => point(i + 1)) });
          parentPort.postMessage({ type: 'metrics', points: [{ ...point(4097), loss: NaN }] });
          parentPort.postMessage({ type: 'metrics', points: [{ ...point(4097), groupNorms: [1, 2] }] });
          parentPort.postMessage({ type: 'snapshot', step: 4096, data: new Float32Array(5) });
          parentPort.postMessage({ type: 'metrics', points: [point(4097)] });
        }
        if (m.type === 'stop') {
          parentPort.postMessage({ type: 'stopped', step: 4097, reason: 'user' });
          parentPort.close();
        }
      });
      parentPort.postMessage({ type: 'ready' });`);
    const session = new TrainingSession(file, new FileRunStore(nodeFiles(path.join(dir, 'store'))));
    const seen: number[] = [];
    session.onEvent((e) => e.type === 'metrics' && seen.push(e.points.length));
    try {
      const run = await session.start({ config: smallConfig(), train: 'abcdefghij', valid: '' });
      await until('the last valid batch', () => run.history.length === 4097);
      assert.deepEqual(seen, [4096, 1], 'only the two valid batches reach the listeners');
      assert.equal(run.step, 4097);
      assert.equal(run.snapshot, null, 'a snapshot of the wrong size is dropped');
      assert.equal(session.rejected.length, 4);
      assert.match(session.rejected[0]!, /^metrics\.points must hold 1 to 4096 items, got 300000$/);
      assert.match(session.rejected[1]!, /^metrics\.points\[0\]\.loss must be a finite number ≥ 0, got NaN$/);
      assert.match(session.rejected[2]!, /^metrics\.points\[0\]\.groupNorms must hold 1 values \(one per layer group\), got 2$/);
      assert.match(session.rejected[3]!, /^snapshot\.data must hold 4 values \(the model's parameters\), got 5$/);
      assert.equal(run.state, 'running');
      await session.stop();
      assert.equal(run.state, 'stopped');
    } finally {
      session.dispose();
    }
  });

  it('a malformed `started` fails the run at once, naming the field (instead of leaving it starting)', async () => {
    const file = workerScript(dir, 'badStartWorker.js', `
      parentPort.on('message', (m) => {
        if (m.type === 'start') parentPort.postMessage({ type: 'started', runId: m.runId, info: { task: 'lm', vocabSize: 0, paramCount: 4, trainChars: 10,
          validChars: 0, trainExamples: 10, validExamples: 0, groups: [], tensors: [], stacks: [{ name: 'rnn', rows: 1 }], step: 0 } });
      });`);
    const session = new TrainingSession(file, new FileRunStore(nodeFiles(path.join(dir, 'store2'))));
    try {
      const t0 = Date.now();
      await assert.rejects(session.start({ config: smallConfig(), train: 'abcdefghij', valid: '' }),
        /^Error: The training worker reported a malformed start: started\.info\.vocabSize must be an integer in \[1, 1114116\], got 0$/);
      assert.ok(Date.now() - t0 < 10_000, 'failed at once, not after the 60 s start timeout');
      assert.equal(session.current?.state, 'failed');
    } finally {
      session.dispose();
    }
  });

  it('settings the real worker refuses fail the start at once with the field named', async () => {
    const worker = path.resolve(__dirname, '../../src/extension/training/worker.js');
    const session = new TrainingSession(worker, new FileRunStore(nodeFiles(path.join(dir, 'store3'))));
    try {
      const t0 = Date.now();
      await assert.rejects(session.start({ config: { ...smallConfig(), hidden: 5000 }, train: 'abcdefghij', valid: '' }),
        /^Error: Training could not start: start\.config\.hidden must be at most 4096, got 5000$/);
      assert.ok(Date.now() - t0 < 10_000, 'failed at once, not after the 60 s start timeout');
      assert.equal(session.current?.state, 'failed');
      await until('the refused worker to end', () => session.workerThreadId === null);
    } finally {
      session.dispose();
    }
  });

  it('the experiments client fails the request a malformed reply names, and drops replies it cannot attribute', async () => {
    const file = workerScript(dir, 'badExperimentsWorker.js', `
      parentPort.on('message', (m) => {
        parentPort.postMessage({ type: 'done', id: 'not a number', cancelled: false });
        if (m.type === 'gradCheck') parentPort.postMessage({ type: 'gradCheck', id: m.id, view: { model: 'm', epsilon: 1e-5,
          rows: [{ tensor: 'w', shape: [2], checked: 2, maxAbsError: NaN, maxRelError: 0, ok: true }] } });
        if (m.type === 'sample') parentPort.postMessage({ type: 'sample', id: m.id, runId: m.runId, step: m.step, prompt: 'p', text: 'x'.repeat(100001) });
        if (m.type === 'longLag') parentPort.postMessage({ type: 'experiment', id: m.id, view: { title: 't', T: 1e9, step: 0, totalSteps: 1, done: false, series: [] } });
      });`);
    const client = new ExperimentsClient(file);
    try {
      await assert.rejects(client.gradCheck('m', { model: new Uint8Array(1), meta: '{}' }, 'text'),
        /^Error: the experiments worker sent a malformed reply: gradCheck\.view\.rows\[0\]\.maxAbsError must be a finite number ≥ 0, got NaN$/);
      await assert.rejects(client.sample('run', 1, smallConfig(), 'abc', new Float32Array(2)), /sample\.text must be a string of at most 100000 characters, got a string of 100001 characters/);
      await assert.rejects(client.runLongLag({ steps: 5, trainSteps: 1, hiddenSize: 2, seed: 1 }, () => assert.fail('a malformed view must not be shown')),
        /experiment\.view\.T must be an integer in \[1, 4096\], got 1000000000/);
    } finally {
      client.dispose();
    }
  });

  it('what the real producers send passes the receiving parsers (experiment, gradient check, translations)', () => {
    const job = new LongLagJob({ steps: 12, trainSteps: 3, hiddenSize: 8, seed: 1 });
    parseExperimentsToHost({ type: 'experiment', id: 1, view: job.view() });
    while (!job.done) {
      job.tick();
      parseExperimentsToHost({ type: 'experiment', id: 1, view: job.view() });
    }
    const text = 'the cat sat on the mat. the dog sat on the log. ';
    const tokenizer = buildTokenizer('char', text);
    const config = { vocabSize: tokenizer.vocabSize, embeddingSize: 4, rnn: { cell: 'gru' as const, hiddenSize: 5, numLayers: 2, bidirectional: false, merge: 'concat' as const, dropout: 0 } };
    const lm = new LanguageModel(config);
    lm.initialize(new Rng(2));
    const files = writeCheckpoint({ architecture: { kind: 'lm', config }, params: lm.params, tokenizer, seed: 2 });
    parseExperimentsToHost({ type: 'gradCheck', id: 2, view: gradCheck(files, text, 'm') });
    for (const attention of ['general', 'none'] as const) {
      const pairs = generateTask('reverse', new Rng(1), 40, { minLen: 3, maxLen: 5 });
      const task = Seq2SeqTask.create({ ...TASK_TEST_CONFIG, hidden: 8, embedding: 4, batch: 4, seqLen: 8, lr: 0.01, seed: 7, attention }, pairs);
      for (let i = 0; i < 3; i++) task.trainStep();
      for (const beam of [1, 4]) parseHostToAttention({ type: 'show', view: translateForView(task, 'reverse', 'abcd', beam, true).view });
    }
  });

  it('a corpus the editor accepts starts in the real worker (10 MB from files, under the default 64 MB cap)', function () {
    this.timeout(60_000);
    // The start message once capped texts at 8 MiB while the corpus cap is 64 MB by default (128 MB at most), so a
    // 10 MB corpus the editor had read and accepted was refused by the worker as a malformed message.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-bigcorpus-'));
    try {
      const line = 'the quick brown fox jumps over the lazy dog, again and again\n';
      const names = ['a.txt', 'b.txt'];
      for (const n of names) fs.writeFileSync(path.join(dir, n), line.repeat(Math.ceil((5 << 20) / line.length)));
      const corpus = assembleCorpus(names.map((n) => ({ name: n, bytes: fs.readFileSync(path.join(dir, n)) })), DEFAULT_CORPUS_LIMITS, false);
      assert.ok(corpus.text.length > 10 << 20, `the corpus holds ${corpus.text.length} chars`);
      const sent: WorkerToHost[] = [];
      const loop = new WorkerLoop({ post: (m) => sent.push(parseWorkerToHost(m)), defer: () => {}, now: () => 0, exit: () => {} }, Infinity);
      const cfg = smallConfig({ hidden: 2, embedding: 2, layers: 1, batch: 1, seqLen: 2, validEvery: 0 });
      loop.onMessage({ type: 'start', runId: 'big', config: cfg, train: corpus.text, valid: corpus.text.slice(0, 1000) });
      // `started`, then the checkpoint posted right after it (so the host can rebuild the model at once).
      assert.deepEqual(sent.map((m) => m.type === 'rejected' ? `rejected: ${m.message}` : m.type), ['started', 'checkpoint']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the training channel carries the largest corpus the setting allows, and byte-level tokens of it', () => {
    const most = corpusLimits(MAX_CORPUS_MB);
    // One UTF-16 unit per byte at most, plus the '\n' joining each pair of files (engine/corpus.ts).
    assert.ok(TRAINING_LIMITS.textChars >= most.maxTotalBytes + most.maxFiles - 1, `textChars ${TRAINING_LIMITS.textChars}`);
    // Byte-level BPE may keep one token per UTF-8 byte, and a UTF-16 unit is at most 3 bytes.
    assert.ok(TRAINING_LIMITS.textTokens >= 3 * TRAINING_LIMITS.textChars);
  });

  it('a word vocabulary larger than a checkpoint holds is refused at the start, in one line (it used to train and save an unloadable model)', function () {
    this.timeout(60_000);
    // 1.2 million distinct words, given as the training text with its own validation text (so nothing is held
    // out): over LIMITS.vocabSize (every code point + 4 specials), which seqlab.json readers enforce.
    const words: string[] = [];
    for (let i = 0; i < 1_200_000; i++) words.push(`w${i.toString(36)}`);
    const sent: WorkerToHost[] = [];
    const loop = new WorkerLoop({ post: (m) => sent.push(parseWorkerToHost(m)), defer: () => {}, now: () => 0, exit: () => {} }, Infinity);
    const cfg = smallConfig({ tokenizer: 'word', hidden: 2, embedding: 2, layers: 1, batch: 1, seqLen: 2, validEvery: 0 });
    loop.onMessage({ type: 'start', runId: 'words', config: cfg, train: words.join(' '), valid: 'w0 w1 w2' });
    assert.equal(sent.length, 1);
    const m = sent[0]!;
    assert.ok(m.type === 'error' && m.fatal, JSON.stringify(m).slice(0, 300));
    assert.match(m.message, /^[^\n]*the word tokenizer found 1,200,00\d tokens \(specials included\) in the training text, more than the 1,114,116 a SeqLab model can hold; cap the vocabulary size or use the bpe tokenizer$/);
    assert.equal(TRAINING_LIMITS.vocab, LIMITS.vocabSize.max, 'the channel carries every vocabulary a checkpoint may hold');
  });

  it('the training worker flushes before a metrics batch exceeds what the host accepts', () => {
    const sent: WorkerToHost[] = [];
    const queue: (() => void)[] = [];
    let t = 0;
    // flushMs = Infinity: only the size cap can flush, so the test sees exactly where it cuts.
    const loop = new WorkerLoop({ post: (m) => sent.push(parseWorkerToHost(m)), defer: (f) => queue.push(f), now: () => t++, exit: () => {} }, Infinity);
    const cfg = smallConfig({ hidden: 2, embedding: 2, layers: 1, batch: 1, seqLen: 2, validEvery: 0 });
    loop.onMessage({ type: 'start', runId: 'r', config: cfg, train: 'abcabcabcabc', valid: '' });
    const max = TRAINING_LIMITS.metricsPointsMax;
    for (let i = 0; i < max + 10 && queue.length; i++) queue.shift()!();
    const batches = sent.filter((m): m is Extract<WorkerToHost, { type: 'metrics' }> => m.type === 'metrics');
    assert.equal(batches.length, 1);
    assert.equal(batches[0]!.points.length, max);
    assert.ok(batches[0]!.points.at(-1)!.gradThroughTime, 'the batch ends with a gradient-through-time');
  });
});
