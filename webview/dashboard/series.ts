// Turning a run's metric points into chart series: (x, y) on the chosen x axis, the smoothed curve, and thinning.
import type { MetricPoint } from '../../src/protocol/dashboard';
import type { XAxisMode, XY } from './charts';

/** A run's points as (x, y): x is the step, or the elapsed seconds (points without a time, or without y, are left out). */
export function pointsXY(points: readonly MetricPoint[], mode: XAxisMode, y: (p: MetricPoint) => number | undefined): XY[] {
  const out: XY[] = [];
  for (const p of points) {
    const x = mode === 'time' ? p.elapsed : p.step;
    const v = y(p);
    if (x !== undefined && v !== undefined) out.push({ x, y: v });
  }
  return out;
}

/** TensorBoard-style exponential moving average, debiased so the curve starts at the first value. */
export function ema(points: XY[], alpha: number): XY[] {
  let s = 0, w = 0;
  return points.map((p) => {
    if (!Number.isFinite(p.y)) return { x: p.x, y: NaN };
    s = alpha * s + (1 - alpha) * p.y;
    w = alpha * w + (1 - alpha);
    return { x: p.x, y: s / w };
  });
}

/** At most `max` evenly spaced elements of `a` (the array itself when it is short enough). */
export function thin<T>(a: T[], max: number): T[] {
  if (a.length <= max) return a;
  const k = a.length / max;
  return Array.from({ length: max }, (_, i) => a[Math.floor(i * k)] as T);
}
