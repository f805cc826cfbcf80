// The thought vector: the encoder's final state, handed to the decoder as its initial state (Sutskever et al.
// 2014; Cho et al. 2014). Per decoder layer l the source is encoder layer e(l) = clamp(l + Le − Ld, 0, Le − 1)
// (the top encoder layers feed the decoder's layers; a deeper decoder repeats layer 0 below), and for a
// bidirectional encoder the two directions' final states are concatenated [h_fwd; h_rev] (PyTorch order).
//   x_l (B, D·He)  →  h0_l = x_l                          when D·He = Hd and no learned bridge is asked for
//                  →  h0_l = tanh(x_l·W_bᵀ + b_b)         otherwise (`bridge.weight` (Hd, D·He), `bridge.bias`)
// LSTM cell states go through their own bridge (`bridge_c.*`) the same way.
// Legend: B batch, Le/Ld encoder/decoder layers, D encoder directions, He/Hd encoder/decoder hidden sizes.
import { linearBackward, linearForward } from '../ops/linear';
import type { ParamLayout, Params } from '../params';
import type { FloatArrayCtor, Floats } from '../tensor';

export interface BridgeConfig {
  encLayers: number;
  directions: number;
  encHidden: number;
  decLayers: number;
  decHidden: number;
  /** LSTM: the cell state is bridged too. */
  cellState: boolean;
  /** Learned Linear + tanh even when the sizes already match. */
  forceLearned?: boolean;
}

interface Lin {
  W: Floats; b: Floats; dW: Floats; db: Floats;
}

export class Bridge {
  readonly learned: boolean;
  readonly inSize: number;
  private lin: (Lin | null)[] = [null, null];
  private B = 0;
  private cap = 0;
  private x: Floats[] = []; // per state kind (h, c): (Ld·B, D·He) gathered thought vectors
  private dX!: Floats; // (Ld·B, D·He)
  private dPre!: Floats; // (Ld·B, Hd)
  /** Decoder initial states (Ld, B, Hd) from forward(). */
  h0!: Floats;
  c0!: Floats;
  /** ∂L/∂(encoder final states) (Le·D, B, He) from backward(). */
  dhN!: Floats;
  dcN!: Floats;
  private ctor: FloatArrayCtor = Float32Array;

  constructor(readonly cfg: BridgeConfig, layout: ParamLayout) {
    this.inSize = cfg.directions * cfg.encHidden;
    this.learned = !!cfg.forceLearned || this.inSize !== cfg.decHidden;
    if (!this.learned) return;
    const bound = 1 / Math.sqrt(this.inSize); // torch.nn.Linear default
    for (const name of cfg.cellState ? ['bridge', 'bridge_c'] : ['bridge']) {
      layout.add(`${name}.weight`, [cfg.decHidden, this.inSize], { kind: 'uniform', bound });
      layout.add(`${name}.bias`, [cfg.decHidden], { kind: 'uniform', bound });
    }
  }

  bind(params: Params): void {
    this.ctor = params.ctor;
    this.cap = 0;
    if (!this.learned) return;
    const lin = (n: string): Lin => ({
      W: params.value(`${n}.weight`), b: params.value(`${n}.bias`), dW: params.gradOf(`${n}.weight`), db: params.gradOf(`${n}.bias`),
    });
    this.lin = [lin('bridge'), this.cfg.cellState ? lin('bridge_c') : null];
  }

  private ensure(B: number): void {
    this.B = B;
    this.reserve(B);
  }

  /** Allocates the buffers for up to B rows (grown, never shrunk; sizing/alloc.ts counts what this allocates). */
  reserve(B: number): void {
    if (B <= this.cap) return;
    const { cfg, ctor, inSize } = this;
    const nIn = cfg.decLayers * B * inSize, nOut = cfg.decLayers * B * cfg.decHidden;
    const nEnc = cfg.encLayers * cfg.directions * B * cfg.encHidden;
    this.x = [new ctor(nIn), new ctor(cfg.cellState ? nIn : 0)];
    this.dX = new ctor(nIn);
    this.dPre = new ctor(nOut);
    this.h0 = new ctor(nOut);
    this.c0 = new ctor(cfg.cellState ? nOut : 0);
    this.dhN = new ctor(nEnc);
    this.dcN = new ctor(cfg.cellState ? nEnc : 0);
    this.cap = B;
  }

  /** Encoder layer feeding decoder layer l. */
  sourceLayer(l: number): number {
    const { encLayers: Le, decLayers: Ld } = this.cfg;
    return Math.min(Le - 1, Math.max(0, l + Le - Ld));
  }

  /** hN, cN (Le·D, B, He) → this.h0, this.c0 (Ld, B, Hd). cN is ignored without a cell state. */
  forward(hN: Floats, cN: Floats | null, B: number): void {
    this.ensure(B);
    this.one(0, hN, this.h0, B);
    if (this.cfg.cellState) this.one(1, cN!, this.c0, B);
  }

  private one(k: number, src: Floats, out: Floats, B: number): void {
    const { cfg, inSize } = this, rows = cfg.decLayers * B, x = this.learned ? this.x[k] : out;
    this.gather(x, src, B);
    const lin = this.lin[k];
    if (!this.learned || !lin) return;
    linearForward(out, x, lin.W, lin.b, rows, inSize, cfg.decHidden);
    for (let i = 0; i < rows * cfg.decHidden; i++) out[i] = Math.tanh(out[i]);
  }

  /** x (Ld·B, D·He) ← [h_fwd; h_rev] of the source layer, row by row. */
  private gather(x: Floats, src: Floats, B: number): void {
    const { directions: D, encHidden: He, decLayers: Ld } = this.cfg;
    for (let l = 0; l < Ld; l++) {
      const e = this.sourceLayer(l);
      for (let b = 0; b < B; b++)
        for (let d = 0; d < D; d++) {
          const s = ((e * D + d) * B + b) * He, o = (l * B + b) * D * He + d * He;
          for (let i = 0; i < He; i++) x[o + i] = src[s + i];
        }
    }
  }

  /** dh0, dc0 (Ld, B, Hd) → this.dhN, this.dcN (Le·D, B, He); accumulates the bridge's parameter gradients. */
  backward(dh0: Floats, dc0: Floats | null): void {
    this.backOne(0, dh0, this.h0, this.dhN);
    if (this.cfg.cellState) this.backOne(1, dc0!, this.c0, this.dcN);
  }

  private backOne(k: number, dY: Floats, y: Floats, dSrc: Floats): void {
    const { cfg, inSize, B } = this, rows = cfg.decLayers * B, Hd = cfg.decHidden;
    let dx = dY;
    const lin = this.lin[k];
    if (this.learned && lin) {
      for (let i = 0; i < rows * Hd; i++) this.dPre[i] = dY[i] * (1 - y[i] * y[i]); // tanh′ = 1 − y²
      this.dX.fill(0, 0, rows * inSize);
      linearBackward(this.dX, lin.dW, lin.db, this.dPre, this.x[k], lin.W, rows, inSize, Hd);
      dx = this.dX;
    }
    // Scatter back; accumulate because a shallow encoder layer can feed several decoder layers.
    const { directions: D, encHidden: He, encLayers: Le } = cfg;
    dSrc.fill(0, 0, Le * D * B * He);
    for (let l = 0; l < cfg.decLayers; l++) {
      const e = this.sourceLayer(l);
      for (let b = 0; b < B; b++)
        for (let d = 0; d < D; d++) {
          const s = ((e * D + d) * B + b) * He, o = (l * B + b) * D * He + d * He;
          for (let i = 0; i < He; i++) dSrc[s + i] += dx[o + i];
        }
    }
  }
}
