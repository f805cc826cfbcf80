// Collecting a corpus in the editor: the current selection, the active file, or workspace files chosen by a
// glob. Files are found with workspace.findFiles (our own excludes, a file-count cap) and read with
// workspace.fs, so remote workspaces work; what to keep is decided by the pure engine/corpus.ts.
import * as vscode from 'vscode';
import {
  CorpusError, DEFAULT_CORPUS_LIMITS, assembleCorpus, textCorpus, type Corpus, type CorpusFile, type CorpusLimits,
} from '../../engine/corpus';

export type CorpusSource =
  | { kind: 'selection' }
  | { kind: 'activeFile' }
  | { kind: 'glob'; include: string; exclude?: string };

/** Always excluded: dependencies, VCS data, build output, test downloads, packaged extensions. */
export const DEFAULT_EXCLUDES = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/build/**', '**/.vscode-test/**', '**/*.vsix'];

export async function collectCorpus(source: CorpusSource, limits: CorpusLimits = DEFAULT_CORPUS_LIMITS): Promise<Corpus & { description: string }> {
  const editor = vscode.window.activeTextEditor;
  switch (source.kind) {
    case 'selection': {
      if (!editor) throw new CorpusError('There is no active editor, so there is no selection to train on.');
      const text = editor.selections.map((s) => editor.document.getText(s)).join('\n');
      return { ...textCorpus('selection', text, limits), description: `selection in ${vscode.workspace.asRelativePath(editor.document.uri)}` };
    }
    case 'activeFile': {
      if (!editor) throw new CorpusError('There is no active editor: open the file to train on.');
      const name = vscode.workspace.asRelativePath(editor.document.uri);
      return { ...textCorpus('active file', editor.document.getText(), limits), description: name };
    }
    case 'glob': {
      const exclude = `{${[...DEFAULT_EXCLUDES, ...(source.exclude ? [source.exclude] : [])].join(',')}}`;
      const uris = await vscode.workspace.findFiles(source.include, exclude, limits.maxFiles + 1);
      const capped = uris.length > limits.maxFiles;
      const chosen = uris.sort((a, b) => a.toString().localeCompare(b.toString())).slice(0, limits.maxFiles);
      const files: CorpusFile[] = [];
      for (const uri of chosen) {
        const name = vscode.workspace.asRelativePath(uri);
        const stat = await vscode.workspace.fs.stat(uri);
        // Over-cap files are not even read; assembleCorpus reports them by size.
        const bytes = stat.size > limits.maxFileBytes ? new Uint8Array(0) : await vscode.workspace.fs.readFile(uri);
        files.push({ name, bytes, size: stat.size });
      }
      return { ...assembleCorpus(files, limits, capped), description: `${chosen.length} file(s) matching ${source.include}` };
    }
  }
}
