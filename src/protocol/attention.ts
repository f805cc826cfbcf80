// Messages between the extension host and the attention webview (Translate Selection): one typed union per
// direction, discriminated on `type`; both ends import this file.
//
// Handshake: the webview posts `ready`; the host answers with `show` (the whole translation), and again on
// every new translation. While the pointer is on a decoded token (or one is pinned by a click) the webview
// posts `focus` with that step, so the host can paint the source text in the editor the selection came from;
// `focus` with step null clears the paint.

export interface TokenAlternative {
  readonly token: string;
  readonly prob: number;
}

/** One decoded sentence with its alignment, as the view draws it. */
export interface AttentionView {
  /** Model (checkpoint folder) name. */
  readonly model: string;
  readonly beamWidth: number;
  readonly source: string;
  readonly output: string;
  /** Display text of each source token (S) and each decoded token (T, '<eos>' when reached). */
  readonly sourceTokens: readonly string[];
  readonly outputTokens: readonly string[];
  /** (T, S) attention weights, rows summing to 1; null for a model without attention. */
  readonly weights: readonly (readonly number[])[] | null;
  /** The model's probability of each decoded token (T). */
  readonly probs: readonly number[];
  /** The most probable tokens at each step (T lists, best first). */
  readonly alternatives: readonly (readonly TokenAlternative[])[];
  /** True when the source came from an editor selection (hover then also paints the editor). */
  readonly fromEditor: boolean;
  /** False when the length cap stopped decoding before <eos>. */
  readonly finished: boolean;
}

/** Webview → host. */
export type AttentionToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'focus'; readonly step: number | null; readonly pinned: boolean }
  | { readonly type: 'error'; readonly message: string };

/** Host → webview. */
export type HostToAttention = { readonly type: 'show'; readonly view: AttentionView };

export const ATTENTION_VIEW_TYPE = 'seqlab.attention';

/** Runtime check for messages that arrive untyped over postMessage. */
export function isAttentionToHost(value: unknown): value is AttentionToHost {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; step?: unknown; pinned?: unknown; message?: unknown };
  switch (v.type) {
    case 'ready':
      return true;
    case 'focus':
      return (v.step === null || (typeof v.step === 'number' && Number.isInteger(v.step) && v.step >= 0)) && typeof v.pinned === 'boolean';
    case 'error':
      return typeof v.message === 'string';
    default:
      return false;
  }
}

/** Runtime check on the webview side. */
export function isHostToAttention(value: unknown): value is HostToAttention {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; view?: unknown };
  return v.type === 'show' && typeof v.view === 'object' && v.view !== null;
}
