// Gate saturation over EVERY thread's rows of a data-parallel run. Each thread's gate caches hold only its own
// share of the batch, so thread 0's meters alone would describe ⌈B/N⌉ of the B rows. On the steps the run
// measures (step % SATURATION_EVERY === 0), each helper counts its gates right after its share's forward and
// backward and writes the raw counts (below 0.1, above 0.9, all; per row and gate) into its slot of the shared
// block, before it counts itself done; thread 0 adds them to its own counts and only then forms the shares. So
// the figures are the whole batch's, as in a 1-thread run, with no message and no allocation per step (the meters
// and the block's slots are made once). Counts add exactly, so N threads give the 1-thread shares up to the few
// activations float32 summation order moves across 0.1 or 0.9.
// Legend: N threads, B rows, R = layers × directions, K sigmoid gates.
import { GateSaturationMeter, SATURATION_EVERY } from '../inspect/gateSaturation';
import type { RecurrentStack } from '../layers/recurrent';
import type { ShareModel } from './rowShare';
import type { SharedBlock } from './sharedBlock';

/** A model's recurrent stacks in the order TrainingRun reports them (run.ts `stacks()`): seq2seq's encoder and
 *  decoder, every other kind's one stack. */
export function gateStacks(built: ShareModel): RecurrentStack[] {
  return built.kind === 'seq2seq' ? [built.model.encoder, built.model.decoder] : [built.model.rnn];
}

/** Meters for a model's stacks, or none when its cells have no gates (plain RNN: nothing to count). */
export function gateMeters(stacks: readonly RecurrentStack[]): GateSaturationMeter[] {
  const meters = stacks.map((s) => new GateSaturationMeter(s));
  return meters.some((m) => m.hasGates) ? meters : [];
}

/** Floats of one thread's counts in the block: 3 × R × K summed over the stacks (0 without gates). */
export function saturationFloats(built: ShareModel): number {
  return gateMeters(gateStacks(built)).reduce((n, m) => n + m.counts.length, 0);
}

/** Whether the threads count their gates on `step` (the steps TrainingRun measures). */
export function measuresGates(step: number): boolean {
  return step % SATURATION_EVERY === 0;
}

/** A helper thread's side: its meters, and its counts written into its slot after its share. */
export class HelperSaturation {
  private readonly meters: GateSaturationMeter[];

  constructor(built: ShareModel) {
    this.meters = gateMeters(gateStacks(built));
  }

  /** The counts of this thread's last share into `slot` (zeros when it had no rows this step). */
  write(slot: Float64Array, hadRows: boolean): void {
    if (!hadRows) return void slot.fill(0);
    let off = 0;
    for (const m of this.meters) {
      m.count();
      slot.set(m.counts, off);
      off += m.counts.length;
    }
  }
}

/** Thread 0's side: adds every helper's counts (written for this step) to `meters`' own counts. */
export function addHelperCounts(meters: readonly GateSaturationMeter[], block: SharedBlock): void {
  for (const slot of block.saturation) {
    let off = 0;
    for (const m of meters) {
      const c = m.counts;
      for (let i = 0; i < c.length; i++) c[i] += slot[off + i];
      off += c.length;
    }
  }
}
