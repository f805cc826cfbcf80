// LSTM cell, one time step (Hochreiter & Schmidhuber 1997, with a forget gate as in torch.nn.LSTM):
//   i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)      a = gx + gh, gate rows i, f, g, o
//   c' = f ⊙ c + i ⊙ g        h' = o ⊙ tanh(c')
// Legend: B batch rows, H hidden size. Offsets address rows of (B, ·) blocks inside larger time buffers.
import type { Floats } from '../tensor';
import { sigmoid } from '../ops/activation';
import { wasmLstmCell } from '../kernels/pointwise';

/**
 * Forward. act (B, 4H) ← activated gates; c (B, H), h (B, H) ← new state; tanhC (B, H) ← tanh(c').
 */
export function lstmForward(
  act: Floats, aOff: number, h: Floats, hOff: number, c: Floats, cOff: number, tanhC: Floats, tcOff: number,
  gx: Floats, gxOff: number, gh: Floats, ghOff: number, hPrev: Floats, hpOff: number, cPrev: Floats, cpOff: number,
  mask: Uint8Array | null, mOff: number, B: number, H: number,
): void {
  if (wasmLstmCell(act, aOff, h, hOff, c, cOff, tanhC, tcOff, gx, gxOff, gh, ghOff, hPrev, hpOff, cPrev, cpOff, mask, mOff, B, H)) return;
  const G = 4 * H;
  for (let b = 0; b < B; b++) {
    const ar = aOff + b * G, xr = gxOff + b * G, hr = ghOff + b * G;
    const sr = b * H;
    if (mask !== null && mask[mOff + b] === 0) {
      for (let j = 0; j < H; j++) {
        h[hOff + sr + j] = hPrev[hpOff + sr + j];
        c[cOff + sr + j] = cPrev[cpOff + sr + j];
        tanhC[tcOff + sr + j] = 0;
      }
      for (let j = 0; j < G; j++) act[ar + j] = 0;
      continue;
    }
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gx[xr + j] + gh[hr + j]);
      const f = sigmoid(gx[xr + H + j] + gh[hr + H + j]);
      const g = Math.tanh(gx[xr + 2 * H + j] + gh[hr + 2 * H + j]);
      const o = sigmoid(gx[xr + 3 * H + j] + gh[hr + 3 * H + j]);
      act[ar + j] = i;
      act[ar + H + j] = f;
      act[ar + 2 * H + j] = g;
      act[ar + 3 * H + j] = o;
      const cNew = f * cPrev[cpOff + sr + j] + i * g;
      const tc = Math.tanh(cNew);
      c[cOff + sr + j] = cNew;
      tanhC[tcOff + sr + j] = tc;
      h[hOff + sr + j] = o * tc;
    }
  }
}

/**
 * Backward twin. In: dh (B, H) = ∂L/∂h', dc (B, H) = ∂L/∂c' (from the future). Out: dG (B, 4H) ← ∂L/∂a
 * (shared by the input and hidden products, since a = gx + gh); dcPrev (B, H) ← ∂L/∂c; dhDirect (B, H) ← the
 * part of ∂L/∂h that bypasses W_hh (nonzero only on padded rows). The layer adds dG·W_hh to dhDirect.
 *   do = dh ⊙ tanh(c')   dc̃ = dc + dh ⊙ o ⊙ (1 − tanh²c')   di = dc̃ ⊙ g   df = dc̃ ⊙ c   dg = dc̃ ⊙ i
 *   dcPrev = dc̃ ⊙ f; then through the activations: σ' = y(1−y), tanh' = 1 − y².
 */
export function lstmBackward(
  dG: Floats, dgOff: number, dcPrev: Floats, dhDirect: Floats,
  dh: Floats, dc: Floats, act: Floats, aOff: number, tanhC: Floats, tcOff: number, cPrev: Floats, cpOff: number,
  mask: Uint8Array | null, mOff: number, B: number, H: number,
): void {
  const G = 4 * H;
  for (let b = 0; b < B; b++) {
    const gr = dgOff + b * G, ar = aOff + b * G, sr = b * H;
    if (mask !== null && mask[mOff + b] === 0) {
      for (let j = 0; j < H; j++) {
        dhDirect[sr + j] = dh[sr + j];
        dcPrev[sr + j] = dc[sr + j];
      }
      for (let j = 0; j < G; j++) dG[gr + j] = 0;
      continue;
    }
    for (let j = 0; j < H; j++) {
      const i = act[ar + j], f = act[ar + H + j], g = act[ar + 2 * H + j], o = act[ar + 3 * H + j];
      const tc = tanhC[tcOff + sr + j];
      const dhj = dh[sr + j];
      const dct = dc[sr + j] + dhj * o * (1 - tc * tc);
      dG[gr + j] = dct * g * i * (1 - i);
      dG[gr + H + j] = dct * cPrev[cpOff + sr + j] * f * (1 - f);
      dG[gr + 2 * H + j] = dct * i * (1 - g * g);
      dG[gr + 3 * H + j] = dhj * tc * o * (1 - o);
      dcPrev[sr + j] = dct * f;
      dhDirect[sr + j] = 0;
    }
  }
}
