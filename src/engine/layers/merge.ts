// Merging the two directions of a bidirectional layer (Schuster & Paliwal 1997), per time step:
//   concat:   y = [h_f ; h_b]                 (PyTorch's layout, O = 2H)
//   sum:      y = h_f + h_b                  mean: y = (h_f + h_b) / 2
//   weighted: y = α_f h_f + α_b h_b,  α = the layer's learned `merge_weight_l{k}` (2), with gradients
//             ∂L/∂α_f = Σ ∂L/∂y ⊙ h_f, ∂L/∂α_b = Σ ∂L/∂y ⊙ h_b
// A unidirectional layer copies h_f. Padded steps (mask 0) output zeros and pass no gradient.
// Legend: B batch, T time, H hidden, O merged width. All buffers time-major (T, B, ·).
import type { Floats } from '../tensor';
import type { Direction } from './direction';

export type MergeMode = 'concat' | 'sum' | 'mean' | 'weighted';

/** out (T, B, O) from the directions' state slots. */
export function mergeForward(
  out: Floats, dirs: readonly Direction[], alpha: Floats | null, mode: MergeMode,
  masks: Uint8Array | null, B: number, T: number, H: number,
): void {
  const f = dirs[0], r = dirs.length > 1 ? dirs[1] : null;
  const O = r !== null && mode === 'concat' ? 2 * H : H;
  const wf = r === null ? 1 : mode === 'mean' ? 0.5 : mode === 'weighted' ? alpha![0] : 1;
  const wb = r === null ? 0 : mode === 'mean' ? 0.5 : mode === 'weighted' ? alpha![1] : 1;
  for (let t = 0; t < T; t++) {
    const fo = f.outSlot(t) * B * H, ro = r === null ? 0 : r.outSlot(t) * B * H;
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * O;
      if (masks !== null && masks[t * B + b] === 0) {
        for (let j = 0; j < O; j++) out[o + j] = 0;
        continue;
      }
      const fs = fo + b * H, rs = ro + b * H;
      if (r === null) for (let j = 0; j < H; j++) out[o + j] = f.hs[fs + j];
      else if (mode === 'concat') {
        for (let j = 0; j < H; j++) out[o + j] = f.hs[fs + j];
        for (let j = 0; j < H; j++) out[o + H + j] = r.hs[rs + j];
      } else for (let j = 0; j < H; j++) out[o + j] = wf * f.hs[fs + j] + wb * r.hs[rs + j];
    }
  }
}

/** Backward twin: dDir[d] (T, B, H) ← ∂L/∂h_t of each direction; dAlpha accumulates for 'weighted'. */
export function mergeBackward(
  dDir: Floats[], dOut: Floats, dirs: readonly Direction[], alpha: Floats | null, dAlpha: Floats | null,
  mode: MergeMode, masks: Uint8Array | null, B: number, T: number, H: number,
): void {
  const f = dirs[0], r = dirs.length > 1 ? dirs[1] : null;
  const O = r !== null && mode === 'concat' ? 2 * H : H;
  const wf = r === null ? 1 : mode === 'mean' ? 0.5 : mode === 'weighted' ? alpha![0] : 1;
  const wb = r === null ? 0 : mode === 'mean' ? 0.5 : mode === 'weighted' ? alpha![1] : 1;
  const df = dDir[0], db = dDir[1];
  let gAf = 0, gAb = 0;
  for (let t = 0; t < T; t++) {
    const fo = f.outSlot(t) * B * H, ro = r === null ? 0 : r.outSlot(t) * B * H;
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * O, d = (t * B + b) * H;
      const masked = masks !== null && masks[t * B + b] === 0;
      for (let j = 0; j < H; j++) {
        if (masked) {
          df[d + j] = 0;
          if (r !== null) db[d + j] = 0;
        } else if (r === null) df[d + j] = dOut[o + j];
        else if (mode === 'concat') {
          df[d + j] = dOut[o + j];
          db[d + j] = dOut[o + H + j];
        } else {
          const g = dOut[o + j];
          df[d + j] = wf * g;
          db[d + j] = wb * g;
          if (mode === 'weighted') {
            gAf += g * f.hs[fo + b * H + j];
            gAb += g * r.hs[ro + b * H + j];
          }
        }
      }
    }
  }
  if (dAlpha !== null) {
    dAlpha[0] += gAf;
    dAlpha[1] += gAb;
  }
}
