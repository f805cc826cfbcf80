// `seqlab train`: flags → RunConfig (engine/run/config.ts) → a TrainingRun (engine/run/run.ts, the same run the
// editor's worker drives) on the data files → optimizer steps until --steps or --time, with a validation every
// --valid-every steps → a checkpoint in --out (model.safetensors + seqlab.json) → optional held-out evaluation
// of the saved model (--valid). Progress: a bar on a terminal (stderr), JSON lines with --json (stdout, the
// periodic validations among them), a summary line otherwise.
// Stops early, still saving the last good weights: on a non-finite loss/gradient/parameter (exit 1, naming the
// tensor and step), on SIGINT / SIGTERM (exit 130 / 143) and when a reader closes its output (exit 141). A loss
// far above chance is warned about once.
// Best weights: every --valid-every steps the run validates and keeps the weights of the lowest validation loss;
// they are saved to <out>/best/ (cliBest.ts) and named in the summary. With --early-stopping the run ends after
// --patience validations without improvement and --out holds the best weights too (Keras's restore_best_weights).
import type { CheckpointFiles } from '../engine/checkpoint';
import type { TaskKind } from '../engine/run/config';
import { TrainingRun } from '../engine/run/run';
import type { Validation } from '../engine/run/report';
import { loadTask, taskCheckpoint } from '../engine/tasks/checkpoint';
import { describeNonFinite, hugeLossMessage } from '../engine/sentinel';
import type { StepStats } from '../engine/trainer';
import { parseArgs, requireFlag } from './args';
import { checkOutputDir } from './checkpointDir';
import { bestSummary, saveBestDir } from './cliBest';
import { dataReadOptions } from './dataFiles';
import { evaluateTask, refuseUnknownLabels } from './evaluate';
import { readTaskData, saveRunDir, type CliIO } from './io';
import { hostMemoryLimit } from './memory';
import { Progress } from './progress';
import { SIGNAL_EXIT_CODE, yieldToEventLoop, type InterruptSignal } from './signals';
import { nodeThreadHost } from './threads';
import { TRAIN_FLAGS, taskOptions } from './trainConfig';
import { unknownTokenWarning } from './vocabCheck';

/** How long the synchronous step loop may hold the event loop (signals and output wait that long at most). */
const YIELD_MS = 50;

export { TRAIN_FLAGS, taskOptions } from './trainConfig';

export async function train(argv: readonly string[], io: CliIO): Promise<number> {
  const p = parseArgs(argv, TRAIN_FLAGS, 0, 'train');
  const kind = requireFlag<TaskKind>(p, 'task', 'train');
  const out = requireFlag<string>(p, 'out', 'train');
  const files = requireFlag<string[]>(p, 'data', 'train');
  checkOutputDir(out, Boolean(p.flags.force), 'train'); // before reading data or training: never refuse after the work
  const o = taskOptions(p);
  const json = Boolean(p.flags.json);
  const data = readTaskData(kind, files, dataReadOptions(p.flags, io.err));
  const valid = p.flags.valid !== undefined ? readTaskData(kind, [p.flags.valid as string], dataReadOptions(p.flags, io.err)) : null;
  // A generator is asked for a label it was never trained to write: refused before training, naming the file.
  if (valid && data.kind === 'one-to-many') refuseUnknownLabels(data.labels, valid, [p.flags.valid as string]);
  // --threads (0, the default: every core) helper threads share each batch's rows (engine/parallel).
  const run = TrainingRun.create(o, data, valid, hostMemoryLimit(p.flags['max-memory-mb'] as number | undefined), nodeThreadHost());
  const task = run.task;
  const unknown = o.vocabSize ? unknownTokenWarning(task, run.train, o.tokenizer) : null; // uncapped: no <unk> by construction
  if (unknown) io.err(`seqlab: warning: ${unknown}\n`);
  const steps = o.steps > 0 ? o.steps : Infinity; // 0 = until stopped (--time, or a signal)
  const seconds = o.time > 0 ? o.time : Infinity; // the run's time budget: its learning rate follows this clock too
  // threads: what --threads (0: every core) resolved to.
  if (json) io.out(JSON.stringify({ type: 'start', task: kind, params: task.params.size, vocab: task.tokenizer.vocabSize, threads: run.threads, options: o }) + '\n');
  const progress = new Progress(io, json ? 'json' : io.tty ? 'bar' : 'quiet', steps, seconds);
  const classes = task.kind === 'lm' || task.kind === 'one-to-many' ? task.tokenizer.vocabSize : task.kind === 'seq2seq' ? task.model.V : task.labels.length;
  const t0 = io.now();
  run.useClock(() => io.now());
  let step = 0, lossAvg = NaN, last: StepStats | null = null, lastYield = t0;
  // Set by the signal handler (an object, so the loop re-reads it after every yield).
  const stop: { signal: InterruptSignal | null } = { signal: null };
  const unsubscribe = io.onInterrupt?.((signal) => void (stop.signal = signal)) ?? ((): void => undefined);
  let diverged: string | null = null;
  let earlyStopped = false;
  try {
    while (!run.budgetSpent() && stop.signal === null) {
      last = run.trainStep();
      if (last.nonFinite !== null) {
        diverged = describeNonFinite(last.nonFiniteKind!, last.nonFinite, last.step, last.largestWeight, last.activation);
        break;
      }
      step++;
      lossAvg = Number.isNaN(lossAvg) ? last.loss : 0.98 * lossAvg + 0.02 * last.loss;
      if (last.hugeLoss) progress.note(`seqlab: warning: ${hugeLossMessage(last.loss, last.step, classes)}; lower --lr\n`);
      progress.update(step, (io.now() - t0) / 1000, lossAvg, last, task.epoch);
      if (o.validEvery > 0 && last.step % o.validEvery === 0) {
        const v = run.validate(); // also keeps the best weights and counts early stopping's patience
        if (v && json) io.out(JSON.stringify(validLine(last.step, v)) + '\n');
        if (run.shouldStopEarly) {
          earlyStopped = true;
          break;
        }
      }
      // The step loop is synchronous: let signal handlers (Ctrl-C, SIGTERM) and stream writes run now and then.
      if (io.now() - lastYield >= YIELD_MS) {
        await yieldToEventLoop();
        lastYield = io.now();
      }
    }
    const elapsed = (io.now() - t0) / 1000;
    progress.done();
    // The weights in the arena are always the last good ones: a failed step rolled them back (engine/sentinel.ts).
    const goodSteps = last?.lastGoodStep ?? 0;
    const info = { task: kind, steps: goodSteps, seconds: elapsed, loss: lossAvg, data: files, ...(p.flags.valid !== undefined ? { valid: p.flags.valid } : {}), trainedAt: new Date().toISOString() };
    if (earlyStopped) run.restoreBest();
    // With the training state: `seqlab export --format pytorch-project` continues it.
    saveRunDir(run, out, earlyStopped ? { ...info, best: run.best } : info);
    const best = saveBestDir(run, out, info);
    const stopped = diverged !== null ? 'nonfinite' : stop.signal;
    const summary: Record<string, unknown> = { type: 'done', task: kind, out, steps: goodSteps, seconds: round(elapsed), loss: round(lossAvg), epochs: task.epoch };
    if (stopped) summary.stopped = stopped;
    if (best) summary.best = best;
    if (earlyStopped) summary.earlyStopped = true;
    if (diverged !== null) summary.nonFinite = { kind: last!.nonFiniteKind, tensor: last!.nonFinite, step: last!.step };
    if (valid && !stopped) {
      // Evaluate a SAVED model, so what is reported is exactly what `seqlab eval` would see: the best-validation
      // weights when the run keeps them (run.bestCheckpoint, issue #14), else the final ones.
      const saved = loadTask(bestOrFinal(run), out);
      summary.valid = evaluateTask(saved, valid, {});
    }
    if (json) io.out(JSON.stringify(summary) + '\n');
    if (diverged !== null) {
      const advice = o.clip === 0 ? `lower --lr (it is ${o.lr}) or set --clip 1` : `lower --lr (it is ${o.lr})`;
      io.err(`seqlab: training diverged: ${diverged}; saved the last good weights (after ${goodSteps} steps) to ${out}; ${advice}\n`);
      return 1;
    }
    if (stop.signal !== null) {
      const why = stop.signal === 'SIGPIPE' ? 'a closed output pipe (SIGPIPE)' : stop.signal;
      io.err(`seqlab: interrupted by ${why} after ${goodSteps} steps; saved the weights to ${out}\n`);
      return SIGNAL_EXIT_CODE[stop.signal];
    }
    if (!json) {
      io.out(`trained ${kind}: ${step} steps in ${round(elapsed)} s on ${run.threads} thread${run.threads === 1 ? '' : 's'}, loss ${round(lossAvg)}; saved to ${out}\n`);
      if (best) io.out(bestSummary(best, earlyStopped ? o.patience : null, out) + '\n');
      if (summary.valid) io.out(`valid: ${JSON.stringify(summary.valid)}\n`);
    }
    return 0;
  } finally {
    run.dispose();
    unsubscribe();
  }
}

/** The run's best-validation checkpoint when it keeps one, else its final weights (no second copy is kept here). */
function bestOrFinal(run: TrainingRun): CheckpointFiles {
  const best = (run as { bestCheckpoint?: () => CheckpointFiles | null }).bestCheckpoint?.() ?? null;
  return best ?? taskCheckpoint(run.task);
}

/** A --json validation line: the step, the loss (bits per character for lm) and the task's metrics. */
function validLine(step: number, v: Validation): Record<string, unknown> {
  return { type: 'valid', step, loss: round(v.loss), ...(v.bitsPerChar !== undefined ? { bitsPerChar: round(v.bitsPerChar) } : {}), ...v.metrics };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
