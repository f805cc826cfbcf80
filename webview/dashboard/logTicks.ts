// Ticks of a logarithmic axis, evenly spaced in log10: whole decades (every k-th decade when the range is wide, so
// at most `maxTicks` labels), or 1-2-5 within each decade when the range spans at most two decades. Chart.js's own
// log ticks mix 1, 2, 5 with uneven decade skips (1e-6, 1e-9, …, 1e-19, 1e-23 on the vanishing experiment).
// The axis is stretched to the first and last tick, so the spacing is even up to both ends. Pure (no DOM).

export interface LogTicks {
  /** Tick values, ascending. */
  readonly ticks: number[];
  /** The axis range: the first and last tick. */
  readonly min: number;
  readonly max: number;
}

/** 10^e exactly as written (10 ** -7 is 9.999999999999999e-8 on some engines; parseFloat('1e-7') is not). */
const pow10 = (e: number): number => parseFloat(`1e${e}`);

/** Ticks covering [lo, hi] (lo, hi > 0), or null when the range is not a positive finite one. */
export function logTicks(lo: number, hi: number, maxTicks = 8): LogTicks | null {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi) || maxTicks < 2) return null;
  if (hi < lo) [lo, hi] = [hi, lo];
  let a = Math.floor(Math.log10(lo) + 1e-9), b = Math.ceil(Math.log10(hi) - 1e-9);
  if (b <= a) b = a + 1;
  const decades = b - a;
  if (decades <= 2 && 3 * decades + 1 <= maxTicks) {
    // 1-2-5 per decade, cut to the nearest mantissas around [lo, hi].
    const all: number[] = [];
    for (let e = a; e <= b; e++) for (const m of e === b ? [1] : [1, 2, 5]) all.push(m * pow10(e));
    let first = 0, last = all.length - 1;
    while (first + 1 < all.length && all[first + 1]! <= lo * (1 + 1e-9)) first++;
    while (last - 1 >= 0 && all[last - 1]! >= hi * (1 - 1e-9)) last--;
    if (last - first >= 1) {
      const ticks = all.slice(first, last + 1);
      return { ticks, min: ticks[0]!, max: ticks.at(-1)! };
    }
  }
  // Every k-th decade, k the smallest step that keeps the count ≤ maxTicks, aligned to multiples of k so the
  // labels are round (1e-24, 1e-20, …, 1e0) and the same on every redraw.
  let k = Math.max(1, Math.ceil(decades / (maxTicks - 1)));
  // Aligning can add a step at each end: widen k until the count fits.
  while ((Math.ceil(b / k) - Math.floor(a / k)) + 1 > maxTicks) k++;
  const ticks: number[] = [];
  for (let e = Math.floor(a / k) * k; e <= Math.ceil(b / k) * k; e += k) ticks.push(pow10(e));
  return { ticks, min: ticks[0]!, max: ticks.at(-1)! };
}
