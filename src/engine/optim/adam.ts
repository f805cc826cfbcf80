// Adam and AdamW as torch.optim.Adam / torch.optim.AdamW (documented algorithms, torch 1.13 / 2.x; amsgrad and
// maximize not supported), over the whole arena in one loop. Legend: θ params, g grad, m exp_avg,
// v exp_avg_sq, β1 β2 betas, ε eps, λ weight decay, γ lr, t = step count after increment (from 1).
//   Adam:   g ← g + λθ                        (L2 penalty folded into the gradient)
//   AdamW:  θ ← θ (1 − γλ)                    (decoupled decay, Loshchilov & Hutter)
//   m ← β1 m + (1 − β1) g;   v ← β2 v + (1 − β2) g²
//   θ ← θ − γ m̂ / (√v̂ + ε),  m̂ = m / (1 − β1ᵗ),  v̂ = v / (1 − β2ᵗ)   (ε OUTSIDE the square root)
// The last line is computed the way torch's _single_tensor_adam does it, which is the same formula rearranged:
//   denom = √v / √(1 − β2ᵗ) + ε;  θ ← θ − (γ / (1 − β1ᵗ)) · m / denom
import type { Params } from '../params';
import type { Floats } from '../tensor';
import {
  allocMoment,
  checkBeta,
  checkNonNegative,
  type AdamConfig,
  type AdamWConfig,
  MomentOptimizer,
} from './optimizer';

export class Adam extends MomentOptimizer {
  readonly kind: 'adam' | 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly m: Floats;
  private readonly v: Floats;
  protected readonly moments: Record<string, Floats>;

  /** `decoupled` = AdamW (weight decay default 1e-2, as torch), otherwise Adam (default 0). */
  constructor(
    private readonly params: Params,
    config: Omit<AdamConfig, 'kind'> | Omit<AdamWConfig, 'kind'> = {},
    decoupled = false,
  ) {
    super();
    this.kind = decoupled ? 'adamw' : 'adam';
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.eps = config.eps ?? 1e-8;
    this.weightDecay = config.weightDecay ?? (decoupled ? 1e-2 : 0);
    checkBeta('beta1', this.beta1);
    checkBeta('beta2', this.beta2);
    checkNonNegative('eps', this.eps);
    checkNonNegative('weight_decay', this.weightDecay);
    this.m = allocMoment(params);
    this.v = allocMoment(params);
    this.moments = { exp_avg: this.m, exp_avg_sq: this.v };
  }

  step(lr: number): void {
    checkNonNegative('lr', lr);
    const t = ++this.steps;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.eps;
    const stepSize = lr / (1 - Math.pow(b1, t));
    const sqrtBc2 = Math.sqrt(1 - Math.pow(b2, t));
    const p = this.params.data;
    const grad = this.params.grad;
    const m = this.m;
    const v = this.v;
    const n = p.length;
    // Adam's L2 term goes into the gradient; AdamW's shrinks θ before the moment update.
    const l2 = this.kind === 'adam' ? this.weightDecay : 0;
    const shrink = this.kind === 'adamw' ? 1 - lr * this.weightDecay : 1;
    for (let i = 0; i < n; i++) {
      const g = grad[i] + l2 * p[i];
      if (shrink !== 1) p[i] *= shrink;
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtBc2 + eps);
    }
  }

}
