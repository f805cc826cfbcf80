// How big a WasmHeap a training run needs, asked of the models themselves (docs/architecture.md §5): the model
// is built with a recording ctor (countFloats.ts), its TrainStep with the run's optimizer (moments, the
// sentinel's roll-back copy), and ONE training step runs on a batch of the run's largest shape, so every
// activation cache and carried state is allocated once; the heap holds exactly what was asked for. Caches
// only grow (lm.ts, recurrent.ts, direction.ts `ensure`), so smaller later batches reuse them.
// Cost: that step runs once on plain arrays before training starts. A model whose parameter arenas alone pass
// MAX_HEAP_FLOATS is refused from a layout-only count (nothing allocated): the model's construction gives its
// arenas, and the parameter count P times the optimizer's moments and the sentinel's roll-back copy (which see
// P = 0 in that count, params.size being the empty arena's length) is added. The sizing run also stops as soon
// as it passes that limit, so it never allocates much more than the heap it sizes.
// Legend: B batch rows, T steps (decoder steps for seq2seq), S source steps.
import type { ClassifierConfig } from '../classifier';
import { SequenceClassifier } from '../classifier';
import { LanguageModel, type LmConfig } from '../lm';
import { momentCount } from '../modelMemory';
import type { OptimizerConfig } from '../optim';
import { Rng } from '../rng';
import { Seq2Seq } from '../seq2seq/model';
import type { Seq2SeqConfig } from '../seq2seq/config';
import { SequenceTagger, type TaggerConfig } from '../tagger';
import type { FloatArrayCtor } from '../tensor';
import { LmTrainer, TrainStep, type TrainStepConfig } from '../trainer';
import { asFloatCtor, MAX_HEAP_FLOATS, wasmFloatCtor } from './alloc';
import { heapFloatsFor, recordSizes } from './countFloats';

/** A token id every vocabulary has (UNK = 1, tokenize/types.ts), so the sizing step reads real rows. */
const ANY_TOKEN = 1;

/** The step's settings that decide allocation: only the optimizer (its moment arenas). */
function stepConfig(optimizer: OptimizerConfig): TrainStepConfig {
  return { optimizer, schedule: { kind: 'constant', lr: 1e-3 }, clipNorm: 1 };
}

/**
 * Floats of the heap that `build` then `step` allocate, or null when they pass MAX_HEAP_FLOATS (the run
 * trains on plain arrays). `build` constructs the model (and its trainer, with `optimizer`); `step` runs one
 * training step, or whatever the model will run.
 */
export function measureHeapFloats<M>(
  build: (ctor: FloatArrayCtor) => M, step: (built: M) => void, optimizer?: OptimizerConfig,
): number | null {
  const layout = recordSizes((ctor) => void build(ctor), false, MAX_HEAP_FLOATS);
  if (!layout) return null;
  // Params allocates its value arena first (params.ts); moments and the roll-back copy are P floats each.
  const perParamArena = optimizer ? momentCount(optimizer) + 1 : 0;
  if (layout.reduce((s, n) => s + n, 0) + perParamArena * (layout[0] ?? 0) > MAX_HEAP_FLOATS) return null;
  const sizes = recordSizes((ctor) => step(build(ctor)), true, MAX_HEAP_FLOATS);
  return sizes && heapFloatsFor(sizes);
}

/** A heap ctor holding `floats`, or Float32Array without WebAssembly SIMD or when `floats` is null. */
export function heapCtorFor(floats: number | null): FloatArrayCtor {
  const ctor = floats === null ? null : wasmFloatCtor(floats);
  return ctor ? asFloatCtor(ctor) : Float32Array;
}

/** A language model trained by LmTrainer (truncated BPTT with carried states) on (B, T) chunks. */
export function lmTrainingHeapFloats(cfg: LmConfig, B: number, T: number, optimizer: OptimizerConfig): number | null {
  const tokens = new Int32Array(B * T).fill(ANY_TOKEN);
  return measureHeapFloats(
    (ctor) => new LmTrainer(new LanguageModel(cfg, ctor), stepConfig(optimizer), 'mean', new Rng(0)),
    (trainer) => void trainer.step({ inputs: tokens, targets: tokens, B, T, resetState: true }),
    optimizer,
  );
}

/**
 * The ctor a language model trains fastest on: a WasmHeap sized for (B, T) batches and this optimizer, so its
 * products are zero-copy and its cells run the SIMD pointwise kernels; Float32Array when the runtime has no
 * WebAssembly SIMD or the model needs more than one heap holds. Used by the CLI's and the editor's runs alike.
 */
export function lmTrainingCtor(cfg: LmConfig, B: number, T: number, optimizer: OptimizerConfig = { kind: 'adam' }): FloatArrayCtor {
  return heapCtorFor(lmTrainingHeapFloats(cfg, B, T, optimizer));
}

/** A seq2seq model trained on (B, S) sources and (B, T) decoder rows; `teacherForcing` < 1 adds the greedy
 *  pass of scheduled sampling (seq2seq/model.ts trainForwardBackward). */
export function seq2seqTrainingHeapFloats(
  cfg: Seq2SeqConfig, B: number, S: number, T: number, optimizer: OptimizerConfig, teacherForcing = 1,
): number | null {
  const src = new Int32Array(B * S).fill(ANY_TOKEN), lengths = new Int32Array(B).fill(S), tgt = new Int32Array(B * T).fill(ANY_TOKEN);
  return measureHeapFloats(
    (ctor) => {
      const model = new Seq2Seq(cfg, ctor);
      return { model, core: new TrainStep(model.params, stepConfig(optimizer)) };
    },
    ({ model, core }) => void core.run(() => model.trainForwardBackward(src, lengths, B, S, tgt, tgt, T, 'mean', teacherForcing, new Rng(0))),
    optimizer,
  );
}

/** A classifier (one label per sequence) or tagger (one tag per position) trained on (B, T) padded batches. */
export function sequenceTrainingHeapFloats(
  kind: 'classify' | 'tag', cfg: ClassifierConfig | TaggerConfig, B: number, T: number, optimizer: OptimizerConfig,
): number | null {
  const tokens = new Int32Array(B * T).fill(ANY_TOKEN), lengths = new Int32Array(B).fill(T);
  const targets = new Int32Array(kind === 'tag' ? B * T : B); // label / tag 0 exists in every model
  return measureHeapFloats(
    (ctor) => {
      const model = kind === 'classify' ? new SequenceClassifier(cfg as ClassifierConfig, ctor) : new SequenceTagger(cfg as TaggerConfig, ctor);
      return { model, core: new TrainStep(model.params, stepConfig(optimizer)) };
    },
    ({ model, core }) => void core.run(() => {
      model.forward(tokens, lengths, B, T, { training: true, rng: new Rng(0) });
      return model.lossAndBackward(targets, 'mean', -1);
    }),
    optimizer,
  );
}
