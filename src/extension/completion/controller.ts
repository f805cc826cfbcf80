// Inline completions in the editor: the provider's registration, the on/off toggle (the
// `seqlab.completions.enabled` setting, so it persists) with its status bar item, and "Explain Suggestion",
// which lists the next words the model weighs at the cursor with their probabilities and the temperature.
import * as vscode from 'vscode';
import type { Suggestion } from '../../engine/complete';
import { Disposable } from '../disposable';
import { SuggestionSaliency, type SaliencyResult } from '../inspect/suggestionSaliency';
import type { ModelHub } from '../use/models';
import { completionSettings } from '../use/settings';
import { SeqLabInlineCompletions } from './provider';
import { windowStart } from './suggester';

export const CompletionCommands = {
  toggle: 'seqlab.toggleCompletions',
  explain: 'seqlab.explainSuggestion',
} as const;

export interface Explanation {
  prefix: string;
  temperature: number;
  model: string;
  step: number | null;
  words: Suggestion[];
  /** The text before the cursor painted by each token's contribution to the first word (null: nothing to paint). */
  saliency: SaliencyResult | null;
}

export class CompletionController extends Disposable {
  readonly provider: SeqLabInlineCompletions;
  private readonly item: vscode.StatusBarItem;
  private readonly saliency = this.register(new SuggestionSaliency());

  constructor(private readonly hub: ModelHub) {
    super();
    this.provider = new SeqLabInlineCompletions(hub, () => completionSettings().enabled);
    // Every document: the provider itself checks the language against the settings and the model's languages.
    this.register(vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, this.provider));
    this.item = this.register(vscode.window.createStatusBarItem('seqlab.completions', vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'SeqLab Suggestions';
    this.item.command = CompletionCommands.toggle;
    this.register(hub.onDidChange((kind) => {
      if (kind === 'lm') {
        if (!hub.lm) this.provider.suggester.reset();
        // New weights are read into the suggester when typing pauses, never on a keystroke.
        else this.provider.suggester.refreshWhenIdle(() => hub.lm);
        this.refresh();
      }
    }));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('seqlab.completions')) this.refresh();
    }));
    this.register(vscode.commands.registerCommand(CompletionCommands.toggle, (args?: { enabled?: boolean }) => this.toggle(args?.enabled)));
    this.register(vscode.commands.registerCommand(CompletionCommands.explain, (args?: { pick?: boolean }) => this.explain(args?.pick ?? true)));
    this.refresh();
  }

  async toggle(enabled?: boolean): Promise<boolean> {
    const on = enabled ?? !completionSettings().enabled;
    await vscode.workspace.getConfiguration('seqlab').update('completions.enabled', on, vscode.ConfigurationTarget.Global);
    this.refresh();
    return on;
  }

  private refresh(): void {
    const on = completionSettings().enabled;
    const lm = this.hub.lm;
    this.hub.setLive(on);
    const model = !lm ? ': no model' : lm.step !== null ? ` · step ${lm.step}` : '';
    this.item.text = on ? `$(sparkle) SeqLab${model}` : '$(circle-slash) SeqLab: suggestions off';
    const lat = this.provider.suggester.latency();
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(on ? '**SeqLab suggestions are on.** Click to turn them off.\n\n' : '**SeqLab suggestions are off.** Click to turn them on.\n\n');
    md.appendMarkdown(lm ? `Model: ${lm.name}${lm.step !== null ? ` (step ${lm.step})` : ''}\n\n` : 'No language model yet: train one or load a checkpoint.\n\n');
    if (lat.count > 0) md.appendMarkdown(`Latency: p50 ${lat.p50.toFixed(2)} ms, p95 ${lat.p95.toFixed(2)} ms over the last ${lat.count} suggestions`);
    this.item.tooltip = md;
    this.item.show();
  }

  /** The top-k next words at the cursor; with `pick`, a quick pick that inserts the chosen word. */
  async explain(pick: boolean): Promise<Explanation | { error: string }> {
    const editor = vscode.window.activeTextEditor;
    const lm = this.hub.lm;
    const fail = (error: string): { error: string } => {
      void vscode.window.showWarningMessage(error);
      return { error };
    };
    if (!lm) return fail('SeqLab has no language model to explain: train one (SeqLab: Start Training) or load a checkpoint.');
    if (!editor) return fail('Open an editor and put the cursor where a suggestion would appear.');
    const s = completionSettings();
    const pos = editor.selection.active, doc = editor.document;
    const base = windowStart(doc.offsetAt(pos));
    const prefix = doc.getText(new vscode.Range(doc.positionAt(base), pos));
    if (!prefix) return fail('There is no text before the cursor to continue.');
    const words = this.provider.suggester.suggest(lm, s.temperature, prefix, s.explainTopK, Math.max(8, s.explainTopK), doc.uri.toString());
    // Paints the text before the cursor by its contribution to a word (the first, then whichever the pick shows).
    const why = (w: Suggestion | undefined): SaliencyResult | null => {
      try {
        return w ? this.saliency.paint(editor, lm, base, prefix, w.word, w.completion) : null;
      } catch (e) {
        console.warn('[seqlab] could not paint the suggestion\'s saliency', e);
        return null;
      }
    };
    const ex: Explanation = { prefix, temperature: s.temperature, model: lm.name, step: lm.step, words, saliency: why(words[0]) };
    if (!pick) return ex;
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { s?: Suggestion }>();
    const tail = prefix.slice(-30).replace(/\s+/g, ' ');
    qp.title = `Next words after “…${tail}” · temperature ${s.temperature} · ${lm.name}${lm.step !== null ? ` @ step ${lm.step}` : ''}`;
    qp.placeholder = `Top ${s.explainTopK} words by probability (threshold for ghost text ${(100 * s.minConfidence).toFixed(0)}%); pick one to insert it`;
    qp.items = words.length
      ? words.map((w) => ({
        label: w.word,
        description: `${(100 * w.prob).toFixed(1)}%`,
        detail: `${'█'.repeat(Math.max(1, Math.round(w.prob * 30)))}${w.prob < s.minConfidence ? '  below the confidence threshold' : ''}`,
        s: w,
      }))
      : [{ label: 'The model proposes no word here.' }];
    qp.onDidChangeActive((items) => {
      if (items[0]?.s) why(items[0].s);
    });
    const chosen = await new Promise<Suggestion | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]?.s));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (chosen?.completion) await editor.insertSnippet(new vscode.SnippetString().appendText(chosen.completion), pos);
    return ex;
  }
}
