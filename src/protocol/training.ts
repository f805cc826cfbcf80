// Messages between the extension host (TrainingSession) and the training worker (worker_threads): one typed
// union per direction, discriminated on `type`. Both ends validate what arrives with parseHostToWorker /
// parseWorkerToHost (types AND ranges, from TRAINING_LIMITS), so a malformed message is rejected with a reason
// naming the field instead of being trusted: the worker answers `rejected`, the host logs and drops it.
//
// Life of a run: host `start` → worker `started` → `metrics` batches (≤ ~10/s) and `checkpoint`s → host
// `stop` → worker's final `checkpoint` → `stopped`, then the worker exits. `pause`/`resume` in between; a
// non-finite loss, gradient or parameter makes the worker roll back to the last good weights and answer `paused`
// with reason 'nonfinite' on its own; a huge but finite loss gets one `warning`.
import type { OptimizerConfig, Schedule, Warmup } from '../engine/optim';
import type { CellKind } from '../engine/cells/cell';
import type { TokenizerKind } from '../engine/tokenize/tokenizer';
import {
  ProtocolError, arrayOf, bool, fail, guarded, int, maybe, nullable, num, numBelow, oneOf, optional, record, str, typed, union, variants, failAt, named,
} from './guard';

/** Everything a run is built from (JSON: it is also saved in the checkpoint, so a resumed run matches). */
export interface TrainConfig {
  seed: number;
  tokenizer: TokenizerKind;
  /** BPE only: target vocabulary size. */
  vocabSize?: number;
  embeddingSize: number;
  cell: CellKind;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  optimizer: OptimizerConfig;
  schedule: Schedule;
  clipNorm: number | null;
  clipValue?: number | null;
  batchSize: number;
  seqLen: number;
  /** Stop (with a final checkpoint) after this many optimizer steps; 0 = run until stopped. */
  maxSteps: number;
  /** Periodic checkpoint every N steps (0 = only on stop and on request). */
  checkpointEvery: number;
  /** Validation loss every N steps over at most `validBatches` batches (0 = never). */
  validEvery: number;
  validBatches: number;
  /** Weight snapshot (transferable copy) every N steps (0 = only on request). */
  snapshotEvery: number;
}

/** One training step's statistics as shipped to the host (copied out of the engine's reused StepStats). */
export interface TrainMetric {
  step: number;
  epoch: number;
  loss: number;
  /** loss / ln 2 × tokens per character of the training text: bits per character for every tokenizer. */
  bitsPerChar: number;
  lr: number;
  tokensPerSecond: number;
  /** Global L2 norm of the gradients before and after clipping, and whether clipping scaled them. */
  gradNorm: number;
  gradNormAfterClip: number;
  clipped: boolean;
  /** ‖∂L/∂θ‖ per layer group, in the order of `started.groups`. */
  groupNorms: number[];
  /** Only on some points (the last of each batch): ‖∂L/∂h_t‖, (L·D) rows of T values, row-major. */
  gradThroughTime?: number[];
  validLoss?: number;
  validBitsPerChar?: number;
}

export interface CheckpointBytes {
  model: Uint8Array;
  meta: string;
  state?: Uint8Array;
}

export interface RunInfo {
  vocabSize: number;
  paramCount: number;
  trainChars: number;
  validChars: number;
  trainTokens: number;
  groups: string[];
  /** Parameter names with offsets in the snapshot arena. */
  tensors: { name: string; shape: number[]; offset: number }[];
  /** L·D rows of gradThroughTime. */
  gradRows: number;
  step: number;
}

/** One frame of the live attention view: the run's CURRENT weights decoding one validation source (greedy). */
export interface AttentionFrame {
  source: string;
  /** The reference target when the source is a validation pair, else absent. */
  reference?: string;
  sourceTokens: string[];
  /** Decoded tokens, '<eos>' last when EOS was reached. */
  outputTokens: string[];
  /** (outputTokens.length, sourceTokens.length) weights, each row summing to 1. */
  weights: number[][];
}

export type HostToWorker =
  | { type: 'start'; runId: string; config: TrainConfig; train: string; valid: string; resume?: CheckpointBytes }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'checkpoint' }
  | { type: 'snapshot' }
  /** After a non-finite pause: scale the learning rate and/or change norm clipping, then continue. */
  | { type: 'adjust'; lrScale?: number; clipNorm?: number | null }
  /** Load weights and optimizer state from a checkpoint (the last good one) and continue from its step. */
  | { type: 'rollback'; checkpoint: CheckpointBytes }
  /** The attention view follows this source ('' = the first validation pair); seq2seq runs with attention only. */
  | { type: 'probe'; source: string };

export type PauseReason = 'user' | 'nonfinite';
export type CheckpointReason = 'periodic' | 'stop' | 'request';

export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'started'; runId: string; info: RunInfo }
  | { type: 'metrics'; points: TrainMetric[] }
  | { type: 'checkpoint'; step: number; reason: CheckpointReason; files: CheckpointBytes }
  /** A transferable copy of the parameter arena (layout in `started.info.tensors`). */
  | { type: 'snapshot'; step: number; data: Float32Array }
  | { type: 'paused'; step: number; reason: PauseReason; message?: string; tensor?: string }
  /** Once per run: the loss is finite but far above chance (engine/sentinel.ts), training goes on. */
  | { type: 'warning'; step: number; message: string }
  | { type: 'resumed'; step: number }
  | { type: 'stopped'; step: number; reason: 'user' | 'done' }
  | { type: 'error'; message: string; fatal: boolean }
  /** The worker refused a host message that failed validation. */
  | { type: 'rejected'; message: string }
  /** seq2seq with attention, about every 2 s, right after `started` and right after a `probe`: current weights decoding one source. */
  | { type: 'attention'; step: number; frame: AttentionFrame };

export { ProtocolError };

/**
 * Every range of this channel, in one place. Sizes follow the `seqlab.training.*` settings (hidden, embedding,
 * batch and sequence length ≤ 4096) and the CLI (≤ 16 layers); texts follow the corpus cap (≤ 128 MB); a metrics
 * batch holds at most metricsPointsMax points (the worker flushes before reaching it).
 */
export const TRAINING_LIMITS = {
  // vocab: what a checkpoint may hold (engine/checkpoint/fields.ts LIMITS.vocabSize; every Unicode code point + 4 specials).
  size: 4096, layers: 16, vocab: 0x110000 + 4, steps: 1e9, validBatches: 100_000,
  seedMin: -(2 ** 31), seedMax: 2 ** 32 - 1,
  /**
   * A learning rate must be a positive finite float32: the settings offer ≤ 10, but a rate of 1e38 (or a StepLR
   * gamma that climbs) is how divergence is provoked on purpose, and the worker's non-finite pause handles it.
   */
  lr: 1e38, clip: 1e6, weightDecay: 1, eps: 1,
  /**
   * A run's train or valid text: the editor's corpus cap is at most MAX_CORPUS_MB = 128 MB (engine/corpus.ts,
   * the seqlab.training.maxCorpusMB setting), UTF-8 decodes to at most one UTF-16 unit per byte, and up to 2,000
   * files are joined with one '\n' each. (8 MiB here once refused a 10 MB corpus the default 64 MB cap accepts.)
   * Protocol imports engine types only, so test/unit/protocolTraining.test.ts checks this against the engine.
   */
  textChars: 128 * 2 ** 20 + 2000,
  /** Byte-level BPE can emit one token per UTF-8 byte, and a UTF-16 unit is at most 3 bytes. */
  textTokens: 3 * (128 * 2 ** 20 + 2000),
  idChars: 256, nameChars: 1024, messageChars: 16_384, metaChars: 64 << 20,
  checkpointBytes: 2 ** 31 - 1, params: 1 << 28, tensors: 4096, tensorRank: 8, groups: 256,
  metricsPointsMax: 4096, tokensPerSecond: 1e15,
  /** An attention frame: at most this many source / output tokens, each token's text at most frameTokenChars. */
  frameTokens: 512, frameTokenChars: 256,
  /** Losses and norms are data: any finite value ≥ 0 (a huge but finite norm is what the dashboard must show). */
  finite: Number.MAX_VALUE,
} as const;
const L = TRAINING_LIMITS;

const optimizerSchema = variants<OptimizerConfig, 'kind'>('kind', {
  // torch.optim ranges: momentum and betas in [0, 1), dampening in [0, 1], eps > 0, weight decay ≥ 0.
  sgd: { momentum: optional(numBelow(0, 1)), dampening: optional(num(0, 1)), weightDecay: optional(num(0, L.weightDecay)), nesterov: optional(bool) },
  adam: { beta1: optional(numBelow(0, 1)), beta2: optional(numBelow(0, 1)), eps: optional(num(0, L.eps, true)), weightDecay: optional(num(0, L.weightDecay)) },
  adamw: { beta1: optional(numBelow(0, 1)), beta2: optional(numBelow(0, 1)), eps: optional(num(0, L.eps, true)), weightDecay: optional(num(0, L.weightDecay)) },
  rmsprop: {
    alpha: optional(numBelow(0, 1)), eps: optional(num(0, L.eps, true)), weightDecay: optional(num(0, L.weightDecay)),
    momentum: optional(numBelow(0, 1)), centered: optional(bool),
  },
});

const warmup = optional(record<Warmup>({ steps: int(0, L.steps), startFactor: optional(num(0, 1)) }));
const lr = num(0, L.lr, true);
const scheduleSchema = variants<Schedule, 'kind'>('kind', {
  constant: { lr, warmup },
  step: { lr, stepSize: int(1, L.steps), gamma: optional(num(0, L.finite, true)), warmup },
  cosine: { lr, totalSteps: int(1, L.steps), minLr: optional(num(0, L.lr)), warmup },
});

const configSchema = record<TrainConfig>({
  seed: int(L.seedMin, L.seedMax),
  tokenizer: oneOf<TokenizerKind>(['char', 'word', 'bpe']),
  vocabSize: optional(int(1, L.vocab)),
  embeddingSize: int(1, L.size),
  cell: oneOf<CellKind>(['lstm', 'gru', 'rnn_tanh', 'rnn_relu']),
  hiddenSize: int(1, L.size),
  numLayers: int(1, L.layers),
  dropout: numBelow(0, 1),
  optimizer: optimizerSchema,
  schedule: scheduleSchema,
  clipNorm: nullable(num(0, L.clip, true)),
  clipValue: maybe(num(0, L.clip, true)),
  batchSize: int(1, L.size),
  seqLen: int(1, L.size),
  maxSteps: int(0, L.steps),
  checkpointEvery: int(0, L.steps),
  validEvery: int(0, L.steps),
  validBatches: int(0, L.validBatches),
  snapshotEvery: int(0, L.steps),
});

const bytesSchema = record<CheckpointBytes>({
  model: typed(Uint8Array, L.checkpointBytes),
  meta: str(L.metaChars),
  state: optional(typed(Uint8Array, L.checkpointBytes)),
});

/** The config's fields in range, then the relations between fields (a guard, for configs inside other messages). */
export const configGuard = (v: unknown): TrainConfig => {
  const c = configSchema(v);
  const s = c.schedule;
  const w = s.warmup?.steps ?? 0;
  if (s.kind === 'cosine' && s.totalSteps <= w) failAt(['schedule', 'totalSteps'], `(${s.totalSteps}) must exceed the warm-up steps (${w})`);
  if (s.kind === 'cosine' && s.minLr !== undefined && s.minLr > s.lr) failAt(['schedule', 'minLr'], `(${s.minLr}) must not exceed lr (${s.lr})`);
  const o = c.optimizer;
  if (o.kind === 'sgd' && o.nesterov && (!(o.momentum ?? 0) || (o.dampening ?? 0) !== 0)) {
    failAt(['optimizer', 'nesterov'], 'needs a momentum above 0 and dampening 0 (as torch.optim.SGD)');
  }
  return c;
};
const namedConfig = named('config', configGuard);

/** Checks a TrainConfig (from the host, or saved in a checkpoint) field by field; throws ProtocolError. */
export function checkTrainConfig(v: unknown): TrainConfig {
  return guarded(() => namedConfig(v));
}

const toWorker = union<HostToWorker>({
  start: { runId: str(L.idChars, 1), config: configGuard, train: str(L.textChars), valid: str(L.textChars), resume: optional(bytesSchema) },
  pause: {}, resume: {}, stop: {}, checkpoint: {}, snapshot: {},
  // lrScale lowers the rate after a divergence ((0, 1]), so a checkpointed config stays within lr's range.
  adjust: { lrScale: optional(num(0, 1, true)), clipNorm: optional(nullable(num(0, L.clip, true))) },
  rollback: { checkpoint: bytesSchema },
  probe: { source: str(L.textChars) },
});

/** Validates a message arriving at the worker; throws ProtocolError naming the field and what is wrong. */
export function parseHostToWorker(v: unknown): HostToWorker {
  return guarded(() => toWorker(v));
}

const nonNegative = num(0, L.finite);
const metricSchema = record<TrainMetric>({
  step: int(1, L.steps),
  epoch: int(0, L.steps),
  // The worker never posts a non-finite step (it pauses with reason 'nonfinite' instead), so losses are finite.
  loss: num(0, L.finite),
  bitsPerChar: num(0, L.finite),
  // A step schedule's gamma may climb past the base rate; whatever is finite is reported.
  lr: num(0, L.finite),
  tokensPerSecond: num(0, L.tokensPerSecond),
  gradNorm: nonNegative,
  gradNormAfterClip: nonNegative,
  clipped: bool,
  groupNorms: arrayOf(nonNegative, L.groups),
  gradThroughTime: optional(arrayOf(nonNegative, 2 * L.layers * L.size)),
  validLoss: optional(num(0, L.finite)),
  validBitsPerChar: optional(num(0, L.finite)),
});

const infoSchema = record<RunInfo>({
  vocabSize: int(1, L.vocab),
  paramCount: int(0, L.params),
  trainChars: int(0, L.textChars),
  validChars: int(0, L.textChars),
  trainTokens: int(0, L.textTokens),
  groups: arrayOf(str(L.nameChars), L.groups),
  tensors: arrayOf(record<RunInfo['tensors'][number]>({
    name: str(L.nameChars, 1), shape: arrayOf(int(0, L.params), L.tensorRank), offset: int(0, L.params),
  }), L.tensors),
  gradRows: int(1, 2 * L.layers),
  step: int(0, L.steps),
});

const frameTokens = arrayOf(str(L.frameTokenChars), L.frameTokens);
const frameFields = record<AttentionFrame>({
  source: str(L.textChars), reference: optional(str(L.textChars)), sourceTokens: frameTokens, outputTokens: frameTokens,
  weights: arrayOf(arrayOf(num(0, 1), L.frameTokens), L.frameTokens),
});
/** A frame's fields in range, then its shape: one row per output token, one weight per source token. */
const frameSchema = (v: unknown): AttentionFrame => {
  const f = frameFields(v);
  const T = f.outputTokens.length, S = f.sourceTokens.length;
  if (f.weights.length !== T) failAt(['weights'], `must hold one row per output token (${T}), got ${f.weights.length}`);
  for (let i = 0; i < T; i++) if (f.weights[i].length !== S) failAt(['weights'], `row ${i} must hold one weight per source token (${S}), got ${f.weights[i].length}`);
  return f;
};

const step = int(0, L.steps);
const toHost = union<WorkerToHost>({
  ready: {},
  started: { runId: str(L.idChars, 1), info: infoSchema },
  metrics: { points: arrayOf(metricSchema, L.metricsPointsMax, 1) },
  checkpoint: { step, reason: oneOf<CheckpointReason>(['periodic', 'stop', 'request']), files: bytesSchema },
  snapshot: { step, data: typed(Float32Array, L.params) },
  paused: { step, reason: oneOf<PauseReason>(['user', 'nonfinite']), message: optional(str(L.messageChars)), tensor: optional(str(L.nameChars)) },
  warning: { step: int(1, L.steps), message: str(L.messageChars) },
  resumed: { step },
  stopped: { step, reason: oneOf<'user' | 'done'>(['user', 'done']) },
  error: { message: str(L.messageChars), fatal: bool },
  rejected: { message: str(L.messageChars) },
  attention: { step, frame: frameSchema },
});

/** What the host knows of its run, to check sizes that depend on it (from `started.info` and the config). */
export interface RunShape {
  /** started.info.groups.length: every point's groupNorms has exactly this many values. */
  groups: number;
  /** started.info.gradRows: gradThroughTime is gradRows rows of T ≤ seqLen values. */
  gradRows: number;
  seqLen: number;
  /** started.info.paramCount: a snapshot holds exactly this many values. */
  paramCount: number;
}

/** Validates a message arriving at the host; with `shape`, also the sizes that depend on the run. */
export function parseWorkerToHost(v: unknown, shape?: RunShape): WorkerToHost {
  const m = guarded(() => toHost(v));
  if (!shape) return m;
  if (m.type === 'metrics') {
    for (let i = 0; i < m.points.length; i++) {
      const p = m.points[i];
      if (p.groupNorms.length !== shape.groups) fail(`metrics.points[${i}].groupNorms must hold ${shape.groups} values (one per layer group), got ${p.groupNorms.length}`);
      const g = p.gradThroughTime;
      if (g && (g.length % shape.gradRows !== 0 || g.length > shape.gradRows * shape.seqLen)) {
        fail(`metrics.points[${i}].gradThroughTime must be ${shape.gradRows} rows of at most ${shape.seqLen} values, got ${g.length} values`);
      }
    }
  } else if (m.type === 'snapshot' && m.data.length !== shape.paramCount) {
    fail(`snapshot.data must hold ${shape.paramCount} values (the model's parameters), got ${m.data.length}`);
  }
  return m;
}
