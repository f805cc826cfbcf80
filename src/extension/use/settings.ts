// Typed view of the inference settings (`seqlab.completions.*`, `seqlab.generate.*`, `seqlab.translate.*`).
// Defaults here must match package.json's contributes.configuration.
import * as vscode from 'vscode';

export interface CompletionSettings {
  enabled: boolean;
  /** Language ids always offered completions ('*': every language); the model's training languages are added. */
  languages: string[];
  /** Wait this long after the last keystroke before computing a suggestion (ms). */
  debounceMs: number;
  /** Suggest nothing when the best word's probability is below this. */
  minConfidence: number;
  /** After a space or punctuation, suggest the next word only when its probability is at least this. */
  nextWordConfidence: number;
  /** Softmax temperature applied to the model's logits before ranking words (1 = the model's own distribution). */
  temperature: number;
  /** Words listed by Explain Suggestion. */
  explainTopK: number;
}

export interface GenerateSettings {
  temperature: number;
  /** 0 = no top-k cut. */
  topK: number;
  /** 1 = no nucleus cut. */
  topP: number;
  maxTokens: number;
}

const cfg = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('seqlab');

export function completionSettings(): CompletionSettings {
  const c = cfg();
  return {
    enabled: c.get<boolean>('completions.enabled', true),
    languages: c.get<string[]>('completions.languages', ['plaintext', 'markdown']),
    debounceMs: Math.max(0, c.get<number>('completions.debounceMs', 75)),
    minConfidence: c.get<number>('completions.minConfidence', 0.2),
    nextWordConfidence: c.get<number>('completions.nextWordConfidence', 0.5),
    temperature: Math.max(0.05, c.get<number>('completions.temperature', 1)),
    explainTopK: Math.max(1, c.get<number>('completions.explainTopK', 5)),
  };
}

export function generateSettings(): GenerateSettings {
  const c = cfg();
  return {
    temperature: Math.max(0, c.get<number>('generate.temperature', 0.8)),
    topK: Math.max(0, c.get<number>('generate.topK', 0)),
    topP: Math.min(1, Math.max(0, c.get<number>('generate.topP', 0.95))),
    maxTokens: Math.min(100000, Math.max(1, c.get<number>('generate.maxTokens', 400))), // the schema's bounds; settings.json can hold anything
  };
}

export function beamWidth(): number {
  return Math.max(1, Math.min(64, cfg().get<number>('translate.beamWidth', 1)));
}
