// A session for the dashboard feed's unit tests (dashboardFeed, dashboardPipeline, dashboardSaturation): runs and
// events as the real TrainingSession holds and emits them (panels/dashboardFeed.ts FeedSource), without a worker.
import type { RunConfig } from '../../src/engine/run/config';
import type { FeedEvent, FeedSource } from '../../src/extension/panels/dashboardFeed';
import type { FeedRun, LivePoint, LiveRunInfo } from '../../src/extension/panels/dashboardModel';

export type MutableRun = { -readonly [K in keyof FeedRun]: FeedRun[K] } & { history: LivePoint[] };

export class FakeFeedSource implements FeedSource {
  readonly runs = new Map<string, MutableRun>();
  private readonly listeners = new Set<(e: FeedEvent) => void>();
  snapshots = 0;
  get current(): FeedRun | undefined {
    return [...this.runs.values()].at(-1);
  }
  onEvent(l: (e: FeedEvent) => void): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  requestSnapshot(): void {
    this.snapshots++;
  }
  start(id: string, config: RunConfig, info: LiveRunInfo): MutableRun {
    const run: MutableRun = { id, name: `${config.task} run`, state: 'running', config, info, history: [], message: null, nonFinite: null };
    this.runs.set(id, run);
    this.emit({ type: 'state', run });
    return run;
  }
  /** What the session does on a worker `metrics` batch: history first, then the event. */
  metrics(run: MutableRun, points: LivePoint[]): void {
    for (const p of points) run.history.push(p);
    this.emit({ type: 'metrics', run, points });
  }
  emit(e: FeedEvent): void {
    for (const l of this.listeners) l(e);
  }
}
