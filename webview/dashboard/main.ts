// Dashboard webview entry (bundled by esbuild with chart.js into dist/webview/dashboard.js).
// Draws the loss chart in the theme's colours, posts `ready`, and renders what the host sends.
import {
  Chart,
  Decimation,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  Tooltip,
} from 'chart.js';
import { assertNever } from '../../src/protocol/assertNever';
import type { DashboardConfig, DashboardToHost, HostToDashboard, MetricPoint } from '../../src/protocol/dashboard';
import { connect, themeColor } from '../common/vscodeApi';

// Only the chart.js parts we use, so the bundle stays small.
Chart.register(LineController, LineElement, PointElement, LinearScale, Title, Tooltip, Decimation);

const channel = connect<DashboardToHost>();
const status = byId('status');
const emptyHint = byId('empty-hint');
const configList = byId('config');
const canvas = byId('loss-chart') as HTMLCanvasElement;

const chart = makeLossChart(canvas);

// Re-read the colours when the user switches themes (VS Code swaps the body class).
new MutationObserver(() => applyTheme(chart)).observe(document.body, { attributes: true, attributeFilter: ['class'] });

channel.onMessage((raw) => {
  try {
    handle(raw as HostToDashboard);
  } catch (e) {
    channel.post({ type: 'error', message: String(e instanceof Error ? e.stack ?? e.message : e) });
  }
});
channel.post({ type: 'ready' });

function handle(message: HostToDashboard): void {
  switch (message.type) {
    case 'init':
      showConfig(message.config);
      setPoints(message.history);
      status.textContent = `Connected · ${describe(message.history.length)}`;
      break;
    case 'metrics':
      appendPoints(message.points);
      status.textContent = `Training · ${describe(chart.data.datasets[0]?.data.length ?? 0)}`;
      break;
    case 'reset':
      setPoints([]);
      status.textContent = 'New run';
      break;
    default:
      assertNever(message, 'host message');
  }
}

function makeLossChart(el: HTMLCanvasElement): Chart<'line', { x: number; y: number }[]> {
  const c = new Chart<'line', { x: number; y: number }[]>(el, {
    type: 'line',
    data: { datasets: [{ label: 'loss', data: [], borderWidth: 1.5, pointRadius: 0, tension: 0 }] },
    options: {
      animation: false, // points arrive in batches; animating each batch only costs CPU
      parsing: false,
      normalized: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min: 0, suggestedMax: 100, title: { display: true, text: 'step' } },
        y: { type: 'linear', suggestedMin: 0, suggestedMax: 5, title: { display: true, text: 'loss (nats/token)' } },
      },
      plugins: {
        decimation: { enabled: true, algorithm: 'lttb', samples: 500 }, // long runs stay responsive
        tooltip: { intersect: false, mode: 'nearest', axis: 'x' },
      },
    },
  });
  applyTheme(c);
  // Axis titles are drawn on the canvas; say them for screen readers (and tests) too.
  el.setAttribute('aria-label', `Training loss chart, x axis: ${axisTitle(c, 'x')}, y axis: ${axisTitle(c, 'y')}`);
  return c;
}

function applyTheme(c: Chart<'line', { x: number; y: number }[]>): void {
  const fg = themeColor('foreground', '#888');
  const grid = themeColor('editorWidget-border', 'rgba(128,128,128,0.3)');
  const line = themeColor('charts-blue', '#3794ff');
  const font = themeColor('font-family', 'sans-serif');
  Chart.defaults.font.family = font;
  for (const axis of [c.options.scales?.['x'], c.options.scales?.['y']]) {
    if (!axis) continue;
    axis.ticks = { ...axis.ticks, color: fg };
    axis.grid = { ...axis.grid, color: grid };
    axis.border = { ...axis.border, color: grid };
    if (axis.title) axis.title.color = fg;
  }
  const ds = c.data.datasets[0];
  if (ds) ds.borderColor = line;
  c.update();
}

function axisTitle(c: Chart<'line', { x: number; y: number }[]>, axis: 'x' | 'y'): string {
  const t = c.options.scales?.[axis]?.title?.text;
  return Array.isArray(t) ? t.join(' ') : (t ?? '');
}

function setPoints(points: readonly MetricPoint[]): void {
  const ds = chart.data.datasets[0];
  if (!ds) return;
  ds.data = points.map((p) => ({ x: p.step, y: p.loss }));
  emptyHint.hidden = points.length > 0;
  chart.update();
}

function appendPoints(points: readonly MetricPoint[]): void {
  const ds = chart.data.datasets[0];
  if (!ds) return;
  for (const p of points) ds.data.push({ x: p.step, y: p.loss });
  emptyHint.hidden = ds.data.length > 0;
  chart.update();
}

function showConfig(config: DashboardConfig): void {
  const rows: [string, string][] = [
    ['hidden size', String(config.hiddenSize)],
    ['seed', String(config.seed)],
  ];
  configList.replaceChildren(
    ...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      return [dt, dd];
    }),
  );
}

function describe(n: number): string {
  return n === 0 ? 'no training steps yet' : `${n} step${n === 1 ? '' : 's'}`;
}

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`dashboard markup lacks #${id}`);
  return el;
}
