// Messages between the extension host and the dashboard webview (one typed union per direction,
// discriminated on `type`; both ends import this file, so a change breaks the build on both sides).
//
// Handshake: the webview posts `ready` once its script runs; the host answers with `init`, carrying the
// configuration, EVERY run with its whole metric history, the last experiment and the last gradient check,
// so a panel opened mid-run, hidden and shown again, or restored after a window reload shows everything.
// Later points arrive in batches through `metrics` (at most four a second, never one message per step; none
// while the panel is hidden: its `ready` on showing again gets the replay).
// Each end validates what arrives (parseDashboardToHost at the host, parseHostToDashboard in the webview):
// types and the ranges of DASHBOARD_LIMITS; a rejected message is logged and dropped.
import {
  arrayOf, bool, failAt, guarded, int, nullable, num, oneOf, optional, record, str, union,
} from './guard';
import { saturationSchema, type GateSaturationView } from './saturation';

export type { GateSaturationView };

/** The task's own validation scores, each a share in [0, 1] (the training protocol's TaskMetrics). */
export interface TaskScores {
  /** seq2seq: share of validation sources whose greedy decoding equals the target exactly. */
  readonly exactMatch?: number;
  /** seq2seq: share of target tokens (EOS included) decoded right, position by position. */
  readonly tokenAccuracy?: number;
  /** classify: share of texts labelled right; tag: share of tokens tagged right. */
  readonly accuracy?: number;
}

/** The task kinds a run can train (engine/run/config.ts TASK_KINDS); the dashboard picks its charts by it. */
export type DashboardTask = 'lm' | 'seq2seq' | 'classify' | 'tag' | 'one-to-many';
export const DASHBOARD_TASKS: readonly DashboardTask[] = ['lm', 'seq2seq', 'classify', 'tag', 'one-to-many'];

/** One training step's statistics as plotted by the dashboard (a copy of the worker's TrainMetric). */
export interface MetricPoint {
  /** Global optimizer step, starting at 1. */
  readonly step: number;
  /** Mean cross-entropy per position over the step's batch (nats); finite (a step that blew up is not plotted: the run pauses). */
  readonly loss: number;
  /** Mean validation loss, on the steps where it was measured. */
  readonly validLoss?: number;
  /** Language models only: loss / ln 2 × tokens per character, on the training batch and on validation. */
  readonly bitsPerChar?: number;
  readonly validBitsPerChar?: number;
  /** The task's validation scores, on the steps where validation ran (not for language models). */
  readonly validMetrics?: TaskScores;
  /** L2 norm of all gradients before clipping (clip_grad_norm_'s return value). */
  readonly gradNorm?: number;
  /** The same norm after clipping (equal to gradNorm when clipping did not scale). */
  readonly gradNormAfterClip?: number;
  /** Clipping scaled the gradients at this step (marked on the loss curve). */
  readonly clipped?: boolean;
  /** ‖∂L/∂θ‖ per layer group, in the order of the run's `groups`. */
  readonly groupNorms?: readonly number[];
  readonly lr?: number;
  /** Positions counted in the loss per second (tokens; target tokens for seq2seq; texts for classify). */
  readonly tokensPerSecond?: number;
  /** Epochs completed before this step (the ETA of a run without a step limit names them). */
  readonly epoch?: number;
  /** Wall-clock seconds the run had been live at this step (the x axis when it shows time). */
  readonly elapsed?: number;
}

/** ‖∂L/∂h_t‖ of one recurrent stack at one step: `rows` rows (layer × direction) of T values, row-major. */
export interface StackGradThroughTime {
  /** 'rnn' for lm / classify / tag; 'encoder' and 'decoder' for seq2seq. */
  readonly name: string;
  readonly rows: number;
  readonly T: number;
  readonly values: readonly number[];
}

/** ‖∂L/∂h_t‖ at one step, one entry per recurrent stack of the run (RunSummary.stacks order). */
export interface GradThroughTime {
  readonly step: number;
  readonly stacks: readonly StackGradThroughTime[];
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'crashed' | 'failed' | 'interrupted' | 'imported';

/** What the dashboard knows about a run besides its points. */
export interface RunSummary {
  readonly id: string;
  readonly name: string;
  readonly state: RunStatus;
  readonly task: DashboardTask;
  /** e.g. "LSTM 1×64, char tokens, 12,345 parameters". */
  readonly model: string;
  /** Layers of each recurrent stack (names its ‖∂L/∂h_t‖ rows: `layers` rows, or 2 × `layers` when bidirectional). */
  readonly layers: number;
  /** Layer-group names, in the order of MetricPoint.groupNorms. */
  readonly groups: readonly string[];
  /** 0 = until stopped. */
  readonly maxSteps: number;
  /**
   * Positions one step counts in tokensPerSecond and positions in one epoch, for the ETA (0 = unknown: seq2seq and
   * tag steps count a varying number of tokens). lm: batch × seqLen and the training tokens; classify: batch and texts.
   */
  readonly tokensPerStep: number;
  readonly trainTokens: number;
  /** Training examples: tokens for lm, pairs / texts / sentences for the others. */
  readonly trainExamples: number;
  /** Set while paused on a NaN/Infinity: the tensor named by the worker and the user-facing message. */
  readonly nonFinite: { readonly tensor: string; readonly step: number; readonly message: string } | null;
  readonly message: string | null;
  /** What the run's validations say and how it can go on (best checkpoint, memorising, early stop, reload). */
  readonly trust?: RunTrust;
  /** Hidden from the charts by the user (the runs table still lists it, with Show). */
  readonly hidden?: boolean;
  /** Every RunConfig field of the run, in RUN_CONFIG_FIELDS order, its value as text (the runs table). */
  readonly config?: readonly ConfigEntry[];
}

/** One RunConfig field of a run, as the runs table shows it. */
export interface ConfigEntry {
  readonly key: string;
  readonly value: string;
}

/** A RunConfig field's name and its one-line description (engine/run/config.ts RUN_CONFIG_FIELDS). */
export interface FieldInfo {
  readonly key: string;
  readonly description: string;
}

/** The best validation, the memorising notice, how the run ended, and where a Resume continues from. */
export interface RunTrust {
  /** The step the run has reached (after a reload: how far it got before the window went away). */
  readonly step: number;
  readonly best: { readonly step: number; readonly validLoss: number } | null;
  /** The step at which the model was first seen memorising (validation loss up while training loss fell), or null. */
  readonly memorisingSince: number | null;
  /** The step of the last resumable checkpoint (a Resume continues from it), or null. */
  readonly lastCheckpointStep: number | null;
  /** Early stopping's patience, when it is on. */
  readonly patience: number | null;
  readonly ending: { readonly early: boolean; readonly keptBest: boolean } | null;
}
export interface RunView {
  readonly summary: RunSummary;
  readonly points: readonly MetricPoint[];
  readonly gradThroughTime: GradThroughTime | null;
  readonly sample: TextSample | null;
  /** LSTM/GRU runs: the latest gate saturation (protocol/saturation.ts); absent or null when none was measured. */
  readonly saturation?: GateSaturationView | null;
}

export interface TextSample {
  readonly step: number;
  readonly prompt: string;
  readonly text: string;
}

/** One model of the vanishing-gradient experiment (tanh RNN or LSTM on the long-lag task). */
export interface ExperimentSeries {
  readonly label: string;
  readonly cell: string;
  /** (step, loss) per training step. */
  readonly loss: readonly { readonly step: number; readonly loss: number }[];
  /** ‖∂L/∂h_t‖ for t = 0 … T−1 at the latest step (the loss sits at t = T−1). */
  readonly gradThroughTime: readonly number[];
  /** Accuracy at the final position on held-out sequences, measured at the end. */
  readonly accuracy: number | null;
}

export interface ExperimentView {
  readonly title: string;
  readonly T: number;
  readonly step: number;
  readonly totalSteps: number;
  readonly done: boolean;
  readonly series: readonly ExperimentSeries[];
}

/** Numeric versus analytic gradient of one parameter tensor. */
export interface GradCheckRow {
  readonly tensor: string;
  readonly shape: readonly number[];
  readonly checked: number;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  readonly ok: boolean;
}

export interface GradCheckView {
  readonly model: string;
  readonly epsilon: number;
  readonly rows: readonly GradCheckRow[];
}

/** The settings the dashboard shows (a subset of the `seqlab.*` configuration). */
export interface DashboardConfig {
  readonly hiddenSize: number;
  readonly seed: number;
}

/** Remedies the dashboard offers after a non-finite loss (the runtime's three fixes), and run controls. */
export type DashboardAction = 'lowerLearningRate' | 'enableClipping' | 'rollback' | 'pause' | 'resume' | 'stop' | 'stopKeepBest';
export const DASHBOARD_ACTIONS: readonly DashboardAction[] = ['lowerLearningRate', 'enableClipping', 'rollback', 'pause', 'resume', 'stop', 'stopKeepBest'];

/** What the runs table's buttons ask for one run (each is a `seqlab.*` command given the run's id). */
export type RunAction = 'rename' | 'hide' | 'show' | 'delete' | 'exportCsv' | 'exportJsonl' | 'saveModel';
export const RUN_ACTIONS: readonly RunAction[] = ['rename', 'hide', 'show', 'delete', 'exportCsv', 'exportJsonl', 'saveModel'];

/** Webview → host. */
export type DashboardToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'action'; readonly action: DashboardAction }
  | { readonly type: 'runAction'; readonly runId: string; readonly action: RunAction }
  | { readonly type: 'error'; readonly message: string };

/** Host → webview. */
export type HostToDashboard =
  | {
      readonly type: 'init';
      readonly config: DashboardConfig;
      readonly runs: readonly RunView[];
      readonly experiment: ExperimentView | null;
      readonly gradCheck: GradCheckView | null;
      /** The RunConfig fields with their descriptions, for the runs table. */
      readonly fields?: readonly FieldInfo[];
    }
  | { readonly type: 'run'; readonly summary: RunSummary }
  /** The user deleted the run: the dashboard forgets it (also from its saved state). */
  | { readonly type: 'runRemoved'; readonly runId: string }
  | {
      readonly type: 'metrics'; readonly runId: string; readonly points: readonly MetricPoint[]; readonly gradThroughTime: GradThroughTime | null;
      /** The latest gate saturation among these points (LSTM/GRU runs), when one was measured. */
      readonly saturation?: GateSaturationView | null;
    }
  | { readonly type: 'sample'; readonly runId: string; readonly sample: TextSample }
  | { readonly type: 'experiment'; readonly experiment: ExperimentView }
  | { readonly type: 'gradCheck'; readonly gradCheck: GradCheckView };

/** The view type registered for the dashboard panel (and its serializer). */
export const DASHBOARD_VIEW_TYPE = 'seqlab.dashboard';

/**
 * Every range of this channel, in one place. A run replays at most runPoints points (the host thins longer
 * histories); a `metrics` batch carries at most batchPoints; gradient-through-time is ≤ gttStacks stacks (seq2seq
 * has two), each rows × T values with rows ≤ 2 × 16 layers and T ≤ 4096 (the host cuts longer rows).
 */
export const DASHBOARD_LIMITS = {
  runs: 1000, runPoints: 100_000, batchPoints: 4096, groups: 256, gttStacks: 4, gttRows: 32, gttT: 4096, steps: 1e9, size: 4096, layers: 16,
  configFields: 256, seedMin: -(2 ** 31), seedMax: 2 ** 32 - 1, tokens: 1 << 30,
  idChars: 256, nameChars: 1024, messageChars: 16_384, sampleChars: 100_000,
  experimentSeries: 16, experimentSteps: 100_000, tensors: 4096, tensorRank: 8, shapeDim: 1 << 28,
} as const;
const D = DASHBOARD_LIMITS;
const finite = Number.MAX_VALUE;

const step = int(1, D.steps);
const norm = optional(num(0, finite));
const share = optional(num(0, 1));
const pointSchema = record<MetricPoint>({
  step, loss: num(0, finite), validLoss: optional(num(0, finite)),
  bitsPerChar: optional(num(0, finite)), validBitsPerChar: optional(num(0, finite)),
  validMetrics: optional(record<TaskScores>({ exactMatch: share, tokenAccuracy: share, accuracy: share })),
  gradNorm: norm, gradNormAfterClip: norm,
  clipped: optional(bool), groupNorms: optional(arrayOf(num(0, finite), D.groups)), lr: optional(num(0, finite)),
  tokensPerSecond: optional(num(0, finite)),
  epoch: optional(int(0, D.steps)),
  elapsed: optional(num(0, finite)),
});

const stackSchema = (v: unknown): StackGradThroughTime => {
  const g = record<StackGradThroughTime>({
    name: str(D.nameChars, 1), rows: int(1, D.gttRows), T: int(1, D.gttT), values: arrayOf(num(0, finite), D.gttRows * D.gttT),
  })(v);
  if (g.values.length !== g.rows * g.T) failAt(['values'], `must hold rows × T = ${g.rows * g.T} values, got ${g.values.length}`);
  return g;
};
const gttSchema = record<GradThroughTime>({ step, stacks: arrayOf(stackSchema, D.gttStacks, 1) });

const summarySchema = record<RunSummary>({
  id: str(D.idChars, 1), name: str(D.nameChars), state: oneOf<RunStatus>(['starting', 'running', 'paused', 'stopping', 'stopped', 'crashed', 'failed', 'interrupted', 'imported']),
  task: oneOf<DashboardTask>(DASHBOARD_TASKS), model: str(D.nameChars), layers: int(1, D.layers), groups: arrayOf(str(D.nameChars), D.groups), maxSteps: int(0, D.steps),
  tokensPerStep: int(0, D.size * D.size), trainTokens: int(0, D.tokens), trainExamples: int(0, D.tokens),
  nonFinite: nullable(record<NonNullable<RunSummary['nonFinite']>>({ tensor: str(D.nameChars), step: int(0, D.steps), message: str(D.messageChars) })),
  message: nullable(str(D.messageChars)),
  trust: optional(record<RunTrust>({
    step: int(0, D.steps),
    best: nullable(record<NonNullable<RunTrust['best']>>({ step: int(0, D.steps), validLoss: num(0, finite) })),
    memorisingSince: nullable(int(0, D.steps)), lastCheckpointStep: nullable(int(0, D.steps)), patience: nullable(int(1, D.steps)),
    ending: nullable(record<NonNullable<RunTrust['ending']>>({ early: bool, keptBest: bool })),
  })),
  hidden: optional(bool),
  config: optional(arrayOf(record<ConfigEntry>({ key: str(D.nameChars, 1), value: str(D.nameChars) }), D.configFields)),
});

const sampleSchema = record<TextSample>({ step: int(0, D.steps), prompt: str(D.sampleChars), text: str(D.sampleChars) });

/** The experiment view, as the experiments worker sends it and the dashboard draws it. */
export const experimentSchema = (v: unknown): ExperimentView => {
  const e = record<ExperimentView>({
    title: str(D.nameChars), T: int(1, D.gttT), step: int(0, D.experimentSteps), totalSteps: int(1, D.experimentSteps), done: bool,
    series: arrayOf(record<ExperimentSeries>({
      label: str(D.nameChars), cell: str(D.idChars),
      loss: arrayOf(record<ExperimentSeries['loss'][number]>({ step, loss: num(0, finite) }), D.experimentSteps),
      gradThroughTime: arrayOf(num(0, finite), D.gttT),
      accuracy: nullable(num(0, 1)),
    }), D.experimentSeries),
  })(v);
  if (e.step > e.totalSteps) failAt(['step'], `(${e.step}) must not exceed totalSteps (${e.totalSteps})`);
  return e;
};

/** A gradient check's table, as the experiments worker sends it and the dashboard draws it. */
export const gradCheckSchema = record<GradCheckView>({
  model: str(D.nameChars), epsilon: num(0, 1, true),
  rows: arrayOf(record<GradCheckRow>({
    tensor: str(D.nameChars, 1), shape: arrayOf(int(0, D.shapeDim), D.tensorRank), checked: int(0, D.shapeDim),
    maxAbsError: num(0, finite), maxRelError: num(0, finite), ok: bool,
  }), D.tensors),
});

const toHost = union<DashboardToHost>({
  ready: {},
  action: { action: oneOf<DashboardAction>(DASHBOARD_ACTIONS) },
  runAction: { runId: str(D.idChars, 1), action: oneOf<RunAction>(RUN_ACTIONS) },
  error: { message: str(D.messageChars) },
});

const toDashboard = union<HostToDashboard>({
  init: {
    config: record<DashboardConfig>({ hiddenSize: int(1, D.size), seed: int(D.seedMin, D.seedMax) }),
    runs: arrayOf(record<RunView>({
      summary: summarySchema, points: arrayOf(pointSchema, D.runPoints), gradThroughTime: nullable(gttSchema), sample: nullable(sampleSchema),
      saturation: optional(nullable(saturationSchema)),
    }), D.runs),
    experiment: nullable(experimentSchema),
    gradCheck: nullable(gradCheckSchema),
    fields: optional(arrayOf(record<FieldInfo>({ key: str(D.nameChars, 1), description: str(D.messageChars) }), D.configFields)),
  },
  run: { summary: summarySchema },
  runRemoved: { runId: str(D.idChars, 1) },
  metrics: { runId: str(D.idChars, 1), points: arrayOf(pointSchema, D.batchPoints), gradThroughTime: nullable(gttSchema), saturation: optional(nullable(saturationSchema)) },
  sample: { runId: str(D.idChars, 1), sample: sampleSchema },
  experiment: { experiment: experimentSchema },
  gradCheck: { gradCheck: gradCheckSchema },
});

/** Validates what the dashboard webview posts, at the host; throws ProtocolError naming the field. */
export function parseDashboardToHost(v: unknown): DashboardToHost {
  return guarded(() => toHost(v));
}

/** Validates what the host posts, in the dashboard webview; throws ProtocolError naming the field. */
export function parseHostToDashboard(v: unknown): HostToDashboard {
  return guarded(() => toDashboard(v));
}
