// One language-model training run as the worker drives it: tokenizer, model, optimizer, BPTT batches, the
// carried (detached) hidden state, validation, checkpoints and snapshots. No I/O and no timers: the worker loop
// (workerLoop.ts) decides when to step and what to post. Imports only the engine and the protocol, so it runs
// in the worker bundle, the CLI and plain mocha alike.
//
// Resuming is exact: a checkpoint holds the weights, the optimizer moments and step count, the RNG state, the
// data position (epoch, chunk) and the carried state, so a resumed run takes the very same next steps as one
// that never stopped (test/unit/worker.test.ts checks this bit for bit).
// Legend: B batch, T steps per chunk, L layers, H hidden.
import { lmTrainingCtor } from '../../engine/sizing/alloc';
import type { Architecture } from '../../engine/checkpoint/architecture';
import { readCheckpoint, writeCheckpoint, type CheckpointFiles, type LoadedCheckpoint } from '../../engine/checkpoint';
import { CorpusError } from '../../engine/corpus';
import { LmBatcher } from '../../engine/data/batch';
import { LanguageModel } from '../../engine/lm';
import type { MemoryLimit } from '../../engine/modelMemory';
import { Rng } from '../../engine/rng';
import { checkLmTraining } from '../../engine/tasks/taskMemory';
import { TrainStep, gradientThroughTime, type StepStats } from '../../engine/trainer';
import { buildTokenizer, type Tokenizer } from '../../engine/tokenize/tokenizer';
import { checkTrainConfig, type RunInfo, type TrainConfig, type TrainMetric } from '../../protocol/training';

const LN2 = Math.log(2);

export class LmRun {
  readonly model: LanguageModel;
  readonly core: TrainStep;
  readonly architecture: Architecture;
  epoch = 0;
  private readonly batcher: LmBatcher;
  private readonly validTokens: Int32Array;
  private readonly tokensPerChar: number;
  private readonly hCarry: Float32Array; // (L, B, H)
  private readonly cCarry: Float32Array; // (L, B, H), LSTM only
  private carried = false;
  private gtt = new Float64Array(0);
  /** The last non-finite step's tensor name, if any. */
  lastNonFinite: string | null = null;

  private constructor(
    readonly config: TrainConfig, readonly tokenizer: Tokenizer, readonly rng: Rng, trainText: string, validText: string,
    memoryLimit: MemoryLimit | null,
  ) {
    const tokens = tokenizer.encode(trainText);
    if (tokens.length < 2) throw new CorpusError(`The training text gives ${tokens.length} token(s): a language model needs at least two.`);
    const B = Math.max(1, Math.min(config.batchSize, Math.floor(tokens.length / 2)));
    this.batcher = new LmBatcher(tokens, B, config.seqLen);
    this.tokensPerChar = tokens.length / Math.max(1, trainText.length);
    this.validTokens = Int32Array.from(validText ? tokenizer.encode(validText) : []);
    this.architecture = {
      kind: 'lm',
      config: {
        vocabSize: tokenizer.vocabSize, embeddingSize: config.embeddingSize,
        rnn: { cell: config.cell, hiddenSize: config.hiddenSize, numLayers: config.numLayers, bidirectional: false, merge: 'concat', dropout: config.dropout },
      },
    };
    // Refused (ModelMemoryError, one line with the amount) before anything of the model's size is allocated.
    checkLmTraining(this.architecture.config, B, config.seqLen, config.optimizer, memoryLimit);
    // Arenas in a WasmHeap: zero-copy SIMD products and pointwise cells, as `npm run bench` measures them.
    this.model = new LanguageModel(this.architecture.config, lmTrainingCtor(this.architecture.config, B, config.seqLen));
    this.core = new TrainStep(this.model.params, {
      optimizer: config.optimizer, schedule: { ...config.schedule }, clipNorm: config.clipNorm, clipValue: config.clipValue ?? null,
      classes: tokenizer.vocabSize,
    }, () => this.model.activations());
    const LBH = config.numLayers * B * config.hiddenSize;
    this.hCarry = new Float32Array(LBH);
    this.cCarry = new Float32Array(config.cell === 'lstm' ? LBH : 0);
  }

  /** A fresh run: the tokenizer learns the training text, weights are initialised from the seed. `memoryLimit`
   *  (from the host's RAM) refuses a model too large to train; null trains whatever is asked. */
  static create(config: TrainConfig, trainText: string, validText: string, memoryLimit: MemoryLimit | null = null): LmRun {
    checkTrainConfig(config);
    const tokenizer = buildTokenizer(config.tokenizer, trainText, config.vocabSize ? { vocabSize: config.vocabSize } : {});
    const rng = new Rng(config.seed);
    const run = new LmRun(config, tokenizer, rng, trainText, validText, memoryLimit);
    run.model.initialize(rng);
    return run;
  }

  /** Continues a checkpointed run on the same texts (the checkpoint's tokenizer and config are used). */
  static resume(files: CheckpointFiles, trainText: string, validText: string, memoryLimit: MemoryLimit | null = null): LmRun {
    const ck = readCheckpoint(files);
    if (!ck.training) throw new Error('this checkpoint holds no training state (it was exported or imported), so training cannot resume from it');
    const config = checkTrainConfig(ck.training.extra.config);
    const run = new LmRun(config, ck.tokenizer, new Rng(config.seed), trainText, validText, memoryLimit);
    run.restore(ck);
    return run;
  }

  get step(): number {
    return this.core.optimizer.stepCount;
  }

  info(): RunInfo {
    const p = this.model.params;
    return {
      vocabSize: this.tokenizer.vocabSize, paramCount: p.size, trainChars: 0, validChars: 0,
      trainTokens: this.batcher.rowLength * this.batcher.batchSize, groups: [...this.core.groups],
      tensors: p.entries.map((e) => ({ name: e.name, shape: [...e.shape], offset: e.offset })),
      gradRows: this.config.numLayers, step: this.step,
    };
  }

  /** One optimizer step on the next BPTT chunk (a new epoch starts when the streams end). */
  trainStep(): StepStats {
    if (!this.batcher.next()) {
      this.batcher.reset();
      this.batcher.next();
      this.epoch++;
    }
    const b = this.batcher, B = b.batchSize, T = b.steps;
    const useCarry = this.carried && b.chunk > 0;
    const stats = this.core.run(() => {
      this.model.forward(b.inputs, B, T, {
        h0: useCarry ? this.hCarry : null, c0: useCarry ? this.cCarry : null, training: true, rng: this.rng,
      });
      return this.model.lossAndBackward(b.targets, 'mean');
    });
    this.lastNonFinite = stats.nonFinite;
    if (stats.nonFinite !== null) {
      this.carried = false; // a NaN state must not leak into the next chunk
      return stats;
    }
    // Detach: copy the final state's values for the next chunk (truncated BPTT, Williams & Peng 1990).
    const rnn = this.model.rnn;
    this.hCarry.set(rnn.hN.subarray(0, this.hCarry.length));
    if (this.cCarry.length) this.cCarry.set(rnn.cN.subarray(0, this.cCarry.length));
    this.carried = true;
    if (this.gtt.length !== this.config.numLayers * T) this.gtt = new Float64Array(this.config.numLayers * T);
    gradientThroughTime(rnn, T, this.gtt);
    return stats;
  }

  /** Copies a step's statistics into a protocol metric (the engine reuses its StepStats object). */
  metric(s: StepStats, tokensPerSecond: number, withGradThroughTime: boolean): TrainMetric {
    const m: TrainMetric = {
      step: s.step, epoch: this.epoch, loss: s.loss, bitsPerChar: (s.loss / LN2) * this.tokensPerChar, lr: s.lr, tokensPerSecond,
      gradNorm: s.gradNorm, gradNormAfterClip: s.gradNormAfterClip, clipped: s.clipped, groupNorms: Array.from(s.perGroupNorm),
    };
    if (withGradThroughTime) m.gradThroughTime = Array.from(this.gtt);
    return m;
  }

  /** Mean validation loss over the first `validBatches` chunks of the validation text, or null if it is too short. */
  validate(): { loss: number; bitsPerChar: number } | null {
    const n = this.validTokens.length;
    if (n < 2 || this.config.validBatches === 0) return null;
    const B = Math.max(1, Math.min(this.batcher.batchSize, Math.floor(n / 2)));
    const vb = new LmBatcher(this.validTokens, B, this.config.seqLen);
    const LBH = this.config.numLayers * B * this.config.hiddenSize;
    const h = new Float32Array(LBH), c = new Float32Array(this.config.cell === 'lstm' ? LBH : 0);
    let sum = 0, count = 0;
    for (let k = 0; k < this.config.validBatches && vb.next(); k++) {
      this.model.forward(vb.inputs, B, vb.steps, { h0: k > 0 ? h : null, c0: k > 0 ? c : null });
      const r = this.model.loss(vb.targets, 'sum');
      sum += r.loss;
      count += r.count;
      h.set(this.model.rnn.hN.subarray(0, LBH));
      if (c.length) c.set(this.model.rnn.cN.subarray(0, LBH));
    }
    const loss = sum / Math.max(1, count);
    return { loss, bitsPerChar: (loss / LN2) * this.tokensPerChar };
  }

  /** Learning-rate scale and clipping changes after a non-finite step (saved with the next checkpoint). */
  adjust(lrScale?: number, clipNorm?: number | null): void {
    const cfg = this.core.cfg;
    if (lrScale !== undefined) cfg.schedule = { ...cfg.schedule, lr: cfg.schedule.lr * lrScale };
    if (clipNorm !== undefined) cfg.clipNorm = clipNorm;
  }

  /** A transferable copy of the parameter arena. */
  snapshot(): Float32Array {
    return Float32Array.from(this.model.params.data);
  }

  checkpoint(info: Record<string, unknown> = {}): CheckpointFiles {
    const cfg = this.core.cfg;
    const config: TrainConfig = { ...this.config, schedule: cfg.schedule, clipNorm: cfg.clipNorm };
    return writeCheckpoint({
      architecture: this.architecture, params: this.model.params, tokenizer: this.tokenizer, seed: this.config.seed, info,
      training: {
        optimizer: this.config.optimizer, optimizerState: this.core.optimizer.state(), rng: this.rng.getState(),
        extra: { config, epoch: this.epoch, chunk: this.batcher.chunk, carried: this.carried, batchSize: this.batcher.batchSize },
        buffers: { carry_h: { shape: [this.hCarry.length], data: this.hCarry }, carry_c: { shape: [this.cCarry.length], data: this.cCarry } },
      },
    });
  }

  /** Loads a validated checkpoint of THIS run's shape (weights, moments, RNG, data position, carry). */
  restore(ck: LoadedCheckpoint): void {
    const t = ck.training;
    if (!t) throw new Error('this checkpoint holds no training state');
    const ex = t.extra as { config?: TrainConfig; epoch?: number; chunk?: number; carried?: boolean; batchSize?: number };
    if (ex.batchSize !== this.batcher.batchSize) throw new Error(`the checkpoint was trained with ${ex.batchSize} rows per batch, this text allows ${this.batcher.batchSize}`);
    const h = t.buffers['carry_h'], c = t.buffers['carry_c'];
    if (!h || h.data.length !== this.hCarry.length || !c || c.data.length !== this.cCarry.length) throw new Error('the checkpoint\'s carried state does not fit this run');
    const params = this.model.params;
    if (params.entries.length !== ck.weights.size) throw new Error('the checkpoint\'s architecture differs from this run');
    // Everything is validated; now write.
    this.core.optimizer.loadState(t.optimizerState);
    for (const e of params.entries) params.value(e.name).set(ck.weights.get(e.name)!);
    this.core.weightsReplaced();
    this.rng.setState(t.rng);
    if (ex.config) {
      this.core.cfg.schedule = { ...ex.config.schedule };
      this.core.cfg.clipNorm = ex.config.clipNorm;
    }
    this.epoch = ex.epoch ?? 0;
    this.batcher.reset();
    for (let k = 0; k <= (ex.chunk ?? -1); k++) this.batcher.next();
    this.hCarry.set(h.data);
    this.cCarry.set(c.data);
    this.carried = ex.carried ?? false;
  }
}
