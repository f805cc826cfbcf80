// Training progress for the CLI: a one-line bar redrawn in place on a terminal (at most ~10 times a second),
// JSON lines on stdout with --json (about once a second, plus the first step), nothing otherwise.
import type { StepStats } from '../engine/trainer';
import type { CliIO } from './io';

export class Progress {
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(private readonly io: CliIO, private readonly mode: 'bar' | 'json' | 'quiet', private readonly steps: number, private readonly seconds: number) {}

  update(step: number, elapsed: number, loss: number, s: StepStats, epoch: number): void {
    if (this.mode === 'quiet') return;
    const every = this.mode === 'bar' ? 0.1 : 1;
    const last = step >= this.steps || elapsed >= this.seconds;
    if (step > 1 && !last && elapsed - this.lastDraw < every) return;
    this.lastDraw = elapsed;
    if (this.mode === 'json') {
      this.io.out(JSON.stringify({ type: 'step', step, epoch, seconds: r(elapsed), loss: r(loss), lastLoss: r(s.loss), gradNorm: r(s.gradNorm), lr: s.lr }) + '\n');
      return;
    }
    const frac = Math.min(1, Math.max(step / this.steps, elapsed / this.seconds));
    const width = 24, full = Math.round(frac * width);
    const bar = '#'.repeat(full) + '-'.repeat(width - full);
    const total = Number.isFinite(this.steps) ? `/${this.steps}` : '';
    this.io.err(`\r[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% step ${step}${total} loss ${loss.toFixed(4)} ${elapsed.toFixed(1)}s `);
    this.drawn = true;
  }

  /** A line on stderr that must not be glued to the bar (warnings while training). */
  note(text: string): void {
    if (this.drawn) this.io.err('\n');
    this.drawn = false;
    this.io.err(text);
  }

  done(): void {
    if (this.drawn) this.io.err('\n');
  }
}

function r(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
