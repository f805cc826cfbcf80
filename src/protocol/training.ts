// Messages between the extension host (TrainingSession) and the training worker (worker_threads): one typed
// union per direction, discriminated on `type`. Both ends validate what arrives with parseHostToWorker /
// parseWorkerToHost, so a malformed message is rejected with a reason instead of being trusted.
//
// Life of a run: host `start` → worker `started` → `metrics` batches (≤ ~10/s) and `checkpoint`s → host
// `stop` → worker's final `checkpoint` → `stopped`, then the worker exits. `pause`/`resume` in between; a
// non-finite loss, gradient or parameter makes the worker roll back to the last good weights and answer `paused`
// with reason 'nonfinite' on its own; a huge but finite loss gets one `warning`.
import type { OptimizerConfig, Schedule } from '../engine/optim';
import type { CellKind } from '../engine/cells/cell';
import type { TokenizerKind } from '../engine/tokenize/tokenizer';

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
  | { type: 'rollback'; checkpoint: CheckpointBytes };

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
  | { type: 'rejected'; message: string };

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

type Rec = Record<string, unknown>;
const isObj = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const int = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const str = (v: unknown): v is string => typeof v === 'string';
function need(ok: boolean, what: string): void {
  if (!ok) throw new ProtocolError(what);
}

function checkBytes(v: unknown, what: string): void {
  need(isObj(v), `${what} must be an object`);
  const c = v as Rec;
  need(c.model instanceof Uint8Array, `${what}.model must be a Uint8Array`);
  need(str(c.meta), `${what}.meta must be a string`);
  need(c.state === undefined || c.state instanceof Uint8Array, `${what}.state must be a Uint8Array`);
}

const CELLS = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'];

export function checkTrainConfig(v: unknown): TrainConfig {
  need(isObj(v), 'config must be an object');
  const c = v as Rec;
  need(num(c.seed), 'config.seed must be a number');
  need(['char', 'word', 'bpe'].includes(c.tokenizer as string), 'config.tokenizer must be char, word or bpe');
  need(c.vocabSize === undefined || int(c.vocabSize, 1), 'config.vocabSize must be a positive integer');
  for (const k of ['embeddingSize', 'hiddenSize', 'numLayers', 'batchSize', 'seqLen'] as const) need(int(c[k], 1), `config.${k} must be a positive integer`);
  for (const k of ['maxSteps', 'checkpointEvery', 'validEvery', 'validBatches', 'snapshotEvery'] as const) need(int(c[k]), `config.${k} must be an integer >= 0`);
  need(CELLS.includes(c.cell as string), `config.cell must be one of ${CELLS.join(', ')}`);
  need(num(c.dropout) && (c.dropout as number) >= 0 && (c.dropout as number) < 1, 'config.dropout must be in [0, 1)');
  need(isObj(c.optimizer) && ['sgd', 'adam', 'adamw', 'rmsprop'].includes((c.optimizer as Rec).kind as string), 'config.optimizer.kind must be sgd, adam, adamw or rmsprop');
  need(isObj(c.schedule) && ['constant', 'step', 'cosine'].includes((c.schedule as Rec).kind as string), 'config.schedule.kind must be constant, step or cosine');
  const lr = (c.schedule as Rec).lr;
  need(num(lr) && (lr as number) > 0 && Number.isFinite(lr), 'config.schedule.lr must be a positive number');
  need(c.clipNorm === null || (num(c.clipNorm) && (c.clipNorm as number) > 0), 'config.clipNorm must be null or a positive number');
  need(c.clipValue == null || (num(c.clipValue) && (c.clipValue as number) > 0), 'config.clipValue must be null or a positive number');
  return c as unknown as TrainConfig;
}

/** Validates a message arriving at the worker; throws ProtocolError naming the problem. */
export function parseHostToWorker(v: unknown): HostToWorker {
  need(isObj(v), `message must be an object, got ${v === null ? 'null' : typeof v}`);
  const m = v as Rec;
  switch (m.type) {
    case 'start':
      need(str(m.runId) && (m.runId as string).length > 0, 'start.runId must be a non-empty string');
      checkTrainConfig(m.config);
      need(str(m.train) && str(m.valid), 'start.train and start.valid must be strings');
      if (m.resume !== undefined) checkBytes(m.resume, 'start.resume');
      break;
    case 'pause': case 'resume': case 'stop': case 'checkpoint': case 'snapshot':
      break;
    case 'adjust':
      need(m.lrScale === undefined || (num(m.lrScale) && (m.lrScale as number) > 0), 'adjust.lrScale must be a positive number');
      need(m.clipNorm === undefined || m.clipNorm === null || (num(m.clipNorm) && (m.clipNorm as number) > 0), 'adjust.clipNorm must be null or a positive number');
      break;
    case 'rollback':
      checkBytes(m.checkpoint, 'rollback.checkpoint');
      break;
    default:
      throw new ProtocolError(`unknown message type ${JSON.stringify(m.type)}`);
  }
  return m as unknown as HostToWorker;
}

/** Validates a message arriving at the host; throws ProtocolError naming the problem. */
export function parseWorkerToHost(v: unknown): WorkerToHost {
  need(isObj(v), `message must be an object, got ${v === null ? 'null' : typeof v}`);
  const m = v as Rec;
  switch (m.type) {
    case 'ready':
      break;
    case 'started':
      need(str(m.runId) && isObj(m.info), 'started needs runId and info');
      need(int((m.info as Rec).step) && Array.isArray((m.info as Rec).tensors), 'started.info needs step and tensors');
      break;
    case 'metrics':
      need(Array.isArray(m.points), 'metrics.points must be an array');
      for (const p of m.points as unknown[]) {
        need(isObj(p) && int((p as Rec).step, 1) && typeof (p as Rec).loss === 'number' && Array.isArray((p as Rec).groupNorms), 'every metric point needs step, loss and groupNorms');
      }
      break;
    case 'checkpoint':
      need(int(m.step) && ['periodic', 'stop', 'request'].includes(m.reason as string), 'checkpoint needs step and reason');
      checkBytes(m.files, 'checkpoint.files');
      break;
    case 'snapshot':
      need(int(m.step) && m.data instanceof Float32Array, 'snapshot needs step and a Float32Array');
      break;
    case 'paused':
      need(int(m.step) && (m.reason === 'user' || m.reason === 'nonfinite'), 'paused needs step and reason');
      break;
    case 'warning':
      need(int(m.step, 1) && str(m.message), 'warning needs step and message');
      break;
    case 'resumed':
      need(int(m.step), 'resumed needs step');
      break;
    case 'stopped':
      need(int(m.step) && (m.reason === 'user' || m.reason === 'done'), 'stopped needs step and reason');
      break;
    case 'error':
      need(str(m.message) && typeof m.fatal === 'boolean', 'error needs message and fatal');
      break;
    case 'rejected':
      need(str(m.message), 'rejected needs message');
      break;
    default:
      throw new ProtocolError(`unknown message type ${JSON.stringify(m.type)}`);
  }
  return m as unknown as WorkerToHost;
}
