// Using models where you write: Generate Text (LM), Translate Selection (seq2seq → attention view), Classify
// Selection (classifier / tagger), plus the inline completion controller. Each command returns what the user
// was shown (or the error message), so tests drive them without prompts. Translate and Classify use the model a
// run is training (or trained last) as it is at that moment; when no model of the needed kind is there, the
// command asks for a checkpoint folder (or its seqlab.json) and loads it first.
import * as vscode from 'vscode';
import { CheckpointError } from '../../engine/checkpoint';
import { AttentionPanel } from '../panels/attentionPanel';
import type { TrainingSession } from '../training/session';
import { CompletionController } from '../completion/controller';
import { generateInto } from './generate';
import { ModelHub, type ModelKind } from './models';
import { beamWidth, generateSettings } from './settings';
import { translateForView } from './translate';

export const UseCommands = {
  generate: 'seqlab.generateText',
  translate: 'seqlab.translateSelection',
  classify: 'seqlab.classifySelection',
} as const;

export type UseResult<T> = ({ ok: true } & T) | { ok: false; error: string };

/** Optional arguments: a checkpoint to load first, and text instead of the selection / a prompt box. */
export interface UseArgs {
  checkpoint?: string;
  text?: string;
}

const KIND_NAMES: Record<ModelKind, string> = { lm: 'language model', seq2seq: 'seq2seq model', classify: 'classifier' };

export function registerUse(context: vscode.ExtensionContext, session: TrainingSession | null): { models: ModelHub; completions: CompletionController } {
  const models = new ModelHub(session);
  const completions = new CompletionController(models);
  context.subscriptions.push(models, completions, { dispose: () => AttentionPanel.current?.dispose() });

  const fail = (error: string): { ok: false; error: string } => {
    void vscode.window.showErrorMessage(error);
    return { ok: false, error };
  };

  /** The active model of `kind`, loading `args.checkpoint` or a chosen checkpoint when there is none. */
  async function need(kind: ModelKind, args: UseArgs | undefined): Promise<true | { ok: false; error: string }> {
    let target = args?.checkpoint ? vscode.Uri.file(args.checkpoint) : undefined;
    if (!target && kind !== 'lm') {
      // The model a run is training (or trained last) is used as it is now, without a load step.
      try {
        if (has(kind)) await models.refresh(kind);
        else if (await models.modelFromRun(kind)) return true;
      } catch (e) {
        return fail(`Could not use the model of the training run "${session?.current?.name}": ${(e as Error).message}`);
      }
    }
    if (!target && has(kind)) return true;
    if (!target) {
      const picked = await vscode.window.showOpenDialog({
        canSelectFiles: true, canSelectFolders: true, canSelectMany: false, openLabel: 'Use this model',
        title: `No ${KIND_NAMES[kind]} is loaded: choose a SeqLab checkpoint (its folder, or the seqlab.json in it)`,
        filters: { 'SeqLab checkpoint': ['json'] },
      });
      target = picked?.[0];
      if (!target) return { ok: false, error: 'cancelled' };
    }
    try {
      const got = await models.loadCheckpoint(target);
      if (got !== kind) return fail(`That checkpoint holds a ${KIND_NAMES[got]}; this command needs a ${KIND_NAMES[kind]}.`);
    } catch (e) {
      return fail(e instanceof CheckpointError ? e.message : `Could not load the checkpoint: ${(e as Error).message}`);
    }
    return true;
  }
  const has = (kind: ModelKind): boolean => (kind === 'lm' ? models.lm : kind === 'seq2seq' ? models.seq2seq : models.classifier) !== null;

  /** The selection's text and where it is, or args.text, or (optionally) a prompt. */
  async function sourceText(args: UseArgs | undefined, ask: string | null): Promise<{ text: string; editor: vscode.TextEditor | null; range: vscode.Range | null } | null> {
    if (args?.text !== undefined) return { text: args.text, editor: null, range: null };
    const editor = vscode.window.activeTextEditor;
    if (editor && !editor.selection.isEmpty) return { text: editor.document.getText(editor.selection), editor, range: editor.selection };
    if (ask === null) return null;
    const text = await vscode.window.showInputBox({ prompt: ask, ignoreFocusOut: true });
    return text ? { text, editor: null, range: null } : null;
  }

  context.subscriptions.push(
    vscode.commands.registerCommand(UseCommands.generate, async (args?: UseArgs): Promise<UseResult<{ text: string; tokens: number }>> => {
      const ok = await need('lm', args);
      if (ok !== true) return ok;
      const src = await sourceText(args, 'Prompt to continue');
      if (!src) return { ok: false, error: 'cancelled' };
      const lm = models.lm!;
      const s = generateSettings();
      try {
        return await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `SeqLab: generating with ${lm.name} (temperature ${s.temperature}, top-k ${s.topK || 'off'}, top-p ${s.topP})`, cancellable: true },
          async (_p, token) => {
            const r = await generateInto(lm, src.text, s, token);
            return { ok: true as const, text: r.text, tokens: r.tokens };
          },
        );
      } catch (e) {
        return fail((e as Error).message);
      }
    }),

    vscode.commands.registerCommand(UseCommands.translate, async (args?: UseArgs): Promise<UseResult<{ output: string; sourceTokens: number; steps: number }>> => {
      const ok = await need('seq2seq', args);
      if (ok !== true) return ok;
      const src = await sourceText(args, 'Text to translate');
      if (!src) return { ok: false, error: 'cancelled' };
      const m = models.seq2seq!;
      try {
        const name = m.runId && m.step !== undefined ? `${m.name}, step ${m.step}` : m.name;
        const { view, spans } = translateForView(m.task, name, src.text, beamWidth(), src.editor !== null);
        const location = src.editor && src.range
          ? (() => {
            const doc = src.editor.document, base = doc.offsetAt(src.range.start);
            return { uri: doc.uri, spans: spans.map((s) => (s ? new vscode.Range(doc.positionAt(base + s[0]), doc.positionAt(base + s[1])) : null)) };
          })()
          : null;
        AttentionPanel.show(context.extensionUri, view, location);
        return { ok: true, output: view.output, sourceTokens: view.sourceTokens.length, steps: view.outputTokens.length };
      } catch (e) {
        return fail((e as Error).message);
      }
    }),

    vscode.commands.registerCommand(UseCommands.classify, async (args?: UseArgs): Promise<UseResult<{ label: string; probs: { label: string; prob: number }[] }>> => {
      const ok = await need('classify', args);
      if (ok !== true) return ok;
      const src = await sourceText(args, 'Text to classify');
      if (!src) return { ok: false, error: 'cancelled' };
      const { task, name } = models.classifier!;
      const labels = task.labels, C = labels.length;
      if (task.kind === 'classify') {
        const ids = task.encode(src.text);
        if (ids.length === 0) return fail('There is nothing to classify: the selection gives no tokens.');
        const p = task.predict(ids);
        const probs = labels.map((label, i) => ({ label, prob: p[i] })).sort((a, b) => b.prob - a.prob);
        showResult(`SeqLab (${name}): “${probs[0].label}” (${pct(probs[0].prob)})`, `Class probabilities for “${clip(src.text)}”`, probs);
        return { ok: true, label: probs[0].label, probs };
      }
      // A tagger: one tag per whitespace-separated token.
      const tokens = src.text.split(/\s+/).filter((t) => t.length > 0);
      if (tokens.length === 0) return fail('There is nothing to tag: the selection is empty.');
      const p = task.predict(task.encodeTokens(tokens));
      const tags = tokens.map((token, r) => {
        let best = 0;
        for (let c = 1; c < C; c++) if (p[r * C + c] > p[r * C + best]) best = c;
        return `${token}/${labels[best]}`;
      });
      void vscode.window.showInformationMessage(`SeqLab (${name}): ${tags.join(' ')}`);
      return { ok: true, label: tags.join(' '), probs: [] };
    }),
  );
  return { models, completions };
}

const pct = (p: number): string => `${(100 * p).toFixed(1)}%`;
const clip = (t: string): string => (t.length > 40 ? `${t.slice(0, 40)}…` : t).replace(/\s+/g, ' ');

/** The label and every class probability, most probable first, as a read-only list (Enter or Escape closes). */
function showResult(title: string, placeholder: string, probs: readonly { label: string; prob: number }[]): void {
  const qp = vscode.window.createQuickPick();
  qp.title = title;
  qp.placeholder = placeholder;
  qp.matchOnDescription = false;
  qp.items = probs.map((x) => ({ label: x.label, description: pct(x.prob), detail: '█'.repeat(Math.max(1, Math.round(x.prob * 40))) }));
  qp.onDidAccept(() => qp.hide());
  qp.onDidHide(() => qp.dispose());
  qp.show();
}
