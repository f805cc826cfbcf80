// Host side of the experiments worker (dist/experimentsWorker.js): a lazily started worker_threads worker
// that runs the vanishing-gradient experiment, gradient checks and text samples away from the extension
// host's thread. Requests are matched to replies by id; a crashed worker fails every pending request with
// its reason and is restarted on the next request. No 'vscode' import, so unit tests drive it directly.
import { Worker } from 'node:worker_threads';
import type { ExperimentView, GradCheckView, TextSample } from '../../protocol/dashboard';
import type { CheckpointBytes, RunConfig } from '../../protocol/training';
import { parseExperimentsToHost, type ExperimentsToHost, type HostToExperiments, type LongLagOptions } from '../../protocol/experiments';

interface Pending {
  resolve(m: ExperimentsToHost): void;
  reject(e: Error): void;
  onMessage?(m: ExperimentsToHost): void;
}

export class ExperimentsClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly workerPath: string) {}

  /** Trains both models; `onView` gets each batch of progress; resolves with the final view (cancelled: the last one). */
  async runLongLag(options: LongLagOptions, onView: (v: ExperimentView) => void, cancel?: { onCancellationRequested(f: () => void): unknown }): Promise<{ view: ExperimentView | null; cancelled: boolean }> {
    let last: ExperimentView | null = null;
    const id = this.nextId++;
    cancel?.onCancellationRequested(() => this.worker?.postMessage({ type: 'cancel', id } satisfies HostToExperiments));
    const done = await this.request({ type: 'longLag', id, options }, (m) => {
      if (m.type === 'experiment') {
        last = m.view;
        onView(m.view);
      }
    });
    return { view: last, cancelled: done.type === 'done' && done.cancelled };
  }

  async gradCheck(name: string, checkpoint: CheckpointBytes, text: string): Promise<GradCheckView> {
    let view: GradCheckView | null = null;
    await this.request({ type: 'gradCheck', id: this.nextId++, name, checkpoint, text }, (m) => {
      if (m.type === 'gradCheck') view = m.view;
    });
    if (!view) throw new Error('the gradient check returned nothing');
    return view;
  }

  async sample(runId: string, step: number, config: RunConfig, train: string, weights: Float32Array, length = 160): Promise<TextSample> {
    const m = await this.request({ type: 'sample', id: this.nextId++, runId, step, config, train, weights, length, seed: step }, undefined, 'sample');
    if (m.type !== 'sample') throw new Error('unexpected reply to a sample request');
    return { step: m.step, prompt: m.prompt, text: m.text };
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = null;
    this.fail(new Error('the experiments worker was disposed'));
  }

  /** Sends `m`; resolves on its `done` (or on the reply of type `until`), rejects on its `error`. */
  private request(m: HostToExperiments, onMessage?: (m: ExperimentsToHost) => void, until: ExperimentsToHost['type'] = 'done'): Promise<ExperimentsToHost> {
    const w = this.ensureWorker();
    return new Promise((resolve, reject) => {
      this.pending.set(m.id, {
        onMessage,
        resolve: (r) => (r.type === until ? resolve(r) : undefined),
        reject,
      });
      w.postMessage(m);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerPath);
    w.on('message', (raw: unknown) => {
      let m: ExperimentsToHost;
      try {
        m = parseExperimentsToHost(raw);
      } catch (e) {
        this.onMalformed(raw, (e as Error).message);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'error') {
        this.pending.delete(m.id);
        p.reject(new Error(m.message));
        return;
      }
      p.onMessage?.(m);
      if (m.type === 'done' || m.type === 'sample') this.pending.delete(m.id);
      p.resolve(m);
    });
    const gone = (why: string): void => {
      if (this.worker !== w) return;
      this.worker = null;
      this.fail(new Error(why));
    };
    w.on('error', (e) => gone(`the experiments worker crashed: ${e.message}`));
    w.on('exit', (code) => gone(`the experiments worker exited (code ${code})`));
    // The worker is idle between requests: do not keep the extension host's process alive for it.
    w.unref();
    this.worker = w;
    return w;
  }

  /** A reply that failed validation fails the request it names (if its id is readable), else is logged and dropped. */
  private onMalformed(raw: unknown, why: string): void {
    const id = (raw as { id?: unknown } | null)?.id;
    const p = typeof id === 'number' ? this.pending.get(id) : undefined;
    const reason = `the experiments worker sent a malformed reply: ${why}`;
    if (!p) {
      console.warn(`[seqlab] dropped a message from the experiments worker: ${reason}`);
      return;
    }
    this.pending.delete(id as number);
    this.worker?.postMessage({ type: 'cancel', id: id as number } satisfies HostToExperiments); // a job still running is not wanted
    p.reject(new Error(reason));
  }

  private fail(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
