// Collecting a corpus in the editor: the current selection, the active file, or workspace files chosen by a
// glob. Files are found with workspace.findFiles (our own excludes, a file-count cap) and read with
// workspace.fs, so remote workspaces work; what to keep is decided by the pure engine/corpus.ts, under the
// size cap of the setting seqlab.training.maxCorpusMB.
import * as vscode from 'vscode';
import {
  CorpusError, DEFAULT_MAX_CORPUS_MB, MAX_CORPUS_MB, assembleCorpus, corpusLimits, textCorpus, type Corpus, type CorpusFile, type CorpusLimits,
} from '../../engine/corpus';

export type CorpusSource =
  | { kind: 'selection' }
  | { kind: 'activeFile' }
  | { kind: 'glob'; include: string; exclude?: string };

/** Always excluded: dependencies, VCS data, build output, test downloads, packaged extensions. */
export const DEFAULT_EXCLUDES = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/build/**', '**/.vscode-test/**', '**/*.vsix'];

/** The caps from the setting seqlab.training.maxCorpusMB, with the hint every cap message ends with. */
export function corpusLimitsFromSettings(): CorpusLimits {
  const set = vscode.workspace.getConfiguration('seqlab').get<number>('training.maxCorpusMB', DEFAULT_MAX_CORPUS_MB);
  const mb = typeof set === 'number' && set > 0 ? Math.min(set, MAX_CORPUS_MB) : DEFAULT_MAX_CORPUS_MB;
  return corpusLimits(mb, `To use more, raise the setting seqlab.training.maxCorpusMB (now ${mb}, at most ${MAX_CORPUS_MB}).`);
}

export async function collectCorpus(source: CorpusSource, limits: CorpusLimits = corpusLimitsFromSettings()): Promise<Corpus & { description: string }> {
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
        // Devices, FIFOs and sockets (FileType.Unknown, possibly behind a symlink) may never end, and over-cap
        // files are not needed: neither is read; assembleCorpus reports them.
        const special = (stat.type & vscode.FileType.File) === 0;
        const bytes = special || stat.size > limits.maxFileBytes ? new Uint8Array(0) : await vscode.workspace.fs.readFile(uri);
        files.push({ name, bytes, size: stat.size, special });
      }
      return { ...assembleCorpus(files, limits, capped), description: `${chosen.length} file(s) matching ${source.include}` };
    }
  }
}
