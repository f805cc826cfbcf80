// Softmax cross-entropy over the vocabulary, torch.nn.functional.cross_entropy with ignore_index:
//   p = softmax(z) (max-subtracted for stability),  ℓ_n = −log p_n[y_n],  ∂ℓ_n/∂z_n = p_n − onehot(y_n)
// reduction 'sum' adds ℓ over positions (the loss "summed over time steps"); 'mean' divides by the number of
// positions that are not ignored (padding), as PyTorch does.
// Legend: N positions (B·T), V classes.
import type { Floats } from './tensor';

export type Reduction = 'sum' | 'mean';

/**
 * Forward. probs (N, V) ← softmax(logits); returns Σ ℓ_n over counted positions and writes the count to
 * `counted[0]`. Positions whose target equals ignoreIndex are skipped.
 */
export function crossEntropyForward(
  probs: Floats, logits: Floats, targets: Int32Array, N: number, V: number, ignoreIndex: number, counted: Int32Array,
): number {
  let total = 0;
  let count = 0;
  for (let n = 0; n < N; n++) {
    const r = n * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (logits[r + v] > max) max = logits[r + v];
    let sum = 0;
    for (let v = 0; v < V; v++) {
      const e = Math.exp(logits[r + v] - max);
      probs[r + v] = e;
      sum += e;
    }
    for (let v = 0; v < V; v++) probs[r + v] /= sum;
    const y = targets[n];
    if (y === ignoreIndex) continue;
    if (y < 0 || y >= V) throw new Error(`target id ${y} outside the vocabulary of ${V}`);
    // −log p_y = log Σ e^(z−max) − (z_y − max): exact even when p_y underflows.
    total += Math.log(sum) - (logits[r + y] - max);
    count++;
  }
  counted[0] = count;
  return total;
}

/** Backward twin: dlogits (N, V) += scale · (p − onehot(y)); scale is 1 for 'sum', 1/count for 'mean'. */
export function crossEntropyBackward(
  dlogits: Floats, probs: Floats, targets: Int32Array, N: number, V: number, ignoreIndex: number, scale: number,
): void {
  for (let n = 0; n < N; n++) {
    const y = targets[n];
    if (y === ignoreIndex) continue;
    const r = n * V;
    for (let v = 0; v < V; v++) dlogits[r + v] += scale * probs[r + v];
    dlogits[r + y] -= scale;
  }
}

export function reductionScale(reduction: Reduction, count: number): number {
  return reduction === 'sum' ? 1 : count > 0 ? 1 / count : 0;
}
