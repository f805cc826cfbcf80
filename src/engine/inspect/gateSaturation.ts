// How often the gates of LSTM and GRU layers saturate: the share of gate activations below 0.1 (left-saturated,
// the gate is nearly shut) and above 0.9 (right-saturated, nearly open), per gate and per layer, as in figure 3
// of Karpathy, Johnson & Fei-Fei (2015), "Visualizing and Understanding Recurrent Networks".
// Only the sigmoid gates count: LSTM i, f, o (rows 0, 1, 3 of i, f, g, o) and GRU r, z (rows 0, 1 of r, z, n);
// g and n are tanh candidates, not gates. The values are read from the forward caches the last training step
// left in each direction (layers/direction.ts `act`, (T, B, G·H) time-major), over the valid positions only
// (padded ones have zeroed gates). Why it matters: σ'(a) = σ(1 − σ) ≤ 0.09 outside [0.1, 0.9], so a saturated
// gate passes almost no gradient to its own weights, while a forget (update) gate stuck open carries the cell's
// gradient back through time nearly unchanged.
// Measuring allocates nothing: the counts live in one buffer sized at construction. The counts (not only the
// shares) are kept so a data-parallel run can add its other threads' rows (parallel/threadSaturation.ts): each
// thread's caches hold only ITS share of the batch.
// Legend: T time, B batch, H hidden, G gate blocks, L layers, D directions, R = L·D rows, K sigmoid gates.
import type { CellKind } from '../cells/cell';
import { gateCount } from '../cells/cell';
import type { RecurrentStack } from '../layers/recurrent';

/** Gate saturation is counted on every this-many-th step (a pass over the step's gate caches, no allocation). */
export const SATURATION_EVERY = 10;

/** Below this a gate is left-saturated, above 1 − this right-saturated (Karpathy et al. 2015). */
export const SATURATION_EDGE = 0.1;

/** Names and row blocks (in the fused gate matrix) of the sigmoid gates of each cell kind. */
export function saturationGates(cell: CellKind): { names: readonly string[]; blocks: readonly number[] } {
  if (cell === 'lstm') return { names: ['input', 'forget', 'output'], blocks: [0, 1, 3] };
  if (cell === 'gru') return { names: ['reset', 'update'], blocks: [0, 1] };
  return { names: [], blocks: [] };
}

/** One stack's shares, (R, K) row-major: row = layer·D + direction, column = gate (saturationGates order). */
export interface StackSaturation {
  low: number[];
  high: number[];
}

export class GateSaturationMeter {
  readonly rows: number;
  readonly gates: readonly string[];
  private readonly blocks: readonly number[];
  /** (R, K) left- and right-saturated shares of the last measure(). */
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** (R, K, 3) raw counts of the last count(): activations below the edge, above 1 − edge, all counted. */
  readonly counts: Float64Array;

  constructor(private readonly stack: RecurrentStack) {
    const g = saturationGates(stack.cfg.cell);
    this.gates = g.names;
    this.blocks = g.blocks;
    this.rows = stack.cfg.numLayers * stack.D;
    this.low = new Float64Array(this.rows * this.gates.length);
    this.high = new Float64Array(this.rows * this.gates.length);
    this.counts = new Float64Array(3 * this.rows * this.gates.length);
  }

  /** False for plain RNNs, which have no gates. */
  get hasGates(): boolean {
    return this.gates.length > 0;
  }

  /** Counts and shares of the stack's last forward (call right after a training step's forward). */
  measure(): void {
    this.count();
    this.share();
  }

  /** The shares from `counts` (after count(), and any other threads' counts added in). */
  share(): void {
    const c = this.counts;
    for (let i = 0; i < this.low.length; i++) {
      const n = c[3 * i + 2];
      this.low[i] = n > 0 ? c[3 * i] / n : 0;
      this.high[i] = n > 0 ? c[3 * i + 1] / n : 0;
    }
  }

  /** Counts the gates of the stack's last forward into `counts`. */
  count(): void {
    const s = this.stack, B = s.lastB, T = s.lastT, masks = s.lastMasks;
    const H = s.cfg.hiddenSize, G = gateCount(s.cfg.cell) * H, K = this.gates.length;
    for (let l = 0; l < s.cfg.numLayers; l++)
      for (let d = 0; d < s.D; d++) {
        const act = s.direction(l, d).act, r = (l * s.D + d) * K;
        for (let k = 0; k < K; k++) {
          const off = this.blocks[k] * H;
          let lo = 0, hi = 0, n = 0;
          for (let t = 0; t < T; t++)
            for (let b = 0; b < B; b++) {
              if (masks !== null && masks[t * B + b] === 0) continue;
              const row = (t * B + b) * G + off;
              for (let j = 0; j < H; j++) {
                const a = act[row + j];
                if (a < SATURATION_EDGE) lo++;
                else if (a > 1 - SATURATION_EDGE) hi++;
              }
              n += H;
            }
          this.counts[3 * (r + k)] = lo;
          this.counts[3 * (r + k) + 1] = hi;
          this.counts[3 * (r + k) + 2] = n;
        }
      }
  }

  /** The last measurement as a JSON-friendly record (for a metric point; allocates, so only when reported). */
  report(): StackSaturation {
    return { low: Array.from(this.low), high: Array.from(this.high) };
  }
}
