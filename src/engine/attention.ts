// Attention over encoder states (Luong et al. 2015 "dot"/"general"; Bahdanau et al. 2015 "additive"), for T
// queries per batch row at once (every decoder step of a teacher-forced batch, or K beam hypotheses of one
// source). Query t of row b attends over the S encoder states of row b:
//   dot       score_tj = q_t · h_j                         (Hd = He)
//   general   score_tj = q_t · (W h_j)                     W (Hd, He)
//   additive  score_tj = v · tanh(W_h h_j + W_s q_t)       W_h (A, He), W_s (A, Hd), v (A)
//   additive, location-aware (Chorowski et al. 2015, "Attention-Based Models for Speech Recognition" §2.2):
//             score_tj = v · tanh(W_h h_j + W_s q_t + f_tj),  f_tj = Σ_k L[:, 0, k] w_{t−1, j+k−r}
//             L (A, 1, K) is torch.nn.Conv1d(1, A, K, padding=r = K // 2, bias=False) over the previous step's
//             weights (zeros before the first step): Chorowski's U·(F * α) with F and U folded into one conv.
//             It lets a query say "next to where I looked last": a shift the content of h_j alone cannot
//             express. Queries of a row are then consecutive steps (scored one after another) unless forward()
//             gets each query's previous weights explicitly (K beam hypotheses of one step).
//   w_t = softmax_j(score_tj) over j < length_b (positions j ≥ length_b get weight 0, score −∞)
//   context_t = Σ_j w_tj h_j
// dot and general share one path: keys K_j = h_j (dot) or W h_j (general), then scores = Q·Kᵀ per row.
// Parameter names are `${prefix}W`, `${prefix}W_h`, `${prefix}W_s`, `${prefix}v` (the fixtures use prefix '').
// Legend: B batch, T queries per row, S source length, He encoder state size, Hd query size, A attention size.
import { matmulNN, matmulNT, matmulTN } from './ops/matmul';
import type { ParamLayout, Params } from './params';
import type { FloatArrayCtor, Floats } from './tensor';

export type AttentionScore = 'dot' | 'general' | 'additive';

export interface AttentionConfig {
  score: AttentionScore;
  encoderSize: number;
  decoderSize: number;
  /** A, additive only (defaults to decoderSize). */
  attentionSize?: number;
  /** Additive only: K, the (odd) width of the location-aware convolution over the previous weights; 0/absent = none. */
  locationKernel?: number;
}

export class Attention {
  readonly A: number;
  private B = 0;
  private T = 0;
  private S = 0;
  private cap = [0, 0, 0]; // capacity of B·T·S, B·S, B·T
  private enc!: Floats; // (B, S, He) of the last forward (caller's buffer)
  private q!: Floats; // (B, T, Hd) of the last forward (caller's buffer)
  private lengths: Int32Array | null = null;
  private keys!: Floats; // (B, S, Hd) general: W h_j;  additive: (B, S, A) W_h h_j
  private qProj!: Floats; // (B, T, A) additive: W_s q_t
  private u!: Floats; // (B, T, S, A) additive: tanh(W_h h_j + W_s q_t)
  /** (B, T, S) scores (−∞ where masked), softmax weights and, after backward, ∂L/∂score. */
  scores!: Floats;
  weights!: Floats;
  private dScores!: Floats;
  private dKeys!: Floats;
  private dQProj!: Floats;
  /** (B, T, He) context vectors. */
  context!: Floats;
  /** Filled by backward(), overwritten (not accumulated): (B, S, He) ∂L/∂enc and (B, T, Hd) ∂L/∂q. */
  dEnc!: Floats;
  dQuery!: Floats;
  private W: Floats | null = null;
  private dW: Floats | null = null;
  private Wh: Floats | null = null;
  private dWh: Floats | null = null;
  private Ws: Floats | null = null;
  private dWs: Floats | null = null;
  private v: Floats | null = null;
  private dv: Floats | null = null;
  private L: Floats | null = null; // (A, 1, K) location conv
  private dL: Floats | null = null;
  private prev: Floats | null = null; // (B·T, S) given previous weights, or null: chained steps
  private zeros!: Floats; // (S) the "previous weights" of a chain's first step
  private pw!: Floats; // prevRow(): the array and offset of the row being read
  private po = 0;
  private ctor: FloatArrayCtor = Float32Array;

  constructor(readonly cfg: AttentionConfig, readonly prefix: string, layout: ParamLayout) {
    const { score, encoderSize: He, decoderSize: Hd } = cfg;
    this.A = cfg.attentionSize ?? Hd;
    if (score === 'dot' && He !== Hd) {
      throw new Error(`dot attention needs equal encoder and decoder sizes, got ${He} and ${Hd}; use general or additive`);
    }
    // torch.nn.Linear(in, out, bias=False) initialisation: U(±1/√in).
    if (score === 'general') layout.add(`${prefix}W`, [Hd, He], { kind: 'uniform', bound: 1 / Math.sqrt(He) });
    if (score === 'additive') {
      layout.add(`${prefix}W_h`, [this.A, He], { kind: 'uniform', bound: 1 / Math.sqrt(He) });
      layout.add(`${prefix}W_s`, [this.A, Hd], { kind: 'uniform', bound: 1 / Math.sqrt(Hd) });
      layout.add(`${prefix}v`, [this.A], { kind: 'uniform', bound: 1 / Math.sqrt(this.A) });
    }
    const K = cfg.locationKernel ?? 0;
    if (K && (score !== 'additive' || K % 2 !== 1)) throw new Error(`location-aware attention needs additive scores and an odd kernel, got ${score} and ${K}`);
    // nn.Conv1d default init: U(±1/√fan_in), fan_in = in_channels · K = K.
    if (K) layout.add(`${prefix}location.weight`, [this.A, 1, K], { kind: 'uniform', bound: 1 / Math.sqrt(K) });
  }

  get locationKernel(): number {
    return this.cfg.locationKernel ?? 0;
  }

  bind(params: Params): void {
    const p = this.prefix, s = this.cfg.score;
    this.ctor = params.ctor;
    if (s === 'general') [this.W, this.dW] = [params.value(`${p}W`), params.gradOf(`${p}W`)];
    if (s === 'additive') {
      [this.Wh, this.dWh] = [params.value(`${p}W_h`), params.gradOf(`${p}W_h`)];
      [this.Ws, this.dWs] = [params.value(`${p}W_s`), params.gradOf(`${p}W_s`)];
      [this.v, this.dv] = [params.value(`${p}v`), params.gradOf(`${p}v`)];
    }
    if (this.locationKernel) [this.L, this.dL] = [params.value(`${p}location.weight`), params.gradOf(`${p}location.weight`)];
    this.cap = [0, 0, 0];
  }

  /** Width of a key row: Hd (dot, general) or A (additive). */
  private get keyWidth(): number {
    return this.cfg.score === 'additive' ? this.A : this.cfg.decoderSize;
  }

  private ensure(B: number, T: number, S: number): void {
    [this.B, this.T, this.S] = [B, T, S];
    this.reserve(B, T, S);
  }

  /**
   * Allocates the buffers for B rows of up to T queries over up to S source positions (grown, never shrunk), so
   * forwards within those sizes allocate nothing; sizing/alloc.ts counts what this allocates.
   */
  reserve(B: number, T: number, S: number): void {
    // A location-aware chain's first step reads S zeros as its "previous weights"; they follow S alone.
    if (this.locationKernel && S > (this.zeros?.length ?? 0)) this.zeros = new this.ctor(S);
    else this.zeros ??= new this.ctor(0);
    const [cBTS, cBS, cBT] = this.cap;
    if (B * T * S <= cBTS && B * S <= cBS && B * T <= cBT) return;
    const bts = Math.max(B * T * S, cBTS), bs = Math.max(B * S, cBS), bt = Math.max(B * T, cBT);
    const { ctor, cfg } = this, K = this.keyWidth, add = cfg.score === 'additive';
    this.keys = new ctor(cfg.score === 'dot' ? 0 : bs * K);
    this.dKeys = new ctor(cfg.score === 'dot' ? 0 : bs * K);
    this.qProj = new ctor(add ? bt * this.A : 0);
    this.dQProj = new ctor(add ? bt * this.A : 0);
    this.u = new ctor(add ? bts * this.A : 0);
    this.scores = new ctor(bts);
    this.weights = new ctor(bts);
    this.dScores = new ctor(bts);
    this.context = new ctor(bt * cfg.encoderSize);
    this.dEnc = new ctor(bs * cfg.encoderSize);
    this.dQuery = new ctor(bt * cfg.decoderSize);
    this.cap = [bts, bs, bt];
  }

  /**
   * enc (B, S, He), q (B, T, Hd), lengths (B) or null (all S valid). Fills scores, weights, context.
   * Location-aware only: prev (B·T, S) holds each query's previous weights (beam hypotheses); without it the
   * T queries of a row are consecutive steps, each using the weights just computed for the one before.
   */
  forward(enc: Floats, B: number, S: number, lengths: Int32Array | null, q: Floats, T: number, prev: Floats | null = null): void {
    this.ensure(B, T, S);
    [this.enc, this.q, this.lengths, this.prev] = [enc, q, lengths, prev];
    const { cfg } = this, He = cfg.encoderSize, Hd = cfg.decoderSize, A = this.A;
    if (cfg.score === 'general') matmulNT(this.keys, 0, enc, 0, this.W!, 0, B * S, He, Hd, false);
    if (cfg.score === 'additive') {
      matmulNT(this.keys, 0, enc, 0, this.Wh!, 0, B * S, He, A, false);
      matmulNT(this.qProj, 0, q, 0, this.Ws!, 0, B * T, Hd, A, false);
      this.additiveScores(B, T, S); // location-aware: softmax row by row inside, as each step needs the last
    } else {
      const keys = cfg.score === 'dot' ? enc : this.keys;
      for (let b = 0; b < B; b++) matmulNT(this.scores, b * T * S, q, b * T * Hd, keys, b * S * Hd, T, Hd, S, false);
    }
    if (!this.locationKernel) for (let r = 0; r < B * T; r++) this.softmaxRow(r, S, this.rowLength(r));
    for (let b = 0; b < B; b++) matmulNN(this.context, b * T * He, this.weights, b * T * S, enc, b * S * He, T, S, He, false);
  }

  /** Valid source positions of query row r = b·T + t. */
  private rowLength(r: number): number {
    const S = this.S;
    return this.lengths ? Math.min(this.lengths[Math.floor(r / this.T)], S) : S;
  }

  /** Points pw/po at the previous weights query row r's location features read. */
  private prevRow(r: number): void {
    const first = r % this.T === 0;
    this.pw = this.prev ?? (first ? this.zeros : this.weights);
    this.po = this.prev ? r * this.S : first ? 0 : (r - 1) * this.S;
  }

  private additiveScores(B: number, T: number, S: number): void {
    const A = this.A, v = this.v!, u = this.u, kp = this.keys, qp = this.qProj, K = this.locationKernel, L = this.L, R = K >> 1;
    for (let b = 0; b < B; b++) {
      const len = this.lengths ? Math.min(this.lengths[b], S) : S; // padded positions are masked anyway
      for (let t = 0; t < T; t++) {
        const r = b * T + t, qo = r * A;
        if (K) this.prevRow(r);
        const pw = this.pw, po = this.po;
        for (let j = 0; j < len; j++) {
          const ko = (b * S + j) * A, uo = (r * S + j) * A;
          let s = 0;
          for (let a = 0; a < A; a++) {
            let pre = kp[ko + a] + qp[qo + a];
            for (let k = 0; k < K; k++) {
              const i = j + k - R; // cross-correlation, zero padding (positions past the length hold weight 0)
              if (i >= 0 && i < len) pre += L![a * K + k] * pw[po + i];
            }
            const x = Math.tanh(pre);
            u[uo + a] = x;
            s += v[a] * x;
          }
          this.scores[r * S + j] = s;
        }
        if (K) this.softmaxRow(r, S, len);
      }
    }
  }

  /** weights[r] = softmax(scores[r, :len]); positions ≥ len get score −∞ and weight 0. */
  private softmaxRow(r: number, S: number, len: number): void {
    const sc = this.scores, w = this.weights, o = r * S;
    let max = -Infinity;
    for (let j = 0; j < len; j++) if (sc[o + j] > max) max = sc[o + j];
    let sum = 0;
    for (let j = 0; j < len; j++) sum += (w[o + j] = Math.exp(sc[o + j] - max));
    for (let j = 0; j < len; j++) w[o + j] /= sum;
    for (let j = len; j < S; j++) {
      sc[o + j] = -Infinity;
      w[o + j] = 0;
    }
  }

  /** Softmax backward of row r in place: ∂L/∂score_j = w_j (∂L/∂w_j − Σ_k w_k ∂L/∂w_k). */
  private softmaxBackwardRow(r: number, S: number): void {
    const w = this.weights, ds = this.dScores, o = r * S;
    let dot = 0;
    for (let j = 0; j < S; j++) dot += w[o + j] * ds[o + j];
    for (let j = 0; j < S; j++) ds[o + j] = w[o + j] * (ds[o + j] - dot);
  }

  /**
   * Backward of the last forward. dContext (B, T, He) and dWeights (B, T, S) (either may be null).
   * Accumulates parameter gradients; overwrites this.dEnc and this.dQuery.
   */
  backward(dContext: Floats | null, dWeights: Floats | null): void {
    const { B, T, S, cfg, enc, q } = this, He = cfg.encoderSize, Hd = cfg.decoderSize;
    const w = this.weights, ds = this.dScores, n = B * T * S;
    // ∂L/∂w_tj = dWeights_tj + dContext_t · h_j, stored in dScores first.
    if (dWeights) for (let i = 0; i < n; i++) ds[i] = dWeights[i];
    else ds.fill(0, 0, n);
    this.dEnc.fill(0, 0, B * S * He);
    if (dContext) {
      for (let b = 0; b < B; b++) {
        matmulNT(ds, b * T * S, dContext, b * T * He, enc, b * S * He, T, He, S, true);
        // ∂L/∂h_j (through the context) = Σ_t w_tj dContext_t
        matmulTN(this.dEnc, b * S * He, w, b * T * S, dContext, b * T * He, S, T, He, true);
      }
    }
    // Softmax backward; masked weights are 0, so are their gradients. Location-aware attention does it row by
    // row in additiveBackward, last step first: step t's scores also send gradient to step t − 1's weights.
    if (!this.locationKernel) for (let r = 0; r < B * T; r++) this.softmaxBackwardRow(r, S);
    if (cfg.score === 'additive') {
      this.additiveBackward();
      return;
    }
    // scores = Q·Kᵀ: dQ = dS·K, dK = dSᵀ·Q.
    const keys = cfg.score === 'dot' ? enc : this.keys;
    const dKeys = cfg.score === 'dot' ? this.dEnc : this.dKeys;
    if (cfg.score === 'general') dKeys.fill(0, 0, B * S * Hd);
    for (let b = 0; b < B; b++) {
      matmulNN(this.dQuery, b * T * Hd, ds, b * T * S, keys, b * S * Hd, T, S, Hd, false);
      matmulTN(dKeys, b * S * Hd, ds, b * T * S, q, b * T * Hd, S, T, Hd, true);
    }
    if (cfg.score === 'general') {
      // keys = enc·Wᵀ: dW += dKeysᵀ·enc, dEnc += dKeys·W.
      matmulTN(this.dW!, 0, this.dKeys, 0, enc, 0, Hd, B * S, He, true);
      matmulNN(this.dEnc, 0, this.dKeys, 0, this.W!, 0, B * S, Hd, He, true);
    }
  }

  private additiveBackward(): void {
    const { B, T, S, A, cfg, enc, q } = this, He = cfg.encoderSize, Hd = cfg.decoderSize;
    const v = this.v!, dv = this.dv!, u = this.u, ds = this.dScores, dk = this.dKeys, dq = this.dQProj;
    const K = this.locationKernel, L = this.L!, dL = this.dL!, R = K >> 1, chained = K > 0 && !this.prev;
    dk.fill(0, 0, B * S * A);
    dq.fill(0, 0, B * T * A);
    for (let b = 0; b < B; b++)
      for (let t = T - 1; t >= 0; t--) {
        const r = b * T + t, qo = r * A, len = this.rowLength(r);
        if (K) this.softmaxBackwardRow(r, S); // complete now: step t + 1 has already added its share
        if (K) this.prevRow(r);
        const pw = this.pw, po = this.po;
        const into = chained && t > 0 ? (r - 1) * S : -1; // ∂L/∂(previous weights) goes to step t − 1's row
        for (let j = 0; j < S; j++) {
          const g = ds[r * S + j];
          if (g === 0) continue; // masked position (or no gradient): contributes nothing
          const ko = (b * S + j) * A, uo = (r * S + j) * A;
          for (let a = 0; a < A; a++) {
            const x = u[uo + a];
            dv[a] += g * x;
            const dPre = g * v[a] * (1 - x * x); // tanh′ = 1 − tanh²
            dk[ko + a] += dPre;
            dq[qo + a] += dPre;
            for (let k = 0; k < K; k++) {
              const i = j + k - R;
              if (i < 0 || i >= len) continue;
              dL[a * K + k] += dPre * pw[po + i];
              if (into >= 0) ds[into + i] += dPre * L[a * K + k];
            }
          }
        }
      }
    matmulTN(this.dWh!, 0, dk, 0, enc, 0, A, B * S, He, true);
    matmulNN(this.dEnc, 0, dk, 0, this.Wh!, 0, B * S, A, He, true);
    matmulTN(this.dWs!, 0, dq, 0, q, 0, A, B * T, Hd, true);
    matmulNN(this.dQuery, 0, dq, 0, this.Ws!, 0, B * T, A, Hd, false);
  }
}
