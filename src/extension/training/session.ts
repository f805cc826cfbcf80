// TrainingSession: the extension host's side of training. It owns one worker_threads worker per active run
// (dist/trainWorker.js), validates everything the worker says (parseWorkerToHost), keeps every run's whole
// metric history (several runs, for comparison), stores checkpoints through a RunStore, and survives the
// worker: a crash or kill marks the run 'crashed' and `resumeRun` continues from its last checkpoint.
// It does not import 'vscode' (the store and the commands do), so unit tests can drive it with a real worker.
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { memoryLimitForRam, type MemoryLimit } from '../../engine/modelMemory';
import { ProtocolError, parseWorkerToHost, type HostToWorker, type RunConfig, type TrainMetric, type WorkerToHost } from '../../protocol/training';
import { checkpointStep, runShape, type RunRecord, type RunState, type SessionEvent, type StartOptions } from './runRecord';
import { keepBest, noteMemorising, recordEnding, trackBest } from './runTrust';
import type { RunStore, StoredRun } from './store';

/** How often the step a run reached is written down (a reload-interrupted run then says how far it got). */
const PROGRESS_EVERY_MS = 1000;

/** Rejected worker messages kept for diagnostics (the oldest are dropped). */
const MAX_REJECTED_KEPT = 100;

export type { RunRecord, RunState, SessionEvent, StartOptions } from './runRecord';

export class TrainingSession {
  readonly runs = new Map<string, RunRecord>();
  private worker: Worker | null = null;
  private workerRun: RunRecord | null = null;
  private listeners = new Set<(e: SessionEvent) => void>();
  private waiters: { until: (m: WorkerToHost) => boolean; resolve: () => void }[] = [];
  private counter = 0;
  /** When each run's progress.json was last written (the step a reload-interrupted run had reached). */
  private progressWritten = new Map<string, number>();
  /** Messages rejected at the boundary (for diagnostics and tests). */
  readonly rejected: string[] = [];

  /** `memoryLimit`: what a run may use, handed to each worker; by default half this machine's RAM. */
  constructor(
    private readonly workerPath: string, readonly store: RunStore,
    private readonly memoryLimit: MemoryLimit | null = memoryLimitForRam(os.totalmem(), 'choose a smaller hidden size, fewer layers, a smaller batch or shorter sequences'),
  ) {}

  onEvent(listener: (e: SessionEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The run that owns the worker, or else the most recently started one. */
  get current(): RunRecord | undefined {
    return this.workerRun ?? [...this.runs.values()].at(-1);
  }

  /** Starts a new run in a fresh worker (the previous run, if still training, is stopped first). */
  async start(opts: StartOptions): Promise<RunRecord> {
    if (this.worker) await this.stop();
    const id = `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${++this.counter}`;
    const run: RunRecord = {
      id, name: opts.name ?? `Run ${this.runs.size + 1}`, config: opts.config, state: 'starting', step: 0, history: [], info: null,
      lastCheckpointStep: null, message: null, nonFinite: null, corpusMessages: opts.corpusMessages ?? [], snapshot: null,
      languages: opts.languages,
    };
    this.runs.set(id, run);
    await this.store.saveRun({
      id, name: run.name, config: opts.config, train: opts.train, valid: opts.valid, corpusMessages: run.corpusMessages, ...(opts.languages ? { languages: opts.languages } : {}),
    });
    await this.launch(run, { type: 'start', runId: id, config: opts.config, train: opts.train, valid: opts.valid });
    return run;
  }

  /** A model trained elsewhere (a PyTorch training project) and loaded back, listed with the history it logged as
   *  an 'imported' run, so the dashboard shows how it was trained. Not 'stopped': nothing stopped here, so the
   *  stop notification (runs/stopNotice.ts) stays silent. It has no stored checkpoint of its own, so like before it
   *  cannot be resumed (train.py continues it). */
  addImportedRun(name: string, config: RunConfig, history: readonly TrainMetric[]): RunRecord {
    const id = `imported-${new Date().toISOString().replace(/[:.]/g, '-')}-${++this.counter}`;
    const run: RunRecord = {
      id, name, config, state: 'imported', step: history.at(-1)?.step ?? 0, history: [...history], info: null,
      lastCheckpointStep: null, message: null, nonFinite: null, corpusMessages: [], snapshot: null,
    };
    this.runs.set(id, run);
    this.emit({ type: 'state', run });
    if (history.length) this.emit({ type: 'metrics', run, points: run.history });
    return run;
  }

  /** Continues a crashed, stopped or interrupted run from its last checkpoint, in a new worker. */
  async resumeRun(runId: string): Promise<RunRecord> {
    const run = this.runs.get(runId) ?? (await this.loadStoredRun(runId));
    if (this.workerRun === run && run.state === 'paused') {
      this.resume();
      return run;
    }
    if (this.worker) await this.stop();
    const stored = await this.store.loadRun(runId);
    const ck = await this.store.loadCheckpoint(runId);
    if (!stored || !ck) throw new Error(`run ${run.name} has no checkpoint to resume from`);
    const step = checkpointStep(ck);
    // Steps after the checkpoint will be taken again: drop them so the history stays one point per step.
    const keep = run.history.findIndex((p) => p.step > step);
    if (keep >= 0) run.history.length = keep;
    run.elapsedBase = run.history.at(-1)?.elapsed ?? 0;
    run.message = null;
    run.nonFinite = null;
    run.ending = null;
    await this.store.clearEnded(runId);
    await this.launch(run, { type: 'start', runId, config: stored.config, train: stored.train, valid: stored.valid, resume: ck });
    return run;
  }

  /** Runs saved by an earlier window (e.g. before a reload): listed as 'interrupted' unless they had finished. */
  async loadStoredRuns(): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for (const id of await this.store.listRuns()) {
      if (!this.runs.has(id)) {
        try {
          out.push(await this.loadStoredRun(id));
        } catch {
          // A run directory without a readable run.json is not a run; ignore it.
        }
      }
    }
    // Announced once all are in, so `current` is already the newest when listeners (dashboard, models) hear of them.
    for (const run of out) this.emit({ type: 'state', run });
    return out;
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    const run = this.workerRun;
    if (run) {
      run.nonFinite = null;
      run.message = null;
    }
    this.send({ type: 'resume' });
  }

  /** After a non-finite pause: lower the learning rate (×lrScale) and/or set norm clipping, then continue. */
  adjust(change: { lrScale?: number; clipNorm?: number | null }, thenResume = true): void {
    this.send({ type: 'adjust', ...change });
    if (thenResume) this.resume();
  }

  /** Rolls the paused run back to its last saved checkpoint (weights, optimizer, data position). */
  async rollback(): Promise<void> {
    const run = this.workerRun;
    if (!run) throw new Error('no run is training');
    const ck = await this.store.loadCheckpoint(run.id);
    if (!ck) throw new Error(`run ${run.name} has no checkpoint yet`);
    const step = checkpointStep(ck);
    const keep = run.history.findIndex((p) => p.step > step);
    if (keep >= 0) run.history.length = keep;
    run.step = step;
    this.send({ type: 'rollback', checkpoint: ck });
  }

  /** The live attention view follows `source` from now on ('' = the first validation pair). */
  probe(source: string): void {
    this.send({ type: 'probe', source });
  }

  requestSnapshot(): void {
    this.send({ type: 'snapshot' });
  }

  requestCheckpoint(): Promise<void> {
    const p = this.waitFor((m) => m.type === 'checkpoint' && m.reason === 'request', 10_000);
    this.send({ type: 'checkpoint' });
    return p;
  }

  /**
   * Stops the worker's run: it saves a final checkpoint, then ends; the worker is terminated if it does not.
   * `keepBest`: the final weights are the best validation's (the memorising notice's "Stop and keep best weights").
   */
  async stop(timeoutMs = 10_000, keepBest = false): Promise<void> {
    const w = this.worker, run = this.workerRun;
    if (!w || !run) return;
    this.setState(run, 'stopping');
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    this.send(keepBest ? { type: 'stop', keepBest } : { type: 'stop' });
    const timer = setTimeout(() => void w.terminate(), timeoutMs);
    await exited;
    clearTimeout(timer);
    await this.store.flush();
  }

  /** Ends the worker abruptly, as a crash would (for "kill the worker" and for dispose). */
  async killWorker(): Promise<void> {
    await this.worker?.terminate();
  }

  get workerThreadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  dispose(): void {
    void this.worker?.terminate();
    this.listeners.clear();
  }

  private async loadStoredRun(id: string): Promise<RunRecord> {
    const stored = await this.store.loadRun(id);
    if (!stored) throw new Error(`no stored run ${id}`);
    const ck = await this.store.loadCheckpoint(id);
    const step = ck ? checkpointStep(ck) : 0;
    // A run that ended in its window (Stop, its step budget, early stopping, a fatal error) stays ended; any
    // other was live when the window went away: interrupted, resumable from its last checkpoint.
    const ended = await this.store.loadEnded(id);
    const best = await this.store.loadBestInfo(id);
    const reached = Math.max(step, (await this.store.loadProgress(id)) ?? 0);
    const run: RunRecord = {
      id, name: stored.name, config: stored.config, state: ended ? ended.state : 'interrupted', step: ended?.step ?? reached, history: [], info: null,
      lastCheckpointStep: ck ? step : null, message: null, nonFinite: null, corpusMessages: stored.corpusMessages, snapshot: null,
      best: best ?? null, ending: ended?.ending ?? null, languages: stored.languages,
      ...(stored.hidden ? { hidden: true } : {}),
    };
    this.runs.set(id, run);
    return run;
  }

  private async launch(run: RunRecord, start: HostToWorker): Promise<void> {
    const w = new Worker(this.workerPath, { workerData: { memoryLimit: this.memoryLimit } });
    this.worker = w;
    this.workerRun = run;
    this.setState(run, 'starting');
    const started = this.waitFor((m) => m.type === 'started' || (m.type === 'error' && m.fatal), 60_000);
    w.on('message', (raw: unknown) => this.onWorkerMessage(w, run, raw));
    w.on('error', (e) => this.onWorkerGone(w, run, `the training worker crashed: ${e.message}`));
    w.on('exit', (code) => this.onWorkerGone(w, run, `the training worker stopped unexpectedly (exit code ${code})`));
    w.postMessage(start);
    await started;
    if (run.state === 'failed') throw new Error(run.message ?? 'training failed to start');
  }

  private onWorkerMessage(w: Worker, run: RunRecord, raw: unknown): void {
    if (w !== this.worker) return;
    let m: WorkerToHost;
    try {
      m = parseWorkerToHost(raw, runShape(run));
    } catch (e) {
      // Logged and dropped: a malformed message never reaches the run's state.
      const why = e instanceof ProtocolError ? e.message : String(e);
      if (this.rejected.length >= MAX_REJECTED_KEPT) this.rejected.shift();
      this.rejected.push(why);
      console.warn(`[seqlab] dropped a malformed message from the training worker: ${why}`);
      // Without a valid `started` the run can never leave 'starting': fail it now rather than wait it out.
      if ((raw as { type?: unknown } | null)?.type === 'started' && run.state === 'starting') {
        this.failStart(run, `The training worker reported a malformed start: ${why}`);
      }
      return;
    }
    this.handle(run, m);
    this.waiters = this.waiters.filter((x) => (x.until(m) ? (x.resolve(), false) : true));
  }

  private handle(run: RunRecord, m: WorkerToHost): void {
    switch (m.type) {
      case 'ready':
        return;
      case 'started':
        run.info = m.info;
        run.step = m.info.step;
        this.setState(run, 'running');
        return;
      case 'metrics':
        // One push per point: spreading a large batch into push() overflows the call stack.
        for (const p of m.points) {
          if (run.elapsedBase && p.elapsed !== undefined) p.elapsed += run.elapsedBase;
          run.history.push(p);
        }
        run.step = m.points[m.points.length - 1]?.step ?? run.step;
        trackBest(run, m.points);
        if (Date.now() - (this.progressWritten.get(run.id) ?? 0) >= PROGRESS_EVERY_MS) {
          this.progressWritten.set(run.id, Date.now());
          void this.store.saveProgress(run.id, run.step).catch(() => undefined); // best effort: only the interrupted notice reads it
        }
        this.emit({ type: 'metrics', run, points: m.points });
        return;
      case 'checkpoint':
        run.lastCheckpointStep = m.step;
        void this.store.saveCheckpoint(run.id, m.files).then(
          () => this.emit({ type: 'checkpoint', run, step: m.step }),
          (e: Error) => this.emit({ type: 'message', run, level: 'error', text: `Could not save the checkpoint of step ${m.step}: ${e.message}` }),
        );
        return;
      case 'snapshot':
        run.snapshot = { step: m.step, data: m.data };
        this.emit({ type: 'snapshot', run });
        return;
      case 'paused':
        run.step = m.step;
        void this.store.saveProgress(run.id, m.step).catch(() => undefined);
        if (m.reason === 'nonfinite') {
          run.nonFinite = { tensor: m.tensor ?? 'loss', step: m.step };
          run.message = m.message ?? `non-finite value at step ${m.step}`;
          this.emit({ type: 'message', run, level: 'warning', text: run.message });
        }
        this.setState(run, 'paused');
        return;
      case 'warning':
        run.message = m.message;
        this.emit({ type: 'message', run, level: 'warning', text: m.message });
        return;
      case 'resumed':
        this.setState(run, 'running');
        return;
      case 'stopped':
        run.step = m.step;
        recordEnding(run, m, this.store);
        // One notification for a stopped run, early or not: runs/runCommands.ts says how it ended and offers Save.
        this.setState(run, 'stopped');
        return;
      case 'best':
        keepBest(run, m, this.store, (e) => this.emit(e));
        return;
      case 'memorising':
        this.emit({ type: 'memorising', run, text: noteMemorising(run, m) });
        return;
      case 'error':
        run.message = m.message;
        if (m.fatal && run.state === 'starting') void this.store.saveEnded(run.id, { state: 'failed', step: run.step, ending: null });
        if (m.fatal) this.setState(run, run.state === 'starting' ? 'failed' : 'crashed');
        this.emit({ type: 'message', run, level: 'error', text: m.message });
        return;
      case 'rejected':
        if (run.state === 'starting') {
          // The only message before `started` is `start`: its settings were refused, so the run cannot begin.
          this.failStart(run, `Training could not start: ${m.message}`);
          return;
        }
        this.emit({ type: 'message', run, level: 'warning', text: `the worker rejected a message: ${m.message}` });
        return;
      case 'attention':
        run.attention = { step: m.step, frame: m.frame };
        this.emit({ type: 'attention', run, step: m.step, frame: m.frame });
        return;
    }
  }

  /** Ends a run that cannot start: failed with `why`, its worker ended, `launch` released. */
  private failStart(run: RunRecord, why: string): void {
    run.message = why;
    this.setState(run, 'failed');
    this.emit({ type: 'message', run, level: 'error', text: why });
    void this.worker?.terminate();
    for (const x of this.waiters.splice(0)) x.resolve();
  }

  private onWorkerGone(w: Worker, run: RunRecord, why: string): void {
    if (w !== this.worker) return;
    this.worker = null;
    this.workerRun = null;
    if (run.state !== 'stopped' && run.state !== 'failed') {
      const resumable = run.lastCheckpointStep !== null ? ` Resume continues from the checkpoint of step ${run.lastCheckpointStep}.` : ' No checkpoint was saved yet.';
      run.message = `Training run "${run.name}" ended at step ${run.step}: ${why}.${resumable}`;
      this.setState(run, run.state === 'starting' ? 'failed' : 'crashed');
      this.emit({ type: 'message', run, level: 'error', text: run.message });
    }
    for (const x of this.waiters.splice(0)) x.resolve();
  }

  private waitFor(until: (m: WorkerToHost) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.waiters.push({ until, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  private send(m: HostToWorker): void {
    if (!this.worker) throw new Error('no training run is active');
    this.worker.postMessage(m);
  }

  private setState(run: RunRecord, state: RunState): void {
    run.state = state;
    this.emit({ type: 'state', run });
  }

  private emit(e: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        console.error('[seqlab] training event listener failed', err);
      }
    }
  }
}

export type { StoredRun };
