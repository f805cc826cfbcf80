// The one SharedArrayBuffer the threads of a data-parallel run exchange through, and its views.
// Why a copy into a SharedArrayBuffer and not one shared WebAssembly.Memory: the SIMD kernels import a private,
// non-shared `env.memory` (src/wasm/build.mjs, kernels/heap.ts); sharing it would mean rebuilding them with the
// threads feature and putting every replica's arenas in one memory the threads allocate from together. The copy
// this block costs per step is P floats of weights in (thread 0 → block → each replica) and P floats of gradients
// out per helper thread: O(P), against the O(B·T·P) of the forward and backward it serves (W1: B·T = 2,048 rows
// per step), so under 0.1 % of a step. So every replica keeps its own zero-copy heap and the kernels stay as they are.
// Layout (byte offsets, each region 16-byte aligned):
//   ctrl    Int32 × 16   generation, done count, stop, error, batch header (rows, S, T, carry used, step)
//   stats   Float64 × 2N (mean loss, counted targets) of each thread's share
//   error   Uint8 × 512  UTF-8 message of a thread that failed
//   weights Float32 × P  the weights every replica computes with this step (written by thread 0)
//   grads   Float32 × (N − 1)·P  gradient of each helper thread's share (mean over ITS counted targets)
//   ints    Int32 × (cap0 + … + cap3)  the batch's integer arrays (tokens, lengths, targets; see rowShare.ts)
//   carry   Float32 × 4·C  lm: the carried state in (h, c) and the final state out (h, c), (L, B, H) each
//   gates   Float64 × (N − 1)·Z  each helper's gate-saturation counts of a measured step (threadSaturation.ts)
// Legend: N threads, P parameters, B rows, C = L·B·H carried floats, Z = 3 × (rows × gates) of every stack.

export const CTRL = {
  /** Bumped by thread 0 to start a step (helpers wait on it). */
  GEN: 0,
  /** Helpers that finished the current step. */
  DONE: 1,
  /** 1: helpers leave their loop. */
  STOP: 2,
  /** Index of a helper that failed (its message is in `error`), else 0. */
  ERROR: 3,
  ROWS: 4,
  S: 5,
  T: 6,
  /** lm: 1 when the step starts from the carried state. */
  CARRY: 7,
  /** The optimizer step being computed (seeds the helpers' generators). */
  STEP: 8,
} as const;
const CTRL_INTS = 16;
const ERROR_BYTES = 512;

export interface BlockLayout {
  threads: number;
  params: number;
  /** Capacities of the batch's (up to) four integer arrays. */
  ints: readonly number[];
  /** lm: floats of one carried state (L·B·H); 0 for the other tasks. */
  carry: number;
  /** Floats of one helper's gate-saturation counts (threadSaturation.ts); 0 or absent: none. */
  saturation?: number;
}

const align16 = (n: number): number => (n + 15) & ~15;

export class SharedBlock {
  readonly ctrl: Int32Array;
  readonly stats: Float64Array;
  readonly error: Uint8Array;
  readonly weights: Float32Array;
  /** grads[k − 1]: helper k's gradient. */
  readonly grads: Float32Array[] = [];
  readonly ints: Int32Array[] = [];
  readonly carryIn: { h: Float32Array; c: Float32Array };
  readonly carryOut: { h: Float32Array; c: Float32Array };
  /** saturation[k − 1]: helper k's gate-saturation counts. */
  readonly saturation: Float64Array[] = [];

  constructor(readonly layout: BlockLayout, readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(SharedBlock.bytes(layout))) {
    const { threads: N, params: P, carry: C } = layout;
    if (buffer.byteLength < SharedBlock.bytes(layout)) throw new Error(`the shared block has ${buffer.byteLength} bytes, its layout needs ${SharedBlock.bytes(layout)}`);
    let at = 0;
    const take = (bytes: number): number => {
      const o = at;
      at += align16(bytes);
      return o;
    };
    this.ctrl = new Int32Array(buffer, take(CTRL_INTS * 4), CTRL_INTS);
    this.stats = new Float64Array(buffer, take(2 * N * 8), 2 * N);
    this.error = new Uint8Array(buffer, take(ERROR_BYTES), ERROR_BYTES);
    this.weights = new Float32Array(buffer, take(P * 4), P);
    for (let k = 1; k < N; k++) this.grads.push(new Float32Array(buffer, take(P * 4), P));
    for (const n of layout.ints) this.ints.push(new Int32Array(buffer, take(n * 4), n));
    const f = (): Float32Array => new Float32Array(buffer, take(C * 4), C);
    this.carryIn = { h: f(), c: f() };
    this.carryOut = { h: f(), c: f() };
    const Z = layout.saturation ?? 0;
    if (Z > 0) for (let k = 1; k < N; k++) this.saturation.push(new Float64Array(buffer, take(Z * 8), Z));
  }

  /** Bytes a block of this layout takes. */
  static bytes(l: BlockLayout): number {
    const a = align16;
    return a(CTRL_INTS * 4) + a(2 * l.threads * 8) + a(ERROR_BYTES) + l.threads * a(l.params * 4) + l.ints.reduce((s, n) => s + a(n * 4), 0) + 4 * a(l.carry * 4) + (l.saturation ? (l.threads - 1) * a(l.saturation * 8) : 0);
  }

  /** A helper's failure, for thread 0 to report (the first one wins). */
  fail(index: number, message: string): void {
    const bytes = new TextEncoder().encode(message.slice(0, ERROR_BYTES / 4));
    this.error.fill(0);
    this.error.set(bytes.subarray(0, ERROR_BYTES));
    Atomics.compareExchange(this.ctrl, CTRL.ERROR, 0, index);
    Atomics.add(this.ctrl, CTRL.DONE, 1);
    Atomics.notify(this.ctrl, CTRL.DONE);
  }

  failure(): string | null {
    const k = Atomics.load(this.ctrl, CTRL.ERROR);
    if (k === 0) return null;
    const n = this.error.indexOf(0);
    return `training thread ${k} failed: ${new TextDecoder().decode(this.error.slice(0, n < 0 ? ERROR_BYTES : n))}`;
  }
}
