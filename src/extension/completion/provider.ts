// Inline next-word suggestions (ghost text; Tab inserts) from the active language model, computed in the
// extension host on its own copy of the weights (use/models.ts), never on the training worker.
// Per request: off or no model → nothing; a language not offered → nothing; wait `debounceMs` (typing on
// cancels the token, and VS Code asks again) → nothing if cancelled; text after the cursor on the line →
// nothing; best word below `minConfidence` → nothing. A suggestion is one word, so it stays on one line.
// After a space or punctuation (no word begun) the suggestion is the next word, shown only when the model is
// confident: its probability P(word, then a boundary | text) — the product of the step probabilities along the
// word's characters or tokens, summed over the beam's paths that spell it — is at least `nextWordConfidence`
// (higher than minConfidence by default: a guessed next word is more intrusive than the end of a begun one).
// Refreshed weights are read in once typing pauses (Suggester.refreshWhenIdle), never on the keystroke path.
import * as vscode from 'vscode';
import type { ModelHub } from '../use/models';
import { completionSettings } from '../use/settings';
import { completionLanguageAllowed } from './languages';
import { GHOST_BEAM, Suggester, ghostText, windowStart } from './suggester';

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
    const best = this.suggester.suggest(lm, s.temperature, text, 1, GHOST_BEAM, document.uri.toString())[0];
    this.suggester.refreshWhenIdle(() => this.hub.lm);
    const insert = ghostText(best, text, s);
    if (token.isCancellationRequested || !insert) return [];
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
