// What a run learns from its validations beyond the numbers it reports: the best weights and early stopping
// (bestWeights.ts) and whether the model memorises (memorising.ts). TrainingRun feeds it every finite training
// step and the first validation at each step; checkpoints save all of it (runState.ts: training.extra.watch and
// the buffer best_weights), so a resumed run keeps its best and stops where an uninterrupted one would.
import type { Floats } from '../tensor';
import { BestWeights, type BestState } from './bestWeights';
import { MemorisingDetector, type MemorisingState } from './memorising';

/** training.extra.watch of a checkpoint. */
export interface WatchState {
  best: BestState | null;
  memorising: MemorisingState;
  memorisingSince: number | null;
  stripLoss: number;
  stripSteps: number;
}

export class ValidationWatch {
  readonly bestWeights: BestWeights;
  readonly detector = new MemorisingDetector();
  /** The first step at which the model was seen memorising, or null. */
  memorisingSince: number | null = null;
  /** Training loss of the steps since the last validation (the detector's strip). */
  private stripLoss = 0;
  private stripSteps = 0;
  private lastStep = -1;

  constructor(arena: Floats) {
    this.bestWeights = new BestWeights(arena);
  }

  /** A finite training step's loss. */
  onStep(loss: number): void {
    this.stripLoss += loss;
    this.stripSteps++;
  }

  /** A validation of the weights in `arena` at `step` (a second one at the same step is not counted again). */
  onValidation(step: number, loss: number, arena: Floats): void {
    if (step === this.lastStep) return;
    this.lastStep = step;
    this.bestWeights.observe(step, loss, arena);
    const trainMean = this.stripSteps > 0 ? this.stripLoss / this.stripSteps : Number.NaN;
    this.stripLoss = 0;
    this.stripSteps = 0;
    if (this.detector.observe(loss, trainMean) && this.memorisingSince === null) this.memorisingSince = step;
  }

  state(): { watch: WatchState; bestWeights: Floats | null } {
    const best = this.bestWeights.state();
    return {
      watch: { best, memorising: this.detector.state(), memorisingSince: this.memorisingSince, stripLoss: this.stripLoss, stripSteps: this.stripSteps },
      bestWeights: best ? this.bestWeights.weights : null,
    };
  }

  /**
   * Checks a checkpoint's watch (`saved`: training.extra.watch, absent in checkpoints older than it) and returns
   * the function that applies it: a malformed one throws here, before the run changes.
   */
  prepareLoad(saved: unknown, bestWeights: ArrayLike<number> | undefined, size: number): () => void {
    const w = (saved ?? {}) as Partial<WatchState>;
    if (typeof w !== 'object') throw new Error('the checkpoint\'s training.extra.watch must be an object');
    const best = BestWeights.check(w.best, bestWeights, size);
    const since = w.memorisingSince;
    if (since !== undefined && since !== null && !(Number.isInteger(since) && since >= 0)) throw new Error(`the checkpoint's training.extra.watch.memorisingSince must be a step or null, got ${JSON.stringify(since)}`);
    const strip = Number.isFinite(w.stripLoss) && Number.isInteger(w.stripSteps) && w.stripSteps! >= 0;
    return () => {
      this.bestWeights.load(best, bestWeights);
      this.detector.load(w.memorising);
      this.memorisingSince = since ?? null;
      this.stripLoss = strip ? w.stripLoss! : 0;
      this.stripSteps = strip ? w.stripSteps! : 0;
      this.lastStep = -1;
    };
  }
}
