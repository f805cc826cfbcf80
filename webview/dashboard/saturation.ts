// Gate saturation on the dashboard, next to ‖∂L/∂h_t‖ (issue #17; Karpathy, Johnson & Fei-Fei 2015, fig. 3): for
// each layer and sigmoid gate of an LSTM or GRU run, one bar split into the share of activations below 0.1
// (left-saturated, blue), in between (grey) and above 0.9 (right-saturated, orange), at the latest measured step.
// The bars are DOM elements sized through the CSSOM (CSP forbids inline styles), redrawn only when a new
// measurement arrives or the shown run changes. The host sends at most one view per metrics batch.
import type { GateSaturationView } from '../../src/protocol/saturation';
import { rowLabel } from './views';

const latest = new Map<string, GateSaturationView>();
let drawn: GateSaturationView | null = null;

/** Keeps the newest saturation of a run (from `init` or a `metrics` batch). */
export function noteSaturation(runId: string, view: GateSaturationView | null | undefined): void {
  if (view) latest.set(runId, view);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const pct = (v: number): string => `${(100 * v).toFixed(v > 0 && v < 0.01 ? 1 : 0)}%`;

/** Shows the saturation of `runId` (hidden for runs without gates). `layers`: the run's layers per stack. */
export function renderSaturation(card: HTMLElement, runId: string | null, layers: number): void {
  const view = runId ? latest.get(runId) ?? null : null;
  card.hidden = view === null;
  if (view === drawn) return;
  drawn = view;
  const body = card.querySelector('#saturation-bars') as HTMLElement;
  const caption = card.querySelector('#saturation-step') as HTMLElement;
  body.replaceChildren();
  if (!view) return;
  caption.textContent = `step ${view.step}`;
  const K = view.gates.length;
  // The raw shares, for tests and tools reading the view.
  body.dataset.saturation = JSON.stringify(view);
  for (const st of view.stacks) {
    for (let r = 0; r < st.rows; r++) {
      const group = el('div', 'sat-group');
      group.append(el('div', 'sat-layer', rowLabel(st.name, r, st.rows, layers)));
      for (let k = 0; k < K; k++) {
        const lo = st.low[r * K + k] ?? 0, hi = st.high[r * K + k] ?? 0;
        const row = el('div', 'sat-row');
        row.title = `${view.gates[k]} gate: ${pct(lo)} of activations < 0.1, ${pct(hi)} > 0.9, ${pct(Math.max(0, 1 - lo - hi))} in between`;
        const bar = el('div', 'sat-bar');
        const left = el('span', 'sat-low'), mid = el('span', 'sat-mid'), right = el('span', 'sat-high');
        left.style.setProperty('--share', lo.toFixed(4));
        mid.style.setProperty('--share', Math.max(0, 1 - lo - hi).toFixed(4));
        right.style.setProperty('--share', hi.toFixed(4));
        bar.append(left, mid, right);
        row.append(el('span', 'sat-gate', view.gates[k]), el('span', 'sat-num sat-num-low', pct(lo)), bar, el('span', 'sat-num sat-num-high', pct(hi)));
        group.append(row);
      }
      body.append(group);
    }
  }
}
