// Gradient clipping and gradient diagnostics over the gradient arena (params.grad). All return statistics
// for the dashboard instead of logging; none allocates per call (the per-group index table is built once per
// Params and cached).
//
// clipByGlobalNorm follows torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type=2):
//   total = ‖(‖g_1‖₂, …, ‖g_k‖₂)‖₂ = √(Σ_i g_i²)   (over every element of every gradient)
//   clip_coef = max_norm / (total + 1e-6);  if clip_coef < 1: g ← g · clip_coef
// and reports `total` (what torch returns) as normBefore. clipByValue is clip_grad_value_: g ← clamp(g, −c, c).
import type { Params } from '../params';

export interface ClipStats {
  /** Global L2 norm of all gradients before clipping (torch's return value). */
  normBefore: number;
  /** Global L2 norm after clipping (recomputed, so it reflects the arena's rounding). */
  normAfter: number;
  /** Whether the gradients were scaled (clip_coef < 1). */
  clipped: boolean;
}

/** Reusable result object, so a training loop can pass the same one every step and allocate nothing. */
export function newClipStats(): ClipStats {
  return { normBefore: 0, normAfter: 0, clipped: false };
}

/** Global L2 norm of the gradient arena, accumulated in float64. */
export function globalGradNorm(params: Params): number {
  const g = params.grad;
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/**
 * torch.nn.utils.clip_grad_norm_ with norm_type 2. Fills and returns `stats` (a fresh object if omitted).
 * A non-finite norm makes clip_coef NaN or 0 exactly as in torch (error_if_nonfinite=False): NaN < 1 is false,
 * so NaN gradients are left alone; an infinite norm gives coefficient 0. Check firstNonFiniteGrad() first.
 */
export function clipByGlobalNorm(params: Params, maxNorm: number, stats: ClipStats = newClipStats()): ClipStats {
  if (!(maxNorm > 0)) throw new Error(`clipByGlobalNorm: maxNorm must be > 0, got ${maxNorm}`);
  const total = globalGradNorm(params);
  const coef = maxNorm / (total + 1e-6);
  stats.normBefore = total;
  stats.clipped = coef < 1;
  if (stats.clipped) {
    const g = params.grad;
    for (let i = 0; i < g.length; i++) g[i] *= coef;
    stats.normAfter = globalGradNorm(params);
  } else {
    stats.normAfter = total;
  }
  return stats;
}

/** torch.nn.utils.clip_grad_value_: clamps every gradient element into [−clipValue, clipValue]. Returns how
 *  many elements were changed. NaN stays NaN (as torch.clamp). */
export function clipByValue(params: Params, clipValue: number): number {
  if (!(clipValue > 0)) throw new Error(`clipByValue: clipValue must be > 0, got ${clipValue}`);
  const g = params.grad;
  const lo = -clipValue;
  let count = 0;
  for (let i = 0; i < g.length; i++) {
    const x = g[i];
    if (x > clipValue) {
      g[i] = clipValue;
      count++;
    } else if (x < lo) {
      g[i] = lo;
      count++;
    }
  }
  return count;
}

interface GroupTable {
  names: readonly string[];
  /** Group index of each entry of params.entries. */
  ofEntry: Int32Array;
}

const groupTables = new WeakMap<Params, GroupTable>();

function groupTable(params: Params): GroupTable {
  let t = groupTables.get(params);
  if (!t) {
    const names: string[] = [];
    const ofEntry = new Int32Array(params.entries.length);
    params.entries.forEach((e, k) => {
      let gi = names.indexOf(e.group);
      if (gi < 0) gi = names.push(e.group) - 1;
      ofEntry[k] = gi;
    });
    t = { names: Object.freeze(names), ofEntry };
    groupTables.set(params, t);
  }
  return t;
}

/** Distinct `group` names (layers) in first-appearance order; the same frozen array on every call. Size the
 *  `perGroup` buffer of gradNorms from it. */
export function groupNames(params: Params): readonly string[] {
  return groupTable(params).names;
}

/**
 * L2 norm of each parameter tensor's gradient into perTensor (indexed like params.entries) and of each group's
 * gradients into perGroup (indexed like groupNames(params)). Returns the global norm. Allocate both outputs
 * once: `new Float64Array(params.entries.length)`, `new Float64Array(groupNames(params).length)`.
 */
export function gradNorms(params: Params, perTensor: Float64Array, perGroup: Float64Array): number {
  const { names, ofEntry } = groupTable(params);
  const entries = params.entries;
  if (perTensor.length !== entries.length) {
    throw new Error(`gradNorms: perTensor has ${perTensor.length} slots for ${entries.length} tensors`);
  }
  if (perGroup.length !== names.length) {
    throw new Error(`gradNorms: perGroup has ${perGroup.length} slots for ${names.length} groups`);
  }
  const g = params.grad;
  perGroup.fill(0);
  let total = 0;
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k];
    let s = 0;
    for (let i = e.offset, end = e.offset + e.size; i < end; i++) s += g[i] * g[i];
    perTensor[k] = Math.sqrt(s);
    perGroup[ofEntry[k]] += s; // sums of squares until the final square root below
    total += s;
  }
  for (let j = 0; j < perGroup.length; j++) perGroup[j] = Math.sqrt(perGroup[j]);
  return Math.sqrt(total);
}

/** Name of the first tensor (in arena order) whose gradient holds a NaN or ±Infinity, or null. */
export function firstNonFiniteGrad(params: Params): string | null {
  const g = params.grad;
  const entries = params.entries;
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k];
    for (let i = e.offset, end = e.offset + e.size; i < end; i++) {
      if (!Number.isFinite(g[i])) return e.name;
    }
  }
  return null;
}
