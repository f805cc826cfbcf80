// Small statistics for the benchmark: median / min / max of repetitions, percentiles of latencies.

export interface Summary { median: number; min: number; max: number; n: number }

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('no values');
  const s = [...values].sort((a, b) => a - b);
  return { median: percentile(s, 50), min: s[0], max: s[s.length - 1], n: s.length };
}

/** Linear-interpolated percentile (numpy's default) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  const x = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(x);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo);
}

export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
