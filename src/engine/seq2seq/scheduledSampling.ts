// Parallel scheduled sampling's input mix (Duckworth et al. 2019; Bengio et al. 2015): after a teacher-forced
// pass, each decoder input y_t (t ≥ 1, not padding) is replaced by the model's greedy prediction ŷ_{t−1} with
// probability 1 − ratio, one draw from `rng` per eligible position.
// Legend: B batch, T target steps, V vocabulary.
import type { Rng } from '../rng';
import type { Floats } from '../tensor';

/** mixed (B, T) ← decIn with scheduled replacements; logits (B, T, V) of the teacher-forced pass on decIn. */
export function mixGreedyInputs(
  mixed: Int32Array, decIn: Int32Array, logits: Floats, B: number, T: number, V: number, ratio: number, rng: Rng, ignoreIndex: number,
): void {
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      mixed[i] = decIn[i];
      if (t === 0 || decIn[i] === ignoreIndex || rng.next() < ratio) continue;
      let best = 0;
      const r = (i - 1) * V; // the prediction made at step t − 1, i.e. for position t's input
      for (let v = 1; v < V; v++) if (logits[r + v] > logits[r + best]) best = v;
      mixed[i] = best;
    }
}
