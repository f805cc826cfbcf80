// One thread's share of a global batch: thread 0 writes the batch its task just filled into the shared block
// (publishBatch), then every thread, thread 0 included, runs the forward and backward of ITS rows from the block
// (runShare). Rows are independent in every model here (recurrent stacks, attention, heads, the loss), so the
// rows [start, end) of a batch give exactly the per-row terms the whole batch would; the time steps (T, S) stay
// the whole batch's, so padding and masking are the same. Each share's loss is the mean over its own counted
// targets; dataParallel.ts weighs the shares by their counts, which is the full batch's mean.
// lm: each share carries its own rows of the truncated-BPTT state, read from the block's carry-in (the full
// (L, B, H) carry thread 0 keeps) and written to its carry-out, so the carry is that of the 1-thread run.
// Legend: B rows, T steps, S source steps, L layers (× directions), H hidden; every array is batch-first (B, T).
import { hasCellState } from '../cells/cell';
import type { BuiltModel } from '../checkpoint/architecture';
import type { AnyTask } from '../tasks/checkpoint';
import type { Rng } from '../rng';
import { CTRL, type SharedBlock } from './sharedBlock';

/** A model with its kind (BuiltModel without its architecture and params, which the model holds). */
export type ShareModel = BuiltModel extends infer M ? (M extends BuiltModel ? Pick<M, 'kind' | 'model'> : never) : never;

/** What a thread computes its share with: its model, its generator and (lm) its carry buffers (L, rows, H). */
export interface ShareState {
  built: ShareModel;
  rng: Rng;
  /** Seq2seq teacher-forcing ratio. */
  ratio: number;
  h0: Float32Array | null;
  c0: Float32Array | null;
  /** Reused forward options (a step allocates no option objects): lm's carry them (set per step); the other
   *  models' must NOT hold h0/c0 (one-to-many spreads them over its own initial state). */
  lmOptions: { h0: Float32Array | null; c0: Float32Array | null; training: true; rng: Rng };
  options: { training: true; rng: Rng };
}

/** A thread's ShareState; lm gets carry buffers for `rows` rows, allocated with `ctor` (the replica's heap). */
export function shareState(
  built: ShareModel, rng: Rng, ratio: number, rows: number, ctor: new (n: number) => Float32Array = Float32Array,
): ShareState {
  let h0: Float32Array | null = null, c0: Float32Array | null = null;
  if (built.kind === 'lm') {
    const rnn = built.model.rnn, n = rnn.cfg.numLayers * rnn.D * rows * rnn.cfg.hiddenSize;
    h0 = new ctor(n);
    c0 = new ctor(hasCellState(rnn.cfg.cell) ? n : 0);
  }
  return { built, rng, ratio, h0, c0, lmOptions: { h0: null, c0: null, training: true, rng }, options: { training: true, rng } };
}

const IGNORE = -1; // the classifier's and tagger's ignored label (sequenceTask.ts)

/** Capacities of the four integer arrays a task's batches need in the block (its batch buffers' sizes). */
export function intCapacities(task: AnyTask): number[] {
  if (task.kind === 'lm') return [task.batcher!.inputs.length, task.batcher!.targets.length, 0, 0];
  if (task.kind === 'seq2seq') {
    const t = task.train!;
    return [t.srcB.tokens.length, t.srcB.lengths.length, t.inB.tokens.length, t.outB.tokens.length];
  }
  if (task.kind === 'one-to-many') {
    const t = task.train!;
    return [t.cond.length, t.inB.tokens.length, t.outB.tokens.length, 0];
  }
  const t = task.train!;
  return [t.batch.tokens.length, t.batch.lengths.length, t.targets.length, 0];
}

/** The rows a batch can have and the longest steps (S: source; T: target / text) the replicas reserve for. */
export function batchCapacity(task: AnyTask): { rows: number; S: number; T: number } {
  if (task.kind === 'lm') return { rows: task.batcher!.batchSize, S: 0, T: task.batcher!.seqLen };
  if (task.kind === 'seq2seq') return { rows: task.train!.srcB.maxRows, S: task.train!.srcB.maxSteps, T: task.train!.inB.maxSteps };
  if (task.kind === 'one-to-many') return { rows: task.train!.inB.maxRows, S: 0, T: task.train!.inB.maxSteps };
  return { rows: task.train!.batch.maxRows, S: 0, T: task.train!.batch.maxSteps };
}

/**
 * Thread 0: the batch the task filled for this step into the block (header and integer arrays), and for lm the
 * carried state when the step continues from it. Returns the rows.
 */
export function publishBatch(task: AnyTask, block: SharedBlock): number {
  const c = block.ctrl, ints = block.ints;
  let rows: number, S = 0, T: number;
  if (task.kind === 'lm') {
    const b = task.batcher!, carry = task.trainer!.carry();
    rows = b.batchSize;
    T = b.steps;
    copy(ints[0], b.inputs, rows * T);
    copy(ints[1], b.targets, rows * T);
    // LmTrainer.step's rule: the carry is used unless the streams restart (chunk 0) or nothing was carried.
    const useCarry = carry.carried && b.chunk !== 0 && carry.h !== null;
    c[CTRL.CARRY] = useCarry ? 1 : 0;
    if (useCarry) {
      const n = block.layout.carry;
      copy(block.carryIn.h, carry.h!, n);
      if (carry.c && carry.c.length >= n) copy(block.carryIn.c, carry.c, n);
    }
  } else if (task.kind === 'seq2seq') {
    const t = task.train!;
    rows = t.srcB.rows;
    S = t.srcB.steps;
    T = t.inB.steps;
    copy(ints[0], t.srcB.tokens, rows * S);
    copy(ints[1], t.srcB.lengths, rows);
    copy(ints[2], t.inB.tokens, rows * T);
    copy(ints[3], t.outB.tokens, rows * T);
  } else if (task.kind === 'one-to-many') {
    const t = task.train!;
    rows = t.inB.rows;
    T = t.inB.steps;
    copy(ints[0], t.cond, rows);
    copy(ints[1], t.inB.tokens, rows * T);
    copy(ints[2], t.outB.tokens, rows * T);
  } else {
    const t = task.train!;
    rows = t.batch.rows;
    T = t.batch.steps;
    copy(ints[0], t.batch.tokens, rows * T);
    copy(ints[1], t.batch.lengths, rows);
    copy(ints[2], t.targets, task.kind === 'tag' ? rows * T : rows);
  }
  setBatchShape(block, rows, S, T);
  return rows;
}

/** The batch header every thread reads: rows, source steps S (seq2seq) and steps T. */
export function setBatchShape(block: SharedBlock, rows: number, S: number, T: number): void {
  block.ctrl[CTRL.ROWS] = rows;
  block.ctrl[CTRL.S] = S;
  block.ctrl[CTRL.T] = T;
}

/** Forward and backward of rows [start, end) of the block's batch on `s`'s model (gradients accumulate into
 *  its params.grad: zero them first); lm also writes its rows' final state to the block's carry-out. */
export function runShare(s: ShareState, block: SharedBlock, start: number, end: number): { loss: number; count: number } {
  const c = block.ctrl, ints = block.ints, n = end - start, S = c[CTRL.S], T = c[CTRL.T];
  const b = s.built, training = s.options;
  switch (b.kind) {
    case 'lm': {
      const m = b.model, rnn = m.rnn, B = c[CTRL.ROWS], H = rnn.cfg.hiddenSize, LD = rnn.cfg.numLayers * rnn.D;
      const carry = c[CTRL.CARRY] === 1, hasC = hasCellState(rnn.cfg.cell);
      if (carry) {
        gatherRows(s.h0!, block.carryIn.h, LD, B, H, start, end);
        if (hasC) gatherRows(s.c0!, block.carryIn.c, LD, B, H, start, end);
      }
      const o = s.lmOptions;
      o.h0 = carry ? s.h0 : null;
      o.c0 = carry && hasC ? s.c0 : null;
      m.forward(ints[0].subarray(start * T, end * T), n, T, o);
      const r = m.lossAndBackward(ints[1].subarray(start * T, end * T), 'mean');
      if (block.layout.carry > 0) {
        scatterRows(block.carryOut.h, rnn.hN, LD, B, H, start, end);
        if (hasC) scatterRows(block.carryOut.c, rnn.cN, LD, B, H, start, end);
      }
      return r;
    }
    case 'seq2seq':
      return b.model.trainForwardBackward(
        ints[0].subarray(start * S, end * S), ints[1].subarray(start, end), n, S,
        ints[2].subarray(start * T, end * T), ints[3].subarray(start * T, end * T), T, 'mean', s.ratio, s.rng,
      );
    case 'one-to-many':
      b.model.forward(ints[0].subarray(start, end), ints[1].subarray(start * T, end * T), n, T, training);
      return b.model.lossAndBackward(ints[2].subarray(start * T, end * T), 'mean');
    case 'classify':
      b.model.forward(ints[0].subarray(start * T, end * T), ints[1].subarray(start, end), n, T, training);
      return b.model.lossAndBackward(ints[2].subarray(start, end), 'mean', IGNORE);
    case 'tag':
      b.model.forward(ints[0].subarray(start * T, end * T), ints[1].subarray(start, end), n, T, training);
      return b.model.lossAndBackward(ints[2].subarray(start * T, end * T), 'mean', IGNORE);
  }
}

function copy(to: Int32Array | Float32Array, from: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) to[i] = from[i];
}

/** Rows [start, end) of a (LD, B, H) state into a (LD, end − start, H) one. */
function gatherRows(to: Float32Array, from: Float32Array, LD: number, B: number, H: number, start: number, end: number): void {
  const n = end - start;
  for (let l = 0; l < LD; l++) {
    const src = (l * B + start) * H, dst = l * n * H;
    for (let i = 0; i < n * H; i++) to[dst + i] = from[src + i];
  }
}

/** A (LD, end − start, H) state into rows [start, end) of a (LD, B, H) one. */
function scatterRows(to: Float32Array, from: ArrayLike<number>, LD: number, B: number, H: number, start: number, end: number): void {
  const n = end - start;
  for (let l = 0; l < LD; l++) {
    const src = l * n * H, dst = (l * B + start) * H;
    for (let i = 0; i < n * H; i++) to[dst + i] = from[src + i];
  }
}
