// The loss chart's datasets: every visible run smoothed, with its validation losses as diamonds in the same colour
// (earlier runs dashed); the current run's raw loss, its clip events and its best validation (a star) on top.
// Hidden runs are left out (the runs table lists them).
import type { MetricPoint, RunSummary } from '../../src/protocol/dashboard';
import { themeColor } from '../common/vscodeApi';
import { line, type XAxisMode } from './charts';
import { ema, pointsXY, thin } from './series';
import { bestMarker } from './trust';

export interface LossRun {
  readonly summary: RunSummary;
  readonly points: MetricPoint[];
}

export interface LossChartOptions<R extends LossRun> {
  readonly mode: XAxisMode;
  /** The smoothing slider's α (ema). */
  readonly alpha: number;
  readonly colorOf: (r: R) => string;
}

export function lossDatasets<R extends LossRun>(runs: Iterable<R>, current: R | null, o: LossChartOptions<R>): ReturnType<typeof line>[] {
  const xy = (points: readonly MetricPoint[], y: (p: MetricPoint) => number | undefined) => pointsXY(points, o.mode, y);
  const sets: ReturnType<typeof line>[] = [];
  for (const r of runs) {
    if (r.summary.hidden) continue;
    const isCurrent = r === current, color = o.colorOf(r);
    sets.push(line(isCurrent ? `${r.summary.name} (smoothed)` : r.summary.name, color, {
      data: ema(xy(r.points, (p) => p.loss), o.alpha), borderWidth: isCurrent ? 2 : 1.25, borderDash: isCurrent ? [] : [6, 3], order: isCurrent ? 1 : 2,
    }));
    const valid = xy(r.points, (p) => p.validLoss);
    if (valid.length) {
      sets.push(line(`${r.summary.name}: validation`, color, {
        // Diamonds while they can be told apart; small dots on a long run (hundreds of validations).
        data: valid, pointRadius: valid.length > 150 ? 1.5 : 4, pointStyle: 'rectRot', borderWidth: 1.25, borderDash: [2, 3], showLine: isCurrent, order: 0,
      }));
    }
  }
  if (current && !current.summary.hidden) {
    sets.push(line('loss (raw)', withAlpha(o.colorOf(current), 0.35), { data: xy(current.points, (p) => p.loss), borderWidth: 1, order: 3 }));
    const clips = thin(xy(current.points.filter((p) => p.clipped), (p) => p.loss), 300);
    // Clip marks in the text colour: no run colour can be mistaken for them.
    if (clips.length) sets.push(line('clipped step', withAlpha(themeColor('foreground', '#888888'), 0.7), { data: clips, showLine: false, pointRadius: 3, pointStyle: 'triangle' }));
    // The best validation (trust.ts) as a star in the run's colour, placed on the time axis by its step's point.
    const best = bestMarker(current.summary);
    const bestX = !best ? undefined : o.mode === 'step' ? best.x : current.points.find((p) => p.step === best.x)?.elapsed;
    if (best && bestX !== undefined) sets.push(line('best validation', o.colorOf(current), { data: [{ x: bestX, y: best.y }], showLine: false, pointRadius: 7, pointStyle: 'star', borderWidth: 2 }));
  }
  return sets;
}

/** `#rrggbb` with an alpha, as rgba(); any other colour string unchanged. */
function withAlpha(color: string, a: number): string {
  const m = /^#([0-9a-f]{6})/i.exec(color.trim());
  if (!m) return color;
  const n = parseInt(m[1] as string, 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}
