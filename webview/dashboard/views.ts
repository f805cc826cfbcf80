// The dashboard's non-chart views: the numbers line (model, state, loss, learning rate, tokens/s, ETA), the
// time × layer heatmap of ‖∂L/∂h_t‖ (one band per recurrent stack) (plain canvas: chart.js has no heatmap), the experiment's summary and the
// gradient-check table. Everything is set through textContent: host strings are never parsed as HTML.
import type { DashboardConfig, DashboardTask, ExperimentView, GradCheckView, GradThroughTime, MetricPoint, RunSummary, TextSample } from '../../src/protocol/dashboard';
import { themeColor } from '../common/vscodeApi';
import { etaText, stateText } from './trust';

export function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`dashboard markup lacks #${id}`);
  return el;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

const fmt = (x: number | undefined, digits = 4): string =>
  x === undefined ? '–' : Number.isNaN(x) ? 'NaN' : !Number.isFinite(x) ? (x > 0 ? '+Infinity' : '−Infinity') : x.toPrecision(digits);

export function renderStats(run: { summary: RunSummary; points: MetricPoint[] } | null, alpha: number): void {
  const rows: [string, string][] = [];
  if (run) {
    const s = run.summary, pts = run.points, last = pts.at(-1);
    const recent = pts.slice(-20);
    const tps = recent.reduce((a, p) => a + (p.tokensPerSecond ?? 0), 0) / Math.max(1, recent.length);
    const step = last?.step ?? 0;
    const eta = etaText(s, pts);
    const lastValid = [...pts].reverse().find((p) => p.validLoss !== undefined || p.validMetrics !== undefined);
    const valid = lastValid?.validLoss;
    let smooth = NaN;
    let sw = 0, sv = 0;
    for (const p of pts.slice(-200)) if (Number.isFinite(p.loss)) (sv = alpha * sv + (1 - alpha) * p.loss), (sw = alpha * sw + (1 - alpha));
    if (sw > 0) smooth = sv / sw;
    rows.push(
      ['Model', s.model], ['State', stateText(s)], ['Step', String(s.state === 'interrupted' && s.trust ? Math.max(step, s.trust.step) : step)],
      ['Loss', s.nonFinite ? 'NaN / Infinity (weights rolled back)' : `${fmt(last?.loss)} (smoothed ${fmt(smooth)})`], ['Validation loss', fmt(valid)],
      ['Best validation', s.trust?.best ? `${fmt(s.trust.best.validLoss)} at step ${s.trust.best.step}` : '–'],
      ...taskRows(s.task, last, lastValid),
      ['Learning rate', fmt(last?.lr, 3)], [`${positionsName(s.task)} / s`, recent.length ? Math.round(tps).toLocaleString('en-US') : '–'], ['ETA', eta],
    );
    // A warning from the run (e.g. a loss far above chance) stays visible until the run moves on.
    if (s.message && !s.nonFinite) rows.push(['Note', s.message]);
  } else {
    rows.push(['Model', 'none yet: run “SeqLab: New Model…” or “SeqLab: Train on Selection”']);
  }
  byId('stats').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
}

/**
 * The name of row `r` of a recurrent stack's ‖∂L/∂h_t‖: rows are layer-major with the direction inner
 * (engine/trainer.ts gradientThroughTime: row = layer × D + direction), so a stack with 2 × layers rows is
 * bidirectional (→ forward, ← reverse).
 */
export function rowLabel(stack: string, r: number, rows: number, layers: number): string {
  const prefix = stack === 'rnn' ? '' : `${stack} `;
  if (rows === layers) return `${prefix}layer ${r + 1}`;
  if (rows === 2 * layers) return `${prefix}layer ${Math.floor(r / 2) + 1} ${r % 2 ? '←' : '→'}`;
  return `${prefix}row ${r + 1}`;
}

/**
 * ‖∂L/∂h_t‖ as colour: one band of rows per recurrent stack (seq2seq: encoder above decoder), rows = layers,
 * columns = time steps, log₁₀ scale from the smallest to the largest value over all stacks.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, g: GradThroughTime | null, layers: number): void {
  const box = canvas.parentElement?.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const W = Math.max(200, box?.width ?? 600), H = Math.max(120, box?.height ?? 240);
  canvas.width = W * dpr;
  canvas.height = H * dpr;
  canvas.style.width = `${W}px`;
  canvas.style.height = `${H}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.scale(dpr, dpr);
  ctx.clearRect(0, 0, W, H);
  const fg = themeColor('foreground', '#888');
  ctx.fillStyle = fg;
  ctx.font = `12px ${themeColor('font-family', 'sans-serif')}`;
  const stacks = g?.stacks ?? [];
  if (!g || stacks.length === 0) {
    ctx.fillText('No gradient-through-time data yet.', 12, 24);
    return;
  }
  const left = 110, bottom = 36, top = 8, right = 90;
  const maxT = stacks.reduce((m, s) => Math.max(m, s.T), 1);
  const totalRows = stacks.reduce((n, s) => n + s.rows, 0);
  const cw = (W - left - right) / maxT, ch = (H - top - bottom) / totalRows;
  // A loop, not Math.min(...values): spreading rows × T values into a call can exceed the argument limit.
  let lo = Infinity, hi = -Infinity;
  for (const s of stacks)
    for (const v of s.values) {
      if (v > 0 && Number.isFinite(v)) {
        const l = Math.log10(v);
        if (l < lo) lo = l;
        if (l > hi) hi = l;
      }
    }
  const span = Math.max(1e-9, hi - lo);
  const base = themeColor('charts-blue', '#3794ff');
  let row0 = 0;
  for (const s of stacks) {
    for (let r = 0; r < s.rows; r++) {
      const y = top + (row0 + r) * ch;
      for (let t = 0; t < s.T; t++) {
        const v = s.values[r * s.T + t] as number;
        ctx.globalAlpha = v > 0 ? 0.08 + 0.92 * ((Math.log10(v) - lo) / span) : 0.02;
        ctx.fillStyle = base;
        ctx.fillRect(left + t * cw, y, Math.ceil(cw), Math.ceil(ch) - 1);
      }
      ctx.globalAlpha = 1;
      ctx.fillStyle = fg;
      ctx.fillText(rowLabel(s.name, r, s.rows, layers), 6, y + ch / 2 + 4);
    }
    row0 += s.rows;
  }
  ctx.globalAlpha = 1;
  ctx.fillStyle = fg;
  ctx.fillText('0', left, H - bottom + 14);
  ctx.fillText(String(maxT - 1), left + (maxT - 1) * cw, H - bottom + 14);
  ctx.fillText(`time step t → (step ${g.step})`, left + (W - left - right) / 2 - 60, H - 6);
  // The scale as numbers a reader knows (4.0e-3 … 7.9e-7), not exponents of exponents ("1e-2.4").
  ctx.fillText(`max ${(10 ** hi).toExponential(1)}`, W - right + 8, top + 12);
  ctx.fillText(`min ${(10 ** lo).toExponential(1)}`, W - right + 8, H - bottom);
}

/** What a step's tokensPerSecond counts, by task (the training protocol's TrainMetric.tokensPerSecond). */
export function positionsName(task: DashboardTask): string {
  return task === 'seq2seq' ? 'Target tokens' : task === 'classify' ? 'Texts' : 'Tokens';
}

/** The task's own numbers: bits per character for a language model, the validation scores for the others. */
function taskRows(task: DashboardTask, last: MetricPoint | undefined, valid: MetricPoint | undefined): [string, string][] {
  const share = (x: number | undefined): string => (x === undefined ? '–' : `${(100 * x).toFixed(1)} %`);
  const m = valid?.validMetrics;
  switch (task) {
    case 'lm':
      return [['Bits / character', `${fmt(last?.bitsPerChar, 3)} (validation ${fmt(valid?.validBitsPerChar, 3)})`]];
    case 'seq2seq':
      return [['Exact match', share(m?.exactMatch)], ['Token accuracy', share(m?.tokenAccuracy)]];
    case 'classify':
    case 'tag':
      return [[task === 'tag' ? 'Tag accuracy' : 'Accuracy', share(m?.accuracy)]];
    case 'one-to-many':
      return [['Label accuracy', share(m?.accuracy)]];
  }
}

/** ‖∂L/∂h_{T−1}‖ / ‖∂L/∂h_0‖: how many times the gradient shrinks on its way back to the first step. */
export function decayRatio(g: readonly number[]): number {
  const first = g[0] ?? 0, last = g[g.length - 1] ?? 0;
  return first > 0 ? last / first : Infinity;
}

export function renderExperimentSummary(e: ExperimentView): void {
  const parts = e.series.map((s) => {
    const acc = s.accuracy === null ? '' : `, held-out accuracy ${(100 * s.accuracy).toFixed(0)} %`;
    return `${s.label}: the gradient shrinks ${decayRatio(s.gradThroughTime).toExponential(1)}× from t = ${e.T - 1} back to t = 0${acc}`;
  });
  const progress = e.done ? `done after ${e.totalSteps} steps` : `step ${e.step} of ${e.totalSteps}`;
  byId('experiment-summary').textContent = `${e.title} (${progress}). ${parts.join('; ')}.`;
}

export function renderGradCheck(g: GradCheckView | null): void {
  byId('gradcheck-card').hidden = g === null;
  if (!g) return;
  const bad = g.rows.filter((r) => !r.ok).length;
  byId('gradcheck-summary').textContent = `${g.model}. Central differences with ε = ${g.epsilon} in Float64: ` +
    (bad === 0 ? `all ${g.rows.length} tensors agree.` : `${bad} of ${g.rows.length} tensors DISAGREE.`);
  const head = el('tr');
  for (const h of ['tensor', 'shape', 'entries checked', 'max |analytic − numeric|', 'max relative error', '']) head.append(el('th', h));
  const rows = g.rows.map((r) => {
    const tr = el('tr');
    tr.append(el('td', r.tensor), el('td', `[${r.shape.join(', ')}]`), el('td', String(r.checked)), el('td', r.maxAbsError.toExponential(2)),
      el('td', r.maxRelError.toExponential(2)), el('td', r.ok ? '✓ agrees' : '✗ differs', r.ok ? 'ok' : 'bad'));
    return tr;
  });
  const table = byId('gradcheck-table');
  table.replaceChildren(head);
  for (const tr of rows) table.append(tr); // one append per row: no data-sized spread into a call
}

/** The latest generated sample of the current run, with what it continued. */
export function renderSample(s: TextSample | null): void {
  byId('sample').textContent = s ? `${s.prompt}⟫${s.text}` : '';
  byId('sample-caption').textContent = s
    ? `At step ${s.step}, continuing “${s.prompt.trim()}” (the prompt is before ⟫; temperature 0.8):`
    : 'A sample of generated text appears here every few seconds while a model trains.';
}

/** The Settings card: the hidden size and the seed of the dashboard's config. */
export function renderConfig(config: DashboardConfig | null): void {
  if (!config) return;
  const rows: [string, string][] = [['hidden size', String(config.hiddenSize)], ['seed', String(config.seed)]];
  byId('config').replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    return [dt, dd];
  }));
}
