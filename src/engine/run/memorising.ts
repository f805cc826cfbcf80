// Is the model memorising its training data? Precisely: at a validation, the model is memorising when
//   (1) the validation loss rose at each of the last RISES validations: v[t−3] < v[t−2] < v[t−1] < v[t]
//       (Prechelt's UP_s criterion with s = RISES, "Early Stopping — But When?", 1998: stop when the validation
//       error went up in s successive strips; a strip here is the run of training steps between two validations),
//   (2) by more than MIN_RISE of v[t−3] in all (three rises of float jitter on a flat curve are not memorising),
//   (3) while the training loss fell: the mean training loss of the strip ending at v[t] is below that of the strip
//       ending at v[t−3] (the generalisation gap widens: the model fits the training data better and held-out
//       data worse, the textbook picture of overfitting, Goodfellow et al., Deep Learning, §7.8).
// The last RISES + 1 validations live in fixed rings: observing allocates nothing.

/** Successive validations whose loss must rise (Prechelt's s). */
export const RISES = 3;
/** The total rise over those validations, as a share of the first of them. */
export const MIN_RISE = 0.01;

const N = RISES + 1;

export interface MemorisingState {
  valid: number[];
  train: number[];
  count: number;
}

export class MemorisingDetector {
  /** Ring of the last N validation losses and the mean training loss of the strip before each. */
  private readonly valid = new Float64Array(N);
  private readonly train = new Float64Array(N);
  private count = 0;

  /** One validation: its loss and the mean training loss since the previous one; true when the model memorises now. */
  observe(validLoss: number, trainMean: number): boolean {
    this.valid[this.count % N] = validLoss;
    this.train[this.count % N] = trainMean;
    this.count++;
    return this.holds();
  }

  /** Whether the criterion holds at the last validation observed. */
  holds(): boolean {
    if (this.count < N) return false;
    const at = (back: number): number => (this.count - 1 - back) % N; // back = 0: the latest
    for (let k = 0; k < RISES; k++) {
      const later = this.valid[at(k)], earlier = this.valid[at(k + 1)];
      if (!(later > earlier)) return false; // also false on NaN
    }
    const first = this.valid[at(RISES)], last = this.valid[at(0)];
    if (!(last - first > MIN_RISE * Math.abs(first))) return false;
    return this.train[at(0)] < this.train[at(RISES)];
  }

  state(): MemorisingState {
    return { valid: Array.from(this.valid), train: Array.from(this.train), count: this.count };
  }

  /** Back to a saved state; an absent or malformed one (an older checkpoint) starts afresh. */
  load(s: Partial<MemorisingState> | undefined): void {
    const ok = s && Array.isArray(s.valid) && Array.isArray(s.train) && s.valid.length === N && s.train.length === N
      && Number.isInteger(s.count) && s.count! >= 0 && [...s.valid, ...s.train].every((x) => typeof x === 'number');
    this.count = ok ? s.count! : 0;
    this.valid.fill(0);
    this.train.fill(0);
    if (ok) {
      this.valid.set(s.valid!);
      this.train.set(s.train!);
    }
  }
}
