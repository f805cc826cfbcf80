// How the dashboard turns incoming batches into pixels without making the editor stutter (issue #14, item 4).
// In code-server and VS Code for the Web the webview's iframe is same-site with the workbench, so Chromium runs
// its script on the workbench renderer's main thread: every millisecond spent here delays the paint of a
// keystroke in the editor next to it. So:
//   - batches are only stored when they arrive; drawing waits for the next redraw slot, at most one every
//     RENDER_MS (a person reads 1–4 updates a second), and runs inside requestAnimationFrame;
//   - a redraw recomputes the datasets, but the charts' own updates (parse, LTTB decimation, layout, paint; the
//     expensive part) are queued and run a few per frame, within FRAME_BUDGET_MS, so no single frame holds the
//     thread long enough for a typed character to wait on it;
//   - a chart scrolled out of view, or on a hidden card, is not updated at all (an IntersectionObserver says
//     which canvases are on screen); it is updated once, with its latest data, when it comes into view. Beside
//     an editor the panel shows one or two charts, so most of the nine cost nothing;
//   - nothing runs while the document is hidden: a redraw asked for then runs once when it is shown again.
// Chart.js itself is set up for this in charts.ts: animation off, parsing off, decimation on, update('none').

/** Least time between two redraws of the dashboard (ms). */
export const RENDER_MS = 500;
/** Chart updates run in one animation frame until this much time has gone (ms); at least one runs per frame. */
export const FRAME_BUDGET_MS = 6;

export interface Updatable {
  update(mode: 'none'): void;
  /** Where it draws (a Chart's canvas): only on-screen canvases are updated. */
  readonly canvas: HTMLCanvasElement | null;
}

/** Runs `render` at most every RENDER_MS, in an animation frame, never while the document is hidden. */
export class RenderScheduler {
  private queued = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastRender = -Infinity;
  private waitingForShow = false;

  constructor(private readonly render: () => void, private readonly minIntervalMs = RENDER_MS) {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.waitingForShow) {
        this.waitingForShow = false;
        this.request(true);
      }
    });
  }

  /** Asks for a redraw; `now` (a control the user moved) skips the wait but still draws in a frame. */
  request(now = false): void {
    if (document.visibilityState === 'hidden') {
      this.waitingForShow = true;
      return;
    }
    if (now && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.queued = false;
    }
    if (this.queued) return;
    this.queued = true;
    const wait = now ? 0 : Math.max(0, this.minIntervalMs - (performance.now() - this.lastRender));
    this.timer = setTimeout(() => {
      this.timer = null;
      requestAnimationFrame(() => {
        this.queued = false;
        this.lastRender = performance.now();
        this.render();
      });
    }, wait);
  }
}

/**
 * Chart updates spread over animation frames, each chart at most once per pass (the latest data wins); charts
 * off screen wait, marked stale, until they scroll into view.
 */
export class ChartUpdateQueue {
  private readonly pending = new Set<Updatable>();
  /** Charts whose data changed while off screen. */
  private readonly stale = new Set<Updatable>();
  private readonly charts = new Map<Element, Updatable>();
  /** Canvases the observer last reported on screen (a canvas not yet reported counts as on screen). */
  private readonly offScreen = new Set<Element>();
  private readonly observer: IntersectionObserver | null;
  private scheduled = false;

  constructor(private readonly budgetMs = FRAME_BUDGET_MS) {
    this.observer = typeof IntersectionObserver === 'function' ? new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) {
          this.offScreen.add(e.target);
          continue;
        }
        this.offScreen.delete(e.target);
        const chart = this.charts.get(e.target);
        if (chart && this.stale.delete(chart)) this.add(chart);
      }
    }) : null;
  }

  add(chart: Updatable): void {
    const canvas = chart.canvas;
    if (canvas && this.observer && !this.charts.has(canvas)) {
      this.charts.set(canvas, chart);
      this.observer.observe(canvas);
    }
    if (canvas && this.offScreen.has(canvas)) {
      this.stale.add(chart);
      return;
    }
    this.pending.add(chart);
    if (!this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => this.run());
    }
  }

  /** Charts still waiting for their update. */
  get size(): number {
    return this.pending.size;
  }

  private run(): void {
    this.scheduled = false;
    const start = performance.now();
    for (const chart of this.pending) {
      this.pending.delete(chart);
      chart.update('none');
      if (performance.now() - start >= this.budgetMs) break;
    }
    if (this.pending.size > 0) {
      this.scheduled = true;
      requestAnimationFrame(() => this.run());
    }
  }
}
