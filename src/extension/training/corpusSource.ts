// Collecting a corpus in the editor: the current selection, the active file, workspace files chosen by a
// glob, or files picked one by one (the picker of Train on Workspace Files…). Files are found with workspace.findFiles (our own excludes, a file-count cap) and read with
// workspace.fs, so remote workspaces work; what to keep is decided by the pure engine/corpus.ts, under the
// size cap of the setting seqlab.training.maxCorpusMB.
import * as vscode from 'vscode';
import {
  CorpusError, DEFAULT_MAX_CORPUS_MB, MAX_CORPUS_MB, assembleCorpus, corpusLimits, textCorpus, type Corpus, type CorpusFile, type CorpusLimits,
} from '../../engine/corpus';

export type CorpusSource =
  | { kind: 'selection' }
  | { kind: 'activeFile' }
  | { kind: 'glob'; include: string; exclude?: string }
  | { kind: 'files'; uris: readonly vscode.Uri[] };

/** The corpus, with each part's text apart: `firstLine` is where a selection begins in its file (0-based). */
export type CollectedCorpus = Corpus & { description: string; texts: { source: string; text: string; firstLine?: number }[] };

/** Always excluded: dependencies, VCS data, build output, test downloads, packaged extensions. */
export const DEFAULT_EXCLUDES = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/build/**', '**/.vscode-test/**', '**/*.vsix'];

/** The caps from the setting seqlab.training.maxCorpusMB, with the hint every cap message ends with. */
export function corpusLimitsFromSettings(): CorpusLimits {
  const set = vscode.workspace.getConfiguration('seqlab').get<number>('training.maxCorpusMB', DEFAULT_MAX_CORPUS_MB);
  const mb = typeof set === 'number' && set > 0 ? Math.min(set, MAX_CORPUS_MB) : DEFAULT_MAX_CORPUS_MB;
  return corpusLimits(mb, `To use more, raise the setting seqlab.training.maxCorpusMB (now ${mb}, at most ${MAX_CORPUS_MB}).`);
}

export async function collectCorpus(source: CorpusSource, limits: CorpusLimits = corpusLimitsFromSettings()): Promise<CollectedCorpus> {
  const editor = vscode.window.activeTextEditor;
  switch (source.kind) {
    case 'selection': {
      if (!editor) throw new CorpusError('There is no active editor, so there is no selection to train on.');
      const name = vscode.workspace.asRelativePath(editor.document.uri);
      const parts = editor.selections.map((s) => ({ source: name, text: editor.document.getText(s), firstLine: s.start.line }));
      const joined = parts.map((p) => p.text).join('\n');
      const corpus = textCorpus('selection', joined, limits);
      // A selection cut at the corpus cap is checked as the text that trains.
      const texts = corpus.text === joined ? parts : [{ source: name, text: corpus.text, firstLine: parts[0].firstLine }];
      return { ...corpus, texts, description: `selection in ${name}` };
    }
    case 'activeFile': {
      if (!editor) throw new CorpusError('There is no active editor: open the file to train on.');
      const name = vscode.workspace.asRelativePath(editor.document.uri);
      const corpus = textCorpus('active file', editor.document.getText(), limits);
      return { ...corpus, texts: [{ source: name, text: corpus.text }], description: name };
    }
    case 'glob': {
      const exclude = `{${[...DEFAULT_EXCLUDES, ...(source.exclude ? [source.exclude] : [])].join(',')}}`;
      const uris = await vscode.workspace.findFiles(source.include, exclude, limits.maxFiles + 1);
      const capped = uris.length > limits.maxFiles;
      const chosen = uris.sort((a, b) => a.toString().localeCompare(b.toString())).slice(0, limits.maxFiles);
      const corpus = assembleCorpus(await readFiles(chosen, limits), limits, capped);
      return { ...corpus, texts: corpus.files, description: `${chosen.length} file(s) matching ${source.include}` };
    }
    case 'files': {
      const chosen = source.uris.slice(0, limits.maxFiles);
      const corpus = assembleCorpus(await readFiles(chosen, limits), limits, source.uris.length > limits.maxFiles);
      const names = chosen.map((u) => vscode.workspace.asRelativePath(u));
      return { ...corpus, texts: corpus.files, description: names.length === 1 ? names[0] : `${names.length} files (${names[0]}, …)` };
    }
  }
}

async function readFiles(uris: readonly vscode.Uri[], limits: CorpusLimits): Promise<CorpusFile[]> {
  const files: CorpusFile[] = [];
  for (const uri of uris) {
    const name = vscode.workspace.asRelativePath(uri);
    const stat = await vscode.workspace.fs.stat(uri);
    // Devices, FIFOs and sockets (FileType.Unknown, possibly behind a symlink) may never end, and over-cap
    // files are not needed: neither is read; assembleCorpus reports them.
    const special = (stat.type & vscode.FileType.File) === 0;
    const bytes = special || stat.size > limits.maxFileBytes ? new Uint8Array(0) : await vscode.workspace.fs.readFile(uri);
    files.push({ name, bytes, size: stat.size, special });
  }
  return files;
}
