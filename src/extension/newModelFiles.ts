// "Load Model…" and "Save Model As…": a model on disk is a checkpoint folder (model.safetensors, seqlab.json and,
// when it can continue training, training.safetensors). Loading hands the folder to the ModelHub, which makes it
// the editor's model of its kind (completions, Generate, Translate, Classify); saving copies the current run's
// best or latest checkpoint (seqlab.models.use; taken now if the run is live) into a folder the user picks.
import * as vscode from 'vscode';
import { META_FILE, MODEL_FILE, STATE_FILE } from '../engine/checkpoint';
import { writeCheckpointFolder } from './training/checkpointFolder';
import type { TrainingSession } from './training/session';
import type { ModelHub } from './use/models';
import { runCheckpoint } from './use/modelUse';
import { historyMetrics, modelFolder } from './projectFolder';

export type FileCommandResult = { ok: true; kind?: string; files?: string[] } | { ok: false; error: string };

export async function loadModel(models: ModelHub, args?: { folder?: string }, session?: TrainingSession): Promise<FileCommandResult> {
  const uri = args?.folder ? vscode.Uri.file(args.folder) : (await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, openLabel: 'Load Model', title: 'A SeqLab checkpoint folder (with seqlab.json and model.safetensors), or a PyTorch training project',
  }))?.[0];
  if (!uri) return { ok: false, error: 'cancelled' };
  try {
    // A PyTorch training project (or its train.py's output) stands for its newest checkpoint (projectFolder.ts).
    const folder = await modelFolder(uri);
    const kind = await models.loadCheckpoint(folder.checkpoint);
    if (session && folder.config && folder.history.length) session.addImportedRun(uri.path.split('/').filter(Boolean).pop() ?? 'imported model', folder.config, historyMetrics(folder.history));
    const use = kind === 'lm' ? 'inline suggestions and Generate Text' : kind === 'seq2seq' ? 'Translate Selection' : 'Classify Selection';
    const which = folder.checkpoint.toString() === uri.toString() ? '' : `, its newest checkpoint ${folder.checkpoint.path.slice(uri.path.replace(/\/$/, '').length + 1)}`;
    void vscode.window.showInformationMessage(`Loaded ${vscode.workspace.asRelativePath(uri)} (${kind === 'lm' ? 'language model' : kind}${which}): it is now used by ${use}.`);
    return { ok: true, kind };
  } catch (e) {
    const error = `Could not load the model: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(error);
    return { ok: false, error };
  }
}

export async function saveModelAs(session: TrainingSession, args?: { folder?: string; runId?: string }): Promise<FileCommandResult> {
  const run = args?.runId ? session.runs.get(args.runId) : session.current;
  const fail = (error: string): FileCommandResult => (void vscode.window.showErrorMessage(error), { ok: false, error });
  if (!run) return fail('There is no model to save: train one first (SeqLab: Train on Selection).');
  try {
    if (session.current === run && (run.state === 'running' || run.state === 'paused')) await session.requestCheckpoint();
    await session.store.flush();
    // The best validation's weights or the latest, as seqlab.models.use says (use/modelUse.ts).
    const chosen = await runCheckpoint(session.store, run);
    if (!chosen) return fail(`Run "${run.name}" has no checkpoint yet: let it train a little longer.`);
    const ck = chosen.files;
    const out = args?.folder ? vscode.Uri.file(args.folder) : await vscode.window.showSaveDialog({ saveLabel: 'Save Model', title: 'Folder to save the model in' });
    if (!out) return { ok: false, error: 'cancelled' };
    const files: [string, Uint8Array][] = [[MODEL_FILE, ck.model], [META_FILE, Buffer.from(ck.meta, 'utf8')], ...(ck.state ? [[STATE_FILE, ck.state] as [string, Uint8Array]] : [])];
    const written = await writeCheckpointFolder(out, Object.fromEntries(files));
    void vscode.window.showInformationMessage(`Saved "${run.name}" (step ${chosen.step ?? run.lastCheckpointStep ?? run.step}${chosen.step !== null && run.best?.step === chosen.step ? ', its best validation' : ''}) to ${out.fsPath}. "SeqLab: Load Model…" loads it again.`);
    return { ok: true, files: written };
  } catch (e) {
    return fail(`Could not save the model: ${(e as Error).message}`);
  }
}
