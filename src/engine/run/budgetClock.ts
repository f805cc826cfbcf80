// The clock of a run's time budget (RunConfig.time): seconds of training spent, across resumes. The driver gives
// the time source (the CLI its own clock, tests a fake one); the count starts at the run's first step and the
// seconds spent before a resume come from the checkpoint (runState.ts training.extra.elapsed), so a resumed run
// with a time budget continues its schedule where it stopped instead of warming up again.

/** Milliseconds from an arbitrary origin. */
export type NowMs = () => number;

export class BudgetClock {
  /** Seconds spent by this run before the current session (restored from its checkpoint). */
  before = 0;
  private startedAt: number | null = null;

  constructor(private now: NowMs = () => Date.now()) {}

  /** Another time source: the count so far is kept and continues on the new clock. */
  use(now: NowMs): void {
    this.before = this.elapsed();
    this.startedAt = this.startedAt === null ? null : now();
    this.now = now;
  }

  /** Starts counting (idempotent): called before every step. */
  start(): void {
    if (this.startedAt === null) this.startedAt = this.now();
  }

  /** Seconds of training so far, earlier sessions included. */
  elapsed(): number {
    return this.before + (this.startedAt === null ? 0 : Math.max(0, this.now() - this.startedAt) / 1000);
  }

  /** Sets the seconds spent before this session and restarts the count (a checkpoint was restored). */
  restore(seconds: number): void {
    this.before = seconds;
    this.startedAt = null;
  }
}
