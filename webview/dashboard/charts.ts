// Chart.js setup for the dashboard: only the parts we use are registered (small bundle), animation is off
// (points arrive in batches ~10 times a second; animating each batch only costs CPU), parsing is off (data is
// already {x, y}), and LTTB decimation keeps long runs smooth. Colours come from VS Code's theme variables
// and are re-read when the theme changes.
import {
  Chart, Decimation, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Title, Tooltip,
  type ChartDataset, type ScaleOptionsByType,
} from 'chart.js';
import { themeColor } from '../common/vscodeApi';
import { logTicks } from './logTicks';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Title, Tooltip, Legend, Decimation);

export type XY = { x: number; y: number };
export type LineChart = Chart<'line', XY[]>;

/** The theme's chart colours, in the order runs and layers use them. */
export function palette(): string[] {
  return [
    themeColor('charts-blue', '#3794ff'), themeColor('charts-orange', '#d18616'), themeColor('charts-green', '#89d185'),
    themeColor('charts-purple', '#b180d7'), themeColor('charts-red', '#f14c4c'), themeColor('charts-yellow', '#cca700'),
  ];
}

export interface AxisSpec {
  title: string;
  log?: boolean;
  min?: number;
  /** A fixed top (a score in percent stays on 0–100 however few points there are). */
  max?: number;
  suggestedMax?: number;
}

export function makeChart(id: string, x: AxisSpec, y: AxisSpec, y2?: AxisSpec): LineChart {
  const el = document.getElementById(id) as HTMLCanvasElement | null;
  if (!el) throw new Error(`dashboard markup lacks #${id}`);
  const mode = { x: 'step' as XAxisMode };
  const axis = (a: AxisSpec, position: 'left' | 'right' | 'bottom') => ({
    type: a.log ? 'logarithmic' : 'linear', position, min: a.min, max: a.max, suggestedMax: a.suggestedMax,
    title: { display: true, text: a.title },
    // The x labels follow setXAxis through `mode` (chart.js's resolved options must not be rebuilt by spreading).
    ticks: { maxTicksLimit: 8, callback: (v: number | string) => (position === 'bottom' && mode.x === 'time' ? durationLabel(Number(v)) : tickLabel(Number(v))) },
    afterBuildTicks: evenLogTicks,
  });
  const scales: Record<string, unknown> = { x: axis(x, 'bottom'), y: axis(y, 'left') };
  if (y2) scales['y2'] = { ...axis(y2, 'right'), grid: { drawOnChartArea: false } };
  const c = new Chart<'line', XY[]>(el, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      maintainAspectRatio: false,
      spanGaps: false, // a NaN loss leaves a visible gap instead of a line drawn through it
      scales: scales as never,
      plugins: {
        decimation: { enabled: true, algorithm: 'lttb', samples: 600, threshold: 1200 },
        legend: { display: true, labels: { boxWidth: 12, boxHeight: 2 } },
        tooltip: { intersect: false, mode: 'nearest', axis: 'x' },
      },
    },
  });
  xModes.set(c, mode);
  // Axis titles are drawn on the canvas; say them for screen readers (and tests) too.
  const name = el.getAttribute('aria-label') ?? id;
  el.setAttribute('aria-label', `${name}, x axis: ${x.title}, y axis: ${y.title}${y2 ? `, right axis: ${y2.title}` : ''}`);
  applyTheme(c);
  return c;
}

/** A line dataset (assign `data` from arrays we own: the decimation plugin swaps the property). */
export function line(label: string, color: string, extra: Partial<ChartDataset<'line', XY[]>> = {}): ChartDataset<'line', XY[]> {
  return { label, data: [], borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: 0, tension: 0, indexAxis: 'x', ...extra };
}

/**
 * A log axis gets ticks evenly spaced in log10 (logTicks.ts: decades, or 1-2-5 over a small range) instead of
 * chart.js's own, and is stretched to its first and last tick. Linear axes keep chart.js's ticks.
 */
function evenLogTicks(scale: { type: string; min: number; max: number; ticks: { value: number }[] }): void {
  if (scale.type !== 'logarithmic') return;
  const t = logTicks(scale.min, scale.max);
  if (!t) return;
  scale.min = t.min;
  scale.max = t.max;
  scale.ticks = t.ticks.map((value) => ({ value }));
}

export type XAxisMode = 'step' | 'time';
const xModes = new WeakMap<LineChart, { x: XAxisMode }>();

/** Puts a step-based chart on steps or on the run's elapsed time (its title and tick labels follow). */
export function setXAxis(c: LineChart, mode: XAxisMode): void {
  const m = xModes.get(c);
  if (!m || m.x === mode) return;
  m.x = mode;
  const x = c.options.scales?.['x'] as { title?: { text?: string } } | undefined;
  if (x?.title) x.title.text = mode === 'time' ? 'time since the run started' : 'step';
}

/** An elapsed time as an axis label: 45 s, 12:30 (min:s), 1:05:00 (h:min:s). */
export function durationLabel(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 120) return `${Number(seconds.toPrecision(3))} s`;
  const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

export function applyTheme(c: LineChart): void {
  const fg = themeColor('foreground', '#888');
  const grid = themeColor('editorWidget-border', 'rgba(128,128,128,0.3)');
  Chart.defaults.font.family = themeColor('font-family', 'sans-serif');
  Chart.defaults.color = fg;
  for (const axis of Object.values(c.options.scales ?? {})) {
    if (!axis) continue;
    const a = axis as ScaleOptionsByType<'linear'>;
    a.ticks = { ...a.ticks, color: fg };
    a.grid = { ...a.grid, color: grid };
    a.border = { ...a.border, color: grid };
    if (a.title) a.title.color = fg;
  }
  const legend = c.options.plugins?.legend;
  if (legend?.labels) legend.labels.color = fg;
  c.update('none');
}

export function setLogScale(c: LineChart, axis: 'y' | 'x', log: boolean): void {
  const a = c.options.scales?.[axis] as { type?: string; min?: number } | undefined;
  if (!a) return;
  a.type = log ? 'logarithmic' : 'linear';
  if (log) delete a.min;
}

/** The number of data points (before decimation) and the datasets' labels, for tests and screen readers. */
export function describeChart(c: LineChart): { label: string; n: number; ys: number[] }[] {
  return c.data.datasets.map((ds) => {
    const raw = ((ds as { _data?: XY[] })._data ?? ds.data) as XY[];
    return { label: String(ds.label ?? ''), n: raw.length, ys: raw.length <= 400 ? raw.map((p) => p.y) : raw.slice(-50).map((p) => p.y) };
  });
}

/** Short tick labels: 1e-12 rather than 0.000000000001 on log axes, 0.25 rather than 0.25000000001. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}
