// The worker's control loop: validated messages in, one training step per macrotask out. Between two steps
// it yields (setImmediate), so a pause, stop or snapshot request is handled within one step. Metrics are
// buffered and posted at most every `flushMs` (≈ 10 messages a second), never one message per step. The
// port is injected, so the same loop runs in the real worker (worker.ts) and in unit tests.
import { readCheckpoint } from '../../engine/checkpoint';
import { describeNonFinite, hugeLossMessage } from '../../engine/sentinel';
import type { MemoryLimit } from '../../engine/modelMemory';
import {
  TRAINING_LIMITS, parseHostToWorker, type CheckpointReason, type HostToWorker, type TrainMetric, type WorkerToHost,
} from '../../protocol/training';
import { LmRun } from './lmRun';

export interface LoopPort {
  post(message: WorkerToHost, transfer?: ArrayBuffer[]): void;
  /** Runs `fn` after pending messages are handled (setImmediate). */
  defer(fn: () => void): void;
  now(): number;
  /** Called once after `stopped` (the worker then exits). */
  exit(): void;
}

export class WorkerLoop {
  private run: LmRun | null = null;
  private runId = '';
  private paused = false;
  private stopping = false;
  private scheduled = false;
  private done = false;
  private pending: TrainMetric[] = [];
  private lastFlush = 0;

  /** `memoryLimit`: what a run may use (the host's RAM, passed in workerData), checked before the model is built. */
  constructor(private readonly port: LoopPort, private readonly flushMs = 100, private readonly memoryLimit: MemoryLimit | null = null) {}

  onMessage(raw: unknown): void {
    let m: HostToWorker;
    try {
      m = parseHostToWorker(raw);
    } catch (e) {
      this.port.post({ type: 'rejected', message: oneLine(e) });
      return;
    }
    try {
      this.handle(m);
    } catch (e) {
      this.port.post({ type: 'error', message: oneLine(e), fatal: this.run === null });
    }
  }

  private handle(m: HostToWorker): void {
    if (m.type !== 'start' && !this.run) {
      this.port.post({ type: 'rejected', message: `'${m.type}' before 'start'` });
      return;
    }
    switch (m.type) {
      case 'start': {
        if (this.run) throw new Error('this worker already runs a training');
        const run = m.resume ? LmRun.resume(m.resume, m.train, m.valid, this.memoryLimit) : LmRun.create(m.config, m.train, m.valid, this.memoryLimit);
        this.run = run;
        this.runId = m.runId;
        const info = run.info();
        info.trainChars = m.train.length;
        info.validChars = m.valid.length;
        this.port.post({ type: 'started', runId: m.runId, info });
        this.lastFlush = this.port.now();
        this.schedule();
        return;
      }
      case 'pause':
        if (!this.paused) {
          this.paused = true;
          this.flush();
          this.port.post({ type: 'paused', step: this.run!.step, reason: 'user' });
        }
        return;
      case 'resume':
        if (this.paused) {
          this.paused = false;
          this.port.post({ type: 'resumed', step: this.run!.step });
          this.schedule();
        }
        return;
      case 'stop':
        this.stopping = true;
        this.schedule(true);
        return;
      case 'checkpoint':
        this.postCheckpoint('request');
        return;
      case 'snapshot':
        this.postSnapshot();
        return;
      case 'adjust':
        this.run!.adjust(m.lrScale, m.clipNorm);
        return;
      case 'rollback':
        this.run!.restore(readCheckpoint(m.checkpoint, 'rollback checkpoint'));
        return;
    }
  }

  private schedule(evenIfPaused = false): void {
    if (this.scheduled || this.done || (this.paused && !evenIfPaused)) return;
    this.scheduled = true;
    this.port.defer(() => this.tick());
  }

  private tick(): void {
    this.scheduled = false;
    const run = this.run!;
    if (this.done) return;
    if (this.stopping) return this.finish('user');
    if (this.paused) return;
    try {
      const t0 = this.port.now();
      const s = run.trainStep();
      const dt = Math.max(1e-3, this.port.now() - t0);
      if (s.nonFinite !== null) {
        this.paused = true;
        this.flush();
        // The engine already put back the last weights whose forward and backward were finite (sentinel.ts).
        const what = describeNonFinite(s.nonFiniteKind!, s.nonFinite, s.step, s.largestWeight, s.activation);
        this.port.post({
          type: 'paused', step: s.step, reason: 'nonfinite', tensor: s.nonFinite,
          message: `Training paused: ${what}. The weights are back at step ${s.lastGoodStep}, the last with finite values. ` +
            'Lower the learning rate, turn on gradient clipping, or roll back to the last good checkpoint.',
        });
        // A periodic checkpoint taken after the update that overflowed holds finite weights whose forward is not:
        // replace it as the host's latest with the weights just restored, so "roll back" lands on good ones.
        this.postCheckpoint('periodic');
        return;
      }
      if (s.hugeLoss) {
        const text = hugeLossMessage(s.loss, s.step, run.tokenizer.vocabSize);
        this.port.post({ type: 'warning', step: s.step, message: `${text[0].toUpperCase()}${text.slice(1)}. Lower the learning rate or turn on gradient clipping.` });
      }
      const cfg = run.config;
      const metric = run.metric(s, (s.tokens * 1000) / dt, false);
      if (cfg.validEvery > 0 && s.step % cfg.validEvery === 0) {
        const v = run.validate();
        // A non-finite validation loss is left out rather than making the host drop the whole batch.
        if (v && Number.isFinite(v.loss) && Number.isFinite(v.bitsPerChar)) {
          metric.validLoss = v.loss;
          metric.validBitsPerChar = v.bitsPerChar;
        }
      }
      this.pending.push(metric);
      if (cfg.checkpointEvery > 0 && s.step % cfg.checkpointEvery === 0) this.postCheckpoint('periodic');
      if (cfg.snapshotEvery > 0 && s.step % cfg.snapshotEvery === 0) this.postSnapshot();
      // Time-based batches, but never more points than the host accepts in one message.
      if (this.port.now() - this.lastFlush >= this.flushMs || this.pending.length >= TRAINING_LIMITS.metricsPointsMax) {
        metric.gradThroughTime = run.metric(s, 0, true).gradThroughTime;
        this.flush();
      }
      if (cfg.maxSteps > 0 && s.step >= cfg.maxSteps) return this.finish('done');
    } catch (e) {
      this.flush();
      this.port.post({ type: 'error', message: oneLine(`training failed at step ${run.step + 1}: ${(e as Error).message}`), fatal: true });
      this.done = true;
      this.port.exit();
      return;
    }
    this.schedule();
  }

  private flush(): void {
    this.lastFlush = this.port.now();
    if (this.pending.length === 0) return;
    this.port.post({ type: 'metrics', points: this.pending });
    this.pending = [];
  }

  private postCheckpoint(reason: CheckpointReason): void {
    // Metrics first: the host's history is then complete up to every checkpoint it holds, even if the
    // worker dies right after (a resumed run continues the history without a gap).
    this.flush();
    const run = this.run!;
    const files = run.checkpoint({ runId: this.runId });
    const transfer = [files.model.buffer as ArrayBuffer, ...(files.state ? [files.state.buffer as ArrayBuffer] : [])];
    this.port.post({ type: 'checkpoint', step: run.step, reason, files }, transfer);
  }

  private postSnapshot(): void {
    const data = this.run!.snapshot();
    this.port.post({ type: 'snapshot', step: this.run!.step, data }, [data.buffer as ArrayBuffer]);
  }

  private finish(reason: 'user' | 'done'): void {
    this.done = true;
    this.flush();
    this.postCheckpoint('stop');
    this.port.post({ type: 'stopped', step: this.run!.step, reason });
    this.port.exit();
  }
}

/** The memory limit the host put in workerData ({ memoryLimit: { bytes, why } }), or null when absent or malformed. */
export function memoryLimitFromWorkerData(data: unknown): MemoryLimit | null {
  const m = (data as { memoryLimit?: { bytes?: unknown; why?: unknown } } | null | undefined)?.memoryLimit;
  return m && typeof m.bytes === 'number' && m.bytes > 0 && typeof m.why === 'string' ? { bytes: m.bytes, why: m.why } : null;
}

/** An error as a message the host accepts: its text, cut to the protocol's message length. */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > TRAINING_LIMITS.messageChars ? `${text.slice(0, TRAINING_LIMITS.messageChars - 1)}…` : text;
}
