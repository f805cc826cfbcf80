// "Find units like this" (LSTMVis's select view, Strobelt et al. 2018, "LSTMVis: A Tool for Visual Analysis of
// Hidden State Dynamics in Recurrent Neural Networks"): the user marks some positions of a text (say everything
// inside quotes) and asks which units' activations tell the marked positions from the rest.
// LSTMVis thresholds each unit and counts on/off matches, which needs a threshold the user tunes. We use the
// threshold-free version of the same question: the area under the ROC curve of the unit's activation as a
// detector of "marked", which is the Mann–Whitney U statistic divided by n₁·n₀ (Hanley & McNeil 1982):
//   AUC = P(a_marked > a_other) + ½·P(a_marked = a_other)
// 1 means every marked position is above every other, 0 means every one is below (a unit that turns OFF on the
// pattern is as useful), ½ means no separation. Units are ranked by separation = |2·AUC − 1| ∈ [0, 1].
// Legend: T positions, H units per layer, L layers.
import type { NeuronStates, StateKind } from './neuronStates';

export interface UnitScore {
  layer: number;
  unit: number;
  kind: StateKind;
  /** Area under the ROC curve of the activation as a detector of the marked positions. */
  auc: number;
  /** |2·AUC − 1|: 1 = perfect separation (either sign), 0 = none. */
  separation: number;
  /** Mean activation on marked and on the other positions (says which way the unit goes). */
  meanMarked: number;
  meanOther: number;
}

/**
 * AUC of `values` as a score for `marked` (both length T), by ranking: ties get their average rank, so the
 * result is exactly the Mann–Whitney U / (n₁·n₀). `order` is scratch space of T indices.
 */
export function rocAuc(values: ArrayLike<number>, marked: ArrayLike<boolean | number>, order?: Uint32Array): number {
  const T = values.length;
  const idx = order && order.length >= T ? order.subarray(0, T) : new Uint32Array(T);
  for (let i = 0; i < T; i++) idx[i] = i;
  idx.sort((a, b) => values[a] - values[b]);
  let n1 = 0, rankSum = 0;
  for (let i = 0; i < T; ) {
    let j = i;
    while (j + 1 < T && values[idx[j + 1]] === values[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let k = i; k <= j; k++) if (marked[idx[k]]) {
      n1++;
      rankSum += avgRank;
    }
    i = j + 1;
  }
  const n0 = T - n1;
  if (n1 === 0 || n0 === 0) return 0.5;
  return (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * n0);
}

/**
 * Every unit of every layer (hidden states, and cell states for an LSTM) scored against `marked` (T flags),
 * best separation first (ties: lower layer, then lower unit, hidden before cell). Needs at least one marked
 * and one unmarked position.
 */
export function rankUnits(states: NeuronStates, marked: ArrayLike<boolean | number>): UnitScore[] {
  const { T, H } = states;
  if (marked.length !== T) throw new Error(`find units: ${marked.length} flags for ${T} positions`);
  let n1 = 0;
  for (let t = 0; t < T; t++) if (marked[t]) n1++;
  if (n1 === 0) throw new Error('find units: no position of the text is selected');
  if (n1 === T) throw new Error('find units: the selection covers the whole text; select a part, so there is a rest to tell it from');
  const series = new Float32Array(T), order = new Uint32Array(T);
  const out: UnitScore[] = [];
  const kinds: [StateKind, Float32Array[] | null][] = [['h', states.hidden], ['c', states.cell]];
  for (const [kind, layers] of kinds) {
    if (!layers) continue;
    layers.forEach((src, layer) => {
      for (let unit = 0; unit < H; unit++) {
        let sm = 0, so = 0;
        for (let t = 0; t < T; t++) {
          const v = (series[t] = src[t * H + unit]);
          if (marked[t]) sm += v;
          else so += v;
        }
        const auc = rocAuc(series, marked, order);
        out.push({ layer, unit, kind, auc, separation: Math.abs(2 * auc - 1), meanMarked: sm / n1, meanOther: so / (T - n1) });
      }
    });
  }
  const kindRank = (k: StateKind): number => (k === 'h' ? 0 : 1);
  out.sort((a, b) => b.separation - a.separation || a.layer - b.layer || a.unit - b.unit || kindRank(a.kind) - kindRank(b.kind));
  return out;
}
