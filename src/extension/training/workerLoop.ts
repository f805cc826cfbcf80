// The worker's control loop: validated messages in, one training step per macrotask out. Between two steps
// it yields (setImmediate), so a pause, stop or snapshot request is handled within one step. Metrics are
// buffered and posted at most every `flushMs` (≈ 10 messages a second), never one message per step. The
// port is injected, so the same loop runs in the real worker (worker.ts) and in unit tests.
// The run itself is the engine's TrainingRun (engine/run/run.ts), the same the CLI drives, for every task kind:
// this loop only parses the texts, keeps the clock and posts what the run reports.
import type { MemoryLimit } from '../../engine/modelMemory';
import type { ThreadHost } from '../../engine/parallel/contract';
import { parseTaskData, type TaskData } from '../../engine/run/data';
import { TrainingRun } from '../../engine/run/run';
import { describeNonFinite, hugeLossMessage } from '../../engine/sentinel';
import {
  TRAINING_LIMITS, parseHostToWorker, type CheckpointReason, type HostToWorker, type RunConfig, type TrainMetric, type WorkerToHost,
} from '../../protocol/training';

/** How often a seq2seq run with attention posts the followed source decoded with the current weights. */
const ATTENTION_EVERY_MS = 2000;
/** A new best is posted at most this often (the latest one always goes out before `stopped`). */
const BEST_EVERY_MS = 2000;

export interface LoopPort {
  post(message: WorkerToHost, transfer?: ArrayBuffer[]): void;
  /** Runs `fn` after pending messages are handled (setImmediate). */
  defer(fn: () => void): void;
  now(): number;
  /** Called once after `stopped` (the worker then exits). */
  exit(): void;
}

export class WorkerLoop {
  private run: TrainingRun | null = null;
  private runId = '';
  private paused = false;
  private stopping = false;
  private scheduled = false;
  private done = false;
  private pending: TrainMetric[] = [];
  private lastFlush = 0;
  private lastFrame = 0;
  /** When this worker's run started (port.now() ms): points carry the seconds since (the host adds earlier workers' time). */
  private startedAt = 0;
  /** The source the attention view follows ('' = the first validation pair). */
  private probe = '';
  /** The step of the best the host last heard of (-1: none), and when it was posted. */
  private bestPosted = -1;
  private lastBestPost = -Infinity;
  /** The memorising notice goes out once per run (a resumed run that already memorised does not repeat it). */
  private memorisingAnnounced = false;
  private keepBest = false;

  /** `memoryLimit`: what a run may use (the host's RAM, passed in workerData), checked before the model is built. */
  /** `threads`: starts the run's training threads (config.threads; the editor's setting defaults to 1); null = one thread. */
  constructor(
    private readonly port: LoopPort, private readonly flushMs = 100, private readonly memoryLimit: MemoryLimit | null = null,
    private readonly threads: ThreadHost | null = null,
  ) {}

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
        const train = taskData(m.config, 'the training data', m.train);
        const valid = m.valid ? taskData(m.config, 'the validation data', m.valid) : null;
        const run = m.resume ? TrainingRun.resume(m.resume, train, valid, this.memoryLimit, this.threads)
          : TrainingRun.create(m.config, train, valid, this.memoryLimit, this.threads);
        this.run = run;
        this.runId = m.runId;
        this.memorisingAnnounced = run.memorisingSince !== null;
        this.bestPosted = run.best?.step ?? -1; // the host stored the resumed run's best already
        this.port.post({ type: 'started', runId: m.runId, info: run.info() });
        this.lastFlush = this.port.now();
        this.startedAt = this.port.now();
        this.postAttention();
        // A checkpoint at once, so the host can rebuild the model (Translate, Classify) from the first second.
        this.postCheckpoint('periodic');
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
        this.keepBest ||= m.keepBest === true;
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
        this.run!.rollback(m.checkpoint);
        return;
      case 'probe':
        this.probe = m.source;
        this.postAttention();
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
        const text = hugeLossMessage(s.loss, s.step, run.task.tokenizer.vocabSize);
        this.port.post({ type: 'warning', step: s.step, message: `${text[0].toUpperCase()}${text.slice(1)}. Lower the learning rate or turn on gradient clipping.` });
      }
      const cfg = run.config;
      const metric = run.metric(s, (s.tokens * 1000) / dt);
      metric.elapsed = (this.port.now() - this.startedAt) / 1000;
      if (cfg.validEvery > 0 && s.step % cfg.validEvery === 0) {
        const v = run.validate();
        // A non-finite validation loss is left out rather than making the host drop the whole batch.
        if (v && Number.isFinite(v.loss) && (v.bitsPerChar === undefined || Number.isFinite(v.bitsPerChar))) {
          metric.validLoss = v.loss;
          if (v.bitsPerChar !== undefined) metric.validBitsPerChar = v.bitsPerChar;
          metric.validMetrics = v.metrics;
        }
        const best = run.best;
        if (best) {
          metric.bestStep = best.step;
          metric.bestValidLoss = best.validLoss;
        }
        if (v) metric.memorising = run.memorising;
      }
      this.pending.push(metric);
      if (cfg.checkpointEvery > 0 && s.step % cfg.checkpointEvery === 0) this.postCheckpoint('periodic');
      if (cfg.snapshotEvery > 0 && s.step % cfg.snapshotEvery === 0) this.postSnapshot();
      // Time-based batches, but never more points than the host accepts in one message.
      if (this.port.now() - this.lastFlush >= this.flushMs || this.pending.length >= TRAINING_LIMITS.metricsPointsMax) {
        metric.gradThroughTime = run.gradThroughTime();
        this.flush();
      }
      if (this.port.now() - this.lastFrame >= ATTENTION_EVERY_MS) this.postAttention();
      if (this.port.now() - this.lastBestPost >= BEST_EVERY_MS) this.postBest();
      if (run.memorisingSince !== null && !this.memorisingAnnounced) {
        this.memorisingAnnounced = true;
        this.flush();
        const best = run.best!;
        this.port.post({ type: 'memorising', step: run.memorisingSince, bestStep: best.step, bestValidLoss: best.validLoss });
      }
      if (run.shouldStopEarly) return this.finish('done', true);
      if (run.budgetSpent()) return this.finish('done'); // its step limit, or its time limit
    } catch (e) {
      this.flush();
      this.port.post({ type: 'error', message: oneLine(`training failed at step ${run.step + 1}: ${(e as Error).message}`), fatal: true });
      this.done = true;
      run.dispose();
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

  /** seq2seq with attention: the followed source decoded with the current weights (nothing for other runs). */
  private postAttention(): void {
    this.lastFrame = this.port.now();
    const run = this.run!;
    const frame = run.attentionFrame(this.probe);
    if (frame) this.port.post({ type: 'attention', step: run.step, frame });
  }

  private postSnapshot(): void {
    const data = this.run!.snapshot();
    this.port.post({ type: 'snapshot', step: this.run!.step, data }, [data.buffer as ArrayBuffer]);
  }

  /** The best weights, when they changed since the host last heard (BEST_EVERY_MS apart; finish() sends the last). */
  private postBest(): void {
    const run = this.run!, best = run.best;
    if (!best || best.step === this.bestPosted) return;
    this.bestPosted = best.step;
    this.lastBestPost = this.port.now();
    const files = run.bestCheckpoint({ runId: this.runId })!;
    const data = Float32Array.from(run.watch.bestWeights.weights);
    this.port.post({ type: 'best', step: best.step, validLoss: best.validLoss, data, files }, [data.buffer as ArrayBuffer, files.model.buffer as ArrayBuffer]);
  }

  /**
   * Ends the run: the latest best goes out, then (early stopping, or the user's "stop and keep the best") the best
   * weights are put back (Keras's restore_best_weights), then the final checkpoint and `stopped`.
   */
  private finish(reason: 'user' | 'done', early = false): void {
    this.done = true;
    this.flush();
    this.postBest();
    const keptBest = (early || this.keepBest) && this.run!.restoreBest();
    this.postCheckpoint('stop');
    this.port.post({ type: 'stopped', step: this.run!.step, reason, ...(early ? { early } : {}), ...(keptBest ? { keptBest } : {}) });
    this.run!.dispose();
    this.port.exit();
  }
}

/** The memory limit the host put in workerData ({ memoryLimit: { bytes, why } }), or null when absent or malformed. */
export function memoryLimitFromWorkerData(data: unknown): MemoryLimit | null {
  const m = (data as { memoryLimit?: { bytes?: unknown; why?: unknown } } | null | undefined)?.memoryLimit;
  return m && typeof m.bytes === 'number' && m.bytes > 0 && typeof m.why === 'string' ? { bytes: m.bytes, why: m.why } : null;
}

/** The worker's text parsed for the run's task; a DataFormatError names `source` and the first offending line. */
function taskData(config: RunConfig, source: string, text: string): TaskData {
  return parseTaskData(config.task, [{ source, text }]);
}

/** An error as a message the host accepts: its text, cut to the protocol's message length. */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > TRAINING_LIMITS.messageChars ? `${text.slice(0, TRAINING_LIMITS.messageChars - 1)}…` : text;
}
