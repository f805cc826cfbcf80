// Vanilla (Elman) RNN cell, one time step, as torch.nn.RNN with nonlinearity 'tanh' or 'relu':
//   h' = φ(gx + gh),  gx = W_ih x + b_ih,  gh = W_hh h + b_hh
import type { Floats } from '../tensor';

/** Forward. h (B, H) ← φ(gx + gh); act is h' itself (the backward needs only the output). */
export function rnnForward(
  act: Floats, aOff: number, h: Floats, hOff: number,
  gx: Floats, gxOff: number, gh: Floats, ghOff: number, hPrev: Floats, hpOff: number,
  relu: boolean, mask: Uint8Array | null, mOff: number, B: number, H: number,
): void {
  for (let b = 0; b < B; b++) {
    const sr = b * H;
    if (mask !== null && mask[mOff + b] === 0) {
      for (let j = 0; j < H; j++) {
        h[hOff + sr + j] = hPrev[hpOff + sr + j];
        act[aOff + sr + j] = 0;
      }
      continue;
    }
    for (let j = 0; j < H; j++) {
      const a = gx[gxOff + sr + j] + gh[ghOff + sr + j];
      const y = relu ? (a > 0 ? a : 0) : Math.tanh(a);
      act[aOff + sr + j] = y;
      h[hOff + sr + j] = y;
    }
  }
}

/** Backward twin: dG (B, H) ← dh ⊙ φ'(a), with tanh' = 1 − y² and relu' = [y > 0]. */
export function rnnBackward(
  dG: Floats, dgOff: number, dhDirect: Floats, dh: Floats, act: Floats, aOff: number,
  relu: boolean, mask: Uint8Array | null, mOff: number, B: number, H: number,
): void {
  for (let b = 0; b < B; b++) {
    const sr = b * H;
    const masked = mask !== null && mask[mOff + b] === 0;
    for (let j = 0; j < H; j++) {
      const y = act[aOff + sr + j];
      const d = dh[sr + j];
      if (masked) {
        dG[dgOff + sr + j] = 0;
        dhDirect[sr + j] = d;
      } else {
        dG[dgOff + sr + j] = relu ? (y > 0 ? d : 0) : d * (1 - y * y);
        dhDirect[sr + j] = 0;
      }
    }
  }
}
