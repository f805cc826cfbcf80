// RMSprop as torch.optim.RMSprop (documented algorithm, torch 1.13 / 2.x). Legend: θ params, g grad,
// v square_avg, ḡ grad_avg (centered only), b momentum_buffer (momentum > 0 only), α alpha, ε eps,
// λ weight decay, μ momentum, γ lr.
//   g ← g + λθ                     (if λ ≠ 0)
//   v ← α v + (1 − α) g²
//   ṽ ← v;  centered: ḡ ← α ḡ + (1 − α) g,  ṽ ← v − ḡ²
//   μ > 0:  b ← μ b + g / (√ṽ + ε),  θ ← θ − γ b
//   else:   θ ← θ − γ g / (√ṽ + ε)
// ε is added after the square root (torch's note: TensorFlow puts it inside).
import type { Params } from '../params';
import type { Floats } from '../tensor';
import {
  allocMoment,
  checkNonNegative,
  type RmspropConfig,
  MomentOptimizer,
} from './optimizer';

export class Rmsprop extends MomentOptimizer {
  readonly kind = 'rmsprop' as const;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;
  private readonly sq: Floats;
  private readonly gAvg: Floats | null;
  private readonly buf: Floats | null;
  protected readonly moments: Record<string, Floats>;

  constructor(
    private readonly params: Params,
    config: Omit<RmspropConfig, 'kind'> = {},
  ) {
    super();
    this.alpha = config.alpha ?? 0.99;
    this.eps = config.eps ?? 1e-8;
    this.weightDecay = config.weightDecay ?? 0;
    this.momentum = config.momentum ?? 0;
    this.centered = config.centered ?? false;
    checkNonNegative('alpha', this.alpha);
    checkNonNegative('eps', this.eps);
    checkNonNegative('weight_decay', this.weightDecay);
    checkNonNegative('momentum', this.momentum);
    this.sq = allocMoment(params);
    this.moments = { square_avg: this.sq };
    this.buf = this.momentum > 0 ? allocMoment(params) : null;
    if (this.buf) this.moments.momentum_buffer = this.buf;
    this.gAvg = this.centered ? allocMoment(params) : null;
    if (this.gAvg) this.moments.grad_avg = this.gAvg;
  }

  step(lr: number): void {
    checkNonNegative('lr', lr);
    const p = this.params.data;
    const grad = this.params.grad;
    const sq = this.sq;
    const gAvg = this.gAvg;
    const buf = this.buf;
    const a = this.alpha;
    const eps = this.eps;
    const wd = this.weightDecay;
    const mu = this.momentum;
    const n = p.length;
    for (let i = 0; i < n; i++) {
      const g = grad[i] + wd * p[i];
      sq[i] = a * sq[i] + (1 - a) * g * g;
      let vt = sq[i];
      if (gAvg !== null) {
        gAvg[i] = a * gAvg[i] + (1 - a) * g;
        vt -= gAvg[i] * gAvg[i];
      }
      const u = g / (Math.sqrt(vt) + eps);
      if (buf !== null) {
        buf[i] = mu * buf[i] + u;
        p[i] -= lr * buf[i];
      } else {
        p[i] -= lr * u;
      }
    }
    this.steps++;
  }

}
