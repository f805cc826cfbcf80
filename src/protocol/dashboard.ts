// Messages between the extension host and the dashboard webview (one typed union per direction,
// discriminated on `type`; both ends import this file, so a change breaks the build on both sides).
//
// Handshake: the webview posts `ready` once its script runs; the host answers with `init`, carrying the
// configuration, EVERY run with its whole metric history, the last experiment and the last gradient check,
// so a panel opened mid-run, hidden and shown again, or restored after a window reload shows everything.
// Later points arrive in batches through `metrics` (about ten a second, never one message per step).

/** One training step's statistics as plotted by the dashboard (a copy of the worker's TrainMetric). */
export interface MetricPoint {
  /** Global optimizer step, starting at 1. */
  readonly step: number;
  /** Mean cross-entropy per token over the step's batch (nats); NaN/Infinity when the step blew up. */
  readonly loss: number;
  /** Mean validation loss, on the steps where it was measured. */
  readonly validLoss?: number;
  /** L2 norm of all gradients before clipping (clip_grad_norm_'s return value). */
  readonly gradNorm?: number;
  /** The same norm after clipping (equal to gradNorm when clipping did not scale). */
  readonly gradNormAfterClip?: number;
  /** Clipping scaled the gradients at this step (marked on the loss curve). */
  readonly clipped?: boolean;
  /** ‖∂L/∂θ‖ per layer group, in the order of the run's `groups`. */
  readonly groupNorms?: readonly number[];
  readonly lr?: number;
  /** Tokens processed per second over the step. */
  readonly tokensPerSecond?: number;
}

/** ‖∂L/∂h_t‖ at one step: `rows` rows (layer × direction) of T values, row-major. */
export interface GradThroughTime {
  readonly step: number;
  readonly rows: number;
  readonly T: number;
  readonly values: readonly number[];
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'crashed' | 'failed' | 'interrupted';

/** What the dashboard knows about a run besides its points. */
export interface RunSummary {
  readonly id: string;
  readonly name: string;
  readonly state: RunStatus;
  /** e.g. "LSTM 1×64, char tokens, 12,345 parameters". */
  readonly model: string;
  /** Layer-group names, in the order of MetricPoint.groupNorms. */
  readonly groups: readonly string[];
  /** 0 = until stopped. */
  readonly maxSteps: number;
  /** Tokens of the training text (for the ETA of one epoch when maxSteps is 0). */
  readonly tokensPerStep: number;
  readonly trainTokens: number;
  /** Set while paused on a NaN/Infinity: the tensor named by the worker and the user-facing message. */
  readonly nonFinite: { readonly tensor: string; readonly step: number; readonly message: string } | null;
  readonly message: string | null;
}

/** One run as replayed in `init`. */
export interface RunView {
  readonly summary: RunSummary;
  readonly points: readonly MetricPoint[];
  readonly gradThroughTime: GradThroughTime | null;
  readonly sample: TextSample | null;
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
export type DashboardAction = 'lowerLearningRate' | 'enableClipping' | 'rollback' | 'pause' | 'resume' | 'stop';
export const DASHBOARD_ACTIONS: readonly DashboardAction[] = ['lowerLearningRate', 'enableClipping', 'rollback', 'pause', 'resume', 'stop'];

/** Webview → host. */
export type DashboardToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'action'; readonly action: DashboardAction }
  | { readonly type: 'error'; readonly message: string };

/** Host → webview. */
export type HostToDashboard =
  | {
      readonly type: 'init';
      readonly config: DashboardConfig;
      readonly runs: readonly RunView[];
      readonly experiment: ExperimentView | null;
      readonly gradCheck: GradCheckView | null;
    }
  | { readonly type: 'run'; readonly summary: RunSummary }
  | { readonly type: 'metrics'; readonly runId: string; readonly points: readonly MetricPoint[]; readonly gradThroughTime: GradThroughTime | null }
  | { readonly type: 'sample'; readonly runId: string; readonly sample: TextSample }
  | { readonly type: 'experiment'; readonly experiment: ExperimentView }
  | { readonly type: 'gradCheck'; readonly gradCheck: GradCheckView };

/** The view type registered for the dashboard panel (and its serializer). */
export const DASHBOARD_VIEW_TYPE = 'seqlab.dashboard';

/** Runtime check for messages that arrive untyped over postMessage. */
export function isDashboardToHost(value: unknown): value is DashboardToHost {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; message?: unknown; action?: unknown };
  switch (v.type) {
    case 'ready':
      return true;
    case 'error':
      return typeof v.message === 'string';
    case 'action':
      return typeof v.action === 'string' && (DASHBOARD_ACTIONS as readonly string[]).includes(v.action);
    default:
      return false;
  }
}
