// What the dashboard shows, kept on the host whether or not a panel is open: it listens to the TrainingSession
// (whose runs keep their whole metric history), batches new points to ~10 messages a second, asks the
// experiments worker for a generated text sample while a run trains, and holds the last vanishing-gradient
// experiment and gradient check. `initMessage()` is the full replay a panel gets when its webview posts
// `ready` (opened mid-run, shown again after being hidden, or restored after a window reload).
import {
  DASHBOARD_LIMITS, type ExperimentView, type GradCheckView, type GradThroughTime, type HostToDashboard, type MetricPoint, type RunSummary,
  type RunView, type TextSample,
} from '../../protocol/dashboard';
import type { TrainMetric } from '../../protocol/training';
import { readConfig } from '../config';
import type { ExperimentsClient } from '../experiments/client';
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
    // The newest runs, each with at most DASHBOARD_LIMITS.runPoints points (longer histories thinned evenly).
    const runs: RunView[] = [...this.session.runs.values()].slice(-DASHBOARD_LIMITS.runs).map((run) => ({
      summary: summarize(run),
      points: thinned(run.history, DASHBOARD_LIMITS.runPoints).map(toPoint),
      gradThroughTime: this.gtt.get(run.id) ?? latestGradThroughTime(run),
      sample: this.samples.get(run.id) ?? null,
    }));
    const c = readConfig();
    return { type: 'init', config: { hiddenSize: within(c.hiddenSize, 1, DASHBOARD_LIMITS.size), seed: within(c.seed, DASHBOARD_LIMITS.seedMin, DASHBOARD_LIMITS.seedMax) }, runs, experiment: this.experiment, gradCheck: this.gradCheck };
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
        for (const p of e.points) list.push(p); // never spread a batch into a call: it can exceed the stack
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
      for (const p of points) if (p.gradThroughTime && run) g = toGradThroughTime(p, run) ?? g;
      if (g) this.gtt.set(runId, g);
      // Batches the webview accepts: at most batchPoints points per message, the gradient-through-time on the last.
      const max = DASHBOARD_LIMITS.batchPoints;
      for (let at = 0; at < points.length; at += max) {
        const last = at + max >= points.length;
        this.emit({ type: 'metrics', runId, points: points.slice(at, at + max).map(toPoint), gradThroughTime: last ? g : null });
      }
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
  const L = DASHBOARD_LIMITS;
  return {
    id: run.id, name: cut(run.name, L.nameChars), state: run.state,
    model: cut(`${cell} ${c.layers}×${c.hidden}, ${c.tokenizer} tokens${params}`, L.nameChars),
    groups: info?.groups ?? [], maxSteps: c.steps, tokensPerStep: c.batch * c.seqLen, trainTokens: info?.trainExamples ?? 0,
    nonFinite: run.nonFinite ? { tensor: cut(run.nonFinite.tensor, L.nameChars), step: run.nonFinite.step, message: cut(run.message ?? '', L.messageChars) } : null,
    message: run.message === null ? null : cut(run.message, L.messageChars),
  };
}

export function toPoint(p: TrainMetric): MetricPoint {
  return {
    step: p.step, loss: p.loss, gradNorm: p.gradNorm, gradNormAfterClip: p.gradNormAfterClip, clipped: p.clipped,
    groupNorms: p.groupNorms, lr: p.lr, tokensPerSecond: p.tokensPerSecond,
    ...(p.validLoss !== undefined ? { validLoss: p.validLoss } : {}),
  };
}

function toGradThroughTime(p: TrainMetric, run: RunRecord): GradThroughTime | null {
  // The first recurrent stack (the only one but for seq2seq, whose encoder it is); H7's views chart every stack.
  const values = p.gradThroughTime?.[0]?.values ?? [];
  const rows = Math.max(1, run.info?.stacks[0]?.rows ?? run.config.layers);
  const T = Math.floor(values.length / rows);
  if (T === 0) return null;
  return { step: p.step, rows, T, values: values.length === rows * T ? values : values.slice(0, rows * T) };
}

/** At most `max` items, evenly spaced, always keeping the last (the run's latest step). */
function thinned<T>(a: readonly T[], max: number): readonly T[] {
  if (a.length <= max) return a;
  const out: T[] = [];
  const k = (a.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(a[Math.round(i * k)] as T);
  return out;
}

/**
 * A setting as the dashboard shows it, inside the channel's range: settings.json can hold any value, and one
 * out-of-range number must not make the webview reject the whole replay (training itself rejects it loudly).
 */
function within(v: number, min: number, max: number): number {
  return Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : min;
}

/** A string cut to the channel's length limit (names and messages are shown, never parsed). */
function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function latestGradThroughTime(run: RunRecord): GradThroughTime | null {
  for (let i = run.history.length - 1; i >= 0; i--) {
    const p = run.history[i];
    if (p?.gradThroughTime) return toGradThroughTime(p, run);
  }
  return null;
}
