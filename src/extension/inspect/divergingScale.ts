// The diverging colour scale the inspection views paint text with (no 'vscode': unit-tested as is): negative values
// blue, positive red, zero transparent, in BUCKETS steps per sign so one decoration type per bucket suffices.
// Translucent backgrounds keep the editor's own text colour readable on dark and light themes alike (the
// opacity, not the hue, carries the magnitude; ColorBrewer RdBu's end colours, Harrower & Brewer 2003).

export const BUCKETS = 6;
const BLUE = [33, 102, 172] as const;
const RED = [214, 47, 39] as const;
/** Opacity of the strongest bucket: the text stays readable on it in both themes. */
const MAX_ALPHA = 0.62;

/** Bucket of `v` on a scale where ±scale is full strength: −BUCKETS … BUCKETS (0 = not painted). */
export function bucketOf(v: number, scale: number): number {
  if (!Number.isFinite(v) || !(scale > 0)) return 0;
  const x = Math.max(-1, Math.min(1, v / scale));
  return x === 0 ? 0 : Math.sign(x) * Math.max(1, Math.ceil(Math.abs(x) * BUCKETS - 1e-9));
}

/** CSS background of a bucket (−BUCKETS … BUCKETS, not 0). */
export function bucketColor(bucket: number): string {
  const [r, g, b] = bucket < 0 ? BLUE : RED;
  const a = (MAX_ALPHA * Math.abs(bucket)) / BUCKETS;
  return `rgba(${r}, ${g}, ${b}, ${a.toFixed(3)})`;
}

/** Largest |value| (at least `floor`), the scale that makes the strongest value full strength. */
export function symmetricScale(values: ArrayLike<number>, floor = 1e-12): number {
  let m = floor;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) m = Math.max(m, Math.abs(values[i]));
  return m;
}
