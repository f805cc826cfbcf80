// The training state of a run beyond its weights, as a checkpoint holds it (checkpoint.ts TrainingState):
//   optimizer   moments and step count (training.safetensors "optim.*", seqlab.json training.stepCount)
//   rng         the run's one generator (dropout, teacher forcing, shuffling draw from it)
//   extra       { config: the RunConfig, lrScale and clip as adjusted, elapsed (seconds of training), position }
//               position: lm { epoch, chunk, carried, rows }; others { epoch, order } (BatchOrder.getState())
//               watch: the best validation, early-stopping wait and memorising detector (validationWatch.ts)
//   buffers     lm: the carried BPTT state "carry_h", "carry_c" ((L·B·H) each; zeros for a GRU's c)
//               "best_weights": the best validation's weights, laid out as the parameter arena (once there is one)
// restoreRunState checks ALL of it against the run before it writes anything, so a checkpoint that does not fit
// leaves the run as it was.
import type { LoadedCheckpoint, TrainingState } from '../checkpoint';
import type { BatchOrder, BatchOrderState } from '../data/batch';
import type { Rng } from '../rng';
import type { AnyTask } from '../tasks/checkpoint';
import type { TrainStep } from '../trainer';
import { schedule } from '../runDerived';
import type { BudgetClock } from './budgetClock';
import type { RunConfig } from './config';
import type { ValidationWatch } from './validationWatch';

/** The parts of a task's training loop that a checkpoint saves. */
export interface TrainingParts {
  core: TrainStep;
  rng: Rng;
  /** The epoch's example order (seq2seq, classify, tag). */
  order: BatchOrder | null;
}

export function trainingParts(task: AnyTask): TrainingParts {
  if (task.kind === 'lm') {
    if (!task.trainer || !task.rng) throw new Error('this language model was loaded for inference, not built to train');
    return { core: task.trainer.core, rng: task.rng, order: null };
  }
  const t = task.train;
  if (!t) throw new Error(`this ${task.kind} model was loaded for inference, not built to train`);
  return { core: t.core, rng: t.rng, order: t.order };
}

/** What of a TrainingRun (run.ts) its state is read from and written to (named here: run.ts imports this file). */
export interface RunView {
  readonly config: RunConfig;
  readonly task: AnyTask;
  readonly parts: TrainingParts;
  lrScale: number;
  readonly watch: ValidationWatch;
  readonly clock: BudgetClock;
  adjust(lrScale?: number, clip?: number | null): void;
}

interface LmPosition {
  epoch: number;
  chunk: number;
  carried: boolean;
  rows: number;
}

interface OrderPosition {
  epoch: number;
  order: BatchOrderState;
}

export function saveRunState(run: RunView): TrainingState {
  const { core, rng, order } = run.parts, task = run.task;
  const cfg = core.cfg;
  const extra: Record<string, unknown> = { config: run.config, lrScale: run.lrScale, clip: cfg.clipNorm, elapsed: run.clock.elapsed() };
  const buffers: TrainingState['buffers'] = {};
  const watched = run.watch.state();
  extra.watch = watched.watch;
  if (watched.bestWeights) buffers.best_weights = { shape: [watched.bestWeights.length], data: watched.bestWeights };
  if (task.kind === 'lm') {
    const b = task.batcher!, rnn = task.model.rnn, n = rnn.cfg.numLayers * b.batchSize * rnn.cfg.hiddenSize;
    const carry = task.trainer!.carry();
    const position: LmPosition = { epoch: task.epoch, chunk: b.chunk, carried: carry.carried, rows: b.batchSize };
    extra.position = position;
    buffers.carry_h = { shape: [n], data: carry.h && carry.h.length === n ? carry.h : new Float32Array(n) };
    buffers.carry_c = { shape: [n], data: carry.c && carry.c.length === n ? carry.c : new Float32Array(n) };
  } else {
    const position: OrderPosition = { epoch: task.epoch, order: order!.getState() };
    extra.position = position;
  }
  return { optimizer: cfg.optimizer, optimizerState: core.optimizer.state(), rng: rng.getState(), extra, buffers };
}

/** Checks `t` against the run, then writes the weights (`writeWeights`), the optimizer, generator, position, carry. */
export function restoreRunState(run: RunView, t: NonNullable<LoadedCheckpoint['training']>, writeWeights: () => void): void {
  const { core, rng, order } = run.parts, task = run.task;
  const pos = t.extra['position'] as Partial<LmPosition & OrderPosition> | undefined;
  if (!pos || typeof pos !== 'object' || !Number.isInteger(pos.epoch) || pos.epoch! < 0) throw new Error('the checkpoint holds no data position (training.extra.position)');
  if (t.optimizer.kind !== core.cfg.optimizer.kind) throw new Error(`the checkpoint was trained with ${t.optimizer.kind}, this run uses ${core.cfg.optimizer.kind}`);
  const lrScale = t.extra['lrScale'], clip = t.extra['clip'];
  if (typeof lrScale !== 'number' || !(lrScale > 0 && lrScale <= 1)) throw new Error(`the checkpoint's training.extra.lrScale must be in (0, 1], got ${JSON.stringify(lrScale)}`);
  if (clip !== null && !(typeof clip === 'number' && clip > 0 && Number.isFinite(clip))) throw new Error(`the checkpoint's training.extra.clip must be a positive number or null, got ${JSON.stringify(clip)}`);
  const loadWatch = run.watch.prepareLoad(t.extra['watch'], t.buffers['best_weights']?.data, task.params.size);
  // Seconds of training before this checkpoint (absent in checkpoints older than the time budget: 0).
  const elapsed = t.extra['elapsed'] ?? 0;
  if (typeof elapsed !== 'number' || !(elapsed >= 0 && Number.isFinite(elapsed))) throw new Error(`the checkpoint's training.extra.elapsed must be a number of seconds ≥ 0, got ${JSON.stringify(elapsed)}`);
  let seek: () => void;
  if (task.kind === 'lm') {
    const b = task.batcher!, rnn = task.model.rnn, n = rnn.cfg.numLayers * b.batchSize * rnn.cfg.hiddenSize;
    if (pos.rows !== b.batchSize) throw new Error(`the checkpoint was trained with ${pos.rows} rows per batch, this text gives ${b.batchSize}`);
    if (!Number.isInteger(pos.chunk) || pos.chunk! < -1 || pos.chunk! >= b.chunksPerEpoch) throw new Error(`the checkpoint's chunk ${pos.chunk} is outside this text's ${b.chunksPerEpoch} chunks`);
    const h = t.buffers['carry_h'], c = t.buffers['carry_c'];
    if (!h || h.data.length !== n || !c || c.data.length !== n) throw new Error('the checkpoint\'s carried state does not fit this run');
    seek = () => {
      b.reset();
      for (let k = 0; k <= pos.chunk!; k++) b.next();
      task.trainer!.restoreCarry(h.data, c.data, pos.carried === true);
    };
  } else {
    // setState checks the saved order against this data (a permutation of its examples) before it writes; the
    // order is put back if the optimizer state then does not fit.
    const before = order!.getState();
    order!.setState(pos.order as BatchOrderState);
    seek = () => undefined;
    try {
      core.optimizer.loadState(t.optimizerState);
    } catch (e) {
      order!.setState(before);
      throw e;
    }
  }
  if (task.kind === 'lm') core.optimizer.loadState(t.optimizerState);
  writeWeights();
  core.weightsReplaced();
  rng.setState(t.rng);
  run.lrScale = 1;
  core.cfg.clipNorm = clip as number | null;
  core.cfg.schedule = schedule(run.config);
  run.adjust(lrScale);
  run.clock.restore(elapsed);
  task.epoch = pos.epoch!;
  seek();
  loadWatch();
}
