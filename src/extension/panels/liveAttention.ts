// The live attention of a seq2seq run in training, on the host: it keeps the last `attention` frame of every
// run (so a view opened later shows it at once), remembers what the user follows (the first validation pair, or
// a line picked in an editor, sent to the worker as a `probe`), and turns a frame into the attention view's
// AttentionView, the same view a finished model's translation fills. No 'vscode' import: unit tests drive it.
import { ATTENTION_LIMITS, type AttentionView } from '../../protocol/attention';
import type { AttentionFrame } from '../../protocol/training';

/** One frame as received: which run, the step of the weights that decoded it. */
export interface LiveFrame {
  readonly runId: string;
  readonly runName: string;
  readonly step: number;
  readonly frame: AttentionFrame;
}

/** What the user follows: '' = the run's first validation pair; else the source of a picked line. */
export interface Followed {
  readonly source: string;
  /** The picked line's target after its tab (`source<TAB>target`), shown as the reference. */
  readonly reference: string | null;
}

/** The session's events as this reads them (SessionEvent satisfies it). */
export interface AttentionEvents {
  onEvent(listener: (e: { readonly type: string; readonly run: { readonly id: string; readonly name: string }; readonly step?: number; readonly frame?: AttentionFrame }) => void): { dispose(): void };
}

export class LiveAttention {
  private readonly last = new Map<string, LiveFrame>();
  private readonly listeners = new Set<(f: LiveFrame, first: boolean) => void>();
  private readonly subscription: { dispose(): void };
  private newest: string | null = null;
  followed: Followed = { source: '', reference: null };

  constructor(events: AttentionEvents) {
    this.subscription = events.onEvent((e) => {
      if (e.type !== 'attention' || !e.frame || e.step === undefined) return;
      const first = !this.last.has(e.run.id);
      const f: LiveFrame = { runId: e.run.id, runName: e.run.name, step: e.step, frame: e.frame };
      this.last.set(e.run.id, f);
      this.newest = e.run.id;
      for (const l of this.listeners) l(f, first);
    });
  }

  /** Called on every frame; `first` on a run's first frame. */
  onFrame(listener: (f: LiveFrame, first: boolean) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The last frame of `runId`, or of the run that sent one most recently. */
  lastFrame(runId?: string): LiveFrame | undefined {
    const id = runId ?? this.newest;
    return id === null ? undefined : this.last.get(id);
  }

  dispose(): void {
    this.subscription.dispose();
    this.listeners.clear();
  }
}

/**
 * What to follow for an editor line or selection: a `source<TAB>target` line (a seq2seq data file) follows its
 * source with the target as reference; other text is followed as it is. The second number is where the source
 * starts in `text` (UTF-16 offset), so the editor can paint it. Null when nothing is left to follow.
 */
export function followedText(text: string): { followed: Followed; offset: number } | null {
  const line = text.replace(/\r?\n$/, '');
  const tab = line.indexOf('\t');
  const raw = tab >= 0 ? line.slice(0, tab) : line;
  const lead = raw.length - raw.trimStart().length;
  const source = raw.trim();
  if (!source) return null;
  const reference = tab >= 0 ? line.slice(tab + 1).split('\t')[0]!.trim() || null : null;
  return { followed: { source, reference }, offset: lead };
}

/** A frame as the attention view draws it; tokens and texts cut to the view's limits. */
export function frameView(f: LiveFrame, followed: Followed): AttentionView {
  const A = ATTENTION_LIMITS;
  const cutText = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
  const { frame } = f;
  const isFollowedLine = followed.source !== '' && frame.source === followed.source;
  const eos = frame.outputTokens.at(-1) === '<eos>';
  const output = (eos ? frame.outputTokens.slice(0, -1) : frame.outputTokens).join('');
  return {
    model: cutText(f.runName, A.nameChars), beamWidth: 1, source: cutText(frame.source, A.textChars), output: cutText(output, A.textChars),
    sourceTokens: frame.sourceTokens.map((t) => cutText(t, A.tokenChars)), outputTokens: frame.outputTokens.map((t) => cutText(t, A.tokenChars)),
    weights: frame.weights, probs: null, alternatives: null, fromEditor: isFollowedLine, finished: eos,
    live: {
      run: cutText(f.runName, A.nameChars), step: f.step,
      reference: frame.reference !== undefined ? cutText(frame.reference, A.textChars) : isFollowedLine && followed.reference !== null ? cutText(followed.reference, A.textChars) : null,
      following: isFollowedLine ? 'line' : 'validation',
    },
  };
}

/**
 * Where each source token sits in `text` ([start, end) UTF-16 offsets), found by walking the text: a token's text
 * is looked for at the current position, after skipping whitespace (word tokenizers drop it); a token that is not
 * there (a special such as <unk>) gets null and the walk goes on. Token texts are the worker's decoded strings, so
 * this is translate.ts's sourceSpans without a tokenizer at hand.
 */
export function tokenSpans(text: string, tokens: readonly string[]): ([number, number] | null)[] {
  let pos = 0;
  return tokens.map((t) => {
    if (t.length === 0) return null;
    let at = pos;
    while (at < text.length && !text.startsWith(t, at) && /\s/.test(text[at]!)) at++;
    if (!text.startsWith(t, at)) return null;
    pos = at + t.length;
    return [at, pos] as [number, number];
  });
}
