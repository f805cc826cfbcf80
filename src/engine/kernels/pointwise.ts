// Runs the LSTM / GRU pointwise step on the WebAssembly SIMD kernels (wasm/cells.ts) when every buffer is a
// view of one WasmHeap and H is a multiple of 4 (padded rows are then put back as the TypeScript cells leave
// them); otherwise returns false and the cell runs its TypeScript loop. Float64 (gradient checks) and plain Float32Arrays therefore never come here:
// copying a pointwise step's operands would cost more than the step.
// Offsets are in elements, as in cells/lstm.ts and cells/gru.ts; the kernels take byte addresses.
import type { Floats } from '../tensor';
import { kernelBackend } from './backend';
import { WasmHeap, type Kernels } from './heap';

let lastBuffer: ArrayBufferLike | null = null;
let lastKernels: Kernels | null = null;

/** The kernels of the heap all these arrays live in, or null. */
function kernelsOf(arrays: readonly Floats[]): Kernels | null {
  const first = arrays[0];
  if (!(first instanceof Float32Array)) return null;
  const buf = first.buffer;
  for (let i = 1; i < arrays.length; i++) if (arrays[i].buffer !== buf) return null;
  if (buf !== lastBuffer) {
    lastBuffer = buf;
    lastKernels = WasmHeap.ofBuffer(buf)?.kernels ?? null;
  }
  return lastKernels && kernelBackend() === 'wasm' ? lastKernels : null;
}

/** Steps that ran on the SIMD kernels (for tests to see the fast path ran). */
export const pointwiseStats = { lstm: 0, gru: 0, addRows: 0 };

/** Byte address of element `off` of a heap view. Module-level: a closure per call would allocate every step. */
function at(a: Floats, off: number): number {
  return a.byteOffset + off * 4;
}

const LSTM_ARRAYS: Floats[] = [];
const GRU_ARRAYS: Floats[] = [];

export function wasmLstmCell(
  act: Floats, aOff: number, h: Floats, hOff: number, c: Floats, cOff: number, tanhC: Floats, tcOff: number,
  gx: Floats, gxOff: number, gh: Floats, ghOff: number, hPrev: Floats, hpOff: number, cPrev: Floats, cpOff: number,
  mask: Uint8Array | null, mOff: number, B: number, H: number,
): boolean {
  if ((H & 3) !== 0) return false;
  LSTM_ARRAYS[0] = act; LSTM_ARRAYS[1] = h; LSTM_ARRAYS[2] = c; LSTM_ARRAYS[3] = tanhC;
  LSTM_ARRAYS[4] = gx; LSTM_ARRAYS[5] = gh; LSTM_ARRAYS[6] = hPrev; LSTM_ARRAYS[7] = cPrev;
  const k = kernelsOf(LSTM_ARRAYS);
  if (!k) return false;
  pointwiseStats.lstm++;
  k.lstmCell(at(act, aOff), at(h, hOff), at(c, cOff), at(tanhC, tcOff), at(gx, gxOff), at(gh, ghOff), at(hPrev, hpOff), at(cPrev, cpOff), B, H);
  if (mask === null) return true;
  // Padded rows (past a sequence's end, the batches of classify, tag and seq2seq sources): the kernel updated
  // every row, rows are independent, so those rows are simply put back to what cells/lstm.ts gives them — the
  // state carried unchanged, zero activations — at the cost of H + 4H copies per padded row, not a scalar step.
  const G = 4 * H;
  for (let b = 0; b < B; b++) {
    if (mask[mOff + b] !== 0) continue;
    const sr = b * H;
    for (let j = 0; j < H; j++) {
      h[hOff + sr + j] = hPrev[hpOff + sr + j];
      c[cOff + sr + j] = cPrev[cpOff + sr + j];
      tanhC[tcOff + sr + j] = 0;
    }
    act.fill(0, aOff + b * G, aOff + (b + 1) * G);
  }
  return true;
}

export function wasmGruCell(
  act: Floats, aOff: number, h: Floats, hOff: number, gx: Floats, gxOff: number, gh: Floats, ghOff: number,
  hPrev: Floats, hpOff: number, mask: Uint8Array | null, mOff: number, B: number, H: number,
): boolean {
  if ((H & 3) !== 0) return false;
  GRU_ARRAYS[0] = act; GRU_ARRAYS[1] = h; GRU_ARRAYS[2] = gx; GRU_ARRAYS[3] = gh; GRU_ARRAYS[4] = hPrev;
  const k = kernelsOf(GRU_ARRAYS);
  if (!k) return false;
  pointwiseStats.gru++;
  k.gruCell(at(act, aOff), at(h, hOff), at(gx, gxOff), at(gh, ghOff), at(hPrev, hpOff), B, H);
  if (mask === null) return true;
  // Padded rows back to cells/gru.ts's values: the state carried unchanged, zero activations (see wasmLstmCell).
  const G = 3 * H;
  for (let b = 0; b < B; b++) {
    if (mask[mOff + b] !== 0) continue;
    for (let j = 0; j < H; j++) h[hOff + b * H + j] = hPrev[hpOff + b * H + j];
    act.fill(0, aOff + b * G, aOff + (b + 1) * G);
  }
  return true;
}

const ROWS_ARRAYS: Floats[] = [];

/** y(N, C) at element yOff += b(C) on every row, on the SIMD kernel when both are views of one WasmHeap. */
export function wasmAddRows(y: Floats, yOff: number, b: Floats, N: number, C: number): boolean {
  ROWS_ARRAYS[0] = y; ROWS_ARRAYS[1] = b;
  const k = kernelsOf(ROWS_ARRAYS);
  if (!k) return false;
  pointwiseStats.addRows++;
  k.addRows(at(y, yOff), at(b, 0), N, C);
  return true;
}
