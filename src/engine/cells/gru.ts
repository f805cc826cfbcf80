// GRU cell, one time step, in PyTorch's "reset after" form (torch.nn.GRU; Cho et al. 2014 with the reset applied
// to the hidden product, as cuDNN does). Gate rows r, z, n:
//   r = σ(gx_r + gh_r)   z = σ(gx_z + gh_z)   n = tanh(gx_n + r ⊙ gh_n)      gh_n = W_hn h + b_hn
//   h' = (1 − z) ⊙ n + z ⊙ h
// Because r multiplies gh_n, the input-side and hidden-side gradients differ in the n block, so the backward
// twin fills two buffers: dGx (for W_ih, b_ih, x) and dGh (for W_hh, b_hh, h).
import type { Floats } from '../tensor';
import { sigmoid } from '../ops/activation';
import { wasmGruCell } from '../kernels/pointwise';

/** Forward. act (B, 3H) ← (r, z, n); h (B, H) ← h'. gh is kept by the caller for the backward pass. */
export function gruForward(
  act: Floats, aOff: number, h: Floats, hOff: number,
  gx: Floats, gxOff: number, gh: Floats, ghOff: number, hPrev: Floats, hpOff: number,
  mask: Uint8Array | null, mOff: number, B: number, H: number,
): void {
  if (wasmGruCell(act, aOff, h, hOff, gx, gxOff, gh, ghOff, hPrev, hpOff, mask, mOff, B, H)) return;
  const G = 3 * H;
  for (let b = 0; b < B; b++) {
    const ar = aOff + b * G, xr = gxOff + b * G, hr = ghOff + b * G, sr = b * H;
    if (mask !== null && mask[mOff + b] === 0) {
      for (let j = 0; j < H; j++) h[hOff + sr + j] = hPrev[hpOff + sr + j];
      for (let j = 0; j < G; j++) act[ar + j] = 0;
      continue;
    }
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gx[xr + j] + gh[hr + j]);
      const z = sigmoid(gx[xr + H + j] + gh[hr + H + j]);
      const n = Math.tanh(gx[xr + 2 * H + j] + r * gh[hr + 2 * H + j]);
      act[ar + j] = r;
      act[ar + H + j] = z;
      act[ar + 2 * H + j] = n;
      h[hOff + sr + j] = (1 - z) * n + z * hPrev[hpOff + sr + j];
    }
  }
}

/**
 * Backward twin. In: dh (B, H) = ∂L/∂h'. Out: dGx, dGh (B, 3H) pre-activation gradients of the input and
 * hidden products; dhDirect (B, H) ← z ⊙ dh (the path around W_hh).
 *   dn = dh ⊙ (1 − z)   dz = dh ⊙ (h − n)   dâ_n = dn ⊙ (1 − n²)
 *   dGx_n = dâ_n   dGh_n = dâ_n ⊙ r   dr = dâ_n ⊙ gh_n   then σ' = y(1 − y) for r and z.
 */
export function gruBackward(
  dGx: Floats, dgxOff: number, dGh: Floats, dghOff: number, dhDirect: Floats,
  dh: Floats, act: Floats, aOff: number, gh: Floats, ghOff: number, hPrev: Floats, hpOff: number,
  mask: Uint8Array | null, mOff: number, B: number, H: number,
): void {
  const G = 3 * H;
  for (let b = 0; b < B; b++) {
    const xr = dgxOff + b * G, hr = dghOff + b * G, ar = aOff + b * G, gr = ghOff + b * G, sr = b * H;
    if (mask !== null && mask[mOff + b] === 0) {
      for (let j = 0; j < H; j++) dhDirect[sr + j] = dh[sr + j];
      for (let j = 0; j < G; j++) {
        dGx[xr + j] = 0;
        dGh[hr + j] = 0;
      }
      continue;
    }
    for (let j = 0; j < H; j++) {
      const r = act[ar + j], z = act[ar + H + j], n = act[ar + 2 * H + j];
      const dhj = dh[sr + j];
      const dnPre = dhj * (1 - z) * (1 - n * n);
      const dzPre = dhj * (hPrev[hpOff + sr + j] - n) * z * (1 - z);
      const drPre = dnPre * gh[gr + 2 * H + j] * r * (1 - r);
      dGx[xr + j] = drPre;
      dGx[xr + H + j] = dzPre;
      dGx[xr + 2 * H + j] = dnPre;
      dGh[hr + j] = drPre;
      dGh[hr + H + j] = dzPre;
      dGh[hr + 2 * H + j] = dnPre * r;
      dhDirect[sr + j] = dhj * z;
    }
  }
}
