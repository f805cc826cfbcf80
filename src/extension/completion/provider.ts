// Inline next-word suggestions (ghost text; Tab inserts) from the active language model, computed in the
// extension host on its own copy of the weights (use/models.ts), never on the training worker.
// Per request: off or no model → nothing; a language not offered → nothing; wait `debounceMs` (typing on
// cancels the token, and VS Code asks again) → nothing if cancelled; text after the cursor on the line →
// nothing; best word below `minConfidence` → nothing. A suggestion is one word, so it stays on one line.
import * as vscode from 'vscode';
import type { ModelHub } from '../use/models';
import { completionSettings } from '../use/settings';
import { completionLanguageAllowed } from './languages';
import { Suggester, windowStart } from './suggester';

export class SeqLabInlineCompletions implements vscode.InlineCompletionItemProvider {
  readonly suggester = new Suggester();
  /** Requests answered with a suggestion / with nothing (for the status tooltip and tests). */
  readonly counts = { shown: 0, empty: 0 };

  constructor(private readonly hub: ModelHub, private readonly isOn: () => boolean) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument, position: vscode.Position, _context: vscode.InlineCompletionContext, token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[]> {
    const items = await this.compute(document, position, token);
    if (items.length) this.counts.shown++;
    else this.counts.empty++;
    return items;
  }

  private async compute(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[]> {
    const s = completionSettings();
    const lm = this.hub.lm;
    if (!this.isOn() || !lm || !completionLanguageAllowed(document.languageId, s.languages, lm.languages)) return [];
    if (document.lineAt(position.line).text.slice(position.character).trim() !== '') return [];
    if (s.debounceMs > 0) await delay(s.debounceMs, token);
    if (token.isCancellationRequested || this.hub.lm !== lm) return [];
    const offset = document.offsetAt(position);
    const text = document.getText(new vscode.Range(document.positionAt(windowStart(offset)), position));
    if (text.length === 0) return [];
    const best = this.suggester.suggest(lm, s.temperature, text, 1)[0];
    if (token.isCancellationRequested || !best || best.prob < s.minConfidence) return [];
    const insert = best.completion.split(/\r?\n/, 1)[0];
    if (!insert) return [];
    return [new vscode.InlineCompletionItem(insert, new vscode.Range(position, position))];
  }
}

/** Resolves after `ms`, or at once when the token is cancelled. */
function delay(ms: number, token: vscode.CancellationToken): Promise<void> {
  return new Promise((resolve) => {
    const sub = token.onCancellationRequested(() => done());
    const timer = setTimeout(() => done(), ms);
    function done(): void {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    }
  });
}
