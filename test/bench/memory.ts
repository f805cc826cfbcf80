// Peak memory while SeqLab trains W2 (issue 8's target: below 2× parameters + gradients + optimizer state + one
// batch's activations). Runs in its own process (`main.js --mem-probe`, started with --expose-gc) so the resident
// set belongs to this model alone: RSS is sampled before the model exists (after a GC) and after every step.
// "Needed" is counted from the model itself: 4 × parameters (value, grad, Adam m and v) + the activations and
// gradient caches one batch uses (the heap's bytes in use minus those arenas), all float32.
import { LanguageModel } from '../../src/engine/lm';
import { Rng } from '../../src/engine/rng';
import { LmTrainer, type LmBatch } from '../../src/engine/trainer';
import { asFloatCtor, sizedHeap } from '../../src/engine/sizing/alloc';
import type { FloatArrayCtor } from '../../src/engine/tensor';
import { encodeChars, lmBatch } from './corpus';
import type { CharLMConfig } from './sides';

export interface MemoryReport {
  workload: string; params: number; needMiB: number; activationsMiB: number; stateMiB: number;
  rssBeforeMiB: number; rssPeakMiB: number; rssGrowthMiB: number; heapReservedMiB: number; ratio: number; steps: number;
}

const MiB = 2 ** 20;

export function memoryProbe(text: string, cfg: CharLMConfig, steps = 6): MemoryReport {
  const { ids } = encodeChars(text);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  // The heap holds exactly what this run allocates (counted by running the same setup, sizing/alloc.ts).
  const setup = (ctor: FloatArrayCtor) => {
    const m = new LanguageModel({ vocabSize: cfg.vocab, embeddingSize: cfg.embed,
      rnn: { cell: cfg.cell, hiddenSize: cfg.hidden, numLayers: cfg.layers, bidirectional: false, merge: 'concat', dropout: 0 } }, ctor);
    m.reserve(cfg.batch, cfg.seqLen);
    const t = new LmTrainer(m, { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 }, schedule: { kind: 'constant', lr: cfg.lr }, clipNorm: cfg.clipNorm }, 'mean');
    t.reserve(cfg.batch);
    return { model: m, trainer: t };
  };
  const ctor = sizedHeap(setup)!;
  const { model, trainer } = setup(asFloatCtor(ctor));
  model.initialize(new Rng(cfg.seed));
  let peak = process.memoryUsage().rss;
  for (let s = 0; s < steps; s++) {
    const { x, y } = lmBatch(ids, cfg.batch, cfg.seqLen, cfg.seed, s + 1);
    const batch: LmBatch = { inputs: x, targets: y, B: cfg.batch, T: cfg.seqLen, resetState: true };
    trainer.step(batch);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const used = (ctor.heap.capacity - ctor.heap.free + ctor.overflow.floats) * 4;
  const state = 4 * model.params.size * 4;
  return {
    workload: `W2 (LSTM ${cfg.layers}x${cfg.hidden}, B ${cfg.batch}, T ${cfg.seqLen})`, params: model.params.size,
    needMiB: used / MiB, stateMiB: state / MiB, activationsMiB: (used - state) / MiB,
    rssBeforeMiB: rssBefore / MiB, rssPeakMiB: peak / MiB, rssGrowthMiB: (peak - rssBefore) / MiB,
    heapReservedMiB: ctor.heap.capacity * 4 / MiB, ratio: (peak - rssBefore) / used, steps,
  };
}
