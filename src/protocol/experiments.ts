// Messages between the extension host (extension/experiments/client.ts) and the experiments worker
// (extension/experiments/worker.ts, bundled as dist/experimentsWorker.js): the
// vanishing-gradient experiment, gradient checks and text samples run there, never on the extension host's
// thread. Every request carries an `id`; replies name it. Both directions are validated on arrival (types and
// the ranges of EXPERIMENTS_LIMITS): the worker answers a malformed request with `error`; the host fails the
// request a malformed reply names (or drops a reply it cannot attribute), never trusting it.
import { DASHBOARD_LIMITS, experimentSchema, gradCheckSchema, type ExperimentView, type GradCheckView } from './dashboard';
import { bool, guarded, int, optional, record, str, typed, union } from './guard';
import { TRAINING_LIMITS, runConfigGuard, type CheckpointBytes, type RunConfig } from './training';

/** The vanishing-gradient experiment's request: what the worker trains (both cells share it). */
export interface LongLagOptions {
  /** Sequence length T (the lag). */
  steps: number;
  /** Training steps per model. */
  trainSteps: number;
  hiddenSize: number;
  seed: number;
}

export type HostToExperiments =
  | { type: 'longLag'; id: number; options: LongLagOptions }
  | { type: 'cancel'; id: number }
  | { type: 'gradCheck'; id: number; name: string; checkpoint: CheckpointBytes; text: string }
  | { type: 'sample'; id: number; runId: string; step: number; config: RunConfig; train: string; weights: Float32Array; length: number; seed: number };

export type ExperimentsToHost =
  | { type: 'experiment'; id: number; view: ExperimentView }
  | { type: 'gradCheck'; id: number; view: GradCheckView }
  | { type: 'sample'; id: number; runId: string; step: number; prompt: string; text: string }
  | { type: 'done'; id: number; cancelled: boolean }
  | { type: 'error'; id: number; message: string };

/** Every range of this channel, in one place (texts and checkpoints as on the training channel). */
export const EXPERIMENTS_LIMITS = {
  id: Number.MAX_SAFE_INTEGER, lagSteps: 4096, trainSteps: DASHBOARD_LIMITS.experimentSteps, hiddenSize: 4096,
  sampleTokens: 4096, sampleChars: DASHBOARD_LIMITS.sampleChars, nameChars: 1024, messageChars: TRAINING_LIMITS.messageChars,
} as const;
const X = EXPERIMENTS_LIMITS, T = TRAINING_LIMITS;

const id = int(1, X.id);
const seed = int(T.seedMin, T.seedMax);
const bytes = record<CheckpointBytes>({
  model: typed(Uint8Array, T.checkpointBytes), meta: str(T.metaChars), state: optional(typed(Uint8Array, T.checkpointBytes)),
});

const toWorker = union<HostToExperiments>({
  longLag: { id, options: record<LongLagOptions>({ steps: int(2, X.lagSteps), trainSteps: int(1, X.trainSteps), hiddenSize: int(1, X.hiddenSize), seed }) },
  cancel: { id },
  gradCheck: { id, name: str(X.nameChars), checkpoint: bytes, text: str(T.textChars) },
  sample: {
    id, runId: str(T.idChars, 1), step: int(0, T.steps), config: runConfigGuard, train: str(T.textChars),
    weights: typed(Float32Array, T.params), length: int(1, X.sampleTokens), seed,
  },
});

// `error` may answer a request whose id could not be read: id -1.
const toHost = union<ExperimentsToHost>({
  experiment: { id, view: experimentSchema },
  gradCheck: { id, view: gradCheckSchema },
  sample: { id, runId: str(T.idChars, 1), step: int(0, T.steps), prompt: str(X.sampleChars), text: str(X.sampleChars) },
  done: { id, cancelled: bool },
  error: { id: int(-1, X.id), message: str(X.messageChars) },
});

/** Validates a request at the worker; throws ProtocolError naming the field and what is wrong. */
export function parseHostToExperiments(v: unknown): HostToExperiments {
  return guarded(() => toWorker(v));
}

/** Validates a reply at the host; throws ProtocolError naming the field and what is wrong. */
export function parseExperimentsToHost(v: unknown): ExperimentsToHost {
  return guarded(() => toHost(v));
}
