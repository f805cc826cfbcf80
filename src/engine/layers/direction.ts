// One direction of one recurrent layer: the time loop, forward and backward (backpropagation through time,
// Werbos 1990). Buffers are TIME-major inside the layer, so every per-step block of B rows is contiguous:
//   x (T, B, I) → gx (T, B, G·H) = x·W_ihᵀ + b_ih in ONE product before the loop, then per step
//   gh_t = h_{t−1}·W_hhᵀ + b_hh (one fused product for all gates) and the cell's pointwise update.
// State slots: `hs` holds T + 1 states of (B, H). A forward direction keeps h0 in slot 0 and h_t in slot t + 1;
// a reverse direction runs t = T−1 … 0 and keeps h0 in slot T and h_t in slot t. So the "previous state" of
// every time step is one contiguous block of T slots: slots 0…T−1 (forward) or 1…T (reverse), and the
// weight gradient dW_hh = Σ_t dGh_tᵀ·h_{t−1} is again ONE product after the loop.
// Legend: B batch, T time, I input size, H hidden size, G gate blocks (cells/cell.ts).
import { gateCount, hasCellState, type CellKind } from '../cells/cell';
import { gruBackward, gruForward } from '../cells/gru';
import { lstmBackward, lstmForward } from '../cells/lstm';
import { rnnBackward, rnnForward } from '../cells/rnn';
import { addBiasRows } from '../ops/bias';
import { matmulNN, matmulNT, matmulTN } from '../ops/matmul';
import type { Floats, FloatArrayCtor } from '../tensor';

/** Views of one direction's four tensors in the parameter and gradient arenas. */
export interface DirectionWeights {
  wIh: Floats; wHh: Floats; bIh: Floats; bHh: Floats;
  dWIh: Floats; dWHh: Floats; dBIh: Floats; dBHh: Floats;
}

export class Direction {
  readonly G: number;
  private cap = 0; // capacity in B·T rows
  private capB = 0;
  gx!: Floats; // (T, B, GH)
  gh!: Floats; // (T, B, GH); after the forward, dGx's rows except for the GRU
  act!: Floats; // (T, B, GH)
  hs!: Floats; // (T+1, B, H)
  cs!: Floats; // (T+1, B, H) LSTM only
  tanhC!: Floats; // (T, B, H) LSTM only
  dGx!: Floats; // (T, B, GH); gh's buffer except for the GRU
  dGh!: Floats; // (T, B, GH); the same buffer as dGx except for the GRU
  dh!: Floats; // (B, H) ∂L/∂h of the current step, carried backwards
  dc!: Floats; // (B, H)
  dhDirect!: Floats; // (B, H)
  dcPrev!: Floats; // (B, H)
  /** ‖∂L/∂h_t‖ of batch row 0 for every t, filled by backward(). */
  gradNormThroughTime!: Float64Array;

  constructor(
    readonly kind: CellKind, readonly inputSize: number, readonly H: number, readonly reverse: boolean,
    readonly w: DirectionWeights, private readonly ctor: FloatArrayCtor,
  ) {
    this.G = gateCount(kind) * H;
  }

  /**
   * Sizes the caches for batches of up to B rows, T steps and `rows` positions in all (default B·T; fewer when no batch is both the widest and the longest; grown, never
   * shrunk: a heap cannot free, so reserve the largest shape first). Later calls within those sizes allocate nothing.
   */
  ensure(B: number, T: number, rows = B * T): void {
    // The (Float64, plain) norm series follows T alone, so a longer but narrower batch does not regrow the caches.
    if (T > (this.gradNormThroughTime?.length ?? 0)) this.gradNormThroughTime = new Float64Array(T);
    if (rows <= this.cap && B <= this.capB) return;
    const n = Math.max(rows, this.cap), nb = Math.max(B, this.capB);
    const { G, H, ctor } = this;
    this.gx = new ctor(n * G);
    this.gh = new ctor(n * G);
    this.act = new ctor(n * G);
    this.hs = new ctor((n + nb) * H);
    const cellState = hasCellState(this.kind);
    this.cs = new ctor(cellState ? (n + nb) * H : 0);
    this.tanhC = new ctor(cellState ? n * H : 0);
    // LSTM and Elman cells read gh only inside the forward step that computes it, and their backward needs one
    // gate gradient (∂L/∂gx = ∂L/∂gh, as the cell adds the two): it is written into gh's rows, saving a
    // (T, B, G·H) block per direction — 16 MiB of W2's 117. The GRU's backward reads gh (r ⊙ (W_hn·h + b_hn)),
    // so it keeps separate buffers.
    const gru = this.kind === 'gru';
    this.dGx = gru ? new ctor(n * G) : this.gh;
    this.dGh = gru ? new ctor(n * G) : this.dGx;
    this.dh = new ctor(nb * H);
    this.dc = new ctor(nb * H);
    this.dhDirect = new ctor(nb * H);
    this.dcPrev = new ctor(nb * H);
    this.cap = n;
    this.capB = nb;
  }

  /** Slot of h_t in `hs`, and of its predecessor h_{t−1}. */
  outSlot(t: number): number {
    return this.reverse ? t : t + 1;
  }
  prevSlot(t: number): number {
    return this.reverse ? t + 1 : t;
  }
  initSlot(T: number): number {
    return this.reverse ? T : 0;
  }

  /**
   * Forward over x (T, B, I) at xOff. The initial state must already be in slot initSlot(T) of hs (and cs).
   * masks: (T, B) bytes, 1 = valid, or null when every sequence has length T.
   */
  forward(x: Floats, xOff: number, B: number, T: number, masks: Uint8Array | null): void {
    const { G, H, w } = this;
    matmulNT(this.gx, 0, x, xOff, w.wIh, 0, B * T, this.inputSize, G, false);
    addBiasRows(this.gx, 0, w.bIh, B * T, G);
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      const rowOff = t * B * G;
      const prev = this.prevSlot(t) * B * H, out = this.outSlot(t) * B * H;
      matmulNT(this.gh, rowOff, this.hs, prev, w.wHh, 0, B, H, G, false);
      addBiasRows(this.gh, rowOff, w.bHh, B, G);
      this.stepForward(t, rowOff, prev, out, masks, B);
    }
  }

  private stepForward(t: number, rowOff: number, prev: number, out: number, mask: Uint8Array | null, B: number): void {
    const H = this.H, m = t * B;
    switch (this.kind) {
      case 'lstm':
        lstmForward(this.act, rowOff, this.hs, out, this.cs, out, this.tanhC, t * B * H,
          this.gx, rowOff, this.gh, rowOff, this.hs, prev, this.cs, prev, mask, m, B, H);
        return;
      case 'gru':
        gruForward(this.act, rowOff, this.hs, out, this.gx, rowOff, this.gh, rowOff, this.hs, prev, mask, m, B, H);
        return;
      case 'rnn_tanh':
      case 'rnn_relu':
        rnnForward(this.act, rowOff, this.hs, out, this.gx, rowOff, this.gh, rowOff, this.hs, prev,
          this.kind === 'rnn_relu', mask, m, B, H);
        return;
    }
  }

  /**
   * Backward through time. dOut (T, B, H) at dOutOff: ∂L/∂h_t from above (may be null: no output gradient).
   * On entry this.dh / this.dc hold ∂L/∂h_T / ∂L/∂c_T of the final state (zero them when unused); on exit
   * they hold ∂L/∂h0 / ∂L/∂c0. Accumulates parameter gradients; writes (accumulates if `accumulateDx`) dX.
   */
  backward(
    dOut: Floats | null, dOutOff: number, x: Floats, xOff: number, dX: Floats | null, dXOff: number,
    B: number, T: number, masks: Uint8Array | null, accumulateDx: boolean,
  ): void {
    const { G, H, w } = this;
    const dh = this.dh, dc = this.dc;
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? s : T - 1 - s; // reverse of the forward order
      const rowOff = t * B * G;
      if (dOut !== null) {
        const o = dOutOff + t * B * H;
        for (let i = 0; i < B * H; i++) dh[i] += dOut[o + i];
      }
      let n2 = 0;
      for (let j = 0; j < H; j++) n2 += dh[j] * dh[j];
      this.gradNormThroughTime[t] = Math.sqrt(n2);
      this.stepBackward(t, rowOff, masks, B);
      // ∂L/∂h_{t−1} = dGh_t·W_hh + (the part that bypasses W_hh)
      matmulNN(dh, 0, this.dGh, rowOff, w.wHh, 0, B, G, H, false);
      for (let i = 0; i < B * H; i++) dh[i] += this.dhDirect[i];
      if (this.kind === 'lstm') for (let i = 0; i < B * H; i++) dc[i] = this.dcPrev[i];
    }
    // Parameter gradients in three big products and two column sums.
    const prev0 = (this.reverse ? 1 : 0) * B * H;
    matmulTN(w.dWHh, 0, this.dGh, 0, this.hs, prev0, G, B * T, H, true);
    matmulTN(w.dWIh, 0, this.dGx, 0, x, xOff, G, B * T, this.inputSize, true);
    sumRowsInto(w.dBHh, this.dGh, B * T, G);
    sumRowsInto(w.dBIh, this.dGx, B * T, G);
    if (dX !== null) matmulNN(dX, dXOff, this.dGx, 0, w.wIh, 0, B * T, G, this.inputSize, accumulateDx);
  }

  private stepBackward(t: number, rowOff: number, mask: Uint8Array | null, B: number): void {
    const H = this.H, m = t * B;
    const prev = this.prevSlot(t) * B * H;
    switch (this.kind) {
      case 'lstm':
        lstmBackward(this.dGx, rowOff, this.dcPrev, this.dhDirect, this.dh, this.dc, this.act, rowOff,
          this.tanhC, t * B * H, this.cs, prev, mask, m, B, H);
        return;
      case 'gru':
        gruBackward(this.dGx, rowOff, this.dGh, rowOff, this.dhDirect, this.dh, this.act, rowOff,
          this.gh, rowOff, this.hs, prev, mask, m, B, H);
        return;
      case 'rnn_tanh':
      case 'rnn_relu':
        rnnBackward(this.dGx, rowOff, this.dhDirect, this.dh, this.act, rowOff, this.kind === 'rnn_relu', mask, m, B, H);
        return;
    }
  }
}


/** db(C) += Σ_n dy(N, C) — the bias gradient. */
export function sumRowsInto(db: Floats, dy: Floats, N: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const r = n * C;
    for (let c = 0; c < C; c++) db[c] += dy[r + c];
  }
}
