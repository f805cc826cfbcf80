// SeqLab's side of the benchmark. Each workload is one function of the `Side` contract (sides.ts).
//
// Implemented: W6 matmul — the engine's kernels on a WasmHeap (zero-copy, how the engine is meant to hold its
//   arenas), and, for comparison, on plain Float32Arrays (scratch-copy path) and with the TypeScript kernels.
//
// W1–W3 charLM, W5, W7 seq2seq: `TrainingRun` (src/engine/run/run.ts), THE run that `seqlab train` and the
//   editor's worker drive, built from a RunConfig with the peers' numbers (lmRunConfig below): the model and
//   every training buffer on one WasmHeap sized from the real layout, truncated BPTT with the carried state,
//   clip by global norm, Adam; each step is `run.trainStep()` on the run's own batches of the same text. The
//   side reports how many products copied (should be 0).
// W4 completer: batch-1 forward over the 64-id context, then one step per generated id from the carried (h, c)
//   — the same strategy as the peer — on W1's run model.
// W4-editor: the editor's own completion path (editorPath.ts: the provider's Suggester) on the model the
//   extension builds from W5's or W1's run checkpoint.
// W5: the same run, trained for a fixed wall time, scored with `evaluate` (mean CE on the harness's held-out
//   windows, no update).
import { matmulNN, matmulNT, matmulTN, setKernelBackend } from '../../src/engine/ops/matmul';
import { Rng } from '../../src/engine/rng';
import { LanguageModel } from '../../src/engine/lm';
import { WasmHeap } from '../../src/engine/kernels/heap';
import { heapCtorOf, type HeapFloatCtor } from '../../src/engine/sizing/alloc';
import type { ParallelPair } from '../../src/engine/data/readers';
import { runConfig, type RunConfig } from '../../src/engine/run/config';
import { TrainingRun } from '../../src/engine/run/run';
import type { LmTask } from '../../src/engine/tasks/lmTask';
import { threadHost } from './threads';
import { wasmStats } from '../../src/engine/kernels/product';
import { editorModel, editorTyping } from './editorPath';
import type { CharLMConfig, Completer, EditorTyping, LMTrainer, LmCorpus, MatmulRunner, ProductKind, Seq2SeqBenchConfig, Seq2SeqTrainer, Side } from './sides';

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
    async charLM(cfg: CharLMConfig, corpus: LmCorpus): Promise<LMTrainer> {
      if (variant !== 'wasm') throw new Error(`the ${variant} variant measures W6 only: training runs on the engine's own path`);
      const threads = cfg.threads ?? 1;
      const run = TrainingRun.create(lmRunConfig(cfg), { kind: 'lm', text: corpus.train }, { kind: 'lm', text: corpus.valid }, null, threads > 1 ? threadHost(threads) : null);
      if (run.threads !== threads) throw new Error(`the run got ${run.threads} threads, not ${threads}`);
      const task = run.task as LmTask;
      const heap = heapCtorOf(task.params.ctor);
      // The harness's ids (sorted characters) → the run tokenizer's ids (most frequent first, after the specials).
      const ids = Int32Array.from(corpus.vocab, (ch) => task.tokenizer.encode(ch)[0]);
      const mapped = new Int32Array(cfg.batch * cfg.seqLen), targets = new Int32Array(cfg.batch * cfg.seqLen);
      const side: LMTrainer = {
        step: () => run.trainStep().loss,
        evaluate(x, y) {
          for (let i = 0; i < x.length; i++) { mapped[i] = ids[x[i]]; targets[i] = ids[y[i]]; }
          task.model.forward(mapped, cfg.batch, cfg.seqLen);
          return task.model.loss(targets, 'mean').loss;
        },
        note: () => `TrainingRun (task lm, V ${task.tokenizer.vocabSize}, ${task.batcher!.batchSize} BPTT streams${threads > 1 ? `, ${threads} threads data-parallel` : ''}); ${pathNote(heap)}`,
      };
      runs.set(side, { run, ids });
      return side;
    },
    async seq2seq(cfg: Seq2SeqBenchConfig, pairs: readonly ParallelPair[]): Promise<Seq2SeqTrainer> {
      if (variant !== 'wasm') throw new Error(`the ${variant} variant measures W6 only: training runs on the engine's own path`);
      // Every pair trains (the validation set is given, so the run holds nothing out); the run's attention is
      // queried by the decoder's previous state (Bahdanau), its own architecture, where the tf.layers peer can
      // only query with the decoder's output h_t: the same products, one step apart.
      const threads = cfg.threads ?? 1;
      const run = TrainingRun.create(runConfig({
        task: 'seq2seq', cell: 'lstm', bidirectional: false, hidden: cfg.hidden, layers: 1, embedding: cfg.embed, attention: 'additive',
        batch: cfg.batch, optimizer: 'adam', lr: cfg.lr, clip: cfg.clipNorm, seed: cfg.seed, tokenizer: 'char', seqLen: 64, threads,
      }), { kind: 'seq2seq', pairs: [...pairs] }, { kind: 'seq2seq', pairs: pairs.slice(0, cfg.batch) }, null, threads > 1 ? threadHost(threads) : null);
      if (run.threads !== threads) throw new Error(`the run got ${run.threads} threads, not ${threads}`);
      const heap = heapCtorOf(run.task.params.ctor);
      return {
        step: () => run.trainStep().loss,
        note: () => `TrainingRun (task seq2seq, Bahdanau query${threads > 1 ? `, ${threads} threads data-parallel` : ''}); ${pathNote(heap)}`,
      };
    },
    async completer(trainer: LMTrainer): Promise<Completer> {
      const r = runs.get(trainer);
      if (!r) throw new Error('completer needs a trainer made by this side');
      const task = r.run.task as LmTask;
      return { ...greedyCompleter(task.model, r.ids), note: () => pathNote(heapCtorOf(task.params.ctor)) };
    },
    editorTyping(trainer: LMTrainer): EditorTyping {
      const r = runs.get(trainer);
      if (!r) throw new Error('the editor path needs a trainer made by this side');
      const typing = editorTyping(editorModel(r.run));
      return { type: typing.type, note: () => `${typing.note!()}; ${pathNote(null).replace(/^plain arrays; /, '')}` };
    },
  };
}

/** The run behind each LM trainer, and the harness id → run token id table. */
const runs = new WeakMap<LMTrainer, { run: TrainingRun; ids: Int32Array }>();

/** W1–W5's model as a RunConfig: the peers' numbers (char tokens, Adam, constant rate, no dropout). */
export function lmRunConfig(cfg: CharLMConfig): RunConfig {
  return runConfig({
    task: 'lm', tokenizer: 'char', cell: cfg.cell, hidden: cfg.hidden, layers: cfg.layers, embedding: cfg.embed,
    seqLen: cfg.seqLen, batch: cfg.batch, optimizer: 'adam', lr: cfg.lr, clip: cfg.clipNorm, seed: cfg.seed,
    threads: cfg.threads ?? 1, ...(cfg.seconds ? { time: cfg.seconds } : {}),
  });
}

let lastStats = { zeroCopy: 0, copied: 0 };
/** Which product path ran since the last note (zero-copy vs copied operands) and whether the heap overflowed. */
function pathNote(heapCtor: HeapFloatCtor | null): string {
  const z = wasmStats.zeroCopy - lastStats.zeroCopy, c = wasmStats.copied - lastStats.copied;
  lastStats = { ...wasmStats };
  const heap = heapCtor ? `heap ${(heapCtor.heap.capacity * 4 / 2 ** 20).toFixed(0)} MiB${heapCtor.overflow.arrays ? `, ${heapCtor.overflow.floats} floats overflowed` : ''}` : 'plain arrays';
  return `${heap}; WASM products zero-copy ${z}, copied ${c}`;
}

/** Reads the context once (batch 1), then advances the carried state one generated id at a time. Contexts and the
 *  stop id are the harness's ids (`ids` maps them to the run's); the ids returned are the run's (only counted). */
function greedyCompleter(model: LanguageModel, ids: Int32Array): Completer {
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
    suggest(context, stopChar, maxLen) {
      const ctx = context.map((id) => ids[id]), stopId = ids[stopChar];
      model.forward(ctx, 1, ctx.length, {}, 'last'); // the head on the last position only: its logits are all a context needs
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
