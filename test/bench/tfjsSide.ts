// The TensorFlow.js peers, written the way its users write them: a `tf.sequential` of tf.layers (embedding →
// LSTM/GRU → dense), a custom step with optimizer.computeGradients so gradients can be clipped by global norm
// (tfjs optimizers have no clipnorm), and a stateful copy of the model for completions (feed the context once,
// then one character per predict). Backends: 'cpu' (pure JS) and 'wasm' (XNNPACK, SIMD; its .wasm files are
// loaded from node_modules — no network). Each peer runs in its own worker thread, so backends never mix.
import * as path from 'path';
import type { CharLMConfig, Completer, LMTrainer, MatmulRunner, ProductKind, Seq2SeqBenchConfig, Seq2SeqTrainer, Side } from './sides';

type TF = typeof import('@tensorflow/tfjs');

export function createTfjsSide(backend: 'cpu' | 'wasm', root: string): Side {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf: TF = require('@tensorflow/tfjs');
  const models = new WeakMap<LMTrainer, { model: import('@tensorflow/tfjs').Sequential }>();
  return {
    name: `tfjs-${backend}`,
    async init() {
      if (backend === 'wasm') {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const w = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
        w.setWasmPaths(path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + path.sep);
      }
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
      await tf.ready();
    },

    async charLM(cfg: CharLMConfig): Promise<LMTrainer> {
      const model = build(tf, cfg, false);
      const optimizer = tf.train.adam(cfg.lr, 0.9, 0.999, 1e-8);
      const vars = model.trainableWeights.map((w) => w.read() as import('@tensorflow/tfjs').Variable);
      const { batch: B, seqLen: T, vocab: V } = cfg;
      const trainer: LMTrainer = {
        step(x, y) {
          const loss = tf.tidy(() => {
            const xs = tf.oneHot(tf.tensor2d(x, [B, T], 'int32'), V); // (B, T, V); see build()
            const ys = tf.oneHot(tf.tensor1d(y, 'int32'), V);
            const { value, grads } = optimizer.computeGradients(() => {
              const logits = model.apply(xs, { training: true }) as import('@tensorflow/tfjs').Tensor;
              return tf.losses.softmaxCrossEntropy(ys, logits.reshape([B * T, V])) as import('@tensorflow/tfjs').Scalar;
            }, vars);
            applyClipped(tf, optimizer, grads, cfg.clipNorm);
            return value;
          });
          return readScalar(loss);
        },
        evaluate(x, y) {
          const loss = tf.tidy(() => {
            const logits = model.apply(tf.oneHot(tf.tensor2d(x, [B, T], 'int32'), V), { training: false }) as import('@tensorflow/tfjs').Tensor;
            return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(y, 'int32'), V), logits.reshape([B * T, V]));
          });
          return readScalar(loss);
        },
      };
      models.set(trainer, { model });
      return trainer;
    },

    async completer(trainer: LMTrainer, cfg: CharLMConfig): Promise<Completer> {
      const trained = models.get(trainer);
      if (!trained) throw new Error('completer needs a trainer made by this side');
      const inf = build(tf, cfg, true);
      inf.setWeights(trained.model.getWeights());
      return {
        suggest(context, stopId, maxLen) {
          inf.resetStates();
          const out: number[] = [];
          let next = argmaxOf(tf, inf, tf.tidy(() => tf.oneHot(tf.tensor2d(context, [1, context.length], 'int32'), cfg.vocab)));
          while (next !== stopId && out.length < maxLen) {
            out.push(next);
            next = argmaxOf(tf, inf, tf.tidy(() => tf.oneHot(tf.tensor2d([next], [1, 1], 'int32'), cfg.vocab)));
          }
          return out;
        },
      };
    },

    async seq2seq(cfg: Seq2SeqBenchConfig): Promise<Seq2SeqTrainer> {
      const model = buildSeq2Seq(tf, cfg);
      const optimizer = tf.train.adam(cfg.lr, 0.9, 0.999, 1e-8);
      const vars = model.trainableWeights.map((w) => w.read() as import('@tensorflow/tfjs').Variable);
      const { batch: B, S, T, vocab: V } = cfg;
      return {
        step(src, srcLen, decIn, targets) {
          const loss = tf.tidy(() => {
            const xs = tf.oneHot(tf.tensor2d(src, [B, S], 'int32'), V);
            const xd = tf.oneHot(tf.tensor2d(decIn, [B, T], 'int32'), V);
            // Additive mask bias (B, 1, S): 0 on real source positions, -1e9 on padding.
            const pos = tf.range(0, S, 1, 'int32').reshape([1, 1, S]);
            const mask = tf.mul(tf.cast(tf.greaterEqual(pos, tf.tensor1d(srcLen, 'int32').reshape([B, 1, 1])), 'float32'), -1e9);
            const ys = tf.oneHot(tf.tensor1d(targets, 'int32'), V);
            const { value, grads } = optimizer.computeGradients(() => {
              const logits = model.apply([xs, xd, mask], { training: true }) as import('@tensorflow/tfjs').Tensor;
              return tf.losses.softmaxCrossEntropy(ys, logits.reshape([B * T, V])) as import('@tensorflow/tfjs').Scalar;
            }, vars);
            applyClipped(tf, optimizer, grads, cfg.clipNorm);
            return value;
          });
          return readScalar(loss);
        },
      };
    },

    matmul(kind: ProductKind, M: number, K: number, N: number): MatmulRunner {
      // The same product with tf.matMul's transpose flags; 'nn' is tfjs's own layout (Dense keeps (in, out)).
      const a = kind === 'tn' ? tf.randomUniform([K, M], -1, 1) : tf.randomUniform([M, K], -1, 1);
      const b = kind === 'nt' ? tf.randomUniform([N, K], -1, 1) : tf.randomUniform([K, N], -1, 1);
      const ta = kind === 'tn', tb = kind === 'nt';
      return {
        label: `tf.matMul(a, b, ${ta}, ${tb})`,
        run(times) {
          for (let i = 0; i < times; i++) tf.matMul(a, b, ta, tb).dispose();
        },
      };
    },
  };
}

/**
 * Embedding → recurrent layer(s) → dense logits. Stateful batch-1 variant for completion.
 * The embedding is a bias-free dense layer on one-hot input — the same function (onehot(x)·W = W[x]) and the
 * same parameters — because tf.layers.embedding cannot train on the wasm backend (its gradient needs the
 * kernel UnsortedSegmentSum, which tfjs-backend-wasm 4.22 lacks); both tfjs peers use the same model.
 */
function build(tf: TF, cfg: CharLMConfig, stateful: boolean): import('@tensorflow/tfjs').Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({
    units: cfg.embed, useBias: false,
    ...(stateful ? { batchInputShape: [1, null, cfg.vocab] } : { inputShape: [cfg.seqLen, cfg.vocab] }),
  }));
  for (let l = 0; l < cfg.layers; l++) {
    const last = l === cfg.layers - 1;
    // recurrentActivation 'sigmoid' (tfjs defaults to hardSigmoid) so the math is the PyTorch LSTM/GRU.
    // Weights U(±1/√H) as torch.nn.LSTM/GRU (and SeqLab) initialise them; tfjs' default orthogonal recurrent
    // init takes minutes at H = 256 and does not change the cost of a step.
    const bound = 1 / Math.sqrt(cfg.hidden);
    const init = () =>
      tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: cfg.seed });
    const opts = {
      units: cfg.hidden, returnSequences: stateful ? !last : true, stateful, recurrentActivation: 'sigmoid' as const,
      kernelInitializer: init(), recurrentInitializer: init(),
    };
    model.add(cfg.cell === 'lstm' ? tf.layers.lstm(opts) : tf.layers.gru(opts));
  }
  model.add(tf.layers.dense({ units: cfg.vocab }));
  return model;
}

/** clip_grad_norm_(max_norm): g ← g · min(1, max_norm / (‖g‖₂ + 1e-6)) over ALL gradients, then the update. */
function applyClipped(tf: TF, optimizer: import('@tensorflow/tfjs').Optimizer, grads: Record<string, import('@tensorflow/tfjs').Tensor>, maxNorm: number): void {
  const names = Object.keys(grads);
  const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  const clipped: Record<string, import('@tensorflow/tfjs').Tensor> = {};
  for (const n of names) clipped[n] = tf.mul(grads[n], scale);
  optimizer.applyGradients(clipped as unknown as Parameters<typeof optimizer.applyGradients>[0]);
}

/** The value of a scalar tensor (forcing the work behind it to finish), then frees it. */
function readScalar(t: import('@tensorflow/tfjs').Tensor): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

function argmaxOf(tf: TF, model: import('@tensorflow/tfjs').Sequential, input: import('@tensorflow/tfjs').Tensor): number {
  const id = tf.tidy(() => {
    const logits = model.predict(input) as import('@tensorflow/tfjs').Tensor; // (1, V)
    return tf.argMax(logits, -1);
  });
  const v = id.dataSync()[0];
  id.dispose();
  input.dispose();
  return v;
}

/**
 * W7 as a tf.layers user writes it (functional API): one-hot → dense (embedding, see build()) → LSTM encoder
 * (returnSequences + returnState) and a decoder LSTM with initialState = the encoder's [h, c]; a custom layer
 * for additive (Bahdanau) attention, since tf.layers has no attention layer (the Keras NMT tutorial's
 * BahdanauAttention: score = vᵀ tanh(W_s h_t + W_h enc_j), bias-free like SeqLab's), queried by all decoder outputs
 * at once (Luong placement: a tf.layers decoder LSTM cannot feed attention back inside its time loop); then
 * dense tanh on concatenate([h, ctx]) and the dense head. A third input carries the padding mask bias.
 */
function buildSeq2Seq(tf: TF, cfg: Seq2SeqBenchConfig): import('@tensorflow/tfjs').LayersModel {
  type Tensor = import('@tensorflow/tfjs').Tensor;
  type LayerVariable = import('@tensorflow/tfjs').LayerVariable;
  const A = cfg.attention;
  class AdditiveAttention extends tf.layers.Layer {
    static className = 'AdditiveAttention';
    private ws!: LayerVariable;
    private wh!: LayerVariable;
    private v!: LayerVariable;
    override build(shapes: import('@tensorflow/tfjs').Shape[] | import('@tensorflow/tfjs').Shape): void {
      const [qs, ks] = shapes as import('@tensorflow/tfjs').Shape[];
      const u = (fan: number) => tf.initializers.randomUniform({ minval: -1 / Math.sqrt(fan), maxval: 1 / Math.sqrt(fan), seed: cfg.seed });
      this.ws = this.addWeight('W_s', [qs[2]!, A], 'float32', u(qs[2]!));
      this.wh = this.addWeight('W_h', [ks[2]!, A], 'float32', u(ks[2]!));
      this.v = this.addWeight('v', [A, 1], 'float32', u(A));
      this.built = true;
    }
    override computeOutputShape(shapes: import('@tensorflow/tfjs').Shape[] | import('@tensorflow/tfjs').Shape): import('@tensorflow/tfjs').Shape {
      const [qs, ks] = shapes as import('@tensorflow/tfjs').Shape[];
      return [qs[0], qs[1], ks[2]];
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const [q, k, mask] = inputs as Tensor[];
        const [B, T, Hd] = q.shape as number[];
        const [, S, Ce] = k.shape as number[];
        const qa = tf.matMul(q.reshape([B * T, Hd]), this.ws.read()).reshape([B, T, 1, A]);
        const ka = tf.matMul(k.reshape([B * S, Ce]), this.wh.read()).reshape([B, 1, S, A]);
        const e = tf.matMul(tf.tanh(tf.add(qa, ka)).reshape([B * T * S, A]), this.v.read()).reshape([B, T, S]);
        return tf.matMul(tf.softmax(tf.add(e, mask)), k); // (B, T, Ce)
      });
    }
  }
  const { S, T, vocab: V, embed: E, hidden: H } = cfg;
  // U(±1/√H) like torch and SeqLab (tfjs' default orthogonal recurrent init is slow to set up; see build()).
  const ri = () => tf.initializers.randomUniform({ minval: -1 / Math.sqrt(H), maxval: 1 / Math.sqrt(H), seed: cfg.seed });
  const rec = { units: H, recurrentActivation: 'sigmoid' as const, kernelInitializer: ri(), recurrentInitializer: ri() };
  const srcIn = tf.input({ shape: [S, V] }), decIn = tf.input({ shape: [T, V] }), maskIn = tf.input({ shape: [1, S] });
  const srcE = tf.layers.dense({ units: E, useBias: false }).apply(srcIn) as import('@tensorflow/tfjs').SymbolicTensor;
  const [encOut, h, c] = tf.layers.lstm({ ...rec, returnSequences: true, returnState: true }).apply(srcE) as import('@tensorflow/tfjs').SymbolicTensor[];
  const decE = tf.layers.dense({ units: E, useBias: false }).apply(decIn) as import('@tensorflow/tfjs').SymbolicTensor;
  const decOut = tf.layers.lstm({ ...rec, returnSequences: true }).apply(decE, { initialState: [h, c] }) as import('@tensorflow/tfjs').SymbolicTensor;
  const ctx = new AdditiveAttention({}).apply([decOut, encOut, maskIn]) as import('@tensorflow/tfjs').SymbolicTensor;
  const cat = tf.layers.concatenate().apply([decOut, ctx]) as import('@tensorflow/tfjs').SymbolicTensor;
  const feat = tf.layers.dense({ units: H, activation: 'tanh' }).apply(cat) as import('@tensorflow/tfjs').SymbolicTensor;
  const logits = tf.layers.dense({ units: V }).apply(feat) as import('@tensorflow/tfjs').SymbolicTensor;
  return tf.model({ inputs: [srcIn, decIn, maskIn], outputs: logits });
}
