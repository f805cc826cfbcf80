// "Why this suggestion, on the text" (issue #17): Explain Suggestion paints the text before the cursor by how much
// each token contributed to the suggested word, so the user sees whether the model looked three characters back
// or three lines back. The numbers are gradient × input on the embeddings (engine/inspect/saliency.ts says why
// that and not occlusion) of log P(word | text) under the model at temperature 1, computed on a private copy of
// the weights (inspectModel.ts), once per word shown, never on a keystroke.
import type * as vscode from 'vscode';
import { gradientTimesInput, MAX_SALIENCY_TOKENS } from '../../engine/inspect/saliency';
import { Disposable } from '../disposable';
import { symmetricScale } from './divergingScale';
import { InspectModel, shown, tokenizeText, type InspectSource } from './inspectModel';
import { TextPainter, type PaintedSpan } from './textPainter';

export interface SaliencyResult {
  word: string;
  logProb: number;
  /** One per prompt token: [start, end) in the document and its attribution. */
  tokens: { start: number; end: number; value: number }[];
}

export class SuggestionSaliency extends Disposable {
  private readonly painter = this.register(new TextPainter('SeqLab: why this suggestion'));
  private readonly copy = new InspectModel();

  clear(): void {
    this.painter.clear();
  }

  /**
   * Paints the `prefix` (the text from document offset `base` to the cursor) by each token's contribution to
   * `word`, whose rest after the cursor is `completion`. Null when the word adds no token.
   */
  paint(editor: vscode.TextEditor, lm: InspectSource, base: number, prefix: string, word: string, completion: string): SaliencyResult | null {
    // Tokenize the prefix and the completion together (a word tokenizer splits them as it would the whole text);
    // the tokens that end inside the prefix are the prompt, the rest spell the word.
    if (!completion) return null;
    const all = tokenizeText(lm.tokenizer, prefix + completion);
    let P = 0;
    while (P < all.ids.length && (all.spans[P]?.[1] ?? prefix.length + 1) <= prefix.length) P++;
    P = Math.max(1, Math.min(P, all.ids.length - 1));
    if (all.ids.length < 2) return null;
    const from = Math.max(0, P - (MAX_SALIENCY_TOKENS - (all.ids.length - P) + 1));
    const prompt = all.ids.slice(from, P), target = all.ids.slice(P);
    const { attributions, logProb } = gradientTimesInput(this.copy.model(lm), prompt, target);
    const scale = symmetricScale(attributions);
    const spans: PaintedSpan[] = [];
    const tokens: SaliencyResult['tokens'] = [];
    prompt.forEach((_, i) => {
      const s = all.spans[from + i];
      if (!s) return;
      const a = attributions[i];
      tokens.push({ start: base + s[0], end: base + s[1], value: a });
      // Colour by √(|a| / max): attributions are heavy-tailed (the last few characters usually dominate), and a
      // linear scale would leave the earlier context, the part worth seeing, all but blank. The hover is exact.
      spans.push({
        start: base + s[0], end: base + s[1], value: Math.sign(a) * Math.sqrt(Math.abs(a) / scale),
        hover: `“${shown(prefix.slice(s[0], s[1]))}” ${a >= 0 ? 'raised' : 'lowered'} log P(“${shown(completion)}” after the cursor) by **${Math.abs(a).toFixed(4)}** ` +
          `(${(100 * Math.abs(a) / scale).toFixed(0)}% of the strongest; log P = ${logProb.toFixed(3)}, temperature 1). ` +
          'Gradient × input on the embedding: red pushed the model towards the word, blue away from it (colour ∝ √ of the size).',
      });
    });
    this.painter.paint(editor, spans, 1);
    return { word, logProb, tokens };
  }
}
