// Learning-rate schedules as one pure function of the step index: learningRate(schedule, t), where t = 0 is
// the first optimizer step. The trainer calls optimizer.step(learningRate(schedule, t)); nothing is stored, so
// resuming from a checkpoint only needs t.
//
//   constant  lr(s) = lr
//   step      lr(s) = lr · γ^⌊s / stepSize⌋                                    (torch.optim.lr_scheduler.StepLR)
//   cosine    lr(s) = minLr + (lr − minLr) · (1 + cos(π · min(s, S) / S)) / 2  (CosineAnnealingLR's closed form,
//             held at minLr after S instead of rising again)
// where s = t − W counts steps after an optional linear warm-up of W steps, during which
//   lr(t) = base · (f₀ + (1 − f₀) · t / W),   t < W                            (torch LinearLR, end_factor 1)
// with base the schedule's lr (its value at s = 0) and f₀ = startFactor (default 0, as the common
// "linear warm-up then decay" recipes). After warm-up the inner schedule starts at s = 0, as in torch's
// SequentialLR. For cosine, `totalSteps` is the length of the whole run, warm-up included: S = totalSteps − W,
// so the rate reaches minLr at the last step of the run whether or not there is a warm-up.

export interface Warmup {
  steps: number;
  startFactor?: number;
}

export type Schedule =
  | { kind: 'constant'; lr: number; warmup?: Warmup }
  | { kind: 'step'; lr: number; stepSize: number; gamma?: number; warmup?: Warmup }
  | { kind: 'cosine'; lr: number; totalSteps: number; minLr?: number; warmup?: Warmup };

export function learningRate(schedule: Schedule, step: number): number {
  if (!Number.isInteger(step) || step < 0) throw new Error(`learningRate: step must be an integer >= 0, got ${step}`);
  if (!(schedule.lr >= 0) || !Number.isFinite(schedule.lr)) throw new Error(`invalid learning rate ${schedule.lr}`);
  const w = schedule.warmup?.steps ?? 0;
  if (!Number.isInteger(w) || w < 0) throw new Error(`warm-up steps must be an integer >= 0, got ${w}`);
  if (step < w) {
    const f0 = schedule.warmup?.startFactor ?? 0;
    if (!(f0 >= 0 && f0 <= 1)) throw new Error(`warm-up startFactor must be in [0, 1], got ${f0}`);
    return schedule.lr * (f0 + ((1 - f0) * step) / w);
  }
  const s = step - w;
  switch (schedule.kind) {
    case 'constant':
      return schedule.lr;
    case 'step': {
      const n = schedule.stepSize;
      if (!Number.isInteger(n) || n < 1) throw new Error(`step schedule: stepSize must be an integer >= 1, got ${n}`);
      return schedule.lr * Math.pow(schedule.gamma ?? 0.1, Math.floor(s / n));
    }
    case 'cosine': {
      const span = schedule.totalSteps - w;
      if (!Number.isInteger(schedule.totalSteps) || span < 1) {
        throw new Error(`cosine schedule: totalSteps (${schedule.totalSteps}) must exceed the warm-up (${w})`);
      }
      const minLr = schedule.minLr ?? 0;
      const x = Math.min(s, span) / span;
      return minLr + ((schedule.lr - minLr) * (1 + Math.cos(Math.PI * x))) / 2;
    }
    default: {
      const never: never = schedule;
      throw new Error(`unknown schedule ${(never as { kind: string }).kind}`);
    }
  }
}
