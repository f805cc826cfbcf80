// Merging the two directions of a bidirectional layer (Schuster & Paliwal 1997), per time step:
//   concat:   y = [h_f ; h_b]                 (PyTorch's layout, O = 2H)
//   sum:      y = h_f + h_b                  mean: y = (h_f + h_b) / 2
//   weighted: y = α_f h_f + α_b h_b,  α = the layer's learned `merge_weight_l{k}` (2), with gradients
//             ∂L/∂α_f = Σ ∂L/∂y ⊙ h_f, ∂L/∂α_b = Σ ∂L/∂y ⊙ h_b
// A unidirectional layer copies h_f. Padded steps (mask 0) output zeros and pass no gradient.
// The row helpers (one row of H states per direction) are shared with the classifier, which merges the top layer's
// final states the same way (classifier.ts), so the two cannot drift apart.
// Legend: B batch, T time, H hidden, O merged width. All buffers time-major (T, B, ·).
import type { Floats } from '../tensor';
import type { Direction } from './direction';

export type MergeMode = 'concat' | 'sum' | 'mean' | 'weighted';

/** The weight of direction d (0 forward, 1 backward) in y; concat ignores it. */
export function mergeWeight(mode: MergeMode, alpha: Floats | null, bidirectional: boolean, d: 0 | 1): number {
  if (!bidirectional) return d === 0 ? 1 : 0;
  return mode === 'mean' ? 0.5 : mode === 'weighted' ? alpha![d] : 1;
}

/** One row: out[o…] ← the merge of hf[f…f+H) and, when bidirectional, hb[r…r+H) (hb null: a copy of hf). */
export function mergeRowForward(
  out: Floats, o: number, hf: Floats, f: number, hb: Floats | null, r: number, H: number, mode: MergeMode, wf: number, wb: number,
): void {
  if (hb === null) for (let j = 0; j < H; j++) out[o + j] = hf[f + j];
  else if (mode === 'concat') {
    for (let j = 0; j < H; j++) out[o + j] = hf[f + j];
    for (let j = 0; j < H; j++) out[o + H + j] = hb[r + j];
  } else for (let j = 0; j < H; j++) out[o + j] = wf * hf[f + j] + wb * hb[r + j];
}

/**
 * Backward twin of mergeRowForward: df[fd…] (and db[rd…]) ← ∂L/∂h of the row from dOut[o…]. For 'weighted',
 * alphaSums[0..1] accumulate the row's Σ ∂L/∂y ⊙ h_f and Σ ∂L/∂y ⊙ h_b term by term (null: not wanted).
 */
export function mergeRowBackward(
  df: Floats, fd: number, db: Floats | null, rd: number, dOut: Floats, o: number,
  hf: Floats, f: number, hb: Floats | null, r: number, H: number, mode: MergeMode, wf: number, wb: number, alphaSums: Floats | null,
): void {
  if (hb === null || db === null) for (let j = 0; j < H; j++) df[fd + j] = dOut[o + j];
  else if (mode === 'concat')
    for (let j = 0; j < H; j++) {
      df[fd + j] = dOut[o + j];
      db[rd + j] = dOut[o + H + j];
    }
  else
    for (let j = 0; j < H; j++) {
      const g = dOut[o + j];
      df[fd + j] = wf * g;
      db[rd + j] = wb * g;
      if (mode === 'weighted' && alphaSums !== null) {
        alphaSums[0] += g * hf[f + j];
        alphaSums[1] += g * hb[r + j];
      }
    }
}

/** out (T, B, O) from the directions' state slots. */
export function mergeForward(
  out: Floats, dirs: readonly Direction[], alpha: Floats | null, mode: MergeMode,
  masks: Uint8Array | null, B: number, T: number, H: number,
): void {
  const f = dirs[0], r = dirs.length > 1 ? dirs[1] : null;
  const O = r !== null && mode === 'concat' ? 2 * H : H;
  const wf = mergeWeight(mode, alpha, r !== null, 0), wb = mergeWeight(mode, alpha, r !== null, 1);
  for (let t = 0; t < T; t++) {
    const fo = f.outSlot(t) * B * H, ro = r === null ? 0 : r.outSlot(t) * B * H;
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * O;
      if (masks !== null && masks[t * B + b] === 0) out.fill(0, o, o + O);
      else mergeRowForward(out, o, f.hs, fo + b * H, r === null ? null : r.hs, ro + b * H, H, mode, wf, wb);
    }
  }
}

/** Σ over the whole batch in Float64 before it is added to the (possibly Float32) dAlpha once. */
const alphaSums = new Float64Array(2);

/** Backward twin: dDir[d] (T, B, H) ← ∂L/∂h_t of each direction; dAlpha accumulates for 'weighted'. */
export function mergeBackward(
  dDir: Floats[], dOut: Floats, dirs: readonly Direction[], alpha: Floats | null, dAlpha: Floats | null,
  mode: MergeMode, masks: Uint8Array | null, B: number, T: number, H: number,
): void {
  const f = dirs[0], r = dirs.length > 1 ? dirs[1] : null;
  const O = r !== null && mode === 'concat' ? 2 * H : H;
  const wf = mergeWeight(mode, alpha, r !== null, 0), wb = mergeWeight(mode, alpha, r !== null, 1);
  const df = dDir[0], db = r === null ? null : dDir[1];
  alphaSums.fill(0);
  for (let t = 0; t < T; t++) {
    const fo = f.outSlot(t) * B * H, ro = r === null ? 0 : r.outSlot(t) * B * H;
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * O, d = (t * B + b) * H;
      if (masks !== null && masks[t * B + b] === 0) {
        df.fill(0, d, d + H);
        if (db !== null) db.fill(0, d, d + H);
      } else mergeRowBackward(df, d, db, d, dOut, o, f.hs, fo + b * H, r === null ? null : r.hs, ro + b * H, H, mode, wf, wb, alphaSums);
    }
  }
  if (dAlpha !== null) {
    dAlpha[0] += alphaSums[0];
    dAlpha[1] += alphaSums[1];
  }
}
