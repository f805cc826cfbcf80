// TrainingSession with a real worker thread and a real on-disk store (Node's fs): several runs kept with their
// whole history, checkpoints saved atomically and kept as complete sets, a worker killed mid-run leaves the
// host working and the run resumes from its checkpoint, and a window "reload" (a new session over the same
// storage) finds the run and resumes it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCheckpoint } from '../../src/engine/checkpoint';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import type { RunRecord } from '../../src/extension/training/session';
import { smallConfig } from './worker.test';
import { sessionHarness } from './sessionHarness';
import { until } from './until';

const TEXT = 'the quick brown fox jumps over the lazy dog.\n'.repeat(40);

describe('training session (real worker, real files)', function () {
  this.timeout(30_000);
  const { make, root } = sessionHarness('seqlab-session-');

  it('survives a killed worker and resumes the run from its last checkpoint; a new session (reload) resumes it too', async () => {
    const session = make();
    const messages: string[] = [];
    session.onEvent((e) => e.type === 'message' && messages.push(e.text));
    const run = await session.start({ config: smallConfig({ checkpointEvery: 5 }), train: TEXT.slice(0, 1500), valid: TEXT.slice(1500) });
    assert.equal(run.state, 'running');
    await until('a checkpoint and more steps', () => (run.lastCheckpointStep ?? 0) >= 10 && run.step >= 12);
    await session.killWorker();
    await until('the crash to be noticed', () => run.state === 'crashed');
    await session.store.flush();
    const savedAt = run.lastCheckpointStep!;
    assert.equal(session.workerThreadId, null);
    assert.match(messages.at(-1)!, new RegExp(`ended at step \\d+: the training worker stopped unexpectedly \\(exit code 1\\)\\. Resume continues from the checkpoint of step ${savedAt}\\.`));
    // The host keeps working: the checkpoint on disk is complete and valid.
    const runDir = path.join(root(), 'runs', run.id);
    const latest = JSON.parse(fs.readFileSync(path.join(runDir, 'latest.json'), 'utf8')) as { dir: string; step: number };
    assert.equal(latest.step, savedAt);
    assert.ok(fs.readdirSync(runDir).filter((n) => n.startsWith('ckpt-')).length <= 2, 'old checkpoints are pruned');
    assert.ok(!fs.readdirSync(path.join(runDir, latest.dir)).some((n) => n.endsWith('.tmp')));

    await session.resumeRun(run.id);
    assert.equal(run.state, 'running');
    assert.ok(run.history.every((p, i) => p.step === i + 1), 'history is one point per step after the rewind');
    await until('steps after the resume', () => run.step >= savedAt + 5);
    await session.stop();
    assert.equal(run.state, 'stopped');
    const finalStep = run.step;
    assert.deepEqual(run.history.map((p) => p.step), Array.from({ length: finalStep }, (_, i) => i + 1));

    // Second run: the first one is kept for comparison.
    const second = await session.start({ name: 'second', config: smallConfig({ cell: 'gru', steps: 6 }), train: TEXT, valid: '' });
    await until('the second run to finish', () => second.state === 'stopped');
    assert.equal(second.step, 6);
    assert.equal(session.runs.size, 2);
    assert.equal(session.runs.get(run.id)!.history.length, finalStep);
    await session.store.flush();

    // "Window reload": a new session over the same storage lists both runs and resumes the first. Both ended in
    // their window (Stop, the step limit), so neither claims to be interrupted (ended.json, store.ts).
    const reloaded = make();
    const found = await reloaded.loadStoredRuns();
    assert.deepEqual(found.map((r) => r.state), ['stopped', 'stopped']);
    const again = found.find((r) => r.id === run.id) as RunRecord;
    assert.equal(again.lastCheckpointStep, finalStep);
    await reloaded.resumeRun(again.id);
    await until('the reloaded run to step on', () => again.step > finalStep);
    await reloaded.stop();
    const ck = readCheckpoint((await reloaded.store.loadCheckpoint(again.id))!);
    assert.ok(ck.training!.optimizerState.stepCount > finalStep);
  });

  it('a diverging run: a huge-loss warning, then a non-finite pause naming tensor and step, and the stored checkpoint stays finite', async () => {
    const session = make();
    const events: { level: string; text: string }[] = [];
    session.onEvent((e) => e.type === 'message' && events.push({ level: e.level, text: e.text }));
    // Adam at lr 4e18, no clipping: the first update gives a finite loss far above chance, a later one overflows the
    // forward (measured: the huge loss at step 2, the NaN loss at step 5, with this config and text).
    const config = smallConfig({ lr: 4e18, clip: 0, validEvery: 0, checkpointEvery: 1 });
    const run = await session.start({ config, train: TEXT, valid: '' });
    await until('the non-finite pause', () => run.state === 'paused');
    assert.ok(run.nonFinite !== null && run.nonFinite.step > 1, JSON.stringify(run.nonFinite));
    assert.equal(events.filter((e) => e.level === 'warning' && /more than 10 × the chance level/.test(e.text)).length, 1, JSON.stringify(events));
    const paused = events.at(-1)!;
    assert.equal(paused.level, 'warning');
    assert.ok(paused.text.includes(`at step ${run.nonFinite!.step}`) || paused.text.includes(`of step ${run.nonFinite!.step}`), paused.text);
    assert.ok(run.nonFinite!.tensor === 'loss' ? paused.text.includes('the loss is') : paused.text.includes(run.nonFinite!.tensor), paused.text);
    // While paused, the latest stored checkpoint is the rolled-back one (what "Roll back" would load), not a
    // periodic one written after the update that overflowed.
    const failedAt = run.nonFinite!.step;
    await until('the pause checkpoint', () => run.lastCheckpointStep !== null && run.lastCheckpointStep < failedAt);
    await session.store.flush();
    for (const when of ['paused', 'stopped']) {
      const ck = readCheckpoint((await session.store.loadCheckpoint(run.id))!);
      for (const [name, w] of ck.weights) assert.ok(w.every(Number.isFinite), `${when}: ${name} in the stored checkpoint`);
      assert.ok(ck.training!.optimizerState.stepCount < failedAt, `${when}: checkpoint of step ${ck.training!.optimizerState.stepCount}`);
      if (when === 'paused') {
        await session.stop();
        await session.store.flush();
      }
    }
  });

  it('a seq2seq run with attention: a checkpoint and an attention frame right after started, and a probe switches the followed source', async () => {
    const session = make();
    const pairs = generateTask('reverse', new Rng(4), 40, { minLen: 3, maxLen: 6 }).map((p) => `${p.source}\t${p.target}`).join('\n');
    const config = smallConfig({ task: 'seq2seq', layers: 1, attention: 'additive', validEvery: 0 });
    const run = await session.start({ config, train: pairs, valid: '' });
    await until('the first attention frame and checkpoint', () => run.attention != null && run.lastCheckpointStep !== null);
    assert.equal(run.lastCheckpointStep, 0, 'a checkpoint of step 0 came right after started');
    assert.deepEqual(run.info!.stacks.map((s) => s.name), ['encoder', 'decoder']);
    const first = run.attention!.frame;
    assert.ok(first.reference !== undefined, 'it follows the first held-out pair');
    session.probe('fedcba');
    await until('the probed source', () => run.attention?.frame.source === 'fedcba');
    const f = run.attention!.frame;
    assert.deepEqual(f.sourceTokens, ['f', 'e', 'd', 'c', 'b', 'a']);
    assert.equal(f.weights.length, f.outputTokens.length);
    for (const row of f.weights) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    await session.stop();
  });

  it('a training text that does not fit the task fails the start with the first offending line', async () => {
    const session = make();
    await assert.rejects(session.start({ config: smallConfig({ task: 'seq2seq', layers: 1 }), train: 'ab\tba\nno tab here\n', valid: '' }),
      /the training data:2: expected "source<TAB>target" \(exactly one tab\) but found no tab in "no tab here"/);
    assert.equal(session.current!.state, 'failed');
  });

  it('reports a fatal start error (a corpus too short to tokenize) as a failed run', async () => {
    const session = make();
    await assert.rejects(session.start({ config: smallConfig(), train: 'x', valid: '' }), /The corpus has only one character \("x"\): a language model needs at least two characters/);
    assert.equal(session.current!.state, 'failed');
  });
});
