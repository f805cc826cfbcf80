// The language model the inspection views read (no 'vscode'): a private copy of the weights of the model that
// completions use (ModelHub.lm: the run in training, refreshed from its snapshots, or a loaded checkpoint), so
// painting never grows that model's caches nor touches its gradients, and the text's token spans, so each token's
// value lands on the characters it came from. The copy is remade only when the weights' version changes.
import { LanguageModel } from '../../engine/lm';
import type { Tokenizer } from '../../engine/tokenize/types';
import { sourceSpans } from '../use/translate';

export interface InspectSource {
  readonly name: string;
  readonly model: LanguageModel;
  readonly tokenizer: Tokenizer;
  readonly step: number | null;
  readonly version: number;
}

export interface TokenizedText {
  ids: number[];
  /** [start, end) of each token in the text, or null where it cannot be placed. */
  spans: ([number, number] | null)[];
}

export class InspectModel {
  private copy: LanguageModel | null = null;
  private of: LanguageModel | null = null;
  private version = -1;

  /** A plain copy of `src.model` with its current weights. */
  model(src: InspectSource): LanguageModel {
    if (!this.copy || this.of !== src.model) {
      this.copy = new LanguageModel(src.model.cfg);
      this.of = src.model;
      this.version = -1;
    }
    if (this.version !== src.version) {
      this.copy.params.data.set(src.model.params.data);
      this.version = src.version;
    }
    return this.copy;
  }
}

export function tokenizeText(tok: Tokenizer, text: string): TokenizedText {
  const ids = tok.encode(text);
  return { ids, spans: sourceSpans(text, ids, tok) };
}

/** A token's text for a hover, visible whitespace. */
export function shown(s: string): string {
  return JSON.stringify(s).slice(1, -1).replace(/ /g, '␣');
}
