// Peak memory while SeqLab trains W2 (issue 16's target: below 1× parameters + gradients + optimizer state + one
// batch of activations, per thread). Runs in its own process (`main.js --mem-probe`, started with --expose-gc) so
// the resident set belongs to this model alone: RSS is sampled before the model exists (after a GC) and after
// every step. Two denominators:
//   target   4 × parameters (value, grad, Adam m and v) + one batch of ACTIVATIONS: the tensors a forward
//            computes for one batch of B × T positions, counted from the architecture — per layer the gate
//            pre-activations and activations (2·G), c, tanh c and h (3·H); the embedding output (E); the
//            logits and their softmax (2·V). Backward buffers, the roll-back copy and the token stream are
//            extra, so meeting 1× means the arena spends less on them than the forward's own tensors save.
//   arena    what the run's heap holds in use (everything it allocated): the resident set's overhead beyond it.
import { TrainingRun } from '../../src/engine/run/run';
import type { LmTask } from '../../src/engine/tasks/lmTask';
import { heapCtorOf } from '../../src/engine/sizing/alloc';
import { lmRunConfig } from './seqlab';
import type { CharLMConfig } from './sides';

export interface MemoryReport {
  workload: string; params: number; needMiB: number; activationsMiB: number; stateMiB: number;
  /** The heap's bytes in use (MiB) and the resident growth over them. */
  arenaMiB: number; arenaRatio: number;
  rssBeforeMiB: number; rssPeakMiB: number; rssGrowthMiB: number; heapReservedMiB: number; ratio: number; steps: number;
}

const MiB = 2 ** 20;

export function memoryProbe(text: string, cfg: CharLMConfig, steps = 6): MemoryReport {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  // The run `seqlab train` drives: its heap holds exactly what the run allocates (sized from the real layout,
  // sizing/alloc.ts), i.e. model, gradients, Adam, caches, the carried state and the roll-back copy.
  // A 256 Ki-char slice of the corpus: its token stream (~1 MiB) stays small beside the model, which is what the
  // target is about; the run still reads every batch from it.
  const slice = text.slice(0, 262_144);
  const run = TrainingRun.create(lmRunConfig(cfg), { kind: 'lm', text: slice }, { kind: 'lm', text: text.slice(-4096) });
  const ctor = heapCtorOf(run.task.params.ctor);
  if (!ctor) throw new Error('the memory probe needs WebAssembly SIMD: the run fell back to plain arrays');
  // Setting up leaves garbage behind (the tokenizer's counts, the loadability check's serialised checkpoint):
  // collected before training, as it would be by the first major GC of a real run.
  gc?.();
  let peak = process.memoryUsage().rss;
  for (let s = 0; s < steps; s++) {
    run.trainStep();
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const used = (ctor.heap.capacity - ctor.heap.free + ctor.overflow.floats) * 4;
  const state = 4 * run.task.params.size * 4;
  const G = (cfg.cell === 'lstm' ? 4 : 3) * cfg.hidden, cellState = cfg.cell === 'lstm' ? 2 : 0;
  const V = (run.task as LmTask).tokenizer.vocabSize;
  const perPosition = cfg.layers * (2 * G + (1 + cellState) * cfg.hidden) + cfg.embed + 2 * V;
  const activations = 4 * cfg.batch * cfg.seqLen * perPosition;
  const grew = peak - rssBefore;
  return {
    workload: `W2 (LSTM ${cfg.layers}x${cfg.hidden}, B ${cfg.batch}, T ${cfg.seqLen}, TrainingRun, 1 thread)`, params: run.task.params.size,
    needMiB: (state + activations) / MiB, stateMiB: state / MiB, activationsMiB: activations / MiB,
    arenaMiB: used / MiB, arenaRatio: grew / used,
    rssBeforeMiB: rssBefore / MiB, rssPeakMiB: peak / MiB, rssGrowthMiB: grew / MiB,
    heapReservedMiB: ctor.heap.capacity * 4 / MiB, ratio: grew / (state + activations), steps,
  };
}
