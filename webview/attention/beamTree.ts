// The beam-search tree in the attention view (Seq2Seq-Vis, Strobelt et al. 2018): one column per decoding step,
// one box per hypothesis the beam kept there (its token and log P), a line to the hypothesis it extends, the
// finished ones (ended by <eos>) dashed, the returned path drawn thick. Hovering or focusing a box shows that
// hypothesis (its tokens so far, log P, score) and shades the source tokens by ITS attention at that step, which
// may differ from the winner's. SVG built through the DOM; styles come from beamTree.css (no inline styles: CSP).
import type { AttentionView } from '../../src/protocol/attention';
import type { BeamTreeView } from '../../src/protocol/beamTree';

const SVG = 'http://www.w3.org/2000/svg';
const COL = 104, ROW = 36, BOX_W = 88, BOX_H = 28, PAD = 8, HEAD = 18;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, cls = ''): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (cls) e.setAttribute('class', cls);
  return e;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const showToken = (t: string): string => t.replace(/ /g, '\u2423').replace(/\n/g, '\u21b5').replace(/\t/g, '\u21e5');
const cutToken = (t: string): string => (t.length > 9 ? `${t.slice(0, 8)}…` : t);

/** Draws `v.beamTree` into `card` (hidden when the view has none). */
export function renderBeamTree(card: HTMLElement, v: AttentionView): void {
  const tree = v.beamTree;
  card.hidden = !tree;
  const holder = card.querySelector('#beam-tree') as HTMLElement, detail = card.querySelector('#beam-detail') as HTMLElement;
  holder.replaceChildren();
  detail.replaceChildren();
  if (!tree) return;
  // Rows within a step: the order the beam recorded them (live best first, then the finished ones of that step).
  const row = new Array<number>(tree.nodes.length);
  const perStep: number[] = [];
  tree.nodes.forEach((n, i) => {
    row[i] = perStep[n.step] ?? 0;
    perStep[n.step] = row[i] + 1;
  });
  const steps = perStep.length, rows = Math.max(1, ...perStep);
  const width = PAD * 2 + steps * COL, height = HEAD + PAD * 2 + rows * ROW;
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': 'Beam search tree' }, 'beam-svg');
  const x = (step: number): number => PAD + step * COL, y = (i: number): number => HEAD + PAD + row[i] * ROW;
  const chosen = new Set(tree.chosen);
  for (let s = 0; s < steps; s++) root.append(Object.assign(svg('text', { x: x(s) + BOX_W / 2, y: 12, 'text-anchor': 'middle' }, 'beam-head'), { textContent: `step ${s + 1}` }));
  const edges = svg('g', {}), boxes = svg('g', {});
  root.append(edges, boxes);
  const edgeOf = new Map<number, SVGPathElement>();
  tree.nodes.forEach((n, i) => {
    if (n.parent < 0) return;
    const x0 = x(n.step - 1) + BOX_W, y0 = y(n.parent) + BOX_H / 2, x1 = x(n.step), y1 = y(i) + BOX_H / 2, mx = (x0 + x1) / 2;
    const path = svg('path', { d: `M${x0},${y0} C${mx},${y0} ${mx},${y1} ${x1},${y1}` }, `beam-edge${chosen.has(i) ? ' chosen' : ''}`);
    edgeOf.set(i, path);
    edges.append(path);
  });
  const boxOf: SVGGElement[] = [];
  tree.nodes.forEach((n, i) => {
    const g = svg('g', { transform: `translate(${x(n.step)},${y(i)})`, tabindex: 0, role: 'button', 'data-node': i }, `beam-node${chosen.has(i) ? ' chosen' : ''}${n.finished ? ' finished' : ''}`);
    // Named by aria-label, not an SVG <title>: the page keeps one <title> (tools find a webview by it), and the
    // hover detail below says the same and more.
    g.setAttribute('aria-label', `${showToken(n.token)} · log P ${n.logProb.toFixed(3)}${n.finished ? ' · finished' : ''}${chosen.has(i) ? ' · on the chosen path' : ''}`);
    const tokenText = svg('text', { x: 6, y: 12 }, 'beam-token');
    tokenText.textContent = cutToken(showToken(n.token));
    const lp = svg('text', { x: 6, y: 24 }, 'beam-logp');
    lp.textContent = n.logProb.toFixed(2);
    g.append(svg('rect', { width: BOX_W, height: BOX_H, rx: 4 }), tokenText, lp);
    g.addEventListener('mouseenter', () => focus(i));
    g.addEventListener('focus', () => focus(i));
    boxOf.push(g);
    boxes.append(g);
  });
  holder.append(root);
  root.addEventListener('mouseleave', () => focus(null));
  detail.textContent = 'Hover a hypothesis to see its tokens, its log-probability and where it looked in the source at that step.';

  /** Highlights node i's path and shows its attention; null restores the default. */
  function focus(i: number | null): void {
    const path = new Set<number>();
    for (let k = i ?? -1; k >= 0; k = tree!.nodes[k]!.parent) path.add(k);
    boxOf.forEach((b, k) => b.classList.toggle('hovered', path.has(k)));
    edgeOf.forEach((e, k) => e.classList.toggle('hovered', path.has(k)));
    if (i === null) {
      detail.textContent = 'Hover a hypothesis to see its tokens, its log-probability and where it looked in the source at that step.';
      return;
    }
    detail.replaceChildren(...describe(tree!, i, v));
  }
}

function describe(tree: BeamTreeView, i: number, v: AttentionView): HTMLElement[] {
  const n = tree.nodes[i]!;
  const tokens: string[] = [];
  for (let k = i; k >= 0; k = tree.nodes[k]!.parent) tokens.push(showToken(tree.nodes[k]!.token));
  tokens.reverse();
  const status = tree.chosen.includes(i) ? 'on the chosen path' : n.finished ? 'finished (ended with <eos>), not chosen' : 'kept in the beam at this step';
  const head = el('div', 'beam-hyp');
  head.append(el('strong', '', `Step ${n.step + 1}: “${tokens.join(' ')}”`), el('span', '', ` · log P = ${n.logProb.toFixed(3)} (p = ${Math.exp(n.logProb).toPrecision(3)}) · score ${n.score.toFixed(3)} · ${status}`));
  const out = [head];
  if (n.attention) {
    out.push(el('div', 'label', `Its attention over the source when it chose “${showToken(n.token)}”:`));
    const src = el('div', 'tokens beam-attention');
    n.attention.forEach((w, j) => {
      const s = el('span', 'tok src lit');
      s.style.setProperty('--w', w.toFixed(4));
      s.append(el('span', 'text', showToken(v.sourceTokens[j] ?? '')), el('span', 'w', w.toFixed(2)));
      src.append(s);
    });
    out.push(src);
  }
  return out;
}
