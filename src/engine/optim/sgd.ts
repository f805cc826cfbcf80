// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, as torch.optim.SGD
// (documented algorithm, torch 1.13 / 2.x), on the whole parameter arena in one loop. Legend: θ params,
// g grad, λ weight decay, μ momentum, τ dampening, b momentum buffer, γ lr; t counts from 1.
//   g ← g + λθ                              (if λ ≠ 0; the grad arena itself is not modified)
//   if μ ≠ 0:  b ← g at t = 1,  else b ← μ b + (1 − τ) g
//              g ← g + μ b  (Nesterov)  or  g ← b
//   θ ← θ − γ g
import type { Params } from '../params';
import type { Floats } from '../tensor';
import {
  allocMoment,
  checkNonNegative,
  type SgdConfig,
  MomentOptimizer,
} from './optimizer';

export class Sgd extends MomentOptimizer {
  readonly kind = 'sgd' as const;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  /** `momentum_buffer`, only when momentum ≠ 0 (torch keeps no state otherwise). */
  private readonly buf: Floats | null;
  protected readonly moments: Record<string, Floats>;

  constructor(
    private readonly params: Params,
    config: Omit<SgdConfig, 'kind'> = {},
  ) {
    super();
    this.momentum = config.momentum ?? 0;
    this.dampening = config.dampening ?? 0;
    this.weightDecay = config.weightDecay ?? 0;
    this.nesterov = config.nesterov ?? false;
    checkNonNegative('momentum', this.momentum);
    checkNonNegative('weight_decay', this.weightDecay);
    if (!Number.isFinite(this.dampening)) throw new Error(`invalid dampening: ${this.dampening}`);
    // torch raises the same error: Nesterov's look-ahead is only defined for undamped momentum.
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error('Nesterov momentum requires a momentum and zero dampening');
    }
    this.buf = this.momentum !== 0 ? allocMoment(params) : null;
    this.moments = this.buf ? { momentum_buffer: this.buf } : {};
  }

  step(lr: number): void {
    checkNonNegative('lr', lr);
    const p = this.params.data;
    const grad = this.params.grad;
    const n = p.length;
    const wd = this.weightDecay;
    const mu = this.momentum;
    const buf = this.buf;
    if (buf === null) {
      for (let i = 0; i < n; i++) p[i] -= lr * (grad[i] + wd * p[i]);
    } else {
      const first = this.steps === 0;
      const oneMinusTau = 1 - this.dampening;
      const nesterov = this.nesterov;
      for (let i = 0; i < n; i++) {
        const g = grad[i] + wd * p[i];
        // torch: the buffer starts as a clone of the first gradient, undamped.
        const b = first ? g : mu * buf[i] + oneMinusTau * g;
        buf[i] = b;
        // Use the stored (dtype-rounded) buffer value, as torch reads it back from the tensor.
        p[i] -= lr * (nesterov ? g + mu * buf[i] : buf[i]);
      }
    }
    this.steps++;
  }

}
