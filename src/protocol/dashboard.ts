// Messages between the extension host and the dashboard webview (one typed union per direction,
// discriminated on `type`; both ends import this file, so a change breaks the build on both sides).
//
// Handshake: the webview posts `ready` once its script runs; the host answers with `init`, carrying
// the configuration and the WHOLE metric history, so a reopened or restored panel shows the full run.
// Later points arrive in batches through `metrics` (about ten a second, never one message per step).

/** One training step's statistics as plotted by the dashboard. */
export interface MetricPoint {
  /** Global optimizer step, starting at 1. */
  readonly step: number;
  /** Mean cross-entropy per token over the step's batch (nats). */
  readonly loss: number;
  /** L2 norm of all gradients before clipping (clip_grad_norm_'s return value), if known. */
  readonly gradNorm?: number;
  /** Tokens processed per second over the step, if known. */
  readonly tokensPerSecond?: number;
}

/** The settings the dashboard shows next to the chart (a subset of the `seqlab.*` configuration). */
export interface DashboardConfig {
  readonly hiddenSize: number;
  readonly seed: number;
}

/** Webview → host. */
export type DashboardToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'error'; readonly message: string };

/** Host → webview. */
export type HostToDashboard =
  | { readonly type: 'init'; readonly config: DashboardConfig; readonly history: readonly MetricPoint[] }
  | { readonly type: 'metrics'; readonly points: readonly MetricPoint[] }
  | { readonly type: 'reset' };

/** The view type registered for the dashboard panel (and its serializer). */
export const DASHBOARD_VIEW_TYPE = 'seqlab.dashboard';

/** Runtime check for messages that arrive untyped over postMessage. */
export function isDashboardToHost(value: unknown): value is DashboardToHost {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; message?: unknown };
  return v.type === 'ready' || (v.type === 'error' && typeof v.message === 'string');
}
