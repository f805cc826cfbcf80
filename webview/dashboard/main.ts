// Dashboard webview entry (bundled by esbuild with chart.js into dist/webview/dashboard.js). It posts `ready`,
// takes the host's `init` (every run with its whole history) and later batches, and redraws at most twice a
// second, updating only the charts on screen, spread over animation frames (updatePipeline.ts). Its state is
// also kept with setState, so after a window reload the restored panel shows the runs of the previous window
// (the host's new session no longer has their points) before the host replies.
import { assertNever } from '../../src/protocol/assertNever';
import {
  DASHBOARD_LIMITS, RUN_ACTIONS, parseHostToDashboard, type DashboardConfig, type DashboardToHost, type ExperimentView, type FieldInfo, type GradCheckView,
  type HostToDashboard, type MetricPoint, type RunAction, type RunSummary, type RunView,
} from '../../src/protocol/dashboard';
import { connect } from '../common/vscodeApi';
import { applyTheme, describeChart, line, makeChart, palette, setLogScale, setXAxis, type LineChart, type XAxisMode, type XY } from './charts';
import { gttDatasets, gttTitle } from './gttChart';
import { lossDatasets } from './lossChart';
import { ema, pointsXY, thin } from './series';
import { canResume, noteProgress, renderTrust, stateText, unknownToHost } from './trust';
import { ChartUpdateQueue, RenderScheduler } from './updatePipeline';
import { RUN_PALETTE, assignRunColors } from './runColors';
import { validationOf } from './runsCompare';
import { renderRunsTable, type TableRun } from './runsTable';
import { noteSaturation, renderSaturation } from './saturation';
import { bpcDatasets, taskScoreDatasets } from './scoreCharts';
import { byId, drawHeatmap, positionsName, renderConfig, renderExperimentSummary, renderGradCheck, renderSample, renderStats } from './views';

interface Persisted {
  runs: RunView[];
  experiment: ExperimentView | null;
  gradCheck: GradCheckView | null;
  smoothing: number;
  log: boolean;
  gttView: 'lines' | 'heatmap';
  /** Palette index of each run (a run keeps its colour), the x axis, and the runs table's filter. */
  colors?: Record<string, number>;
  xAxis?: XAxisMode;
  onlyDiffering?: boolean;
}

type RunState = { summary: RunSummary; points: MetricPoint[]; gradThroughTime: RunView['gradThroughTime']; sample: RunView['sample'] };

const channel = connect<DashboardToHost, Persisted>();
let runs = new Map<string, RunState>();
let experiment: ExperimentView | null = null;
let gradCheck: GradCheckView | null = null;
let config: DashboardConfig | null = null;
let connected = false;
let colorIndex: Record<string, number> = {};
let fields: readonly FieldInfo[] = [];
/** A result card that just appeared: scrolled into view after the next render. */
let scrollTarget: string | null = null;

const smoothing = byId('smoothing') as HTMLInputElement;
const logScale = byId('log-scale') as HTMLInputElement;
const xAxis = byId('x-axis') as HTMLSelectElement;
const onlyDiffering = byId('only-differing') as HTMLInputElement;
const charts = {
  loss: makeChart('loss-chart', { title: 'step', min: 0 }, { title: 'loss (nats/token)', min: 0 }),
  grad: makeChart('grad-chart', { title: 'step', min: 0 }, { title: '‖∂L/∂θ‖ (log)', log: true }),
  layers: makeChart('layers-chart', { title: 'step', min: 0 }, { title: '‖∂L/∂θ_layer‖ (log)', log: true }),
  gtt: makeChart('gtt-chart', { title: 'time step t', min: 0 }, { title: '‖∂L/∂h_t‖ (log)', log: true }),
  bpc: makeChart('bpc-chart', { title: 'step', min: 0 }, { title: 'bits per character', min: 0 }),
  task: makeChart('task-chart', { title: 'step', min: 0 }, { title: 'validation score (%)', min: 0, max: 100 }),
  speed: makeChart('speed-chart', { title: 'step', min: 0 }, { title: 'tokens / second', min: 0 }, { title: 'learning rate', min: 0 }),
  expGtt: makeChart('exp-gtt-chart', { title: 'time step t (loss at the last)', min: 0 }, { title: '‖∂L/∂h_t‖ (log)', log: true }),
  expLoss: makeChart('exp-loss-chart', { title: 'training step', min: 0 }, { title: 'loss (nats)', min: 0 }),
};

// Batches are stored as they arrive; one redraw every RENDER_MS at most draws them all, never while hidden, and
// the charts' updates are spread over frames (`now`: a control the user moved redraws without the wait).
const chartUpdates = new ChartUpdateQueue();
const renderer = new RenderScheduler(() => render());
function scheduleRender(now = false): void {
  renderer.request(now);
}

restore(channel.getState());
new MutationObserver(() => {
  for (const c of Object.values(charts)) applyTheme(c);
  scheduleRender();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
smoothing.addEventListener('input', () => scheduleRender(true));
logScale.addEventListener('change', () => scheduleRender(true));
xAxis.addEventListener('change', () => scheduleRender(true));
onlyDiffering.addEventListener('change', () => scheduleRender(true));
// The runs table's buttons: one listener for all (the table is redrawn), each click one `runAction`.
byId('runs-table').addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-run-action]');
  const runId = b?.dataset['runId'], action = b?.dataset['runAction'] as RunAction | undefined;
  if (b && !b.disabled && runId && action && RUN_ACTIONS.includes(action)) channel.post({ type: 'runAction', runId, action });
});
document.querySelectorAll<HTMLInputElement>('input[name="gtt-view"]').forEach((r) => r.addEventListener('change', () => scheduleRender(true)));
document.querySelectorAll<HTMLButtonElement>('button[data-action]').forEach((b) => {
  b.addEventListener('click', () => channel.post({ type: 'action', action: b.dataset['action'] as never }));
});

channel.onMessage((raw) => {
  try {
    // Validated before use: a malformed message is reported to the host and dropped, never drawn.
    handle(parseHostToDashboard(raw));
  } catch (e) {
    reportError(e);
  }
});
window.addEventListener('error', (e) => reportError(e.error ?? e.message));

/** Tells the host (which logs it) in one message the channel accepts: the text cut to its length limit. */
function reportError(e: unknown): void {
  const text = String(e instanceof Error ? e.stack ?? e.message : e);
  const max = DASHBOARD_LIMITS.messageChars;
  channel.post({ type: 'error', message: text.length > max ? `${text.slice(0, max - 1)}…` : text });
}
channel.post({ type: 'ready' });

function handle(m: HostToDashboard): void {
  switch (m.type) {
    case 'init':
      connected = true;
      config = m.config;
      // The host's runs win, in the host's (start) order; runs it does not know (or knows without points, after a
      // reload) keep what we had. Rebuilding the map keeps that order even when a `run` message for a new run
      // reached us before this `init` (the panel posts as soon as the run starts, `ready` may come later).
      {
        const before = runs;
        runs = new Map();
        for (const v of m.runs) {
          const old = before.get(v.summary.id);
          const keepOld = old && old.points.length > v.points.length;
          noteSaturation(v.summary.id, v.saturation);
          runs.set(v.summary.id, {
            summary: v.summary, points: keepOld ? old.points : v.points.slice(),
            gradThroughTime: v.gradThroughTime ?? old?.gradThroughTime ?? null, sample: v.sample ?? old?.sample ?? null,
          });
        }
        // A run the host does not know has no worker: whatever a restored state said, it is not running now.
        for (const [id, r] of before) if (!runs.has(id)) runs.set(id, { ...r, summary: unknownToHost(r.summary) });
      }
      experiment = m.experiment ?? experiment;
      gradCheck = m.gradCheck ?? gradCheck;
      fields = m.fields ?? fields;
      break;
    case 'run': {
      const r = runs.get(m.summary.id);
      if (r) r.summary = m.summary;
      else runs.set(m.summary.id, { summary: m.summary, points: [], gradThroughTime: null, sample: null });
      break;
    }
    case 'runRemoved':
      runs.delete(m.runId);
      delete colorIndex[m.runId];
      break;
    case 'metrics': {
      const r = runs.get(m.runId);
      if (!r) return;
      for (const p of m.points) r.points.push(p);
      const lastStep = m.points.at(-1)?.step;
      if (lastStep !== undefined) noteProgress(m.runId, lastStep);
      // Bounded memory: past the replay limit, keep every other point (the charts decimate anyway).
      if (r.points.length > DASHBOARD_LIMITS.runPoints) r.points = thin(r.points, DASHBOARD_LIMITS.runPoints / 2);
      if (m.gradThroughTime) r.gradThroughTime = m.gradThroughTime;
      noteSaturation(m.runId, m.saturation);
      break;
    }
    case 'sample': {
      const r = runs.get(m.runId);
      if (r) r.sample = m.sample;
      break;
    }
    case 'experiment':
      // A new experiment (none before, or the last one done): its card is scrolled into view.
      if (experiment === null || (experiment.done && !m.experiment.done)) scrollTarget = 'experiment-card';
      experiment = m.experiment;
      break;
    case 'gradCheck':
      scrollTarget = 'gradcheck-card';
      gradCheck = m.gradCheck;
      break;
    default:
      assertNever(m, 'host message');
  }
  scheduleRender();
}

/** The run the dashboard is about: the newest one a worker is training (or starting, pausing, stopping), else the newest. */
function current(): RunState | null {
  const all = [...runs.values()];
  const live = all.filter((r) => r.summary.state === 'starting' || r.summary.state === 'running' || r.summary.state === 'paused' || r.summary.state === 'stopping');
  return live.at(-1) ?? all.at(-1) ?? null;
}

function render(): void {
  const run = current();
  const task = run?.summary.task ?? 'lm';
  const unit = positionsName(task).toLowerCase();
  const colors = palette();
  const alpha = Number(smoothing.value);
  byId('smoothing-value').textContent = alpha.toFixed(2);

  // Each run has its own colour for as long as it exists (runColors.ts); the x axis is the step or the time.
  colorIndex = assignRunColors([...runs.keys()], colorIndex);
  const colorOf = (r: RunState): string => RUN_PALETTE[colorIndex[r.summary.id] ?? 0] as string;
  const mode: XAxisMode = xAxis.value === 'time' ? 'time' : 'step';
  const xy = (points: readonly MetricPoint[], y: (p: MetricPoint) => number | undefined): XY[] => pointsXY(points, mode, y);
  for (const c of [charts.loss, charts.grad, charts.layers, charts.bpc, charts.task, charts.speed]) setXAxis(c, mode);

  // Loss (lossChart.ts): every visible run, with the current run's raw loss, clips and best validation on top.
  const lossSets = lossDatasets(runs.values(), run, { mode, alpha, colorOf });
  setLogScale(charts.loss, 'y', logScale.checked);
  // The loss is a mean over what a step counts: tokens, target tokens or texts.
  setAxisTitle(charts.loss, `loss (nats/${unit.replace(/s$/, '')})`);
  setData(charts.loss, lossSets);
  byId('empty-hint').hidden = (run?.points.length ?? 0) > 0;

  const pts = run?.points ?? [];
  setData(charts.grad, [
    line('before clipping', colors[0] as string, { data: xy(pts, (p) => p.gradNorm ?? NaN) }),
    line('after clipping', colors[1] as string, { data: xy(pts, (p) => p.gradNormAfterClip ?? NaN), borderDash: [4, 3] }),
  ]);
  setData(charts.layers, (run?.summary.groups ?? []).map((g, k) =>
    line(g, colors[k % colors.length] as string, { data: xy(pts, (p) => p.groupNorms?.[k] ?? NaN) })));

  const gtt = run?.gradThroughTime ?? null;
  const layers = run?.summary.layers ?? 1;
  const heat = (document.querySelector('input[name="gtt-view"]:checked') as HTMLInputElement | null)?.value === 'heatmap';
  // One card, two views: the radio switches between the lines and the heatmap.
  byId('gtt-lines').hidden = heat;
  byId('gtt-heatmap-box').hidden = !heat;
  const { sets: gttSets, maxT } = gttDatasets(gtt, layers, colors);
  setData(charts.gtt, gttSets);
  const gx = charts.gtt.options.scales?.['x'];
  if (gx && gtt) gx.max = maxT - 1;
  byId('gtt-title').textContent = gttTitle(gtt?.stacks.map((st) => st.name) ?? []);
  if (heat) drawHeatmap(byId('gtt-heatmap') as HTMLCanvasElement, gtt, layers);
  renderSaturation(byId('saturation-card'), run?.summary.id ?? null, layers);

  // Bits per character for language models; the task's validation scores (in %) for the others.
  byId('bpc-card').hidden = task !== 'lm';
  byId('task-card').hidden = task === 'lm';
  if (task === 'lm') setData(charts.bpc, bpcDatasets(pts, mode, alpha, colors));
  else {
    const scores = taskScoreDatasets(task, pts, mode, colors);
    setData(charts.task, scores.sets);
    byId('task-title').textContent = scores.title;
  }

  setAxisTitle(charts.speed, `${unit} / second`);
  setData(charts.speed, [
    line(`${unit} / second`, colors[0] as string, { data: xy(pts, (p) => p.tokensPerSecond ?? NaN) }),
    line('learning rate', colors[1] as string, { data: xy(pts, (p) => p.lr ?? NaN), yAxisID: 'y2' }),
  ]);

  renderStats(run, alpha);
  renderRunControls(run?.summary ?? null);
  renderSample(run?.sample ?? null);
  renderExperiment();
  renderGradCheck(gradCheck);
  renderConfig(config);
  renderRuns(colorOf);
  if (scrollTarget) {
    const card = document.getElementById(scrollTarget);
    scrollTarget = null;
    // A result the user just asked for: bring its card into view (not while they read further down the page).
    if (card && !card.hidden) card.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  }
  byId('status').textContent = statusLine(run);
  persist();
}

let runsTableKey = '';
/**
 * The runs table, every run in start order with its colour (hidden ones too: that is where they are shown again).
 * Rebuilt only when what it shows changed: a table replaced ten times a second would swallow clicks on its buttons.
 */
function renderRuns(colorOf: (r: RunState) => string): void {
  const all = [...runs.values()];
  byId('runs-card').hidden = all.length === 0;
  if (all.length === 0) return;
  const rows: TableRun[] = all.map((r) => ({
    id: r.summary.id, name: r.summary.name, state: r.summary.state, color: colorOf(r), hidden: r.summary.hidden === true,
    config: r.summary.config, hasPoints: r.points.length > 0, validation: validationOf(r.points),
  }));
  const key = JSON.stringify([rows, fields.length, onlyDiffering.checked]);
  if (key === runsTableKey) return;
  runsTableKey = key;
  const differs = renderRunsTable(byId('runs-table') as HTMLTableElement, rows, fields, onlyDiffering.checked);
  byId('runs-summary').textContent = all.length < 2
    ? 'One run so far: train another (other settings, same data) to compare them here.'
    : differs.size === 0 ? `${all.length} runs with the same settings.` : `${all.length} runs; ${differs.size} setting${differs.size === 1 ? '' : 's'} differ (marked ≠): ${[...differs].join(', ')}.`;
}

function setAxisTitle(c: LineChart, text: string): void {
  const y = c.options.scales?.['y'] as { title?: { text?: string } } | undefined;
  if (y?.title) y.title.text = text;
}

function renderRunControls(s: RunSummary | null): void {
  const active = s !== null && (s.state === 'running' || s.state === 'paused' || s.state === 'starting');
  (byId('btn-pause') as HTMLButtonElement).disabled = s?.state !== 'running';
  (byId('btn-resume') as HTMLButtonElement).disabled = !connected || !canResume(s);
  (byId('btn-stop') as HTMLButtonElement).disabled = !active;
  const alert = byId('nonfinite');
  alert.hidden = !s?.nonFinite || s.state !== 'paused';
  if (s?.nonFinite) {
    // The message names the kind (loss, gradient, parameter after the update); the title names the tensor.
    const what = s.nonFinite.tensor === 'loss' ? 'The loss' : s.nonFinite.tensor;
    byId('nonfinite-title').textContent = `${what}: NaN or Infinity at step ${s.nonFinite.step}`;
    byId('nonfinite-message').textContent = s.nonFinite.message;
  }
  renderTrust(s, connected);
}

function renderExperiment(): void {
  byId('experiment-card').hidden = experiment === null;
  if (!experiment) return;
  const colors = palette();
  const e = experiment;
  const ex = charts.expGtt.options.scales?.['x'];
  if (ex) ex.max = e.T - 1;
  setData(charts.expGtt, e.series.map((s, k) => line(s.label, colors[k] as string, { data: s.gradThroughTime.map((y, t) => ({ x: t, y })), pointRadius: 1.5 })));
  setData(charts.expLoss, e.series.map((s, k) => line(s.label, colors[k] as string, { data: ema(s.loss.map((p) => ({ x: p.step, y: p.loss })), 0.8) })));
  renderExperimentSummary(e);
}

function statusLine(run: RunState | null): string {
  if (!connected) return run ? `Restored · ${run.summary.name} · ${steps(run.points.length)} (waiting for SeqLab…)` : 'Connecting to SeqLab…';
  if (!run) return 'Connected · no training steps yet';
  const state = stateText(run.summary);
  return `Connected · ${run.summary.name} · ${state} · ${steps(run.points.length)}${runs.size > 1 ? ` · ${runs.size} runs` : ''}`;
}

function steps(n: number): string {
  return n === 0 ? 'no training steps yet' : `${n} step${n === 1 ? '' : 's'}`;
}

function setData(c: LineChart, sets: ReturnType<typeof line>[]): void {
  c.data.datasets = sets;
  chartUpdates.add(c);
}

let persistTimer: ReturnType<typeof setTimeout> | null = null;
/** Saves the state (points thinned to 4000 per run) at most every 2 s, for the restore after a reload. */
function persist(): void {
  persistTimer ??= setTimeout(() => {
    persistTimer = null;
    channel.setState({
      runs: [...runs.values()].map((r) => ({ summary: r.summary, points: thin(r.points, 4000), gradThroughTime: r.gradThroughTime, sample: r.sample })),
      experiment, gradCheck, smoothing: Number(smoothing.value), log: logScale.checked,
      colors: colorIndex, xAxis: xAxis.value === 'time' ? 'time' : 'step', onlyDiffering: onlyDiffering.checked,
      gttView: (document.querySelector('input[name="gtt-view"]:checked') as HTMLInputElement | null)?.value === 'heatmap' ? 'heatmap' : 'lines',
    });
  }, 2000);
}

function restore(saved: Persisted | undefined): void {
  // The saved state is checked like a replay from the host: one written by another version is dropped, not drawn.
  let s: Persisted | undefined;
  try {
    if (saved) parseHostToDashboard({ type: 'init', config: { hiddenSize: 1, seed: 0 }, runs: saved.runs, experiment: saved.experiment, gradCheck: saved.gradCheck });
    s = saved;
  } catch (e) {
    reportError(`ignored the dashboard's saved state: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!s) {
    scheduleRender();
    return;
  }
  for (const v of s.runs) runs.set(v.summary.id, { summary: v.summary, points: v.points.slice(), gradThroughTime: v.gradThroughTime, sample: v.sample });
  experiment = s.experiment;
  gradCheck = s.gradCheck;
  smoothing.value = String(s.smoothing);
  logScale.checked = s.log;
  colorIndex = s.colors && typeof s.colors === 'object' ? { ...s.colors } : {};
  xAxis.value = s.xAxis === 'time' ? 'time' : 'step';
  onlyDiffering.checked = s.onlyDiffering === true;
  const radio = document.querySelector<HTMLInputElement>(`input[name="gtt-view"][value="${s.gttView}"]`);
  if (radio) radio.checked = true;
  scheduleRender();
}

// For tests and debugging: what each chart holds (raw point counts and values), read inside the webview.
(window as unknown as { seqlabDashboard: unknown }).seqlabDashboard = {
  charts: () => Object.fromEntries(Object.entries(charts).map(([k, c]) => [k, describeChart(c)])),
  runs: () => [...runs.values()].map((r) => ({ id: r.summary.id, name: r.summary.name, state: r.summary.state, task: r.summary.task, points: r.points.length })),
  /** Which chart cards are shown now (cards hide by task: bits per character for lm, scores for the others). */
  visible: () => Object.fromEntries(Object.keys(charts).map((k) => [k, !(document.getElementById(`${k}-card`)?.hidden ?? false)])),
  experiment: () => experiment,
  gradCheck: () => gradCheck,
  /** Each run's colour and whether it is hidden (the runs table's state). */
  runColors: () => [...runs.values()].map((r) => ({ id: r.summary.id, name: r.summary.name, color: RUN_PALETTE[colorIndex[r.summary.id] ?? 0], hidden: r.summary.hidden === true })),
};
