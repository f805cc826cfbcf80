// What the dashboard shows, kept on the host whether or not a panel is open: it listens to the TrainingSession
// (whose runs keep their whole metric history), batches new points to ~10 messages a second, asks the
// experiments worker for a generated text sample while a run trains, and holds the last vanishing-gradient
// experiment and gradient check. `initMessage()` is the full replay a panel gets when its webview posts
// `ready` (opened mid-run, shown again after being hidden, or restored after a window reload).
import type {
  ExperimentView, GradCheckView, GradThroughTime, HostToDashboard, MetricPoint, RunSummary, RunView, TextSample,
} from '../../protocol/dashboard';
import type { TrainMetric } from '../../protocol/training';
import { readConfig } from '../config';
import type { ExperimentsClient } from '../experiments';
import type { RunRecord, SessionEvent, TrainingSession } from '../training/session';

const FLUSH_MS = 100;
/** How often a running run is asked for a weight snapshot to sample text from, while someone watches. */
const SAMPLE_EVERY_MS = 3000;

export class DashboardFeed {
  private readonly listeners = new Set<(m: HostToDashboard) => void>();
  private readonly pending = new Map<string, TrainMetric[]>();
  private readonly gtt = new Map<string, GradThroughTime>();
  private readonly samples = new Map<string, TextSample>();
  private readonly trainTexts = new Map<string, Promise<string | null>>();
  private experiment: ExperimentView | null = null;
  private gradCheck: GradCheckView | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private sampleTimer: ReturnType<typeof setInterval>;
  private sampling = false;
  private readonly subscription: { dispose(): void };

  constructor(private readonly session: TrainingSession, private readonly experiments: ExperimentsClient) {
    this.subscription = session.onEvent((e) => this.onSessionEvent(e));
    this.sampleTimer = setInterval(() => this.requestSample(), SAMPLE_EVERY_MS);
  }

  /** A panel subscribes while it is open. */
  subscribe(listener: (m: HostToDashboard) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  initMessage(): HostToDashboard {
    this.flush();
    const runs: RunView[] = [...this.session.runs.values()].map((run) => ({
      summary: summarize(run),
      points: run.history.map(toPoint),
      gradThroughTime: this.gtt.get(run.id) ?? latestGradThroughTime(run),
      sample: this.samples.get(run.id) ?? null,
    }));
    return { type: 'init', config: readConfig(), runs, experiment: this.experiment, gradCheck: this.gradCheck };
  }

  setExperiment(view: ExperimentView): void {
    this.experiment = view;
    this.emit({ type: 'experiment', experiment: view });
  }

  setGradCheck(view: GradCheckView): void {
    this.gradCheck = view;
    this.emit({ type: 'gradCheck', gradCheck: view });
  }

  dispose(): void {
    this.subscription.dispose();
    clearInterval(this.sampleTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.listeners.clear();
  }

  private onSessionEvent(e: SessionEvent): void {
    switch (e.type) {
      case 'metrics': {
        const list = this.pending.get(e.run.id) ?? [];
        list.push(...e.points);
        this.pending.set(e.run.id, list);
        this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
        return;
      }
      case 'state':
      case 'message':
        this.flush();
        this.emit({ type: 'run', summary: summarize(e.run) });
        return;
      case 'snapshot':
        void this.sampleFrom(e.run);
        return;
      case 'checkpoint':
        return;
    }
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const [runId, points] of this.pending) {
      const run = this.session.runs.get(runId);
      let g: GradThroughTime | null = null;
      for (const p of points) if (p.gradThroughTime && run) g = toGradThroughTime(p, run);
      if (g) this.gtt.set(runId, g);
      this.emit({ type: 'metrics', runId, points: points.map(toPoint), gradThroughTime: g });
    }
    this.pending.clear();
  }

  /** Asks the training worker for a snapshot (answered by a 'snapshot' event) when someone watches. */
  private requestSample(): void {
    const run = this.session.current;
    if (this.listeners.size === 0 || this.sampling || run?.state !== 'running') return;
    try {
      this.session.requestSnapshot();
    } catch {
      // The run ended between the check and the request.
    }
  }

  private async sampleFrom(run: RunRecord): Promise<void> {
    const snap = run.snapshot;
    if (!snap || this.sampling) return;
    this.sampling = true;
    try {
      let text = this.trainTexts.get(run.id);
      if (!text) {
        text = this.session.store.loadRun(run.id).then((r) => r?.train ?? null, () => null);
        this.trainTexts.set(run.id, text);
      }
      const train = await text;
      if (!train) return;
      const sample = await this.experiments.sample(run.id, snap.step, run.config, train, snap.data);
      this.samples.set(run.id, sample);
      this.emit({ type: 'sample', runId: run.id, sample });
    } catch (e) {
      console.warn('[seqlab] could not sample text for the dashboard', e);
    } finally {
      this.sampling = false;
    }
  }

  private emit(m: HostToDashboard): void {
    for (const l of this.listeners) l(m);
  }
}

export function summarize(run: RunRecord): RunSummary {
  const c = run.config, info = run.info;
  const cell = { lstm: 'LSTM', gru: 'GRU', rnn_tanh: 'tanh RNN', rnn_relu: 'ReLU RNN' }[c.cell];
  const params = info ? `, ${info.paramCount.toLocaleString('en-US')} parameters` : '';
  return {
    id: run.id, name: run.name, state: run.state,
    model: `${cell} ${c.numLayers}×${c.hiddenSize}, ${c.tokenizer} tokens${params}`,
    groups: info?.groups ?? [], maxSteps: c.maxSteps, tokensPerStep: c.batchSize * c.seqLen, trainTokens: info?.trainTokens ?? 0,
    nonFinite: run.nonFinite ? { ...run.nonFinite, message: run.message ?? '' } : null,
    message: run.message,
  };
}

export function toPoint(p: TrainMetric): MetricPoint {
  return {
    step: p.step, loss: p.loss, gradNorm: p.gradNorm, gradNormAfterClip: p.gradNormAfterClip, clipped: p.clipped,
    groupNorms: p.groupNorms, lr: p.lr, tokensPerSecond: p.tokensPerSecond,
    ...(p.validLoss !== undefined ? { validLoss: p.validLoss } : {}),
  };
}

function toGradThroughTime(p: TrainMetric, run: RunRecord): GradThroughTime {
  const values = p.gradThroughTime ?? [];
  const rows = Math.max(1, run.info?.gradRows ?? run.config.numLayers);
  return { step: p.step, rows, T: Math.floor(values.length / rows), values };
}

function latestGradThroughTime(run: RunRecord): GradThroughTime | null {
  for (let i = run.history.length - 1; i >= 0; i--) {
    const p = run.history[i];
    if (p?.gradThroughTime) return toGradThroughTime(p, run);
  }
  return null;
}
