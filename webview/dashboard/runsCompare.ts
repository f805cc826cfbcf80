// What the runs table compares, as pure functions (no DOM): which RunConfig fields differ between runs, and each
// run's final and best validation loss read from its metric history (the minimum seen, so it works whether or not
// the run itself tracks a best checkpoint).
import type { ConfigEntry, MetricPoint } from '../../src/protocol/dashboard';

/** A field a run's config lacks (written by an older version) reads as this, and compares as a value. */
export const MISSING = '–';

/**
 * The keys whose value is not the same in every run that has a config (a run without one — still starting — is
 * not compared). With fewer than two such runs nothing differs.
 */
export function differingKeys(configs: readonly (readonly ConfigEntry[] | undefined)[]): Set<string> {
  const known = configs.filter((c): c is readonly ConfigEntry[] => c !== undefined && c.length > 0);
  const out = new Set<string>();
  if (known.length < 2) return out;
  const keys = new Set<string>();
  for (const c of known) for (const e of c) keys.add(e.key);
  const maps = known.map((c) => new Map(c.map((e) => [e.key, e.value])));
  for (const k of keys) {
    const first = maps[0]!.get(k) ?? MISSING;
    if (maps.some((m) => (m.get(k) ?? MISSING) !== first)) out.add(k);
  }
  return out;
}

export interface ValidationSummary {
  /** The last validation measured. */
  readonly final: { readonly step: number; readonly loss: number } | null;
  /** The lowest validation loss seen (the earliest step on a tie: that checkpoint came first). */
  readonly best: { readonly step: number; readonly loss: number } | null;
}

/** The summary of `points`; with `from` and `prev`, `prev` (the summary of points[0, from)) extended by the rest. */
export function validationSummary(points: readonly MetricPoint[], from = 0, prev: ValidationSummary = { final: null, best: null }): ValidationSummary {
  let { final, best } = prev;
  for (let i = from; i < points.length; i++) {
    const p = points[i]!;
    const v = p.validLoss;
    if (v === undefined || !Number.isFinite(v)) continue;
    final = { step: p.step, loss: v };
    if (best === null || v < best.loss) best = { step: p.step, loss: v };
  }
  return { final, best };
}

/** Each run's validation summary, extended as points are appended (a thinned history is a new array: scanned anew). */
const validationCache = new WeakMap<MetricPoint[], { scanned: number; summary: ValidationSummary }>();
export function validationOf(points: MetricPoint[]): ValidationSummary {
  const c = validationCache.get(points);
  const summary = validationSummary(points, c?.scanned ?? 0, c?.summary);
  validationCache.set(points, { scanned: points.length, summary });
  return summary;
}
