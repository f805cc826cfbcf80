// Messages between the extension host and the attention webview: one typed union per direction, discriminated
// on `type`; both ends import this file. One view, two sources of frames: a translation of a finished model
// (Translate Selection) and the live frames of a seq2seq run in training (`live` set: the run's current weights
// decoding one followed source, greedily, re-sent every few seconds as the alignment forms).
//
// Handshake: the webview posts `ready`; the host answers with `show` (the whole view), and again on every new
// translation or live frame. While the pointer is on a decoded token (or one is pinned by a click) the webview
// posts `focus` with that step, so the host can paint the source text in the editor the selection came from;
// `focus` with step null clears the paint. Each end validates what arrives (parseAttentionToHost at the host,
// parseHostToAttention in the webview): types, ranges (ATTENTION_LIMITS) and the view's (T, S) shapes.
import { beamTreeGuard, type BeamTreeView } from './beamTree';
import { arrayOf, bool, failAt, guarded, int, nullable, num, oneOf, optional, record, str, union } from './guard';

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
  /** The model's probability of each decoded token (T); null for a live frame (the worker sends weights only). */
  readonly probs: readonly number[] | null;
  /** The most probable tokens at each step (T lists, best first); null for a live frame. */
  readonly alternatives: readonly (readonly TokenAlternative[])[] | null;
  /** True when the source came from an editor selection (hover then also paints the editor). */
  readonly fromEditor: boolean;
  /** False when the length cap stopped decoding before <eos>. */
  readonly finished: boolean;
  /** Set on a live frame of a run in training: which weights these are and what is followed. */
  readonly live?: LiveFrameInfo;
  /** Beam search (width > 1): the search tree, every hypothesis kept at each step (protocol/beamTree.ts). */
  readonly beamTree?: BeamTreeView;
}

export interface LiveFrameInfo {
  /** The run's name (the dashboard's). */
  readonly run: string;
  /** The optimizer step whose weights decoded this frame. */
  readonly step: number;
  /** The reference target (a validation pair's, or the followed line's after its tab), else null. */
  readonly reference: string | null;
  /** 'validation': the run's first validation pair; 'line': a line the user picked (Follow Line in Attention View). */
  readonly following: 'validation' | 'line';
}

/** Webview → host. */
export type AttentionToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'focus'; readonly step: number | null; readonly pinned: boolean }
  | { readonly type: 'error'; readonly message: string };

/** Host → webview. */
export type HostToAttention = { readonly type: 'show'; readonly view: AttentionView };

export const ATTENTION_VIEW_TYPE = 'seqlab.attention';

/**
 * Every range of this channel, in one place. Token counts stay far below what a (T × S) heatmap table can
 * draw (decoding stops at twice the task's target length); the beam is at most the setting's 64.
 */
export const ATTENTION_LIMITS = {
  tokens: 2048, tokenChars: 1024, textChars: 100_000, nameChars: 1024, messageChars: 16_384, beam: 64, alternatives: 64, steps: 1e9,
} as const;
const A = ATTENTION_LIMITS;

const prob = num(0, 1);
const tokens = arrayOf(str(A.tokenChars), A.tokens);
const viewFields = record<AttentionView>({
  model: str(A.nameChars), beamWidth: int(1, A.beam), source: str(A.textChars), output: str(A.textChars),
  sourceTokens: tokens, outputTokens: tokens,
  weights: nullable(arrayOf(arrayOf(prob, A.tokens), A.tokens)),
  probs: nullable(arrayOf(prob, A.tokens)),
  alternatives: nullable(arrayOf(arrayOf(record<TokenAlternative>({ token: str(A.tokenChars), prob }), A.alternatives), A.tokens)),
  fromEditor: bool, finished: bool,
  live: optional(record<LiveFrameInfo>({
    run: str(A.nameChars), step: int(0, A.steps), reference: nullable(str(A.textChars)), following: oneOf<LiveFrameInfo['following']>(['validation', 'line']),
  })),
  beamTree: optional(beamTreeGuard(A.tokens, A.tokenChars)),
});

/** The view's fields in range, then its shapes: weights (T, S), probs and alternatives T long. */
const viewSchema = (v: unknown): AttentionView => {
  const view = viewFields(v);
  const T = view.outputTokens.length, S = view.sourceTokens.length;
  if (view.probs && view.probs.length !== T) failAt(['probs'], `must hold one probability per decoded token (${T}), got ${view.probs.length}`);
  if (view.alternatives && view.alternatives.length !== T) failAt(['alternatives'], `must hold one list per decoded token (${T}), got ${view.alternatives.length}`);
  const w = view.weights;
  if (w) {
    if (w.length !== T) failAt(['weights'], `must hold one row per decoded token (${T}), got ${w.length}`);
    for (let i = 0; i < T; i++) if (w[i].length !== S) failAt(['weights'], `row ${i} must hold one weight per source token (${S}), got ${w[i].length}`);
  }
  view.beamTree?.nodes.forEach((n, i) => {
    if (n.attention && n.attention.length !== S) failAt(['beamTree', 'nodes', String(i), 'attention'], `must hold one weight per source token (${S}), got ${n.attention.length}`);
  });
  return view;
};

const toHost = union<AttentionToHost>({
  ready: {},
  focus: { step: nullable(int(0, A.tokens - 1)), pinned: bool },
  error: { message: str(A.messageChars) },
});

const toView = union<HostToAttention>({ show: { view: viewSchema } });

/** Validates what the attention webview posts, at the host; throws ProtocolError naming the field. */
export function parseAttentionToHost(v: unknown): AttentionToHost {
  return guarded(() => toHost(v));
}

/** Validates what the host posts, in the attention webview; throws ProtocolError naming the field. */
export function parseHostToAttention(v: unknown): HostToAttention {
  return guarded(() => toView(v));
}
