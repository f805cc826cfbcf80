// "SeqLab: Export Training Project for PyTorch…": a run of this window (its latest checkpoint, taken now if it is
// training, and the text it trains on) becomes a PyTorch training project (engine/export/project.ts) in a folder
// the user picks; the project's train.py takes the run's next step. Its history goes along (history.jsonl), so a
// model brought back with "Load Model…" shows the whole way it was trained.
import * as vscode from 'vscode';
import { pytorchProjectFiles, type HistoryPoint } from '../engine/export/project';
import { parseTaskData } from '../engine/run/data';
import { TrainingRun } from '../engine/run/run';
import type { FileCommandResult } from './newModelFiles';
import type { RunRecord, TrainingSession } from './training/session';

export async function exportTrainingProject(session: TrainingSession, args?: { runId?: string; folder?: string }): Promise<FileCommandResult> {
  const fail = (error: string): FileCommandResult => (void vscode.window.showErrorMessage(error), { ok: false, error });
  const run = args?.runId ? session.runs.get(args.runId) : await pickRun(session);
  if (run === null) return { ok: false, error: 'cancelled' };
  if (!run) return fail('There is no run to export: train one first (SeqLab: Train on Selection).');
  try {
    if (session.current === run && (run.state === 'running' || run.state === 'paused')) await session.requestCheckpoint();
    await session.store.flush();
    const [stored, ck] = await Promise.all([session.store.loadRun(run.id), session.store.loadCheckpoint(run.id)]);
    if (!stored || !ck) return fail(`Run "${run.name}" has no checkpoint yet: let it train a little longer.`);
    const out = args?.folder ? vscode.Uri.file(args.folder) : await vscode.window.showSaveDialog({ saveLabel: 'Export Project', title: 'Folder for the PyTorch training project' });
    if (!out) return { ok: false, error: 'cancelled' };
    // The run exactly as the worker holds it: rebuilt on its own text through the one resume path.
    const task = stored.config.task;
    const train = parseTaskData(task, [{ source: 'the training data', text: stored.train }]);
    const valid = stored.valid ? parseTaskData(task, [{ source: 'the validation data', text: stored.valid }]) : null;
    const resumed = TrainingRun.resume({ model: ck.model, meta: ck.meta, state: ck.state }, train, valid);
    const history: HistoryPoint[] = run.history.filter((p) => p.step <= resumed.step)
      .map((p) => ({ step: p.step, loss: p.loss, grad_norm: p.gradNorm, lr: p.lr, epoch: p.epoch }));
    const files = pytorchProjectFiles(resumed, { history, info: { run: run.name } });
    const written: string[] = [];
    for (const [name, content] of Object.entries(files)) {
      const uri = vscode.Uri.joinPath(out, ...name.split('/'));
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
      await vscode.workspace.fs.writeFile(uri, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      written.push(uri.fsPath);
    }
    void vscode.window.showInformationMessage(
      `Exported "${run.name}" (step ${resumed.step}) to ${out.fsPath}: run "python train.py --steps N" there (README.md has the torchrun commands); "SeqLab: Load Model…" on the folder brings it back.`,
    );
    return { ok: true, kind: task, files: written };
  } catch (e) {
    return fail(`Could not export the training project: ${(e as Error).message}`);
  }
}

/** The run to export: the only one, or the user's pick (null when the pick is cancelled, undefined when none). */
async function pickRun(session: TrainingSession): Promise<RunRecord | null | undefined> {
  const runs = [...session.runs.values()].filter((r) => r.lastCheckpointStep !== null || r.state === 'running' || r.state === 'paused');
  if (runs.length <= 1) return runs[0];
  const picked = await vscode.window.showQuickPick(
    runs.reverse().map((r) => ({ label: r.name, description: `${r.config.task}, step ${r.step} (${r.state})`, run: r })),
    { title: 'Export Training Project for PyTorch: which run?' },
  );
  return picked ? picked.run : null;
}
