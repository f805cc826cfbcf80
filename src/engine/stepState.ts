// Recurrent state of K decoding hypotheses, carried step by step between T = 1 forwards (generation, beam
// search): h and c (L, K, H) in RecurrentStack's layout, started from one (L, 1, H) state replicated K times,
// and reordered when beam search keeps hypothesis k as a child of old hypothesis parents[k].
// The states live in plain arrays of the model's dtype, never in its WasmHeap: no product reads them (a forward
// copies h0/c0 into its own state slots, layers/recurrent.ts), and a heap cannot free, so a state per decoder
// or completer would fill it over a session (and the heap is sized for the model's buffers alone, alloc.ts).
// Legend: L layers (× directions), K hypotheses, H hidden size.
import type { FloatArrayCtor, Floats } from './tensor';

export class StepState {
  h: Floats;
  c: Floats;
  private tmp: Floats;
  K = 0;

  private readonly ctor: FloatArrayCtor;

  /** `modelCtor`: the model's params.ctor; the states take its dtype (Float64 models stay Float64). */
  constructor(readonly L: number, readonly H: number, readonly cellState: boolean, modelCtor: FloatArrayCtor) {
    const ctor = (this.ctor = modelCtor.BYTES_PER_ELEMENT === 8 ? Float64Array : Float32Array);
    this.h = new ctor(0);
    this.c = new ctor(0);
    this.tmp = new ctor(0);
  }

  private ensure(K: number): void {
    const n = this.L * K * this.H;
    if (this.h.length >= n) return;
    const grow = (old: Floats, size: number): Floats => {
      const b = new this.ctor(size);
      b.set(old.subarray(0, Math.min(old.length, size)));
      return b;
    };
    this.h = grow(this.h, n);
    this.c = grow(this.c, this.cellState ? n : 0);
    this.tmp = new this.ctor(n);
  }

  /** K copies of h1, c1 (L, 1, H); null means zeros. */
  replicate(h1: Floats | null, c1: Floats | null, K: number): void {
    this.ensure(K);
    this.K = K;
    const { L, H } = this;
    for (let l = 0; l < L; l++)
      for (let k = 0; k < K; k++) {
        const o = (l * K + k) * H;
        for (let i = 0; i < H; i++) {
          this.h[o + i] = h1 ? h1[l * H + i] : 0;
          if (this.cellState) this.c[o + i] = c1 ? c1[l * H + i] : 0;
        }
      }
  }

  /** Copies the (L, K, H) final states of a T = 1 forward over the K rows. */
  update(hN: Floats, cN: Floats | null): void {
    const n = this.L * this.K * this.H;
    for (let i = 0; i < n; i++) this.h[i] = hN[i];
    if (this.cellState && cN) for (let i = 0; i < n; i++) this.c[i] = cN[i];
  }

  /** Row k ← old row parents[k], for k < K (the new row count; may differ from the old one). */
  reorder(parents: Int32Array, K: number): void {
    const oldK = this.K;
    this.ensure(Math.max(K, oldK));
    for (const buf of this.cellState ? [this.h, this.c] : [this.h]) {
      const n = this.L * oldK * this.H;
      for (let i = 0; i < n; i++) this.tmp[i] = buf[i];
      for (let l = 0; l < this.L; l++)
        for (let k = 0; k < K; k++) {
          const s = (l * oldK + parents[k]) * this.H, d = (l * K + k) * this.H;
          for (let i = 0; i < this.H; i++) buf[d + i] = this.tmp[s + i];
        }
    }
    this.K = K;
  }
}
