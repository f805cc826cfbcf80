// TrainingRun: THE training run of every task kind (lm, seq2seq, classify, tag, one-to-many). A driver (the CLI's `seqlab
// train`, the editor's training worker, the benchmark, the tests) supplies the data, a clock and a sink for what it
// reports; everything that decides how training goes lives here and in the task classes it builds:
//   batches → one optimizer step (TrainStep: clip, sentinel roll-back; lm: truncated BPTT with the ONE detached
//   carry of LmTrainer, reset at stream starts and after a non-finite step) → validation + task metrics →
//   ‖∂L/∂h_t‖ per recurrent stack → attention frames (seq2seq) → checkpoints holding the FULL training state.
// Resuming is exact: weights, optimizer moments and step, the generator, the data position (epoch, batch order
// and position, lm carry) and the adjusted learning rate and clipping are saved, so a resumed run takes bit for
// bit the steps of one that never stopped (test/unit/trainingRun.test.ts, for every kind).
import { CheckpointError, type CheckpointFiles, type LoadedCheckpoint } from '../checkpoint';
import type { MemoryLimit } from '../modelMemory';
import { checkLoadable, loadTaskWithState, taskCheckpoint, type AnyTask } from '../tasks/checkpoint';
import { LmTask } from '../tasks/lmTask';
import { OneToManyTask } from '../tasks/oneToManyTask';
import { Seq2SeqTask } from '../tasks/seq2seqTask';
import { SequenceTask } from '../tasks/sequenceTask';
import { gradientThroughTime, type StepStats } from '../trainer';
import type { RecurrentStack } from '../layers/recurrent';
import { ConfigError, configProblem, parseRunConfig, type RunConfig } from './config';
import { trainValidSets, type TaskData } from './data';
import type { AttentionFrame, RunInfo, StackGradients, TrainMetric, Validation } from './report';
import { attentionFrame } from './attentionFrame';
import type { BestValidation } from './bestWeights';
import { ValidationWatch } from './validationWatch';
import type { ThreadHost } from '../parallel/contract';
import { DataParallel } from '../parallel/dataParallel';
import { SATURATION_EVERY, type GateSaturationMeter } from '../inspect/gateSaturation';
import { addHelperCounts, gateMeters } from '../parallel/threadSaturation';
import { BudgetClock, type NowMs } from './budgetClock';
import { upgradeSavedConfig } from './configUpgrade';
import { budgetLearningRate, type Schedule } from '../optim';
import { followsClock } from '../runDerived';
import { restoreRunState, saveRunState, trainingParts, type TrainingParts } from './runState';
import { LmValidation, OneToManyValidation, Seq2SeqValidation, SequenceValidation } from './validation';

const LN2 = Math.log(2);
export { SATURATION_EVERY };

export class TrainingRun {
  /** The optimizer step, its generator and the data position of the task (see runState.ts). */
  readonly parts: TrainingParts;
  /** Cumulative learning-rate factor and the current norm clip, as changed by adjust() (saved in checkpoints). */
  lrScale = 1;
  /** Best weights, early stopping and the memorising detector (validationWatch.ts; saved in checkpoints). */
  readonly watch: ValidationWatch;
  /** Seconds of training spent (the time budget's clock; saved in checkpoints). */
  readonly clock = new BudgetClock();
  /** A time budget's rate, rewritten in place before each step (no allocation in the step loop). */
  private readonly clockSchedule: Schedule & { kind: 'constant' } = { kind: 'constant', lr: 0 };
  private readonly followsClock: boolean;
  private readonly tokensPerChar: number;
  /** The helper threads of a data-parallel run (config.threads), or null when this thread trains alone. */
  private parallel: DataParallel | null = null;
  /** One meter per reported stack (null until first used; empty when no stack has gates). */
  private meters: GateSaturationMeter[] | null = null;
  private saturationStep = -1;

  private constructor(
    readonly config: RunConfig, readonly task: AnyTask, readonly train: TaskData, readonly valid: TaskData,
    private readonly validation: LmValidation | Seq2SeqValidation | SequenceValidation | OneToManyValidation,
  ) {
    this.parts = trainingParts(task);
    this.watch = new ValidationWatch(task.params.data);
    this.followsClock = followsClock(config);
    this.tokensPerChar = task.kind === 'lm' && train.kind === 'lm'
      ? (task.batcher!.rowLength * task.batcher!.batchSize) / Math.max(1, train.text.length) : 0;
  }

  /**
   * A fresh run of `config` on `train` (validation: `valid`, or a held-out share when it is null or empty; see
   * data.ts). Refused before the model is built when `config` breaks a rule between fields (ConfigError), when the
   * data does not suit the task, or when training would need more than `memoryLimit` (ModelMemoryError).
   * `host` starts the training threads of `config.threads` (0: as many as `host.cores`); without a host the run
   * trains on this thread, and refuses an explicit threads ≥ 2. Call dispose() when done with a threaded run.
   */
  static create(
    config: RunConfig, train: TaskData, valid: TaskData | null = null, memoryLimit: MemoryLimit | null = null, host: ThreadHost | null = null,
  ): TrainingRun {
    const problem = configProblem(config);
    if (problem) throw new ConfigError(`config.${problem.field}`, problem.message);
    if (train.kind !== config.task) throw new Error(`the run trains a ${config.task} model, but the data was read as ${train.kind}`);
    const sets = trainValidSets(train, valid, config.seed);
    const t = sets.train, v = sets.valid;
    // The threads are known before the model is built, so the memory check counts the helpers' replicas too.
    const wanted = resolveThreads(config.threads, host);
    const limit = memoryLimit && wanted > 1 ? { ...memoryLimit, threads: wanted } : memoryLimit;
    let task: AnyTask;
    if (t.kind === 'lm') task = LmTask.create(config, t.text, limit);
    else if (t.kind === 'seq2seq') task = Seq2SeqTask.create(config, t.pairs, limit);
    else if (t.kind === 'classify') {
      if (t.labels.length < 2) throw new Error(`classification needs at least 2 labels; the data has ${t.labels.length} (${t.labels.join(', ')})`);
      task = SequenceTask.createClassifier(config, t.examples, t.labels, limit);
    } else if (t.kind === 'one-to-many') task = OneToManyTask.create(config, t.examples, t.labels, limit);
    else task = SequenceTask.createTagger(config, t.sentences, t.tags, limit);
    checkLoadable(task); // before the first step: never train a model its own loader would refuse
    const B = task.kind === 'lm' ? task.batcher!.batchSize : Math.min(config.batch, exampleRows(t));
    const validation = task.kind === 'lm' && v.kind === 'lm' ? new LmValidation(task, v.text, B)
      : task.kind === 'seq2seq' && v.kind === 'seq2seq' ? new Seq2SeqValidation(task, v, B, config.seqLen)
        : task.kind === 'one-to-many' && v.kind === 'one-to-many' ? new OneToManyValidation(task, v.examples, B)
        : new SequenceValidation(task as SequenceTask, v as Extract<TaskData, { kind: 'classify' | 'tag' }>, B, config.seqLen);
    const run = new TrainingRun(config, task, t, v, validation);
    const threads = Math.min(wanted, B);
    if (threads > 1) run.parallel = DataParallel.startOnTask(task, run.parts.core, threads, host!, config.seed);
    return run;
  }

  /** Threads this run trains with (1 unless config.threads and a host gave more). */
  get threads(): number {
    return this.parallel?.threads ?? 1;
  }

  /** Ends the training threads (a 1-thread run has none); the run then steps on this thread alone. */
  dispose(): void {
    this.parallel?.stop();
    this.parallel = null;
  }

  /**
   * Continues a checkpointed run on the same data: the run is rebuilt from the checkpoint's RunConfig and the data
   * (which must give the checkpoint's vocabulary), then takes its weights and training state.
   */
  static resume(
    files: CheckpointFiles, train: TaskData, valid: TaskData | null = null, memoryLimit: MemoryLimit | null = null, host: ThreadHost | null = null,
  ): TrainingRun {
    const loaded = loadTaskWithState(files, 'checkpoint', memoryLimit);
    if (!loaded.training) throw new CheckpointError('this checkpoint holds no training state (it was exported or imported), so training cannot resume from it');
    const config = parseRunConfig(upgradeSavedConfig(loaded.training.extra['config']), 'checkpoint training.extra.config');
    const run = TrainingRun.create(config, train, valid, memoryLimit, host);
    run.restoreFrom(loaded.task, loaded.training);
    return run;
  }

  get step(): number {
    return this.parts.core.optimizer.stepCount;
  }

  get epoch(): number {
    return this.task.epoch;
  }

  /** One optimizer step on the next batch (its StepStats object is reused: copy what you keep). */
  trainStep(): StepStats {
    this.clock.start();
    if (this.followsClock) {
      // A time budget: the rate follows the share of the time spent (optim/budget.ts), times any adjust() factor.
      this.clockSchedule.lr = this.lrScale * budgetLearningRate(this.config.lr, this.clock.elapsed() / this.config.time);
      this.parts.core.cfg.schedule = this.clockSchedule;
    }
    const s = this.task.trainStep();
    if (s.nonFinite === null) this.watch.onStep(s.loss);
    // Read the gate caches now, before a validation forward overwrites them.
    if (s.nonFinite === null && s.step % SATURATION_EVERY === 0) this.measureSaturation(s.step);
    return s;
  }

  private measureSaturation(step: number): void {
    this.meters ??= gateMeters(this.stacks().map(({ stack }) => stack));
    if (this.meters.length === 0) return;
    for (const m of this.meters) m.count();
    // A data-parallel run: this thread's caches hold its share of the rows only; the helpers' counts add the rest.
    if (this.parallel) addHelperCounts(this.meters, this.parallel.block);
    for (const m of this.meters) m.share();
    this.saturationStep = step;
  }

  /** The driver's time source for the time budget (default Date.now); the seconds counted so far are kept. */
  useClock(now: NowMs): void {
    this.clock.use(now);
  }

  /** Whether the run's budget is used up: its step limit reached, or its time limit passed. */
  budgetSpent(): boolean {
    const c = this.config;
    return (c.steps > 0 && this.step >= c.steps) || (c.time > 0 && this.clock.elapsed() >= c.time);
  }

  /** A step's statistics as a metric point (bits per character for lm). */
  metric(s: StepStats, tokensPerSecond: number): TrainMetric {
    const m: TrainMetric = {
      step: s.step, epoch: this.epoch, loss: s.loss, lr: s.lr, tokensPerSecond,
      gradNorm: s.gradNorm, gradNormAfterClip: s.gradNormAfterClip, clipped: s.clipped, groupNorms: Array.from(s.perGroupNorm),
    };
    if (this.task.kind === 'lm') m.bitsPerChar = (s.loss / LN2) * this.tokensPerChar;
    if (this.saturationStep === s.step && this.meters) m.gateSaturation = this.meters.map((g) => g.report());
    return m;
  }

  /**
   * Validation loss and task metrics on the first `validBatches` batches of the validation set, or null without one.
   * The first validation at each step also feeds the best weights, early stopping and the memorising detector.
   */
  validate(): Validation | null {
    const v = this.validation.run(this.config.validBatches);
    if (v) this.watch.onValidation(this.step, v.loss, this.task.params.data);
    return v;
  }

  /** The step and loss of the lowest validation loss so far, or null before the first validation. */
  get best(): BestValidation | null {
    return this.watch.bestWeights.best;
  }

  /** Whether the model memorises at the last validation (memorising.ts says precisely what that means). */
  get memorising(): boolean {
    return this.watch.detector.holds();
  }

  /** The first step at which the model was seen memorising, or null: a driver tells the user once per run. */
  get memorisingSince(): number | null {
    return this.watch.memorisingSince;
  }

  /** Early stopping is on and `patience` validations in a row brought no improvement: the driver should stop. */
  get shouldStopEarly(): boolean {
    return this.config.earlyStopping && this.watch.bestWeights.exhausted(this.config.patience);
  }

  /** Puts the best validation's weights back into the model (Keras's restore_best_weights); false without a best. */
  restoreBest(): boolean {
    if (!this.watch.bestWeights.restoreInto(this.task.params.data)) return false;
    this.parts.core.weightsReplaced();
    return true;
  }

  /**
   * The best validation's weights as checkpoint files (no training state: resume from the latest), or null before
   * the first validation. `info` gains `best: { step, validLoss }`. Allocates the files (not a per-step call).
   */
  bestCheckpoint(info: Record<string, unknown> = {}): CheckpointFiles | null {
    const best = this.best;
    if (!best) return null;
    const arena = this.task.params.data, current = arena.slice();
    arena.set(this.watch.bestWeights.weights);
    try {
      return taskCheckpoint(this.task, { ...info, best }, null);
    } finally {
      arena.set(current);
    }
  }

  /** The recurrent stacks whose ‖∂L/∂h_t‖ is reported, with the time steps of the last batch. */
  private stacks(): { name: string; stack: RecurrentStack; T: number }[] {
    const k = this.task;
    if (k.kind === 'lm') return [{ name: 'rnn', stack: k.model.rnn, T: k.batcher!.steps }];
    if (k.kind === 'seq2seq') {
      const t = k.train!;
      return [{ name: 'encoder', stack: k.model.encoder, T: t.srcB.steps }, { name: 'decoder', stack: k.model.decoder, T: t.inB.steps }];
    }
    if (k.kind === 'one-to-many') return [{ name: 'rnn', stack: k.model.rnn, T: k.train!.inB.steps }];
    return [{ name: 'rnn', stack: k.model.rnn, T: k.train!.batch.steps }];
  }

  /** ‖∂L/∂h_t‖ of the last step's first sequence, per stack ((layers × directions) rows of T values each). */
  gradThroughTime(): StackGradients[] {
    return this.stacks().map(({ stack, T }) => {
      const out = new Float64Array(stack.cfg.numLayers * stack.D * T);
      gradientThroughTime(stack, T, out);
      return { values: Array.from(out, (x) => (Number.isFinite(x) ? x : 0)) };
    });
  }

  /** seq2seq with attention: `source` ('' or absent = the first validation pair) decoded with the current weights. */
  attentionFrame(source?: string): AttentionFrame | null {
    if (this.task.kind !== 'seq2seq' || !this.task.model.attention) return null;
    const pairs = this.valid.kind === 'seq2seq' && this.valid.pairs.length ? this.valid.pairs : this.train.kind === 'seq2seq' ? this.train.pairs : [];
    return attentionFrame(this.task, source || pairs[0]?.source || '', pairs, this.config.seqLen);
  }

  info(): RunInfo {
    const p = this.task.params, labels = this.task.kind === 'classify' || this.task.kind === 'tag' || this.task.kind === 'one-to-many' ? [...this.task.labels] : undefined;
    return {
      task: this.config.task, vocabSize: this.task.tokenizer.vocabSize, paramCount: p.size,
      trainChars: dataChars(this.train), validChars: dataChars(this.valid),
      trainExamples: this.task.kind === 'lm' ? this.task.batcher!.rowLength * this.task.batcher!.batchSize : exampleRows(this.train),
      validExamples: this.validation.examples,
      groups: [...this.parts.core.groups],
      tensors: p.entries.map((e) => ({ name: e.name, shape: [...e.shape], offset: e.offset })),
      stacks: this.stacks().map(({ name, stack }) => ({ name, rows: stack.cfg.numLayers * stack.D })),
      ...(labels ? { labels } : {}),
      step: this.step,
    };
  }

  /** After a non-finite pause: scale the learning rate (cumulatively) and/or set norm clipping (null = off). */
  adjust(lrScale?: number, clip?: number | null): void {
    const cfg = this.parts.core.cfg;
    if (lrScale !== undefined) {
      this.lrScale *= lrScale;
      const s = cfg.schedule;
      cfg.schedule = s.kind === 'cosine' ? { ...s, lr: s.lr * lrScale, minLr: (s.minLr ?? 0) * lrScale } : { ...s, lr: s.lr * lrScale };
    }
    if (clip !== undefined) cfg.clipNorm = clip;
  }

  /** A transferable copy of the parameter arena. */
  snapshot(): Float32Array {
    return Float32Array.from(this.task.params.data);
  }

  /** The current weights with the full training state (resume() and rollback() read it). */
  checkpoint(info: Record<string, unknown> = {}): CheckpointFiles {
    return taskCheckpoint(this.task, info, saveRunState(this));
  }

  /** Back to a checkpoint of THIS run (its weights, optimizer, generator and data position); nothing changes on error. */
  rollback(files: CheckpointFiles): void {
    const loaded = loadTaskWithState(files, 'rollback checkpoint');
    if (!loaded.training) throw new CheckpointError('the rollback checkpoint holds no training state');
    this.restoreFrom(loaded.task, loaded.training);
  }

  private restoreFrom(from: AnyTask, training: NonNullable<LoadedCheckpoint['training']>): void {
    const a = this.task.params, b = from.params;
    if (from.kind !== this.task.kind || a.size !== b.size || a.entries.some((e, i) => e.name !== b.entries[i]?.name)) {
      throw new CheckpointError(`the checkpoint's ${from.kind} model (${b.size} weights) is not this run's ${this.task.kind} model (${a.size} weights)`);
    }
    if (JSON.stringify(from.tokenizer.toJSON()) !== JSON.stringify(this.task.tokenizer.toJSON())) {
      throw new CheckpointError('the checkpoint was trained on other data: its vocabulary differs from the one this data gives');
    }
    restoreRunState(this, training, () => a.data.set(b.data));
  }
}

/** config.threads for a driver with `host`: 0 = every core; ≥ 2 without a host is refused (nothing could start them). */
function resolveThreads(threads: number, host: ThreadHost | null): number {
  if (!host) {
    if (threads > 1) throw new ConfigError('config.threads', `this driver trains on one thread only, got ${threads}`);
    return 1;
  }
  return threads === 0 ? Math.max(1, host.cores) : threads;
}

function exampleRows(d: TaskData): number {
  return d.kind === 'seq2seq' ? d.pairs.length : d.kind === 'classify' || d.kind === 'one-to-many' ? d.examples.length : d.kind === 'tag' ? d.sentences.length : 0;
}

function dataChars(d: TaskData): number {
  if (d.kind === 'lm') return d.text.length;
  if (d.kind === 'seq2seq') return d.pairs.reduce((n, p) => n + p.source.length + p.target.length + 2, 0);
  if (d.kind === 'classify' || d.kind === 'one-to-many') return d.examples.reduce((n, e) => n + e.text.length + e.label.length + 2, 0);
  return d.sentences.reduce((n, s) => n + s.tokens.reduce((m, t, i) => m + t.length + s.tags[i].length + 2, 1), 0);
}
