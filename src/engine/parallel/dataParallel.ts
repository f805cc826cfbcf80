// Data-parallel training, thread 0's side: N threads each take their share of the rows of every global batch,
// compute the gradient of THEIR rows, and ONE optimizer step follows on the reduced gradient.
//   thread 0: weights → block, batch → block, bump the generation (helpers wake) → its own share → wait until the
//   N − 1 helpers are done → reduce: g = Σ_k (n_k / n) · g_k, loss = Σ_k (n_k / n) · loss_k, where g_k and loss_k are
//   the MEAN over share k's n_k counted targets and n = Σ n_k (so g is the full batch's mean gradient: the 1-thread
//   gradient up to float32 summation order) → TrainStep goes on as ever (non-finite check, clip, optimizer, roll-back).
// It is installed as TrainStep's forward-and-backward (trainer.ts), so clipping, the sentinel, adjust(), rollback,
// checkpoints and resume are those of the 1-thread run; the run's weights and optimizer state live in thread 0's arena
// (a helper's copy is overwritten from the block every step), and so does the full lm carry (checkpoints hold every
// row's carry, whatever the thread count).
// Dropout and scheduled sampling: thread 0's rows draw from the run's generator (as before, so its state stays in
// checkpoints); a helper's rows draw from a generator seeded from (seed, step, thread). So a run with dropout > 0
// or teacher forcing < 1 is deterministic for a given thread count, and resumes exactly, but its masks are not
// those of the 1-thread run: there one generator draws the masks of ALL rows, interleaved with the batch order's
// shuffles, so reproducing them would mean every thread replaying every other thread's draws.
// Legend: N threads, B rows, P parameters.
import type { Architecture } from '../checkpoint/architecture';
import type { Params } from '../params';
import type { Rng } from '../rng';
import type { AnyTask } from '../tasks/checkpoint';
import type { TrainStep } from '../trainer';
import { shareOf, type ThreadHandle, type ThreadHost } from './contract';
import { batchCapacity, intCapacities, publishBatch, runShare, shareState, type ShareModel, type ShareState } from './rowShare';
import { CTRL, SharedBlock } from './sharedBlock';
import { saturationFloats } from './threadSaturation';

/** What thread 0 trains: its model and generator, the batch shapes, and how it writes each step's batch. */
export interface ParallelSource {
  built: ShareModel;
  params: Params;
  architecture: Architecture;
  rng: Rng;
  /** Seq2seq teacher forcing ratio (1 for the other kinds). */
  ratio: number;
  /** Largest batch (rows) and steps (S, T); capacities of the batch's integer arrays; lm: floats of one carry. */
  capacity: { rows: number; S: number; T: number };
  ints: number[];
  carry: number;
  /** Writes this step's batch into the block; returns its rows. */
  publish(block: SharedBlock): number;
  /** The optimizer step about to be taken (seeds the helpers' generators). */
  step(): number;
}

/** A training task as a ParallelSource (its batches, as its own trainStep just filled them). */
export function taskSource(task: AnyTask, core: TrainStep): ParallelSource {
  let carry = 0;
  const capacity = batchCapacity(task);
  if (task.kind === 'lm') {
    const rnn = task.model.rnn;
    carry = rnn.cfg.numLayers * rnn.D * capacity.rows * rnn.cfg.hiddenSize;
  }
  return {
    built: { kind: task.kind, model: task.model } as ShareModel, params: task.params, architecture: task.architecture,
    rng: task.kind === 'lm' ? task.rng! : task.train!.rng, ratio: task.kind === 'seq2seq' ? task.train!.ratio : 1,
    capacity, ints: intCapacities(task), carry, publish: (block) => publishBatch(task, block), step: () => core.optimizer.stepCount + 1,
  };
}

export class DataParallel {
  private readonly own: ShareState;
  private readonly handles: ThreadHandle[] = [];
  private readonly result = { loss: 0, count: 0 };
  private stopped = false;
  /** The TrainStep this parallel step is installed on (startOnTask), uninstalled by stop(). */
  private core: TrainStep | null = null;

  private constructor(readonly source: ParallelSource, readonly threads: number, readonly block: SharedBlock) {
    this.own = shareState(source.built, source.rng, source.ratio, Math.ceil(source.capacity.rows / threads));
  }

  /** Starts N − 1 helper threads training `source`'s model with thread 0. */
  static start(source: ParallelSource, threads: number, host: ThreadHost, seed: number): DataParallel {
    if (!(source.params.data instanceof Float32Array)) throw new Error('data-parallel training needs float32 weights');
    const cap = source.capacity;
    const block = new SharedBlock({ threads, params: source.params.size, ints: source.ints, carry: source.carry, saturation: saturationFloats(source.built) });
    const dp = new DataParallel(source, threads, block);
    const reserve = { rows: Math.ceil(cap.rows / threads), S: cap.S, T: cap.T };
    try {
      for (let k = 1; k < threads; k++) {
        dp.handles.push(host.spawn({ index: k, threads, architecture: source.architecture, reserve, ratio: source.ratio, seed, layout: block.layout, buffer: block.buffer }));
      }
    } catch (e) {
      dp.stop();
      throw e;
    }
    return dp;
  }

  /** Starts the helpers for a training task and installs the N-thread step as its TrainStep's forward-and-backward. */
  static startOnTask(task: AnyTask, core: TrainStep, threads: number, host: ThreadHost, seed: number): DataParallel {
    const dp = DataParallel.start(taskSource(task, core), threads, host, seed);
    dp.core = core;
    core.replaceForwardBackward(dp.forwardBackward);
    return dp;
  }

  /** The N-thread forward and backward of the task's current batch (TrainStep zeroed the gradients). */
  readonly forwardBackward = (): { loss: number; count: number } => {
    if (this.stopped) throw new Error('the training threads were stopped');
    const { block, threads: N, source } = this, ctrl = block.ctrl;
    const failed = block.failure();
    if (failed) throw new Error(failed);
    block.weights.set(source.params.data);
    const B = source.publish(block);
    ctrl[CTRL.STEP] = source.step();
    Atomics.store(ctrl, CTRL.DONE, 0);
    Atomics.add(ctrl, CTRL.GEN, 1); // publishes every write above to the helpers (Atomics are sequentially consistent)
    Atomics.notify(ctrl, CTRL.GEN);
    const { start, end } = shareOf(B, N, 0);
    let loss0 = 0, count0 = 0;
    if (end > start) ({ loss: loss0, count: count0 } = runShare(this.own, block, start, end));
    for (let d = Atomics.load(ctrl, CTRL.DONE); d < N - 1; d = Atomics.load(ctrl, CTRL.DONE)) Atomics.wait(ctrl, CTRL.DONE, d);
    const err = block.failure();
    if (err) throw new Error(err);
    return this.reduce(loss0, count0);
  };

  /** g = Σ_k (n_k / n) · g_k into thread 0's gradient arena; the loss likewise; lm: the full final state. */
  private reduce(loss0: number, count0: number): { loss: number; count: number } {
    const { block, threads: N } = this, stats = block.stats, g = this.source.params.grad;
    let n = count0;
    for (let k = 1; k < N; k++) n += stats[2 * k + 1];
    const r = this.result;
    if (n === 0) {
      r.loss = loss0;
      r.count = 0;
      return r;
    }
    const w0 = count0 / n;
    let loss = count0 > 0 ? loss0 * w0 : 0;
    if (count0 === 0) g.fill(0); // an all-ignored share's mean gradient is not defined
    let scaled = count0 === 0; // thread 0's share is folded in (×w0) by the first helper's pass: one pass less over P
    for (let k = 1; k < N; k++) {
      const nk = stats[2 * k + 1];
      if (nk === 0) continue;
      const w = nk / n, gk = block.grads[k - 1];
      loss += stats[2 * k] * w;
      if (scaled) for (let i = 0; i < g.length; i++) g[i] += gk[i] * w;
      else for (let i = 0; i < g.length; i++) g[i] = g[i] * w0 + gk[i] * w;
      scaled = true;
    }
    if (!scaled) for (let i = 0; i < g.length; i++) g[i] *= w0;
    const built = this.source.built;
    if (built.kind === 'lm') {
      // LmTrainer copies the model's final state into its carry after the step: make it every row's.
      const rnn = built.model.rnn, C = block.layout.carry, B = block.ctrl[CTRL.ROWS];
      const used = rnn.cfg.numLayers * rnn.D * B * rnn.cfg.hiddenSize;
      if (used <= C) {
        rnn.hN.set(block.carryOut.h.subarray(0, used));
        if (rnn.cN.length >= used) rnn.cN.set(block.carryOut.c.subarray(0, used));
      }
    }
    r.loss = loss;
    r.count = n;
    return r;
  }

  /** Tells the helpers to leave and ends their threads; the run's step is then its own 1-thread step again. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const ctrl = this.block.ctrl;
    Atomics.store(ctrl, CTRL.STOP, 1);
    Atomics.add(ctrl, CTRL.GEN, 1);
    Atomics.notify(ctrl, CTRL.GEN);
    for (const h of this.handles) h.terminate();
    this.core?.replaceForwardBackward(null);
  }
}
