// The best validation of a run and its weights, and early stopping on it.
// Reference behaviour: Keras's EarlyStopping(monitor='val_loss', mode='min', patience, min_delta,
// restore_best_weights=True) (keras/callbacks.py): after each validation the wait grows by one and drops back to
// 0 when the loss improved on the reference by more than min_delta; once wait ≥ patience training stops and the
// best weights are put back.
// Two choices differ from Keras, both so that "the best" means the lowest validation loss ever seen:
//   - the weights kept are those of the LOWEST loss (any strict improvement), while the patience counter only
//     resets on an improvement of more than MIN_REL_DELTA (Keras keeps both on the min_delta reference, so a
//     slightly lower loss would not be kept);
//   - min_delta is relative (PyTorch ReduceLROnPlateau's threshold_mode='rel', threshold=1e-4), since losses
//     of different tasks live on different scales (nats per token, per label).
// The copy of the weights is made once, when the run is built; observe() only copies into it.
import type { Floats } from '../tensor';

/** An improvement must beat the reference loss by this share of it to reset the patience counter. */
export const MIN_REL_DELTA = 1e-4;

export interface BestValidation {
  /** The optimizer step whose weights gave the lowest validation loss. */
  step: number;
  validLoss: number;
}

/** What a checkpoint saves of the tracker (training.extra.best); the weights go into the buffer `best_weights`. */
export interface BestState extends BestValidation {
  /** The loss the patience counter measures improvements against. */
  reference: number;
  /** Validations since the last improvement by more than MIN_REL_DELTA. */
  wait: number;
}

export class BestWeights {
  /** The weights of the best validation, laid out as the parameter arena (one copy, made once). */
  readonly weights: Floats;
  private bestStep = -1;
  private bestLoss = Infinity;
  private reference = Infinity;
  /** Validations since the last improvement by more than MIN_REL_DELTA (Keras's `wait`). */
  wait = 0;

  constructor(arena: Floats) {
    this.weights = arena instanceof Float64Array ? new Float64Array(arena.length) : new Float32Array(arena.length);
  }

  get best(): BestValidation | null {
    return this.bestStep < 0 ? null : { step: this.bestStep, validLoss: this.bestLoss };
  }

  /**
   * A validation of the weights in `arena` at `step`; true when it is the best so far (the weights are then
   * copied). A non-finite loss never improves and counts as a validation without improvement.
   */
  observe(step: number, loss: number, arena: Floats): boolean {
    const enough = Number.isFinite(loss) && (this.reference === Infinity || loss < this.reference - MIN_REL_DELTA * Math.abs(this.reference));
    if (enough) {
      this.reference = loss;
      this.wait = 0;
    } else {
      this.wait++;
    }
    if (!(Number.isFinite(loss) && loss < this.bestLoss)) return false;
    this.bestLoss = loss;
    this.bestStep = step;
    this.weights.set(arena);
    return true;
  }

  /** Keras: stop once `patience` validations in a row brought no improvement. */
  exhausted(patience: number): boolean {
    return this.bestStep >= 0 && this.wait >= patience;
  }

  /** Copies the best weights into `arena` (restore_best_weights); false when there is no best yet. */
  restoreInto(arena: Floats): boolean {
    if (this.bestStep < 0) return false;
    arena.set(this.weights);
    return true;
  }

  state(): BestState | null {
    return this.bestStep < 0 ? null : { step: this.bestStep, validLoss: this.bestLoss, reference: this.reference, wait: this.wait };
  }

  /** Checks a saved state and its weights (see parseBestState) without changing anything. */
  static check(saved: unknown, weights: ArrayLike<number> | undefined, size: number): BestState | null {
    if (saved === undefined || saved === null) return null;
    const s = saved as Partial<BestState>;
    const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
    if (typeof s !== 'object' || !Number.isInteger(s.step) || s.step! < 0 || !finite(s.validLoss) || !finite(s.reference) || !Number.isInteger(s.wait) || s.wait! < 0) {
      throw new Error(`the checkpoint's training.extra.best must be { step, validLoss, reference, wait }, got ${JSON.stringify(saved).slice(0, 80)}`);
    }
    if (!weights || weights.length !== size) throw new Error(`the checkpoint's best weights (buffer best_weights) must hold ${size} values, got ${weights?.length ?? 'none'}`);
    return s as BestState;
  }

  /** Back to a saved state (null: no best yet), already checked by check(). */
  load(state: BestState | null, weights: ArrayLike<number> | undefined): void {
    if (!state) {
      this.bestStep = -1;
      this.bestLoss = this.reference = Infinity;
      this.wait = 0;
      return;
    }
    this.bestStep = state.step;
    this.bestLoss = state.validLoss;
    this.reference = state.reference;
    this.wait = state.wait;
    this.weights.set(weights!);
  }
}
