// The TensorFlow.js peers, written the way its users write them: a `tf.sequential` of tf.layers (embedding →
// LSTM/GRU → dense), a custom step with optimizer.computeGradients so gradients can be clipped by global norm
// (tfjs optimizers have no clipnorm), and a stateful copy of the model for completions (feed the context once,
// then one character per predict). Backends: 'cpu' (pure JS) and 'wasm' (XNNPACK, SIMD; its .wasm files are
// loaded from node_modules — no network). Each peer runs in its own worker thread, so backends never mix.
import * as path from 'path';
import type { CharLMConfig, Completer, LMTrainer, MatmulRunner, ProductKind, Side } from './sides';

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
            // clip_grad_norm_(max_norm): g ← g · min(1, max_norm / (‖g‖₂ + 1e-6)) over ALL gradients.
            const names = Object.keys(grads);
            const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
            const scale = tf.minimum(1, tf.div(cfg.clipNorm, tf.add(norm, 1e-6)));
            const clipped: Record<string, import('@tensorflow/tfjs').Tensor> = {};
            for (const n of names) clipped[n] = tf.mul(grads[n], scale);
            optimizer.applyGradients(clipped as unknown as Parameters<typeof optimizer.applyGradients>[0]);
            return value;
          });
          const l = loss.dataSync()[0];
          loss.dispose();
          return l;
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
