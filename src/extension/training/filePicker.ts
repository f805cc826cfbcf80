// The file picker of "SeqLab: Train on Workspace Files…": every workspace file matching the setting
// seqlab.training.workspaceGlob (widened by the file kinds the chosen model's data usually has, e.g. `.tsv` for
// pairs), each checked for the model BEFORE training (fileCandidates.ts) and shown with what was found:
// "✓ 1,204 pairs" or "✗ line 3: expected …". Files that fit come first and are pre-selected; the rest are listed
// after a separator, unselected, so the user sees why a file is left out and may still pick it (training then
// stops on its first bad line with the same message).
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { CorpusError, formatBytes, type CorpusLimits } from '../../engine/corpus';
import type { TaskKind } from '../../engine/run/config';
import { DEFAULT_EXCLUDES } from './corpusSource';
import { CHECK_BYTES, TASK_GLOBS, candidateStatus, type CandidateStatus } from './fileCandidates';

/** Files listed at most, and how long checking them may take before the rest are listed unchecked. */
export const MAX_CANDIDATES = 500;
const CHECK_BUDGET_MS = 5000;

/** The data each task trains on, as the picker's placeholder names it. */
export const TASK_FORMATS: Record<TaskKind, string> = {
  lm: 'plain text',
  seq2seq: '"source<TAB>target" lines',
  classify: '"label<TAB>text" lines',
  tag: '"token<TAB>tag" lines, a blank line between sentences',
  'one-to-many': '"label<TAB>text" lines',
};

interface Candidate extends vscode.QuickPickItem {
  uri: vscode.Uri;
  status: CandidateStatus | null;
}

/** Shows the picker; resolves to the chosen files, or undefined when the user cancels or chooses none. */
export async function pickTrainingFiles(task: TaskKind, modelLabel: string, glob: string, limits: CorpusLimits): Promise<vscode.Uri[] | undefined> {
  const globs = [...new Set([glob, ...TASK_GLOBS[task]])];
  const candidates = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `SeqLab: checking workspace files for ${modelLabel}` },
    () => checkCandidates(task, globs, limits),
  );
  if (candidates.length === 0) {
    throw new CorpusError(`No workspace files match ${globs.join(' or ')} (node_modules, .git and build output are left out); change the setting seqlab.training.workspaceGlob to find your data.`);
  }
  const fit = candidates.filter((c) => c.status?.fits === true);
  const rest = candidates.filter((c) => c.status?.fits !== true);
  const qp = vscode.window.createQuickPick<Candidate | (vscode.QuickPickItem & { uri?: undefined })>();
  qp.title = `Train ${modelLabel} on workspace files`;
  qp.placeholder = `${fit.length} of ${candidates.length} file(s) hold ${TASK_FORMATS[task]} (selected)`;
  qp.canSelectMany = true;
  qp.matchOnDescription = true;
  qp.ignoreFocusOut = true;
  const separator = (label: string): vscode.QuickPickItem => ({ label, kind: vscode.QuickPickItemKind.Separator });
  qp.items = [
    ...(fit.length ? [separator(`fit: ${TASK_FORMATS[task]}`), ...fit] : []),
    ...(rest.length ? [separator('do not fit'), ...rest] : []),
  ];
  qp.selectedItems = fit;
  return new Promise((resolve) => {
    let chosen: vscode.Uri[] | undefined;
    qp.onDidAccept(() => {
      chosen = qp.selectedItems.flatMap((i) => (i.uri ? [i.uri] : []));
      qp.hide();
    });
    qp.onDidHide(() => {
      qp.dispose();
      resolve(chosen && chosen.length > 0 ? chosen : undefined);
    });
    qp.show();
  });
}

/** Finds the candidates (sorted by path) and checks each, within CHECK_BUDGET_MS; later ones stay unchecked. */
async function checkCandidates(task: TaskKind, globs: readonly string[], limits: CorpusLimits): Promise<Candidate[]> {
  const exclude = `{${DEFAULT_EXCLUDES.join(',')}}`;
  const found = new Map<string, vscode.Uri>();
  for (const g of globs) for (const uri of await vscode.workspace.findFiles(g, exclude, MAX_CANDIDATES)) found.set(uri.toString(), uri);
  const uris = [...found.values()].sort((a, b) => a.path.localeCompare(b.path)).slice(0, MAX_CANDIDATES);
  const deadline = Date.now() + CHECK_BUDGET_MS;
  const out: Candidate[] = [];
  for (const uri of uris) {
    const label = vscode.workspace.asRelativePath(uri);
    const status = Date.now() < deadline ? await checkFile(task, uri, label, limits) : null;
    out.push({ label, uri, status, description: status?.description ?? 'not checked (too many files to check in time)' });
  }
  return out;
}

async function checkFile(task: TaskKind, uri: vscode.Uri, name: string, limits: CorpusLimits): Promise<CandidateStatus> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if ((stat.type & vscode.FileType.File) === 0) return { fits: false, description: '✗ not a regular file (a device, FIFO or socket)' };
    const head = await readHead(uri, stat.size, limits.maxFileBytes);
    if (!head) return { fits: false, description: `not checked: a remote file of ${formatBytes(stat.size)} (only its start would be needed, but it would be read whole)` };
    return candidateStatus(task, name, head, stat.size, limits.maxFileBytes);
  } catch (e) {
    return { fits: false, description: `✗ could not be read: ${(e as Error).message}` };
  }
}

/** The first CHECK_BYTES of a file: read in place on disk; a remote file only when it is small (workspace.fs reads whole files). */
async function readHead(uri: vscode.Uri, size: number, maxBytes: number): Promise<Uint8Array | null> {
  if (size > maxBytes) return new Uint8Array(0); // candidateStatus refuses it from its size
  if (uri.scheme !== 'file') return size <= 4 * CHECK_BYTES ? vscode.workspace.fs.readFile(uri) : null;
  const handle = await fs.open(uri.fsPath, 'r');
  try {
    const buf = new Uint8Array(Math.min(size, CHECK_BYTES));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
