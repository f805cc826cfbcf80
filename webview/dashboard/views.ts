// The dashboard's non-chart views: the numbers line (model, state, loss, learning rate, tokens/s, ETA), the
// time × layer heatmap of ‖∂L/∂h_t‖ (plain canvas: chart.js has no heatmap), the experiment's summary and the
// gradient-check table. Everything is set through textContent: host strings are never parsed as HTML.
import type { ExperimentView, GradCheckView, GradThroughTime, MetricPoint, RunSummary } from '../../src/protocol/dashboard';
import { themeColor } from '../common/vscodeApi';

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

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function renderStats(run: { summary: RunSummary; points: MetricPoint[] } | null, alpha: number): void {
  const rows: [string, string][] = [];
  if (run) {
    const s = run.summary, pts = run.points, last = pts.at(-1);
    const recent = pts.slice(-20);
    const tps = recent.reduce((a, p) => a + (p.tokensPerSecond ?? 0), 0) / Math.max(1, recent.length);
    const stepsPerSecond = tps / Math.max(1, s.tokensPerStep);
    const step = last?.step ?? 0;
    let eta = '–';
    if (s.state === 'running' && stepsPerSecond > 0) {
      if (s.maxSteps > 0) eta = `${duration((s.maxSteps - step) / stepsPerSecond)} (to step ${s.maxSteps})`;
      else if (s.trainTokens > 0) {
        const perEpoch = Math.max(1, Math.floor(s.trainTokens / s.tokensPerStep));
        eta = `${duration((perEpoch - (step % perEpoch)) / stepsPerSecond)} to the end of this epoch`;
      }
    }
    const valid = [...pts].reverse().find((p) => p.validLoss !== undefined)?.validLoss;
    let smooth = NaN;
    let sw = 0, sv = 0;
    for (const p of pts.slice(-200)) if (Number.isFinite(p.loss)) (sv = alpha * sv + (1 - alpha) * p.loss), (sw = alpha * sw + (1 - alpha));
    if (sw > 0) smooth = sv / sw;
    rows.push(
      ['Model', s.model], ['State', s.nonFinite ? `paused: non-finite value at step ${s.nonFinite.step}` : s.state], ['Step', String(step)],
      ['Loss', s.nonFinite ? 'NaN / Infinity (weights rolled back)' : `${fmt(last?.loss)} (smoothed ${fmt(smooth)})`], ['Validation loss', fmt(valid)],
      ['Learning rate', fmt(last?.lr, 3)], ['Tokens / s', recent.length ? Math.round(tps).toLocaleString('en-US') : '–'], ['ETA', eta],
    );
    // A warning from the run (e.g. a loss far above chance) stays visible until the run moves on.
    if (s.message && !s.nonFinite) rows.push(['Note', s.message]);
  } else {
    rows.push(['Model', 'none yet: run “SeqLab: New Model…” or “SeqLab: Train on Selection”']);
  }
  byId('stats').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
}

/** ‖∂L/∂h_t‖ as colour: rows = layers, columns = time steps, log₁₀ scale from the smallest to the largest value. */
export function drawHeatmap(canvas: HTMLCanvasElement, g: GradThroughTime | null): void {
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
  if (!g || g.T === 0) {
    ctx.fillText('No gradient-through-time data yet.', 12, 24);
    return;
  }
  const left = 64, bottom = 36, top = 8, right = 90;
  const cw = (W - left - right) / g.T, ch = (H - top - bottom) / g.rows;
  // A loop, not Math.min(...values): spreading rows × T values into a call can exceed the argument limit.
  let lo = Infinity, hi = -Infinity;
  for (const v of g.values) {
    if (v > 0 && Number.isFinite(v)) {
      const l = Math.log10(v);
      if (l < lo) lo = l;
      if (l > hi) hi = l;
    }
  }
  const span = Math.max(1e-9, hi - lo);
  const base = themeColor('charts-blue', '#3794ff');
  for (let r = 0; r < g.rows; r++)
    for (let t = 0; t < g.T; t++) {
      const v = g.values[r * g.T + t] as number;
      ctx.globalAlpha = v > 0 ? 0.08 + 0.92 * ((Math.log10(v) - lo) / span) : 0.02;
      ctx.fillStyle = base;
      ctx.fillRect(left + t * cw, top + r * ch, Math.ceil(cw), Math.ceil(ch) - 1);
    }
  ctx.globalAlpha = 1;
  ctx.fillStyle = fg;
  for (let r = 0; r < g.rows; r++) ctx.fillText(`layer ${r + 1}`, 6, top + (r + 0.5) * ch + 4);
  ctx.fillText('0', left, H - bottom + 14);
  ctx.fillText(String(g.T - 1), left + (g.T - 1) * cw, H - bottom + 14);
  ctx.fillText(`time step t → (step ${g.step})`, left + (W - left - right) / 2 - 60, H - 6);
  ctx.fillText(`max 1e${hi.toFixed(1)}`, W - right + 8, top + 12);
  ctx.fillText(`min 1e${lo.toFixed(1)}`, W - right + 8, H - bottom);
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
