// SeqLab's side of the benchmark. Each workload is one function of the `Side` contract (sides.ts).
//
// Implemented: W6 matmul — the engine's kernels on a WasmHeap (zero-copy, how the engine is meant to hold its
//   arenas), and, for comparison, on plain Float32Arrays (scratch-copy path) and with the TypeScript kernels.
//
// W1–W3 charLM: the engine's LanguageModel (embedding → RecurrentStack → head) + LmTrainer (mean CE, clip
//   by global norm, Adam) — exactly the tfjs peers' model and step. W4 completer: batch-1 forward over the
//   64-id context, then one step per generated id from the carried (h, c) — the same strategy as the peer.
//   The model is built on a heap sized by `sizedHeap` (src/engine/sizing/alloc.ts): parameters, gradients, Adam
//   moments, caches and the carried state live in one WasmHeap, so every product (batch-1 ones too) is
//   zero-copy on the SIMD kernels. The side reports how many products copied (should be 0).
// W4-editor: the editor's own completion path (editorPath.ts: the provider's Suggester) on W5's or W1's weights.
// W5: the same charLM trainer, trained for a fixed wall time, scored with `evaluate` (mean CE, no update).
// W7 seq2seq: the engine's Seq2Seq (LSTM encoder → decoder from the encoder's final state, additive attention
//   queried by the decoder output h_t — the placement the tf.layers peer can express — tanh combine, head),
//   mean CE, clip, Adam via TrainStep, on a WasmHeap too.
import { matmulNN, matmulNT, matmulTN, setKernelBackend } from '../../src/engine/ops/matmul';
import { Rng } from '../../src/engine/rng';
import { LanguageModel } from '../../src/engine/lm';
import { LmTrainer, TrainStep, type LmBatch } from '../../src/engine/trainer';
import { Seq2Seq } from '../../src/engine/seq2seq/model';
import { WasmHeap } from '../../src/engine/kernels/heap';
import { asFloatCtor, sizedHeap, type HeapFloatCtor } from '../../src/engine/sizing/alloc';
import type { FloatArrayCtor } from '../../src/engine/tensor';
import { wasmStats } from '../../src/engine/kernels/product';
import { editorModel, editorTyping } from './editorPath';
import type { CharLMConfig, Completer, EditorTyping, LMTrainer, MatmulRunner, ProductKind, Seq2SeqBenchConfig, Seq2SeqTrainer, Side } from './sides';

export type SeqlabVariant = 'wasm' | 'wasm-copy' | 'js';

const KERNEL = { nt: matmulNT, nn: matmulNN, tn: matmulTN };

export function createSeqlabSide(variant: SeqlabVariant = 'wasm'): Side {
  return {
    name: variant === 'wasm' ? 'seqlab' : `seqlab-${variant}`,
    async init() {
      setKernelBackend(variant === 'js' ? 'js' : 'wasm');
    },
    matmul(kind: ProductKind, M: number, K: number, N: number, seed: number): MatmulRunner {
      const sizes = [M * K, K * N, M * N];
      let arrays: Float32Array[];
      if (variant === 'wasm') {
        const heap = new WasmHeap(sizes[0] + sizes[1] + sizes[2] + 16);
        arrays = sizes.map((n) => heap.alloc(n));
      } else {
        arrays = sizes.map((n) => new Float32Array(n));
      }
      const rng = new Rng(seed);
      for (const x of arrays) for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
      const [A, B, C] = arrays;
      const f = KERNEL[kind];
      return {
        label: `matmul${kind.toUpperCase()} (${variant === 'wasm' ? 'WASM SIMD, WasmHeap views' : variant === 'js' ? 'TypeScript kernels' : 'WASM SIMD, copied in/out'})`,
        run(times) {
          for (let i = 0; i < times; i++) f(C, 0, A, 0, B, 0, M, K, N, false);
        },
      };
    },
    async charLM(cfg: CharLMConfig): Promise<LMTrainer> {
      // The heap holds exactly what this run allocates: the model, its (batch, seqLen) caches, Adam, the roll-back
      // copy and the carried states, counted by running the same setup on a counting ctor (sizing/alloc.ts).
      const setup = (ctor: FloatArrayCtor) => {
        const m = new LanguageModel({
          vocabSize: cfg.vocab, embeddingSize: cfg.embed,
          rnn: { cell: cfg.cell, hiddenSize: cfg.hidden, numLayers: cfg.layers, bidirectional: false, merge: 'concat', dropout: 0 },
        }, ctor);
        m.reserve(cfg.batch, cfg.seqLen);
        const t = new LmTrainer(m, {
          optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 },
          schedule: { kind: 'constant', lr: cfg.lr },
          clipNorm: cfg.clipNorm,
        }, 'mean');
        t.reserve(cfg.batch);
        return { model: m, trainer: t };
      };
      const heapCtor = variant === 'wasm' ? sizedHeap(setup) : null;
      const { model, trainer } = setup(heapCtor ? asFloatCtor(heapCtor) : Float32Array);
      model.initialize(new Rng(cfg.seed));
      const batch: LmBatch = { inputs: new Int32Array(0), targets: new Int32Array(0), B: cfg.batch, T: cfg.seqLen, resetState: true };
      const side: LMTrainer = {
        step(x, y) {
          batch.inputs = x;
          batch.targets = y;
          return trainer.step(batch).loss;
        },
        evaluate(x, y) {
          model.forward(x, cfg.batch, cfg.seqLen);
          return model.loss(y, 'mean').loss;
        },
        note: () => pathNote(heapCtor),
      };
      models.set(side, model);
      if (heapCtor) heaps.set(side, heapCtor);
      return side;
    },
    async seq2seq(cfg: Seq2SeqBenchConfig): Promise<Seq2SeqTrainer> {
      // The heap holds exactly what this run allocates (model, its (batch, S, T) buffers, Adam, roll-back copy).
      const setup = (ctor: FloatArrayCtor) => {
        const m = new Seq2Seq({
          srcVocab: cfg.vocab, tgtVocab: cfg.vocab, embeddingSize: cfg.embed, cell: 'lstm',
          encoder: { hiddenSize: cfg.hidden, numLayers: 1, bidirectional: false },
          decoder: { hiddenSize: cfg.hidden, numLayers: 1 },
          attention: 'additive', attentionSize: cfg.attention, attentionQuery: 'output',
        }, ctor);
        m.reserve(cfg.batch, cfg.S, cfg.T);
        return { model: m, core: new TrainStep(m.params, {
          optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 }, schedule: { kind: 'constant', lr: cfg.lr }, clipNorm: cfg.clipNorm,
        }) };
      };
      const heapCtor = variant === 'wasm' ? sizedHeap(setup) : null;
      const { model, core } = setup(heapCtor ? asFloatCtor(heapCtor) : Float32Array);
      model.initialize(new Rng(cfg.seed));
      let cur: { src: Int32Array; srcLen: Int32Array; decIn: Int32Array; targets: Int32Array } | null = null;
      const fb = (): { loss: number; count: number } => {
        model.forward(cur!.src, cur!.srcLen, cfg.batch, cfg.S, cur!.decIn, cfg.T, { training: true });
        return model.lossAndBackward(cur!.targets, 'mean');
      };
      return {
        step(src, srcLen, decIn, targets) {
          cur = { src, srcLen, decIn, targets };
          return core.run(fb).loss;
        },
        note: () => pathNote(heapCtor),
      };
    },
    async completer(trainer: LMTrainer): Promise<Completer> {
      const model = models.get(trainer);
      if (!model) throw new Error('completer needs a trainer made by this side');
      return { ...greedyCompleter(model), note: () => pathNote(heaps.get(trainer) ?? null) };
    },
    editorTyping(trainer: LMTrainer, _cfg: CharLMConfig, vocab: readonly string[]): EditorTyping {
      const model = models.get(trainer);
      if (!model) throw new Error('the editor path needs a trainer made by this side');
      const typing = editorTyping(editorModel(model, vocab));
      return { type: typing.type, note: () => `${typing.note!()}; ${pathNote(null).replace(/^plain arrays; /, '')}` };
    },
  };
}

const models = new WeakMap<LMTrainer, LanguageModel>();
const heaps = new WeakMap<LMTrainer, HeapFloatCtor>();

let lastStats = { zeroCopy: 0, copied: 0 };
/** Which product path ran since the last note (zero-copy vs copied operands) and whether the heap overflowed. */
function pathNote(heapCtor: HeapFloatCtor | null): string {
  const z = wasmStats.zeroCopy - lastStats.zeroCopy, c = wasmStats.copied - lastStats.copied;
  lastStats = { ...wasmStats };
  const heap = heapCtor ? `heap ${(heapCtor.heap.capacity * 4 / 2 ** 20).toFixed(0)} MiB${heapCtor.overflow.arrays ? `, ${heapCtor.overflow.floats} floats overflowed` : ''}` : 'plain arrays';
  return `${heap}; WASM products zero-copy ${z}, copied ${c}`;
}

/** Reads the context once (batch 1), then advances the carried state one generated id at a time. */
function greedyCompleter(model: LanguageModel): Completer {
  const n = model.rnn.cfg.numLayers * model.rnn.cfg.hiddenSize;
  // The carried state in plain arrays: a forward copies h0/c0 into its own state slots (in the heap), so no product
  // reads them, and the training heap is sized for training alone (sizing/alloc.ts; stepState.ts does the same).
  const h = new Float32Array(n), c = new Float32Array(n);
  const one = new Int32Array(1);
  const V = model.V;
  const argmaxLast = (T: number): number => {
    const lg = model.logits, base = (T - 1) * V;
    let best = 0;
    for (let v = 1; v < V; v++) if (lg[base + v] > lg[base + best]) best = v;
    const hN = model.rnn.hN, cN = model.rnn.cN;
    for (let i = 0; i < n; i++) h[i] = hN[i];
    if (cN.length) for (let i = 0; i < n; i++) c[i] = cN[i];
    return best;
  };
  return {
    suggest(context, stopId, maxLen) {
      model.forward(context, 1, context.length);
      let next = argmaxLast(context.length);
      const out: number[] = [];
      while (next !== stopId && out.length < maxLen) {
        out.push(next);
        one[0] = next;
        model.forward(one, 1, 1, { h0: h, c0: model.rnn.cN.length ? c : null });
        next = argmaxLast(1);
      }
      return out;
    },
  };
}
