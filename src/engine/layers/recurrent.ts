// A stack of recurrent layers, optionally bidirectional: torch.nn.RNN / LSTM / GRU with batch_first=True,
// plus merge modes other than PyTorch's concat. Owns depth, direction, dropout between layers and the
// batch-first ⇄ time-major conversion; each direction's time loop lives in layers/direction.ts.
//   x (B, T, I) → layer 0 … layer L−1 → output (B, T, O),  O = 2H for concat, H otherwise
//   h0, c0, hN, cN: (L·D, B, H) in PyTorch's order (layer-major, forward before reverse).
// Padding: with `lengths`, steps t ≥ length keep the state unchanged and output zeros, so hN is the state at
// each sequence's own end and a reverse direction starts at its last valid token (PyTorch's packed sequences).
// Legend: B batch, T time, I input size, H hidden size, L layers, D directions (1 or 2).
import type { CellKind } from '../cells/cell';
import { gateCount, hasCellState } from '../cells/cell';
import type { Init } from '../init';
import type { ParamLayout, Params } from '../params';
import type { Rng } from '../rng';
import type { FloatArrayCtor, Floats } from '../tensor';
import type { NamedActivation } from '../sentinel';
import { Direction } from './direction';
import { mergeBackward, mergeForward, type MergeMode } from './merge';

export type { MergeMode } from './merge';

export interface RecurrentConfig {
  cell: CellKind;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /** How the two directions are combined; ignored when unidirectional. 'concat' is PyTorch's layout. */
  merge: MergeMode;
  /** Dropout probability on each layer's output except the last (torch's `dropout` argument). */
  dropout: number;
  /** 'default' = PyTorch's U(±1/√H) everywhere; 'xavier' and 'orthogonal' change W_ih / W_hh. */
  weightInit?: 'default' | 'xavier' | 'orthogonal';
  /** LSTM only: initial value of the forget-gate bias (b_ih rows f; b_hh rows f stay 0). */
  forgetBias?: number;
}

export interface RecurrentForwardOptions {
  h0?: Floats | null;
  c0?: Floats | null;
  lengths?: Int32Array | null;
  training?: boolean;
  rng?: Rng;
}

export function recurrentOutputSize(cfg: RecurrentConfig): number {
  return cfg.bidirectional && cfg.merge === 'concat' ? 2 * cfg.hiddenSize : cfg.hiddenSize;
}

export class RecurrentStack {
  readonly D: number;
  readonly outputSize: number;
  private dirs: Direction[][] = [];
  private mergeW: (Floats | null)[] = [];
  private mergeDW: (Floats | null)[] = [];
  private B = 0;
  private T = 0;
  private capBT = 0;
  private capB = 0;
  private xT!: Floats; // (T, B, I)
  private layerOut: Floats[] = []; // per layer (T, B, O), merged (and masked)
  private dropMask: Floats[] = []; // per layer (T, B, O): 0 or 1/(1−p)
  private dropped: Floats[] = []; // per layer (T, B, O): layerOut ⊙ dropMask
  private dLayerIn: Floats[] = []; // per layer (T, B, in_l)
  private dMerged!: Floats; // (T, B, O)
  private dDir: Floats[] = []; // per direction (T, B, H)
  private masks: Uint8Array | null = null;
  private maskBuf!: Uint8Array; // (T, B)
  private usedDropout = false;
  /** (B, T, O) batch-first output of the last forward. */
  output!: Floats;
  /** (L·D, B, H) final hidden states; cN likewise for the LSTM (empty otherwise). */
  hN!: Floats;
  cN!: Floats;
  /** (B, T, I) ∂L/∂x, (L·D, B, H) ∂L/∂h0 and ∂L/∂c0, filled by backward(). */
  dX!: Floats;
  dh0!: Floats;
  dc0!: Floats;

  constructor(readonly cfg: RecurrentConfig, readonly prefix: string, layout: ParamLayout) {
    this.D = cfg.bidirectional ? 2 : 1;
    this.outputSize = recurrentOutputSize(cfg);
    const H = cfg.hiddenSize, G = gateCount(cfg.cell) * H;
    const bound = 1 / Math.sqrt(H);
    const def: Init = { kind: 'uniform', bound };
    const blocks = gateCount(cfg.cell);
    const wIhInit: Init = cfg.weightInit === 'xavier' || cfg.weightInit === 'orthogonal' ? { kind: 'xavier', blocks } : def;
    const wHhInit: Init =
      cfg.weightInit === 'orthogonal' ? { kind: 'orthogonal', blocks } : cfg.weightInit === 'xavier' ? { kind: 'xavier', blocks } : def;
    for (let l = 0; l < cfg.numLayers; l++) {
      const inSize = this.layerInputSize(l);
      for (let d = 0; d < this.D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        layout.add(`${prefix}weight_ih${sfx}`, [G, inSize], wIhInit);
        layout.add(`${prefix}weight_hh${sfx}`, [G, H], wHhInit);
        layout.add(`${prefix}bias_ih${sfx}`, [G], cfg.weightInit && cfg.weightInit !== 'default' ? { kind: 'zeros' } : def);
        layout.add(`${prefix}bias_hh${sfx}`, [G], cfg.weightInit && cfg.weightInit !== 'default' ? { kind: 'zeros' } : def);
      }
      if (this.D === 2 && cfg.merge === 'weighted') {
        layout.add(`${prefix}merge_weight_l${l}`, [2], { kind: 'constant', value: 0.5 });
      }
    }
  }

  layerInputSize(l: number): number {
    return l === 0 ? this.cfg.inputSize : this.outputSize;
  }

  /** Resolves parameter views; call once after the arena is allocated (and again after a reload). */
  bind(params: Params): void {
    const { cfg, prefix } = this;
    this.dirs = [];
    this.mergeW = [];
    this.mergeDW = [];
    for (let l = 0; l < cfg.numLayers; l++) {
      const row: Direction[] = [];
      for (let d = 0; d < this.D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const n = (k: string): string => `${prefix}${k}${sfx}`;
        row.push(new Direction(cfg.cell, this.layerInputSize(l), cfg.hiddenSize, d === 1, {
          wIh: params.value(n('weight_ih')), wHh: params.value(n('weight_hh')),
          bIh: params.value(n('bias_ih')), bHh: params.value(n('bias_hh')),
          dWIh: params.gradOf(n('weight_ih')), dWHh: params.gradOf(n('weight_hh')),
          dBIh: params.gradOf(n('bias_ih')), dBHh: params.gradOf(n('bias_hh')),
        }, params.ctor));
      }
      this.dirs.push(row);
      const mw = `${prefix}merge_weight_l${l}`;
      this.mergeW.push(params.has(mw) ? params.value(mw) : null);
      this.mergeDW.push(params.has(mw) ? params.gradOf(mw) : null);
    }
    this.ctor = params.ctor;
    this.capBT = 0;
  }
  private ctor: FloatArrayCtor = Float32Array;

  /** After params.initialize(rng): applies the LSTM forget-gate bias option. */
  postInitialize(params: Params): void {
    const fb = this.cfg.forgetBias;
    if (this.cfg.cell !== 'lstm' || fb === undefined) return;
    const H = this.cfg.hiddenSize;
    for (let l = 0; l < this.cfg.numLayers; l++) {
      for (let d = 0; d < this.D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        params.value(`${this.prefix}bias_ih${sfx}`).fill(fb, H, 2 * H);
        params.value(`${this.prefix}bias_hh${sfx}`).fill(0, H, 2 * H);
      }
    }
  }

  /** Direction d of layer l (for diagnostics such as gradNormThroughTime). */
  /** Each layer's merged output (T, B, O) of the last forward, for naming where a forward overflowed. */
  activations(): NamedActivation[] {
    const n = this.T * this.B * this.outputSize;
    return this.layerOut.map((values, l) => ({ name: `${this.prefix}l${l} output`, values: values.subarray(0, n) }));
  }

  /** Rows B and steps T of the last forward, and its (T, B) validity bytes (null: every row valid), for
   *  diagnostics that read the caches (inspect/gateSaturation.ts). */
  get lastB(): number {
    return this.B;
  }
  get lastT(): number {
    return this.T;
  }
  get lastMasks(): Uint8Array | null {
    return this.masks;
  }

  direction(l: number, d: number): Direction {
    return this.dirs[l][d];
  }

  private ensure(B: number, T: number): void {
    this.B = B;
    this.T = T;
    this.reserve(B, T);
  }

  /**
   * Allocates the caches for batches of up to B rows, T steps and `rows` positions in all (default B·T; fewer when no batch is both the widest and the longest; grown, never
   * shrunk), so later forwards within those sizes allocate nothing: call it with the largest shape first, as a
   * heap cannot free (sizing/alloc.ts counts what it allocates).
   */
  reserve(B: number, T: number, rows = B * T): void {
    for (const row of this.dirs) for (const dir of row) dir.ensure(B, T, rows);
    if (rows <= this.capBT && B <= this.capB) return;
    const n = Math.max(rows, this.capBT), nb = Math.max(B, this.capB);
    const { cfg, ctor } = this;
    const O = this.outputSize, H = cfg.hiddenSize, LD = cfg.numLayers * this.D;
    this.xT = new ctor(n * cfg.inputSize);
    this.layerOut = [];
    this.dropMask = [];
    this.dropped = [];
    this.dLayerIn = [];
    for (let l = 0; l < cfg.numLayers; l++) {
      this.layerOut.push(new ctor(n * O));
      const drop = cfg.dropout > 0 && l < cfg.numLayers - 1;
      this.dropMask.push(new ctor(drop ? n * O : 0));
      this.dropped.push(new ctor(drop ? n * O : 0));
      this.dLayerIn.push(new ctor(n * this.layerInputSize(l)));
    }
    this.dMerged = new ctor(n * O);
    this.dDir = [new ctor(n * H), new ctor(this.D === 2 ? n * H : 0)];
    this.maskBuf = new Uint8Array(n);
    this.output = new ctor(n * O);
    this.hN = new ctor(LD * nb * H);
    this.cN = new ctor(hasCellState(cfg.cell) ? LD * nb * H : 0);
    this.dX = new ctor(n * cfg.inputSize);
    this.dh0 = new ctor(LD * nb * H);
    this.dc0 = new ctor(hasCellState(cfg.cell) ? LD * nb * H : 0);
    this.capBT = n;
    this.capB = nb;
  }

  /** Forward over x (B, T, I). Results in this.output, this.hN, this.cN. */
  forward(x: Floats, B: number, T: number, opts: RecurrentForwardOptions = {}): void {
    this.ensure(B, T);
    const { cfg } = this;
    const I = cfg.inputSize, H = cfg.hiddenSize, O = this.outputSize;
    toTimeMajor(this.xT, x, B, T, I);
    this.masks = opts.lengths ? fillMasks(this.maskBuf, opts.lengths, B, T) : null;
    const cellState = hasCellState(cfg.cell);
    this.usedDropout = !!opts.training && cfg.dropout > 0;
    if (this.usedDropout && !opts.rng) throw new Error('dropout in training needs an rng');
    for (let l = 0; l < cfg.numLayers; l++) {
      const input = l === 0 ? this.xT : this.usedDropout ? this.dropped[l - 1] : this.layerOut[l - 1];
      for (let d = 0; d < this.D; d++) {
        const dir = this.dirs[l][d];
        const k = (l * this.D + d) * B * H, init = dir.initSlot(T) * B * H;
        copyOrZero(dir.hs, init, opts.h0 ?? null, k, B * H);
        if (cellState) copyOrZero(dir.cs, init, opts.c0 ?? null, k, B * H);
        dir.forward(input, 0, B, T, this.masks);
        const fin = (dir.reverse ? 0 : T) * B * H;
        for (let i = 0; i < B * H; i++) this.hN[k + i] = dir.hs[fin + i];
        if (cellState) for (let i = 0; i < B * H; i++) this.cN[k + i] = dir.cs[fin + i];
      }
      mergeForward(this.layerOut[l], this.dirs[l], this.mergeW[l], cfg.merge, this.masks, B, T, H);
      if (this.usedDropout && l < cfg.numLayers - 1) {
        applyDropout(this.dropped[l], this.dropMask[l], this.layerOut[l], T * B * O, cfg.dropout, opts.rng!);
      }
    }
    toBatchFirst(this.output, this.layerOut[cfg.numLayers - 1], B, T, O);
  }

  /**
   * Backward of the last forward. dOutput (B, T, O) or null; dhN, dcN (L·D, B, H) or null. Accumulates
   * parameter gradients; fills this.dX, this.dh0, this.dc0.
   */
  backward(dOutput: Floats | null, dhN: Floats | null = null, dcN: Floats | null = null): void {
    const { cfg, B, T } = this;
    const H = cfg.hiddenSize, O = this.outputSize;
    const cellState = hasCellState(cfg.cell);
    for (let l = cfg.numLayers - 1; l >= 0; l--) {
      // ∂L/∂(merged output of layer l)
      if (l === cfg.numLayers - 1) {
        if (dOutput) toTimeMajor(this.dMerged, dOutput, B, T, O);
        else this.dMerged.fill(0, 0, T * B * O);
      } else {
        const dIn = this.dLayerIn[l + 1];
        if (this.usedDropout) for (let i = 0; i < T * B * O; i++) this.dMerged[i] = dIn[i] * this.dropMask[l][i];
        else for (let i = 0; i < T * B * O; i++) this.dMerged[i] = dIn[i];
      }
      mergeBackward(this.dDir, this.dMerged, this.dirs[l], this.mergeW[l], this.mergeDW[l], cfg.merge, this.masks, B, T, H);
      const input = l === 0 ? this.xT : this.usedDropout ? this.dropped[l - 1] : this.layerOut[l - 1];
      for (let d = 0; d < this.D; d++) {
        const dir = this.dirs[l][d];
        const k = (l * this.D + d) * B * H;
        copyOrZero(dir.dh, 0, dhN, k, B * H);
        if (cellState) copyOrZero(dir.dc, 0, dcN, k, B * H);
        dir.backward(this.dDir[d], 0, input, 0, this.dLayerIn[l], 0, B, T, this.masks, d === 1);
        for (let i = 0; i < B * H; i++) this.dh0[k + i] = dir.dh[i];
        if (cellState) for (let i = 0; i < B * H; i++) this.dc0[k + i] = dir.dc[i];
      }
    }
    toBatchFirst(this.dX, this.dLayerIn[0], B, T, cfg.inputSize);
  }
}

function copyOrZero(dst: Floats, dOff: number, src: Floats | null, sOff: number, n: number): void {
  if (src === null) for (let i = 0; i < n; i++) dst[dOff + i] = 0;
  else for (let i = 0; i < n; i++) dst[dOff + i] = src[sOff + i];
}

/** (B, T, C) → (T, B, C) */
function toTimeMajor(dst: Floats, src: Floats, B: number, T: number, C: number): void {
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const s = (b * T + t) * C, d = (t * B + b) * C;
      for (let c = 0; c < C; c++) dst[d + c] = src[s + c];
    }
}

/** (T, B, C) → (B, T, C) */
function toBatchFirst(dst: Floats, src: Floats, B: number, T: number, C: number): void {
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      const s = (t * B + b) * C, d = (b * T + t) * C;
      for (let c = 0; c < C; c++) dst[d + c] = src[s + c];
    }
}

/** masks (T, B): 1 where t < lengths[b]. */
function fillMasks(masks: Uint8Array, lengths: Int32Array, B: number, T: number): Uint8Array {
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) masks[t * B + b] = t < lengths[b] ? 1 : 0;
  return masks;
}

/** Inverted dropout (Srivastava et al. 2014): keep with probability 1 − p and scale by 1/(1 − p). */
function applyDropout(out: Floats, mask: Floats, x: Floats, n: number, p: number, rng: Rng): void {
  const scale = 1 / (1 - p);
  for (let i = 0; i < n; i++) {
    const m = rng.next() < p ? 0 : scale;
    mask[i] = m;
    out[i] = x[i] * m;
  }
}
