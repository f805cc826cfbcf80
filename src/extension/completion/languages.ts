// Which documents get inline completions: the languages of `seqlab.completions.languages` (plaintext and
// markdown by default) plus the languages of the documents the model was trained on. For a glob corpus the
// files were never opened as documents, so their language is looked up from file extensions the way VS Code
// does it: every installed extension's `contributes.languages[].extensions`.
import * as vscode from 'vscode';

/** Language ids of the documents a corpus came from (selection / active file: the editor's; glob: by extension). */
export function corpusLanguages(kind: 'selection' | 'activeFile' | 'glob' | 'files', usedNames: readonly string[]): string[] {
  if (kind === 'selection' || kind === 'activeFile') {
    const id = vscode.window.activeTextEditor?.document.languageId;
    return id ? [id] : [];
  }
  const byExt = extensionLanguages();
  const out = new Set<string>();
  for (const name of usedNames) {
    const dot = name.lastIndexOf('.');
    const lang = dot >= 0 ? byExt.get(name.slice(dot).toLowerCase()) : undefined;
    if (lang) out.add(lang);
  }
  return [...out].sort();
}

/** '.ts' → 'typescript', from the language contributions of every installed extension (built-ins included). */
function extensionLanguages(): Map<string, string> {
  const map = new Map<string, string>();
  for (const ext of vscode.extensions.all) {
    const langs = (ext.packageJSON as { contributes?: { languages?: { id?: unknown; extensions?: unknown }[] } })?.contributes?.languages;
    if (!Array.isArray(langs)) continue;
    for (const l of langs) {
      if (typeof l.id !== 'string' || !Array.isArray(l.extensions)) continue;
      for (const e of l.extensions) if (typeof e === 'string' && !map.has(e.toLowerCase())) map.set(e.toLowerCase(), l.id);
    }
  }
  return map;
}

/** True when completions may be offered in a document of this language. */
export function completionLanguageAllowed(languageId: string, configured: readonly string[], trained: readonly string[]): boolean {
  return configured.includes('*') || configured.includes(languageId) || trained.includes(languageId);
}
