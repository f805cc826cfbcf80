// Messages between the extension host (TrainingSession) and the training worker (worker_threads): one typed
// union per direction, discriminated on `type`. Both ends validate what arrives with parseHostToWorker /
// parseWorkerToHost (types AND ranges, from TRAINING_LIMITS), so a malformed message is rejected with a reason
// naming the field instead of being trusted: the worker answers `rejected`, the host logs and drops it.
//
// Life of a run: host `start` → worker `started` → `metrics` batches (≤ ~10/s) and `checkpoint`s → host
// `stop` → worker's final `checkpoint` → `stopped`, then the worker exits. `pause`/`resume` in between; a
// non-finite loss, gradient or parameter makes the worker roll back to the last good weights and answer `paused`
// with reason 'nonfinite' on its own; a huge but finite loss gets one `warning`.
// The run's config is THE RunConfig (engine/run/config.ts), validated by its own parseRunConfig; what a run reports
// (metrics, RunInfo, attention frames) are the engine's records (engine/run/report.ts), checked here on arrival.
import { ConfigError, RUN_CONFIG_FIELDS, TASK_KINDS, parseRunConfig, type RunConfig, type TaskKind } from '../engine/run/config';
import type { AttentionFrame, RunInfo, StackGradients, StackSaturation, TaskMetrics, TrainMetric } from '../engine/run/report';
import {
  ProtocolError, arrayOf, bool, fail, failAt, guarded, int, num, nullable, oneOf, optional, record, str, typed, union,
} from './guard';

export type { AttentionFrame, RunConfig, RunInfo, StackGradients, TaskMetrics, TrainMetric };

export interface CheckpointBytes {
  model: Uint8Array;
  meta: string;
  state?: Uint8Array;
}

export type HostToWorker =
  | { type: 'start'; runId: string; config: RunConfig; train: string; valid: string; resume?: CheckpointBytes }
  | { type: 'pause' }
  | { type: 'resume' }
  /** `keepBest`: put the best validation's weights back before the final checkpoint (Keras's restore_best_weights). */
  | { type: 'stop'; keepBest?: boolean }
  | { type: 'checkpoint' }
  | { type: 'snapshot' }
  /** After a non-finite pause: scale the learning rate and/or change norm clipping, then continue. */
  | { type: 'adjust'; lrScale?: number; clipNorm?: number | null }
  /** Load weights and optimizer state from a checkpoint (the last good one) and continue from its step. */
  | { type: 'rollback'; checkpoint: CheckpointBytes }
  /** seq2seq with attention: the attention view follows this source ('' = the first validation pair). */
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
  /** `early`: early stopping ended the run (patience ran out) and the weights are the best validation's. */
  | { type: 'stopped'; step: number; reason: 'user' | 'done'; early?: boolean; keptBest?: boolean }
  /**
   * A new lowest validation loss (at most about every 2 s, and before `stopped`): the best weights as an arena copy
   * (layout in `started.info.tensors`) and as checkpoint files without training state (TrainingRun.bestCheckpoint).
   */
  | { type: 'best'; step: number; validLoss: number; data: Float32Array; files: CheckpointBytes }
  /** Once per run: validation loss has risen for several validations while training loss fell (run/memorising.ts). */
  | { type: 'memorising'; step: number; bestStep: number; bestValidLoss: number }
  | { type: 'error'; message: string; fatal: boolean }
  /** The worker refused a host message that failed validation. */
  | { type: 'rejected'; message: string }
  /**
   * A seq2seq run with attention, about every 2 s of training, once right after `started` and right after a
   * `probe`: the followed source decoded with the current weights (never disturbing training).
   */
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
  /** Longest BPTT chunk / kept sequence (the run config's seqLen range); a stack's T is at most seqLen + 1 (BOS). */
  seqLen: fieldMax('seqLen'),
  /** Label or tag names of a classifier or tagger (checkpoint/fields.ts LIMITS.labels). */
  labels: 100_000,
  /** An attention frame: source and output tokens, a token's text, and the source / reference text. */
  frameTokens: 512, tokenChars: 256, frameChars: 16_384,
  /** Losses and norms are data: any finite value ≥ 0 (a huge but finite norm is what the dashboard must show). */
  finite: Number.MAX_VALUE,
} as const;
const L = TRAINING_LIMITS;

/** A RunConfig checked by the engine's own parseRunConfig; its ConfigError becomes a ProtocolError naming the field. */
export const runConfigGuard = (v: unknown): RunConfig => {
  try {
    return parseRunConfig(v, 'config');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const reason = e.message.slice(e.field.length + 2);
    return e.field === 'config' ? fail(reason) : failAt(e.field.split('.').slice(1), reason);
  }
};

const bytesSchema = record<CheckpointBytes>({
  model: typed(Uint8Array, L.checkpointBytes),
  meta: str(L.metaChars),
  state: optional(typed(Uint8Array, L.checkpointBytes)),
});

const toWorker = union<HostToWorker>({
  start: { runId: str(L.idChars, 1), config: runConfigGuard, train: str(L.textChars), valid: str(L.textChars), resume: optional(bytesSchema) },
  pause: {}, resume: {}, stop: { keepBest: optional(bool) }, checkpoint: {}, snapshot: {},
  // lrScale lowers the rate after a divergence ((0, 1]), so a checkpointed config stays within lr's range.
  adjust: { lrScale: optional(num(0, 1, true)), clipNorm: optional(nullable(num(0, L.clip, true))) },
  rollback: { checkpoint: bytesSchema },
  probe: { source: str(L.frameChars) },
});

/** Validates a message arriving at the worker; throws ProtocolError naming the field and what is wrong. */
export function parseHostToWorker(v: unknown): HostToWorker {
  return guarded(() => toWorker(v));
}

const nonNegative = num(0, L.finite);
const share = optional(num(0, 1));
const ROWS = 2 * L.layers;
const metricSchema = record<TrainMetric>({
  step: int(1, L.steps),
  epoch: int(0, L.steps),
  // The worker never posts a non-finite step (it pauses with reason 'nonfinite' instead), so losses are finite.
  loss: num(0, L.finite),
  bitsPerChar: optional(num(0, L.finite)),
  // A step schedule's gamma may climb past the base rate; whatever is finite is reported.
  lr: num(0, L.finite),
  tokensPerSecond: num(0, L.tokensPerSecond),
  gradNorm: nonNegative,
  gradNormAfterClip: nonNegative,
  clipped: bool,
  groupNorms: arrayOf(nonNegative, L.groups),
  gradThroughTime: optional(arrayOf(record<StackGradients>({ values: arrayOf(nonNegative, ROWS * (L.seqLen + 1)) }), 2)),
  // Shares in [0, 1]; at most 3 sigmoid gates (LSTM i, f, o) per row (engine/inspect/gateSaturation.ts).
  gateSaturation: optional(arrayOf(record<StackSaturation>({ low: arrayOf(num(0, 1), ROWS * 3), high: arrayOf(num(0, 1), ROWS * 3) }), 2)),
  validLoss: optional(num(0, L.finite)),
  validBitsPerChar: optional(num(0, L.finite)),
  validMetrics: optional(record<TaskMetrics>({ exactMatch: share, tokenAccuracy: share, accuracy: share })),
  bestStep: optional(int(1, L.steps)),
  bestValidLoss: optional(num(0, L.finite)),
  memorising: optional(bool),
  elapsed: optional(num(0, L.finite)),
});

const infoSchema = record<RunInfo>({
  task: oneOf<TaskKind>(TASK_KINDS),
  vocabSize: int(1, L.vocab),
  paramCount: int(0, L.params),
  trainChars: int(0, L.textChars),
  validChars: int(0, L.textChars),
  trainExamples: int(0, L.textTokens),
  validExamples: int(0, L.textTokens),
  groups: arrayOf(str(L.nameChars), L.groups),
  tensors: arrayOf(record<RunInfo['tensors'][number]>({
    name: str(L.nameChars, 1), shape: arrayOf(int(0, L.params), L.tensorRank), offset: int(0, L.params),
  }), L.tensors),
  stacks: arrayOf(record<RunInfo['stacks'][number]>({ name: str(L.nameChars, 1), rows: int(1, ROWS) }), 2, 1),
  labels: optional(arrayOf(str(L.nameChars), L.labels)),
  step: int(0, L.steps),
});

const tokenList = arrayOf(str(L.tokenChars), L.frameTokens);
const frameSchema = record<AttentionFrame>({
  source: str(L.frameChars),
  reference: optional(str(L.frameChars)),
  sourceTokens: tokenList,
  outputTokens: tokenList,
  weights: arrayOf(arrayOf(num(0, 1), L.frameTokens), L.frameTokens),
});

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
  stopped: { step, reason: oneOf<'user' | 'done'>(['user', 'done']), early: optional(bool), keptBest: optional(bool) },
  best: { step: int(1, L.steps), validLoss: num(0, L.finite), data: typed(Float32Array, L.params), files: bytesSchema },
  memorising: { step: int(1, L.steps), bestStep: int(1, L.steps), bestValidLoss: num(0, L.finite) },
  error: { message: str(L.messageChars), fatal: bool },
  rejected: { message: str(L.messageChars) },
  attention: { step, frame: frameSchema },
});

/** What the host knows of its run, to check sizes that depend on it (from `started.info` and the config). */
export interface RunShape {
  /** started.info.groups.length: every point's groupNorms has exactly this many values. */
  groups: number;
  /** started.info.stacks[i].rows: gradThroughTime has one entry per stack, each rows[i] rows of T ≤ seqLen + 1 values. */
  stackRows: number[];
  seqLen: number;
  /** started.info.paramCount: a snapshot holds exactly this many values. */
  paramCount: number;
}

/** Validates a message arriving at the host; with `shape`, also the sizes that depend on the run. */
export function parseWorkerToHost(v: unknown, shape?: RunShape): WorkerToHost {
  const m = guarded(() => toHost(v));
  if (m.type === 'attention') {
    const f = m.frame;
    if (f.weights.length !== f.outputTokens.length) fail(`attention.frame.weights must hold one row per output token (${f.outputTokens.length}), got ${f.weights.length}`);
    f.weights.forEach((row, i) => {
      if (row.length !== f.sourceTokens.length) fail(`attention.frame.weights[${i}] must hold one weight per source token (${f.sourceTokens.length}), got ${row.length}`);
    });
  }
  if (!shape) return m;
  if (m.type === 'metrics') {
    for (let i = 0; i < m.points.length; i++) {
      const p = m.points[i];
      if (p.groupNorms.length !== shape.groups) fail(`metrics.points[${i}].groupNorms must hold ${shape.groups} values (one per layer group), got ${p.groupNorms.length}`);
      const sat = p.gateSaturation;
      if (sat) {
        if (sat.length !== shape.stackRows.length) fail(`metrics.points[${i}].gateSaturation must hold ${shape.stackRows.length} entries (one per recurrent stack), got ${sat.length}`);
        sat.forEach((s, k) => {
          const rows = shape.stackRows[k], n = s.low.length;
          if (n !== s.high.length || n % rows !== 0 || n / rows > 3) {
            fail(`metrics.points[${i}].gateSaturation[${k}] must hold ${rows} rows of at most 3 gates in both low and high, got ${n} and ${s.high.length} values`);
          }
        });
      }
      const g = p.gradThroughTime;
      if (!g) continue;
      if (g.length !== shape.stackRows.length) fail(`metrics.points[${i}].gradThroughTime must hold ${shape.stackRows.length} entries (one per recurrent stack), got ${g.length}`);
      g.forEach((s, k) => {
        const rows = shape.stackRows[k], n = s.values.length;
        if (n % rows !== 0 || n > rows * (shape.seqLen + 1)) {
          fail(`metrics.points[${i}].gradThroughTime[${k}].values must be ${rows} rows of at most ${shape.seqLen + 1} values, got ${n} values`);
        }
      });
    }
  } else if ((m.type === 'snapshot' || m.type === 'best') && m.data.length !== shape.paramCount) {
    fail(`${m.type}.data must hold ${shape.paramCount} values (the model's parameters), got ${m.data.length}`);
  }
  return m;
}

/** The range's upper end of a RunConfig field (the protocol's limits follow the one config table). */
function fieldMax(key: keyof RunConfig): number {
  const f = RUN_CONFIG_FIELDS.find((x) => x.key === key);
  return f && (f.type === 'int' || f.type === 'number') ? f.max : 0;
}
