// A helper thread of a data-parallel run (threads 1 … N − 1): it builds a replica of the run's model sized for
// ONE share of a batch (parameters, gradients and that share's activations: no optimizer state, no roll-back
// copy, no data), then loops: wait for a step → take this step's weights from the block → forward and backward
// of its rows → its gradient and (loss, count) into the block → count itself done. Thread 0 reduces and takes
// the ONE optimizer step (dataParallel.ts), so every replica computes with the same weights.
// Synchronisation is Atomics.wait / notify on the block's ctrl words (no messages: thread 0 stays synchronous).
import { buildModel, type BuiltModel } from '../checkpoint/architecture';
import { Rng } from '../rng';
import { sizedHeapCtor } from '../sizing/alloc';
import type { FloatArrayCtor } from '../tensor';
import type { ReplicaInit } from './contract';
import { shareOf } from './contract';
import { runShare, shareState, type ShareState } from './rowShare';
import { CTRL, SharedBlock } from './sharedBlock';
import { HelperSaturation, measuresGates } from './threadSaturation';

/** The replica's model, reserved for `init.reserve` and built on an exactly sized heap (sizing/alloc.ts). */
export function buildReplica(init: ReplicaInit, rng: Rng): ShareState {
  const { rows, S, T } = init.reserve;
  const setup = (ctor: FloatArrayCtor): ShareState => {
    const built = buildModel(init.architecture, ctor);
    reserveShare(built, rows, S, T);
    return shareState(built, rng, init.ratio, rows, ctor as new (n: number) => Float32Array);
  };
  return setup(sizedHeapCtor(setup));
}

function reserveShare(b: BuiltModel, rows: number, S: number, T: number): void {
  if (b.kind === 'seq2seq') b.model.reserve(rows, S, T);
  else b.model.reserve(rows, T);
}

/** A helper's generator for a step: seeded from the run's seed, the step and the thread (see dataParallel.ts). */
export function reseed(rng: Rng, state: [number, number, number, number], seed: number, step: number, index: number): void {
  let s = (seed ^ Math.imul(step, 0x9e3779b1) ^ Math.imul(index, 0x85ebca6b)) >>> 0;
  for (let i = 0; i < 4; i++) {
    // splitmix32 (as rng.ts seeds itself)
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  rng.setState(state);
}

/** The helper's whole life; returns when thread 0 says stop, or after reporting its failure in the block. */
export function runReplica(init: ReplicaInit): void {
  const block = new SharedBlock(init.layout, init.buffer), ctrl = block.ctrl, k = init.index;
  let share: ShareState;
  const rng = new Rng(init.seed), state: [number, number, number, number] = [0, 0, 0, 0];
  try {
    share = buildReplica(init, rng);
  } catch (e) {
    block.fail(k, `could not build its replica: ${(e as Error).message}`);
    return;
  }
  const params = share.built.model.params, grad = block.grads[k - 1];
  // Its gate counts go into the block on measured steps, so the run's saturation covers every row (threadSaturation.ts).
  const gates = block.saturation.length ? new HelperSaturation(share.built) : null;
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, CTRL.GEN, seen);
    if (Atomics.load(ctrl, CTRL.STOP) === 1) return;
    seen = Atomics.load(ctrl, CTRL.GEN);
    try {
      const { start, end } = shareOf(ctrl[CTRL.ROWS], init.threads, k);
      let loss = 0, count = 0;
      if (end > start) {
        params.data.set(block.weights);
        params.zeroGrad();
        reseed(rng, state, init.seed, ctrl[CTRL.STEP], k);
        ({ loss, count } = runShare(share, block, start, end));
        grad.set(params.grad);
      }
      if (gates && measuresGates(ctrl[CTRL.STEP])) gates.write(block.saturation[k - 1], end > start);
      block.stats[2 * k] = loss;
      block.stats[2 * k + 1] = count;
    } catch (e) {
      block.fail(k, (e as Error).message);
      return;
    }
    Atomics.add(ctrl, CTRL.DONE, 1);
    Atomics.notify(ctrl, CTRL.DONE);
  }
}
