// Attention webview: source tokens, decoded tokens, the (T × S) alignment heatmap and each step's alternatives,
// for a translation (Translate Selection) or a live frame of a seq2seq run in training (the same drawing; a live
// frame says which step's weights it shows, and a new frame of the same source keeps the hovered token). Hovering a decoded token (or a heatmap row) shades every source token by its
// attention weight (the --w custom property drives the colour in attention.css) and prints the weights;
// a click pins the token so the view stays put when the pointer leaves. The focused step is posted to the
// host, which paints the same weights on the source text in the editor.
// Styles are set through the CSSOM only (CSP has no 'unsafe-inline').
import { assertNever } from '../../src/protocol/assertNever';
import { ATTENTION_LIMITS, parseHostToAttention, type AttentionToHost, type AttentionView, type HostToAttention } from '../../src/protocol/attention';
import { connect } from '../common/vscodeApi';
import { renderBeamTree } from './beamTree';

const channel = connect<AttentionToHost, { pinned: number | null }>();
const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;

let view: AttentionView | null = null;
let pinned: number | null = channel.getState()?.pinned ?? null;
let hovered: number | null = null;

/** Visible form of a token: spaces and line breaks would otherwise vanish. */
function show(token: string): string {
  return token.replace(/ /g, '\u2423').replace(/\n/g, '\u21b5').replace(/\t/g, '\u21e5');
}

const pct = (p: number): string => `${(100 * p).toFixed(p >= 0.995 || p < 0.0005 ? 0 : 1)}%`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render(v: AttentionView): void {
  // A live frame of the same source replaces the weights under a pointer that has not moved: keep its token.
  const sameSource = v.live !== undefined && view?.live !== undefined && view.source === v.source;
  view = v;
  if (pinned !== null && pinned >= v.outputTokens.length) pinned = null;
  if (!sameSource || (hovered !== null && hovered >= v.outputTokens.length)) hovered = null;
  $('main').hidden = false;
  $('main').dataset.step = v.live ? String(v.live.step) : '';
  const beam = v.beamWidth > 1 ? `beam search, width ${v.beamWidth}` : 'greedy decoding';
  $('status').textContent = v.live
    ? `Training “${v.live.run}” · weights of step ${v.live.step} · following ${v.live.following === 'line' ? 'the line you picked' : 'the first validation pair'}`
    : `${v.model} · ${beam} · “${v.source}” → “${v.output}”${v.finished ? '' : ' (stopped at the length cap)'}` + (v.weights ? '' : ' · this model has no attention');
  const live = $('live');
  live.hidden = !v.live;
  if (v.live) {
    live.textContent = `“${v.source}” → “${v.output}”${v.live.reference !== null ? ` (reference “${v.live.reference}”)` : ''}. ` +
      'The view updates every few seconds with the current weights: watch the alignment go from uniform to sharp.';
  }

  const source = $('source');
  // A fragment, not replaceChildren(...tokens): no data-sized spread into a call.
  const sourceSpans = document.createDocumentFragment();
  v.sourceTokens.forEach((t, j) => {
    const s = el('span', 'tok src');
    s.dataset.j = String(j);
    s.append(el('span', 'text', show(t)), el('span', 'w', ''));
    sourceSpans.append(s);
  });
  source.replaceChildren(sourceSpans);

  const output = $('output');
  const outputSpans = document.createDocumentFragment();
  v.outputTokens.forEach((t, i) => {
    const s = el('span', 'tok out', show(t));
    s.dataset.t = String(i);
    s.tabIndex = 0;
    if (v.probs) s.title = `p = ${pct(v.probs[i] ?? 0)}`;
    s.addEventListener('mouseenter', () => setHover(i));
    s.addEventListener('focus', () => setHover(i));
    s.addEventListener('click', () => togglePin(i));
    s.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        togglePin(i);
      }
    });
    outputSpans.append(s);
  });
  output.replaceChildren(outputSpans);
  output.onmouseleave = () => setHover(null);

  const table = $('heatmap') as HTMLTableElement;
  table.replaceChildren();
  // The weights drawn, for tests and tools reading the view (rounded as the cells' --w).
  table.dataset.weights = JSON.stringify(v.weights?.map((row) => row.map((w) => Number(w.toFixed(4)))) ?? null);
  if (v.weights) {
    const head = table.createTHead().insertRow();
    head.append(el('th', 'corner', ''));
    for (const t of v.sourceTokens) head.append(el('th', 'col', show(t)));
    const body = table.createTBody();
    v.weights.forEach((row, i) => {
      const tr = body.insertRow();
      tr.dataset.t = String(i);
      tr.append(el('th', 'rowhead', show(v.outputTokens[i] ?? '')));
      row.forEach((w, j) => {
        const td = el('td', 'cell');
        td.style.setProperty('--w', w.toFixed(4));
        td.title = `${show(v.outputTokens[i] ?? '')} → ${show(v.sourceTokens[j] ?? '')}: ${w.toFixed(3)}`;
        tr.append(td);
      });
      tr.addEventListener('mouseenter', () => setHover(i));
      tr.addEventListener('click', () => togglePin(i));
    });
    table.onmouseleave = () => setHover(null);
  }
  renderBeamTree($('beam-card'), v);
  paint();
}

function setHover(i: number | null): void {
  hovered = i;
  paint();
}

function togglePin(i: number): void {
  pinned = pinned === i ? null : i;
  channel.setState({ pinned });
  paint();
}

/** Draws the focused step (hovered, else pinned) everywhere and tells the host. */
function paint(): void {
  const v = view;
  if (!v) return;
  const step = hovered ?? pinned;
  const row = step !== null && v.weights ? v.weights[step] : null;
  document.querySelectorAll<HTMLElement>('#source .tok').forEach((s, j) => {
    const w = row ? row[j] ?? 0 : 0;
    s.style.setProperty('--w', w.toFixed(4));
    s.classList.toggle('lit', row !== null);
    (s.querySelector('.w') as HTMLElement).textContent = row ? w.toFixed(2) : '';
  });
  document.querySelectorAll<HTMLElement>('#output .tok').forEach((s, i) => {
    s.classList.toggle('active', i === step);
    s.classList.toggle('pinned', i === pinned);
  });
  document.querySelectorAll<HTMLElement>('#heatmap tbody tr').forEach((tr, i) => tr.classList.toggle('active', i === step));

  const detail = $('detail');
  if (step === null) {
    detail.textContent = !v.weights ? '' : v.alternatives ? 'Hover a decoded token to see its attention and the alternatives the model weighed.' : 'Hover a decoded token to see its attention; click to pin it.';
  } else {
    detail.replaceChildren();
    const head = el('div', 'step-head');
    const prob = v.probs ? ` p = ${pct(v.probs[step] ?? 0)}` : '';
    head.append(el('strong', '', `Step ${step + 1}: “${show(v.outputTokens[step] ?? '')}”`), el('span', '', `${prob}${step === pinned ? ' · pinned (click again to unpin)' : ''}`));
    if (v.alternatives) detail.append(head, el('div', 'label', 'Top alternatives'), alternatives(v.alternatives[step] ?? [], v.outputTokens[step]));
    else {
      // A live frame carries weights only: name the source token this step looks at most.
      const best = row ? row.reduce((b, w, j) => (w > (row[b] ?? 0) ? j : b), 0) : -1;
      detail.append(head, el('div', 'label', best >= 0 ? `Looks most at “${show(v.sourceTokens[best] ?? '')}” (${pct(row?.[best] ?? 0)})` : ''));
    }
  }
  channel.post({ type: 'focus', step: row ? step : null, pinned: step !== null && step === pinned });
}

/** The top alternatives of one step, best first, the chosen token in bold. */
function alternatives(list: readonly { token: string; prob: number }[], chosen: string | undefined): HTMLOListElement {
  const alts = el('ol', 'alternatives');
  alts.setAttribute('aria-label', 'Top alternatives at this step');
  for (const a of list) {
    const li = el('li', a.token === chosen ? 'chosen' : '');
    const bar = el('span', 'bar');
    bar.style.setProperty('--p', a.prob.toFixed(4));
    li.append(el('code', '', show(a.token)), bar, el('span', 'prob', pct(a.prob)));
    alts.append(li);
  }
  return alts;
}

channel.onMessage((raw) => {
  let m: HostToAttention;
  try {
    m = parseHostToAttention(raw);
  } catch (e) {
    // Reported to the host (which logs it) and dropped: only a checked view is drawn.
    reportError(e instanceof Error ? e.message : e);
    return;
  }
  switch (m.type) {
    case 'show':
      render(m.view);
      break;
    default:
      assertNever(m.type, 'host message');
  }
});
window.addEventListener('error', (e) => reportError(e.message));

/** One error message the channel accepts: the text cut to its length limit. */
function reportError(e: unknown): void {
  const text = String(e), max = ATTENTION_LIMITS.messageChars;
  channel.post({ type: 'error', message: text.length > max ? `${text.slice(0, max - 1)}…` : text });
}
// For tests and debugging: the view drawn now (a live frame's step and weights included).
(window as unknown as { seqlabAttention: unknown }).seqlabAttention = { view: () => view, pinned: () => pinned };
channel.post({ type: 'ready' });
