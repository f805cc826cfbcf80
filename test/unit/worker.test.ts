// The training worker: exact resume from a checkpoint (same next-step numbers as an uninterrupted run),
// the control loop's message handling (validation, pause/resume/stop within a step, batched metrics,
// non-finite pause naming the tensor), and the real worker_threads entry (out/src/extension/training/worker.js).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { readCheckpoint } from '../../src/engine/checkpoint';
import { runConfig, type RunConfig } from '../../src/engine/run/config';
import { parseTaskData } from '../../src/engine/run/data';
import { TrainingRun } from '../../src/engine/run/run';
import { WorkerLoop } from '../../src/extension/training/workerLoop';
import { parseWorkerToHost, type WorkerToHost } from '../../src/protocol/training';

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(30) + 'pack my box with five dozen liquor jugs.\n'.repeat(10);

export function smallConfig(over: Partial<RunConfig> = {}): RunConfig {
  return runConfig({
    seed: 7, tokenizer: 'char', embedding: 8, cell: 'lstm', hidden: 12, layers: 2, dropout: 0, optimizer: 'adam', lr: 0.01, clip: 1,
    batch: 4, seqLen: 10, steps: 0, checkpointEvery: 0, validEvery: 5, validBatches: 2, snapshotEvery: 0, ...over,
  });
}

function stepsOf(run: TrainingRun, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const s = run.trainStep();
    out.push([s.step, s.loss, s.gradNorm, s.lr]);
  }
  return out;
}

/** A fake port that queues deferred ticks so a test can interleave messages between steps. */
class FakePort {
  readonly sent: WorkerToHost[] = [];
  readonly queue: (() => void)[] = [];
  t = 0;
  exited = false;
  post(m: WorkerToHost): void {
    this.sent.push(parseWorkerToHost(m));
  }
  defer(fn: () => void): void {
    this.queue.push(fn);
  }
  now(): number {
    return (this.t += 7);
  }
  exit(): void {
    this.exited = true;
  }
  drain(max: number): void {
    for (let i = 0; i < max && this.queue.length; i++) this.queue.shift()!();
  }
  of<T extends WorkerToHost['type']>(type: T): Extract<WorkerToHost, { type: T }>[] {
    return this.sent.filter((m) => m.type === type) as Extract<WorkerToHost, { type: T }>[];
  }
}

describe('training worker', () => {
  it('the worker bundle imports only the engine, the protocol, its own loop and the Node thread host (plus node:worker_threads and what the host needs)', () => {
    const root = path.resolve(__dirname, '../../..');
    const seen = new Set<string>(), external = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = fs.readFileSync(path.join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      for (const m of src.matchAll(/(?:from|import)\s+'([^']+)'/g)) {
        if (!m[1].startsWith('.')) external.add(m[1]);
        else {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
          visit(fs.existsSync(path.join(root, `${target}.ts`)) ? `${target}.ts` : `${target}/index.ts`);
        }
      }
    };
    visit('src/extension/training/worker.ts');
    // cli/threads.ts: the one Node ThreadHost of data-parallel training, shared by the CLI, this worker and the bench.
    const own = ['src/extension/training/worker.ts', 'src/extension/training/workerLoop.ts', 'src/cli/threads.ts'];
    const outside = [...seen].filter((f) => !f.startsWith('src/engine/') && !f.startsWith('src/protocol/') && !own.includes(f));
    assert.deepEqual(outside, []);
    assert.deepEqual([...external].sort(), ['node:fs', 'node:os', 'node:path', 'node:worker_threads']);
    assert.ok(seen.size > 20, `followed ${seen.size} files`);
  });

  const train = TEXT.slice(0, 1400), valid = TEXT.slice(1400);

  const trainData = parseTaskData('lm', [{ source: 'train', text: train }]), validData = parseTaskData('lm', [{ source: 'valid', text: valid }]);
  for (const [cell, optimizer, momentum] of [['lstm', 'adam', 0], ['gru', 'sgd', 0.9], ['rnn_tanh', 'rmsprop', 0]] as const) {
    it(`a ${cell} run resumed from a checkpoint takes exactly the steps of an uninterrupted run (${optimizer})`, () => {
      const cfg = smallConfig({ cell, optimizer, momentum, dropout: 0.1 });
      const whole = stepsOf(TrainingRun.create(cfg, trainData, validData), 14);
      const first = TrainingRun.create(cfg, trainData, validData);
      const head = stepsOf(first, 9);
      const files = first.checkpoint();
      const resumed = TrainingRun.resume(files, trainData, validData);
      assert.equal(resumed.step, 9);
      const tail = stepsOf(resumed, 5);
      assert.deepEqual([...head, ...tail], whole);
    });
  }

  it('rejects a malformed message with the reason, and commands before start', () => {
    const port = new FakePort();
    const loop = new WorkerLoop(port);
    loop.onMessage({ type: 'start', runId: 'r', config: { ...smallConfig(), hidden: -1 }, train, valid });
    loop.onMessage('pause');
    loop.onMessage({ type: 'warp' });
    loop.onMessage({ type: 'pause' });
    const rejected = port.of('rejected').map((m) => m.message);
    assert.deepEqual(rejected, ['start.config.hidden must be at least 1, got -1', 'message must be an object, got "pause"', 'unknown message type "warp"', "'pause' before 'start'"]);
  });

  it('pauses, resumes and stops within one step, batching metrics and checkpointing on stop', () => {
    const port = new FakePort();
    const loop = new WorkerLoop(port, 50);
    loop.onMessage({ type: 'start', runId: 'r1', config: smallConfig({ checkpointEvery: 4 }), train, valid });
    assert.equal(port.of('started').length, 1);
    port.drain(10); // 10 steps, 7 ms of fake time per now() call
    const steps = port.of('metrics').flatMap((m) => m.points.map((p) => p.step));
    assert.ok(port.of('metrics').length < 10, 'metrics are batched');
    assert.ok(port.of('metrics').some((m) => m.points.at(-1)!.gradThroughTime?.[0].values.length === 2 * 10), 'gradient through time: (L, T)');
    loop.onMessage({ type: 'pause' });
    port.drain(5);
    const paused = port.of('paused');
    assert.equal(paused.length, 1);
    assert.equal(paused[0].step, 10);
    assert.ok(steps.length <= 10);
    assert.deepEqual(port.of('checkpoint').map((c) => [c.step, c.reason]), [[0, 'periodic'], [4, 'periodic'], [8, 'periodic']], 'one right after started, then every 4 steps');
    loop.onMessage({ type: 'resume' });
    port.drain(3);
    loop.onMessage({ type: 'stop' });
    port.drain(1);
    const stopped = port.of('stopped');
    assert.deepEqual(stopped.map((s) => [s.step, s.reason]), [[13, 'user']]);
    assert.equal(port.of('checkpoint').at(-1)!.reason, 'stop');
    assert.equal(port.exited, true);
    const all = port.of('metrics').flatMap((m) => m.points.map((p) => p.step));
    assert.deepEqual(all, Array.from({ length: 13 }, (_, i) => i + 1), 'every step reported once, in order');
    assert.ok(port.of('metrics').flatMap((m) => m.points).some((p) => p.validLoss !== undefined && p.step % 5 === 0));
  });

  it('pauses on a non-finite loss, naming the step and offering the remedies', () => {
    const port = new FakePort();
    const loop = new WorkerLoop(port);
    loop.onMessage({ type: 'start', runId: 'r', config: smallConfig({ lr: 1e38, clip: 0, optimizer: 'sgd' }), train, valid });
    port.drain(20);
    const p = port.of('paused');
    assert.equal(p.length, 1);
    assert.equal(p[0].reason, 'nonfinite');
    assert.match(p[0].message!, new RegExp(`^Training paused: (the loss|the gradient of [\\w.]+|parameter [\\w.]+) (is|became) NaN or Infinity (at|in the update of) step ${p[0].step}\\b`));
    assert.match(p[0].message!, /The weights are back at step \d+, the last with finite values/);
    assert.match(p[0].message!, /Lower the learning rate, turn on gradient clipping, or roll back to the last good checkpoint/);
    console.log(`      non-finite pause: ${p[0].message}`);
    assert.equal(port.queue.length, 0, 'no step scheduled while paused');
  });

  for (const [what, optimizer, lr, kind] of [
    ['an overflowing forward (adam, lr 1e30)', 'adam', 1e30, 'loss'],
    ['an update that overflows a parameter (rmsprop, lr 1e38)', 'rmsprop', 1e38, 'parameter'],
  ] as const) {
    it(`diverging on ${what}: paused names the ${kind} and the step, and every checkpoint and snapshot it posts is finite`, () => {
      const port = new FakePort();
      const loop = new WorkerLoop(port);
      loop.onMessage({ type: 'start', runId: 'r', config: smallConfig({ optimizer, lr, clip: 0, validEvery: 0 }), train, valid });
      port.drain(20);
      const p = port.of('paused');
      assert.equal(p.length, 1);
      assert.equal(p[0].reason, 'nonfinite');
      assert.ok(p[0].step >= 1);
      const named = kind === 'loss' ? 'the loss is' : `parameter ${p[0].tensor} became`;
      if (kind === 'loss') assert.equal(p[0].tensor, 'loss');
      else assert.match(p[0].tensor!, /^[a-z_]+\.[a-z_0-9]+$/, 'a parameter name');
      assert.ok(p[0].message!.includes(`Training paused: ${named} NaN or Infinity`), p[0].message);
      assert.match(p[0].message!, new RegExp(`step ${p[0].step}\\b`));
      if (kind === 'loss') assert.match(p[0].message!, /the forward pass overflowed: the first non-finite activation is (embedding output|rnn\.l\d+ output|logits); [\w.]+ holds \|w\| = \d\.\d\de\+\d+/);
      console.log(`      ${p[0].message}`);
      loop.onMessage({ type: 'checkpoint' });
      loop.onMessage({ type: 'snapshot' });
      loop.onMessage({ type: 'stop' });
      port.drain(2);
      const cks = port.of('checkpoint').slice(1); // the first is the one right after started (step 0)
      // The pause itself posts the restored weights (so the host's latest checkpoint is a good one), then ours.
      assert.deepEqual(cks.map((c) => c.reason), ['periodic', 'request', 'stop']);
      assert.equal(cks[0].step, Number(/back at step (\d+)/.exec(p[0].message!)![1]));
      for (const c of cks) {
        const ck = readCheckpoint(c.files);
        for (const [name, w] of ck.weights) assert.ok(w.every(Number.isFinite), `checkpoint of step ${c.step}: ${name} is not finite`);
        for (const [name, m] of Object.entries(ck.training!.optimizerState.moments)) assert.ok(m.every(Number.isFinite), `moment ${name}`);
        assert.equal(ck.training!.optimizerState.stepCount, c.step, 'weights, optimizer state and step agree');
        assert.ok(c.step < p[0].step, 'the checkpoint holds the weights from before the failing step');
      }
      assert.ok(port.of('snapshot')[0].data.every(Number.isFinite));
      assert.equal(port.of('error').length, 0);
    });
  }

  it('a huge but finite loss (adam, lr 1e6) posts ONE warning naming the step and the chance level, and training goes on', () => {
    const port = new FakePort();
    const loop = new WorkerLoop(port);
    loop.onMessage({ type: 'start', runId: 'r', config: smallConfig({ lr: 1e6, validEvery: 0, steps: 12 }), train, valid });
    port.drain(30);
    const w = port.of('warning');
    assert.equal(w.length, 1);
    assert.match(w[0].message, new RegExp(`^The loss is [\\d.e+]+ at step ${w[0].step}, more than 10 × the chance level ln\\(\\d+\\) = [\\d.]+: training is diverging\\.`));
    console.log(`      ${w[0].message}`);
    assert.equal(port.of('paused').length, 0);
    assert.deepEqual(port.of('stopped').map((s) => s.reason), ['done']);
  });

  it('after a non-finite pause, rolls back to the last good checkpoint and continues with a lower learning rate', () => {
    const port = new FakePort();
    const loop = new WorkerLoop(port);
    // lr 1e38 with plain SGD and no clipping: the first updates overflow, the loss or a parameter turns non-finite.
    const cfg = smallConfig({ lr: 1e38, clip: 0, optimizer: 'sgd', checkpointEvery: 1, validEvery: 0 });
    loop.onMessage({ type: 'start', runId: 'r', config: cfg, train, valid });
    port.drain(20);
    const paused = port.of('paused')[0];
    assert.equal(paused.reason, 'nonfinite');
    const good = port.of('checkpoint').find((c) => c.step === 0)!; // posted right after started
    const n = port.of('checkpoint').length;
    loop.onMessage({ type: 'rollback', checkpoint: good.files });
    loop.onMessage({ type: 'adjust', lrScale: 1e-40 });
    loop.onMessage({ type: 'resume' });
    port.drain(3);
    const after = port.of('checkpoint').slice(n).map((c) => readCheckpoint(c.files));
    assert.deepEqual(after.map((c) => c.training!.optimizerState.stepCount), [1, 2, 3], 'the run continues from step 0');
    const scale = after[0].training!.extra['lrScale'] as number;
    assert.ok(Math.abs(1e38 * scale - 0.01) < 1e-12, `learning rate lowered to ${1e38 * scale}`);
    assert.equal(port.of('paused').length, 1, 'no second non-finite pause');
    for (const c of after) for (const w of c.weights.values()) assert.ok(w.every(Number.isFinite));
    assert.equal(port.of('error').length, 0);
  });

  it('runs as a real worker thread: started, metrics, snapshot as a transferable, stop ends the thread', async function () {
    this.timeout(20_000);
    const file = path.resolve(__dirname, '../../src/extension/training/worker.js');
    const w = new Worker(file);
    const got: WorkerToHost[] = [];
    const exited = new Promise<number>((r) => w.on('exit', r));
    await new Promise<void>((resolve) => {
      w.on('message', (raw: unknown) => {
        const m = parseWorkerToHost(raw);
        got.push(m);
        if (m.type === 'ready') w.postMessage({ type: 'start', runId: 'rt', config: smallConfig(), train, valid });
        if (m.type === 'metrics' && got.filter((g) => g.type === 'metrics').length === 2) w.postMessage({ type: 'snapshot' });
        if (m.type === 'snapshot') w.postMessage({ type: 'stop' });
        if (m.type === 'stopped') resolve();
      });
    });
    assert.equal(await exited, 0);
    const snap = got.find((m) => m.type === 'snapshot') as Extract<WorkerToHost, { type: 'snapshot' }>;
    const started = got.find((m) => m.type === 'started') as Extract<WorkerToHost, { type: 'started' }>;
    assert.equal(snap.data.length, started.info.paramCount);
    const last = got.filter((m) => m.type === 'checkpoint').at(-1) as Extract<WorkerToHost, { type: 'checkpoint' }>;
    const ck = readCheckpoint(last.files);
    assert.equal(ck.training!.optimizerState.stepCount, (got.find((m) => m.type === 'stopped') as { step: number }).step);
  });
});
