// Batching: token ids in, fixed buffers out. Every batcher allocates its buffers once and refills them, so the
// training loop allocates nothing per batch. Layouts are batch-first and dense: a batch of `rows` sequences of
// `steps` time steps is element [b * steps + t] (b < rows, t < steps); capacity is (B, T) but the CURRENT batch
// may be smaller (last chunk of an epoch, shorter sequences), so always index with the current rows/steps.
// Legend: B batch rows, T steps (seqLen), N tokens in the stream, L = floor(N / B) tokens per stream row.

import { Rng } from '../rng';
import { PAD } from '../tokenize/types';

/**
 * Language-model batches for truncated BPTT, as in the classic PTB setup (Zaremba et al. 2014; PyTorch's
 * examples/word_language_model `batchify` + `get_batch`): the stream is cut into B contiguous rows of L tokens
 * (the tail that does not fill a row is dropped), and chunk k holds, for every row b,
 *   inputs[b, t]  = stream[b * L + k * T + t]
 *   targets[b, t] = stream[b * L + k * T + t + 1]
 * so chunk k+1 continues exactly where chunk k stopped in every row, and the hidden state can be carried over
 * (detached) from one chunk to the next. The last chunk is shorter when (L - 1) is not a multiple of T.
 */
export class LmBatcher {
  readonly batchSize: number;
  readonly seqLen: number;
  /** Tokens per stream row (L). */
  readonly rowLength: number;
  /** Number of chunks per epoch: ceil((L - 1) / T). */
  readonly chunksPerEpoch: number;
  /** (B, T) capacity; the current chunk occupies [0, B * steps) with stride `steps`. */
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  /** Time steps in the current chunk (= seqLen except possibly for the last chunk). */
  steps = 0;
  /** Index of the current chunk in the epoch; 0 means "start of the streams": reset the hidden state. */
  chunk = -1;
  private readonly stream: Int32Array;
  private pos = 0;

  constructor(tokens: ArrayLike<number>, batchSize: number, seqLen: number) {
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    if (!(Number.isInteger(seqLen) && seqLen > 0)) throw new Error(`sequence length must be a positive integer, got ${seqLen}`);
    const L = Math.floor(tokens.length / batchSize);
    if (L < 2) {
      throw new Error(`the text has ${tokens.length} tokens: too few for ${batchSize} rows of at least 2 tokens; use a smaller batch or more text`);
    }
    this.batchSize = batchSize;
    this.seqLen = seqLen;
    this.rowLength = L;
    this.chunksPerEpoch = Math.ceil((L - 1) / seqLen);
    this.stream = new Int32Array(batchSize * L);
    for (let i = 0; i < this.stream.length; i++) this.stream[i] = tokens[i];
    this.inputs = new Int32Array(batchSize * seqLen);
    this.targets = new Int32Array(batchSize * seqLen);
  }

  /** Fills the next chunk; returns false (and leaves the buffers alone) at the end of the epoch. */
  next(): boolean {
    const L = this.rowLength;
    if (this.pos >= L - 1) return false;
    const T = Math.min(this.seqLen, L - 1 - this.pos);
    for (let b = 0; b < this.batchSize; b++) {
      const src = b * L + this.pos;
      const dst = b * T;
      for (let t = 0; t < T; t++) {
        this.inputs[dst + t] = this.stream[src + t];
        this.targets[dst + t] = this.stream[src + t + 1];
      }
    }
    this.steps = T;
    this.pos += T;
    this.chunk++;
    return true;
  }

  /** Back to the start of the streams, for a new epoch. */
  reset(): void {
    this.pos = 0;
    this.chunk = -1;
    this.steps = 0;
  }
}

export interface BatchOrderOptions {
  /** Shuffle at every reset() with the Rng (default: true when an Rng is given). */
  shuffle?: boolean;
  /** Skip the final partial batch (default false). */
  dropLast?: boolean;
  /** Sequence lengths: when given with bucketBatches, each window of bucketBatches * B shuffled examples is
   *  sorted by length so batches hold similar lengths (less padding), and the batch order is shuffled again. */
  lengths?: ArrayLike<number>;
  bucketBatches?: number;
}

/**
 * Epoch order over n examples: after next(), the current batch is order[start .. start + count). Reshuffles
 * in place on reset(), without allocating.
 */
export class BatchOrder {
  readonly n: number;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  /** A permutation of 0..n-1; the current batch is order[start .. start + count). */
  readonly order: Int32Array;
  start = 0;
  count = 0;
  /** Completed reset() calls; 0 during the first epoch. */
  epoch = -1;
  private readonly batchPerm: Int32Array;
  private b = 0;

  constructor(n: number, batchSize: number, private readonly rng: Rng | null, private readonly options: BatchOrderOptions = {}) {
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    if (options.shuffle && !rng) throw new Error('BatchOrder: shuffle needs an Rng');
    if (options.lengths && options.lengths.length !== n) throw new Error(`lengths has ${options.lengths.length} entries for ${n} examples`);
    this.n = n;
    this.batchSize = batchSize;
    this.batchesPerEpoch = options.dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
    if (this.batchesPerEpoch === 0) throw new Error(`${n} examples make no batch of ${batchSize}${options.dropLast ? ' with dropLast' : ''}`);
    this.order = new Int32Array(n);
    this.batchPerm = new Int32Array(this.batchesPerEpoch);
    this.reset();
  }

  /** Starts a new epoch: identity order, or a fresh shuffle (and length bucketing) from the Rng. */
  reset(): void {
    const { order, batchPerm, rng } = this;
    for (let i = 0; i < this.n; i++) order[i] = i;
    for (let i = 0; i < batchPerm.length; i++) batchPerm[i] = i;
    if (rng && (this.options.shuffle ?? true)) {
      rng.shuffle(order);
      const { lengths, bucketBatches } = this.options;
      if (lengths && bucketBatches && bucketBatches > 1) {
        const w = bucketBatches * this.batchSize;
        for (let s = 0; s < this.n; s += w) {
          order.subarray(s, Math.min(this.n, s + w)).sort((x, y) => lengths[x] - lengths[y] || x - y);
        }
        // Keep a partial last batch last, so every shuffled batch start is a whole batch.
        const full = Math.floor(this.n / this.batchSize);
        rng.shuffle(full === batchPerm.length ? batchPerm : batchPerm.subarray(0, full));
      }
    }
    this.b = 0;
    this.start = 0;
    this.count = 0;
    this.epoch++;
  }

  /** Moves to the next batch; returns false at the end of the epoch (call reset() to start another). */
  next(): boolean {
    if (this.b >= this.batchesPerEpoch) return false;
    this.start = this.batchPerm[this.b] * this.batchSize;
    this.count = Math.min(this.batchSize, this.n - this.start);
    this.b++;
    return true;
  }

  /** Where the epoch stands: the example order, the batch order and the batches taken (for a checkpoint). */
  getState(): BatchOrderState {
    return { order: Array.from(this.order), batches: Array.from(this.batchPerm), taken: this.b, epoch: this.epoch };
  }

  /** Continues from getState()'s record; throws, changing nothing, when it does not fit this order's n and B. */
  setState(s: BatchOrderState): void {
    const isPermutation = (a: unknown, n: number): boolean => {
      if (!Array.isArray(a) || a.length !== n) return false;
      const seen = new Uint8Array(n);
      return a.every((x) => Number.isInteger(x) && x >= 0 && x < n && !seen[x] && (seen[x] = 1));
    };
    if (!isPermutation(s?.order, this.n)) throw new Error(`the saved example order is not a permutation of the ${this.n} examples`);
    if (!isPermutation(s.batches, this.batchesPerEpoch)) throw new Error(`the saved batch order is not a permutation of the ${this.batchesPerEpoch} batches`);
    if (!Number.isInteger(s.taken) || s.taken < 0 || s.taken > this.batchesPerEpoch) throw new Error(`the saved batch position ${s.taken} is outside 0..${this.batchesPerEpoch}`);
    if (!Number.isInteger(s.epoch) || s.epoch < 0) throw new Error(`the saved epoch ${s.epoch} is not a whole number ≥ 0`);
    this.order.set(s.order);
    this.batchPerm.set(s.batches);
    this.b = 0;
    this.start = this.count = 0;
    while (this.b < s.taken) this.next();
    this.epoch = s.epoch;
  }
}

/** BatchOrder's position, JSON-friendly. */
export interface BatchOrderState {
  order: number[];
  batches: number[];
  taken: number;
  epoch: number;
}

export interface FillOptions {
  /** Token written before each sequence (e.g. BOS for decoder inputs); counts toward its length. */
  prefix?: number;
  /** Token written after each sequence (e.g. EOS for decoder targets); counts toward its length. */
  suffix?: number;
  /** Cut sequences longer than maxSteps instead of throwing. */
  truncate?: boolean;
}

/**
 * Padded batch of variable-length sequences: tokens (rows, steps) with PAD = 0 after each sequence's end,
 * lengths (rows), and mask (rows, steps) = 1 where t < length, else 0 (multiply per-step losses by it; attention
 * masks positions t >= length). steps = the longest sequence in THIS batch, so short batches stay short.
 * For seq2seq teacher forcing fill two batches from the same targets: decoder input with {prefix: BOS}, decoder
 * target with {suffix: EOS}; both then have length |y| + 1 and line up step for step.
 */
export class PaddedBatch {
  readonly tokens: Int32Array;
  readonly lengths: Int32Array;
  readonly mask: Float32Array;
  rows = 0;
  steps = 0;

  constructor(readonly maxRows: number, readonly maxSteps: number) {
    this.tokens = new Int32Array(maxRows * maxSteps);
    this.lengths = new Int32Array(maxRows);
    this.mask = new Float32Array(maxRows * maxSteps);
  }

  /** A batch able to hold any of `seqs` (plus `extra` tokens, e.g. 1 for BOS/EOS) in rows of batchSize. */
  static forSequences(seqs: readonly ArrayLike<number>[], batchSize: number, extra = 0): PaddedBatch {
    let longest = 0;
    for (const s of seqs) longest = Math.max(longest, s.length);
    return new PaddedBatch(batchSize, longest + extra);
  }

  /** Fills rows with seqs[order[start + r]] for r < count. */
  fill(seqs: readonly ArrayLike<number>[], order: ArrayLike<number>, start: number, count: number, options?: FillOptions): void {
    if (count > this.maxRows) throw new Error(`batch of ${count} rows does not fit a PaddedBatch of ${this.maxRows}`);
    const prefix = options?.prefix;
    const suffix = options?.suffix;
    const pre = prefix !== undefined ? 1 : 0;
    const extra = pre + (suffix !== undefined ? 1 : 0);
    let T = 0;
    for (let r = 0; r < count; r++) {
      const idx = order[start + r];
      let len = seqs[idx].length + extra;
      if (len > this.maxSteps) {
        if (!options?.truncate) throw new Error(`sequence ${idx} needs ${len} steps, more than this batch's ${this.maxSteps}`);
        len = this.maxSteps;
      }
      this.lengths[r] = len;
      if (len > T) T = len;
    }
    this.rows = count;
    this.steps = T;
    this.tokens.fill(PAD, 0, count * T);
    this.mask.fill(0, 0, count * T);
    for (let r = 0; r < count; r++) {
      const s = seqs[order[start + r]];
      const len = this.lengths[r];
      const o = r * T;
      let t = 0;
      if (prefix !== undefined && t < len) this.tokens[o + t++] = prefix;
      for (let i = 0; i < s.length && t < len; i++) this.tokens[o + t++] = s[i];
      if (suffix !== undefined && t < len) this.tokens[o + t++] = suffix;
      this.mask.fill(1, o, o + len);
    }
  }
}

/** Copies values[order[start + r]] into out[r] for r < count (class labels of a batch). */
export function gatherLabels(values: ArrayLike<number>, order: ArrayLike<number>, start: number, count: number, out: Int32Array): void {
  for (let r = 0; r < count; r++) out[r] = values[order[start + r]];
}
