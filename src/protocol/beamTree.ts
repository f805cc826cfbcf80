// The beam-search tree as the attention view draws it (engine/beamTree.ts, converted by the host): every
// hypothesis the beam kept at each step, with its log-probability, the finished ones, the chosen path, and each
// hypothesis's attention over the source at its step. Checked at both ends like the rest of the view: ranges
// here, and the tree's own consistency (parents come first and sit one step earlier; the chosen path is a chain).
import { arrayOf, bool, fail, int, nullable, num, record, str } from './guard';

export interface BeamTreeNodeView {
  /** Index of the node it extends, −1 for the first step's hypotheses. */
  readonly parent: number;
  readonly step: number;
  /** Display text of the token ('<eos>' for a finished hypothesis). */
  readonly token: string;
  /** log P of the hypothesis from the start to this token (natural log, ≤ 0). */
  readonly logProb: number;
  /** The beam's ranking score (logProb / length^α). */
  readonly score: number;
  readonly finished: boolean;
  /** Attention over the source tokens (S) at this step, or null (no attention). */
  readonly attention: readonly number[] | null;
}

export interface BeamTreeView {
  readonly nodes: readonly BeamTreeNodeView[];
  /** Node indices from the first step to the returned hypothesis. */
  readonly chosen: readonly number[];
}

/** Most nodes drawn: beyond it (a wide beam over a long output) the view shows the winner only. */
export const BEAM_TREE_MAX_NODES = 3000;

const fields = (tokens: number, tokenChars: number) => record<BeamTreeView>({
  nodes: arrayOf(record<BeamTreeNodeView>({
    parent: int(-1, BEAM_TREE_MAX_NODES - 1), step: int(0, tokens), token: str(tokenChars),
    logProb: num(-Number.MAX_VALUE, 0), score: num(-Number.MAX_VALUE, Number.MAX_VALUE), finished: bool,
    attention: nullable(arrayOf(num(0, 1), tokens)),
  }), BEAM_TREE_MAX_NODES),
  chosen: arrayOf(int(0, BEAM_TREE_MAX_NODES - 1), tokens),
});

/** A guard for the tree of a view with S source tokens: ranges, then structure. */
export function beamTreeGuard(tokens: number, tokenChars: number): (v: unknown) => BeamTreeView {
  const f = fields(tokens, tokenChars);
  return (v: unknown): BeamTreeView => {
    const t = f(v);
    t.nodes.forEach((n, i) => {
      if (n.parent >= i) fail(`nodes[${i}].parent must be an earlier node, got ${n.parent}`);
      const p = n.parent >= 0 ? t.nodes[n.parent] : null;
      if (p ? p.step !== n.step - 1 || p.finished : n.step !== 0) fail(`nodes[${i}] (step ${n.step}) must extend a live node of step ${n.step - 1}`);
    });
    t.chosen.forEach((id, k) => {
      const n = t.nodes[id];
      if (!n || n.step !== k || (k > 0 ? n.parent !== t.chosen[k - 1] : n.parent !== -1)) fail(`chosen[${k}] must be the step-${k} node of one path from the start`);
    });
    return t;
  };
}
