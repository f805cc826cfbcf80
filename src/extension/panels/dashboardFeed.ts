// What the dashboard shows, kept on the host whether or not a panel is open: it listens to the training runs
// (which keep their whole metric history), batches new points to at most 4 messages a second, asks for a generated
// text sample while a language model trains, and holds the last vanishing-gradient experiment and gradient
// check. `initMessage()` is the full replay a panel gets when its webview posts `ready` (opened mid-run, shown
// again after being hidden, or restored after a window reload). What is drawn for each task kind is decided in
// dashboardModel.ts. No 'vscode' import (settings and sampling come in as functions), so unit tests drive it.
import {
  DASHBOARD_LIMITS, type DashboardConfig, type ExperimentView, type GradCheckView, type GradThroughTime, type HostToDashboard, type RunView,
  type TextSample,
} from '../../protocol/dashboard';
import { latestSaturation, saturationView } from './dashboardSaturation';
import type { GateSaturationView } from '../../protocol/saturation';
import { configFieldInfo, gradThroughTime, latestGradThroughTime, summarize, thinned, toPoint, within, type FeedRun, type LivePoint } from './dashboardModel';

/**
 * Least time between two posts of metric points (ms). A person reads 1–4 updates a second; every post crosses
 * the workbench's renderer (where the editor paints keystrokes) and makes the webview redraw, so a faster rate
 * costs typing latency and shows nothing more (issue #14, item 4).
 */
export const FLUSH_MS = 250;
/** How often a running language model is asked for a weight snapshot to sample text from, while someone watches. */
const SAMPLE_EVERY_MS = 3000;

/** What the feed hears from the training session (its SessionEvent, the kinds the dashboard uses). */
export type FeedEvent =
  | { readonly type: 'metrics'; readonly run: FeedRun; readonly points: readonly LivePoint[] }
  | { readonly type: 'state' | 'message' | 'snapshot' | 'checkpoint' | 'attention'; readonly run: FeedRun };

/** The training session as the feed sees it (TrainingSession satisfies this). */
export interface FeedSource {
  readonly runs: ReadonlyMap<string, FeedRun>;
  readonly current: FeedRun | undefined;
  onEvent(listener: (e: FeedEvent) => void): { dispose(): void };
  /** Asks the running worker for a weight snapshot (answered by a 'snapshot' event). */
  requestSnapshot(): void;
}

export interface FeedHooks {
  /** The settings the dashboard shows. */
  settings(): { hiddenSize: number; seed: number };
  /** A generated text from the run's latest snapshot (language models), or null when there is none to sample. */
  sample(runId: string): Promise<TextSample | null>;
}

export class DashboardFeed {
  private readonly listeners = new Set<(m: HostToDashboard) => void>();
  private readonly pending = new Map<string, LivePoint[]>();
  private readonly gtt = new Map<string, GradThroughTime>();
  private readonly saturation = new Map<string, GateSaturationView>();
  private readonly samples = new Map<string, TextSample>();
  private experiment: ExperimentView | null = null;
  private gradCheck: GradCheckView | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private sampleTimer: ReturnType<typeof setInterval>;
  private sampling = false;
  private readonly subscription: { dispose(): void };

  constructor(private readonly session: FeedSource, private readonly hooks: FeedHooks) {
    this.subscription = session.onEvent((e) => this.onSessionEvent(e));
    this.sampleTimer = setInterval(() => this.requestSample(), SAMPLE_EVERY_MS);
  }

  /** A panel subscribes while it is visible (a hidden one unsubscribes, so the feed does nothing for it). */
  subscribe(listener: (m: HostToDashboard) => void): { dispose(): void } {
    this.listeners.add(listener);
    return {
      dispose: () => {
        this.listeners.delete(listener);
        if (this.listeners.size > 0) return;
        // Points batched for nobody: the next panel's `ready` replays them from the runs' histories.
        for (const runId of this.pending.keys()) this.gtt.delete(runId);
        this.pending.clear();
      },
    };
  }

  initMessage(): HostToDashboard {
    this.flush();
    // The newest runs, each with at most DASHBOARD_LIMITS.runPoints points (longer histories thinned evenly).
    const runs: RunView[] = [...this.session.runs.values()].slice(-DASHBOARD_LIMITS.runs).map((run) => {
      const task = run.info?.task ?? run.config.task;
      return {
        summary: summarize(run),
        points: thinned(run.history, DASHBOARD_LIMITS.runPoints).map((p) => toPoint(p, task)),
        gradThroughTime: this.gtt.get(run.id) ?? latestGradThroughTime(run),
        sample: this.samples.get(run.id) ?? null,
        saturation: this.saturation.get(run.id) ?? latestSaturation(run),
      };
    });
    const s = this.hooks.settings();
    const config: DashboardConfig = { hiddenSize: within(s.hiddenSize, 1, DASHBOARD_LIMITS.size), seed: within(s.seed, DASHBOARD_LIMITS.seedMin, DASHBOARD_LIMITS.seedMax) };
    return { type: 'init', config, runs, experiment: this.experiment, gradCheck: this.gradCheck, fields: configFieldInfo() };
  }

  /** A run was renamed, hidden or shown: panels get its new summary. */
  runChanged(runId: string): void {
    const run = this.session.runs.get(runId);
    if (run) this.emit({ type: 'run', summary: summarize(run) });
  }

  /** A run was deleted: panels forget it, and so does the feed. */
  runRemoved(runId: string): void {
    this.pending.delete(runId);
    this.gtt.delete(runId);
    this.samples.delete(runId);
    this.emit({ type: 'runRemoved', runId });
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

  private onSessionEvent(e: FeedEvent): void {
    switch (e.type) {
      case 'metrics': {
        // Nobody watches (no panel, or a hidden one): no batching work at all. The run keeps its history, and
        // the panel's `ready` on showing gets one catch-up replay; its gradient through time is then read from
        // that history, not from a value this feed stopped following.
        if (this.listeners.size === 0) {
          this.gtt.delete(e.run.id);
          return;
        }
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
      case 'attention':
        return;
    }
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const [runId, points] of this.pending) {
      const run = this.session.runs.get(runId);
      const task = run?.info?.task ?? run?.config.task ?? 'lm';
      let g: GradThroughTime | null = null;
      for (const p of points) if (p.gradThroughTime && run) g = gradThroughTime(p, run.info) ?? g;
      if (g) this.gtt.set(runId, g);
      let sat: GateSaturationView | null = null;
      for (const p of points) if (p.gateSaturation && run) sat = saturationView(p, run) ?? sat;
      if (sat) this.saturation.set(runId, sat);
      // Batches the webview accepts: at most batchPoints points per message, the gradient-through-time on the last.
      const max = DASHBOARD_LIMITS.batchPoints;
      for (let at = 0; at < points.length; at += max) {
        const last = at + max >= points.length;
        this.emit({ type: 'metrics', runId, points: points.slice(at, at + max).map((p) => toPoint(p, task)), gradThroughTime: last ? g : null, ...(last && sat ? { saturation: sat } : {}) });
      }
    }
    this.pending.clear();
  }

  /** Asks the training worker for a snapshot (answered by a 'snapshot' event) when someone watches a language model. */
  private requestSample(): void {
    const run = this.session.current;
    if (this.listeners.size === 0 || this.sampling || run?.state !== 'running' || (run.info?.task ?? run.config.task) !== 'lm') return;
    try {
      this.session.requestSnapshot();
    } catch {
      // The run ended between the check and the request.
    }
  }

  private async sampleFrom(run: FeedRun): Promise<void> {
    if (this.sampling || (run.info?.task ?? run.config.task) !== 'lm') return;
    this.sampling = true;
    try {
      const sample = await this.hooks.sample(run.id);
      if (!sample) return;
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
