// The live attention view's host side: the session's `attention` frames go to the attention panel while it
// follows the run (the panel opens beside the editor on a run's first frame when none is open), and two commands:
// "SeqLab: Follow Line in Attention View" (the current editor line or selection becomes the source the worker
// decodes: a `probe`) and "SeqLab: Show Live Attention" (back to the run's first validation pair).
import * as vscode from 'vscode';
import type { TrainingSession } from '../training/session';
import { AttentionPanel, type SourceLocation } from './attentionPanel';
import { followedText, frameView, LiveAttention, tokenSpans, type LiveFrame } from './liveAttention';
import { feedSource } from './sessionFeed';

export const LiveAttentionCommands = {
  followLine: 'seqlab.followLineInAttention',
  showLive: 'seqlab.showLiveAttention',
} as const;

export type LiveResult = { ok: true; source: string; step: number | null } | { ok: false; error: string };

export function registerLiveAttention(context: vscode.ExtensionContext, session: TrainingSession): LiveAttention {
  const live = new LiveAttention(session);
  const runs = feedSource(session);
  /** The document and offset of the followed line's source, to paint its tokens in the editor. */
  let followedAt: { uri: vscode.Uri; offset: number } | null = null;

  const location = (f: LiveFrame): SourceLocation | null => {
    const at = followedAt;
    if (!at || live.followed.source === '' || f.frame.source !== live.followed.source) return null;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === at.uri.toString());
    if (!doc) return null;
    const spans = tokenSpans(f.frame.source, f.frame.sourceTokens).map((s) => (s ? new vscode.Range(doc.positionAt(at.offset + s[0]), doc.positionAt(at.offset + s[1])) : null));
    return { uri: at.uri, spans };
  };
  const viewOf = (f: LiveFrame | undefined) => (f ? frameView(f, live.followed) : null);

  /** The run the live view can follow, or why there is none (one line for the user). */
  const followable = (): { ok: true } | { ok: false; error: string } => {
    const run = runs.current;
    if (!run || !['starting', 'running', 'paused'].includes(run.state)) {
      return { ok: false, error: 'No model is training: the live attention view follows a seq2seq model with attention while it trains ("SeqLab: New Model…", then Train on Workspace Files).' };
    }
    const task = run.info?.task ?? run.config.task;
    if (task !== 'seq2seq' || run.config.attention === 'none') {
      const what = task === 'seq2seq' ? 'a seq2seq model without attention' : task === 'lm' ? 'a language model' : task === 'classify' ? 'a classifier' : 'a tagger';
      return { ok: false, error: `The run “${run.name}” trains ${what}: the live attention view needs a seq2seq model with attention.` };
    }
    return { ok: true };
  };

  const fail = (error: string): LiveResult => {
    void vscode.window.showErrorMessage(error);
    return { ok: false, error };
  };

  context.subscriptions.push(
    { dispose: () => live.dispose() },
    live.onFrame((f, first) => {
      const view = frameView(f, live.followed);
      const panel = AttentionPanel.current;
      try {
        if (panel) panel.liveFrame(view, location(f));
        else if (first) AttentionPanel.showLive(context.extensionUri, view, location(f));
      } catch (e) {
        console.warn(`[seqlab] dropped an attention frame the view cannot draw: ${(e as Error).message}`);
      }
    }),
    vscode.commands.registerCommand(LiveAttentionCommands.followLine, (): LiveResult => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return fail('Open a file and put the cursor on the line the attention view should follow.');
      const ok = followable();
      if (!ok.ok) return fail(ok.error);
      const doc = editor.document, sel = editor.selection;
      const range = sel.isEmpty ? doc.lineAt(sel.active.line).range : sel;
      const picked = followedText(doc.getText(range));
      if (!picked) return fail(`Line ${range.start.line + 1} of ${vscode.workspace.asRelativePath(doc.uri)} is empty: put the cursor on a line with text to follow.`);
      try {
        session.probe(picked.followed.source);
      } catch (e) {
        return fail((e as Error).message);
      }
      live.followed = picked.followed;
      followedAt = { uri: doc.uri, offset: doc.offsetAt(range.start) + picked.offset };
      const last = live.lastFrame();
      AttentionPanel.showLive(context.extensionUri, viewOf(last), last ? location(last) : null);
      return { ok: true, source: picked.followed.source, step: last?.step ?? null };
    }),
    vscode.commands.registerCommand(LiveAttentionCommands.showLive, (): LiveResult => {
      // The view opens in any case: with the last frame of the newest run (a finished run's too), or waiting for
      // one (its status says so); only a run in training is asked to go back to its first validation pair.
      if (followable().ok && live.followed.source !== '') {
        try {
          session.probe('');
        } catch (e) {
          return fail((e as Error).message);
        }
        live.followed = { source: '', reference: null };
        followedAt = null;
      }
      const last = live.lastFrame();
      AttentionPanel.showLive(context.extensionUri, viewOf(last), last ? location(last) : null, false);
      return { ok: true, source: last?.frame.source ?? '', step: last?.step ?? null };
    }),
  );
  return live;
}
