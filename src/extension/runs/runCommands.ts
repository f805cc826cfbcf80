// Runs the user can tell apart and tidy: rename, hide / show (on the dashboard's charts), delete (its files leave
// the store, after a confirmation), export its scalars as CSV or JSON Lines, and — when a run stops here — a
// notification offering "Save Model As…". Each command takes an optional argument object ({ runId, … }) so the
// dashboard's runs table and tests can drive it without prompts; without a run id it asks which run.
import * as vscode from 'vscode';
import type { RunAction } from '../../protocol/dashboard';
import type { DashboardFeed } from '../panels/dashboardFeed';
import type { RunRecord, TrainingSession } from '../training/session';
import { formatOfFile, scalarsFile, type ScalarFormat } from './scalarsExport';
import { StopNotices } from './stopNotice';

export const RunCommands = {
  rename: 'seqlab.renameRun',
  hide: 'seqlab.hideRun',
  show: 'seqlab.showRun',
  delete: 'seqlab.deleteRun',
  exportScalars: 'seqlab.exportRunScalars',
} as const;

/** The command each button of the dashboard's runs table runs, with `{ runId }` (plus the format for exports). */
export const RUN_ACTION_COMMANDS: Record<RunAction, { command: string; args?: Record<string, unknown> }> = {
  rename: { command: RunCommands.rename },
  hide: { command: RunCommands.hide },
  show: { command: RunCommands.show },
  delete: { command: RunCommands.delete },
  exportCsv: { command: RunCommands.exportScalars, args: { format: 'csv' } },
  exportJsonl: { command: RunCommands.exportScalars, args: { format: 'jsonl' } },
  saveModel: { command: 'seqlab.saveModelAs' },
};

export type RunCommandResult = { ok: true; runId: string; file?: string; rows?: number } | { ok: false; error: string };

const LIVE = new Set(['starting', 'running', 'paused', 'stopping']);

export function registerRunCommands(context: vscode.ExtensionContext, session: TrainingSession, feed: DashboardFeed, afterDelete: () => void): void {
  const fail = (error: string): RunCommandResult => (void vscode.window.showErrorMessage(error), { ok: false, error });
  const guard = (f: () => Promise<RunCommandResult>) => async (): Promise<RunCommandResult> => {
    try {
      return await f();
    } catch (e) {
      return fail((e as Error).message);
    }
  };
  /** The run named by `runId`, else the one the user picks (among those `filter` keeps); null when cancelled. */
  const pick = async (runId: string | undefined, placeHolder: string, filter: (r: RunRecord) => boolean = () => true): Promise<RunRecord | string | null> => {
    if (runId) return session.runs.get(runId) ?? `There is no run with id ${runId} (it may have been deleted).`;
    const runs = [...session.runs.values()].filter(filter).reverse();
    if (runs.length === 0) return 'There is no run for this: train a model first (SeqLab: Train on Selection).';
    const chosen = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.name, description: `${r.state} at step ${r.step}${r.hidden ? ' · hidden' : ''}`, run: r })), { placeHolder },
    );
    return chosen?.run ?? null;
  };
  const withRun = (placeHolder: string, filter: ((r: RunRecord) => boolean) | undefined, act: (run: RunRecord, args: Record<string, unknown>) => Promise<RunCommandResult>) =>
    (args?: { runId?: string } & Record<string, unknown>) => guard(async () => {
      const run = await pick(args?.runId, placeHolder, filter);
      if (run === null) return { ok: false, error: 'cancelled' };
      if (typeof run === 'string') return fail(run);
      return act(run, args ?? {});
    })();

  const setHidden = async (run: RunRecord, hidden: boolean): Promise<RunCommandResult> => {
    run.hidden = hidden;
    await session.store.updateRun(run.id, { hidden });
    feed.runChanged(run.id);
    return { ok: true, runId: run.id };
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(RunCommands.rename, withRun('Run to rename', undefined, async (run, args) => {
      const given = typeof args['name'] === 'string' ? args['name'] : await vscode.window.showInputBox({
        title: `Rename run "${run.name}"`, value: run.name, prompt: 'A name to tell this run apart on the dashboard',
        validateInput: (v) => (v.trim() ? null : 'A run needs a name.'),
      });
      if (given === undefined) return { ok: false, error: 'cancelled' };
      const name = given.trim();
      if (!name) return fail('A run needs a name: the new name is empty.');
      run.name = name;
      // Persisted in run.json, so the name survives a window reload.
      await session.store.updateRun(run.id, { name });
      feed.runChanged(run.id);
      return { ok: true, runId: run.id };
    })),
    vscode.commands.registerCommand(RunCommands.hide, withRun('Run to hide from the charts', (r) => !r.hidden, (run) => setHidden(run, true))),
    vscode.commands.registerCommand(RunCommands.show, withRun('Hidden run to show again', (r) => r.hidden === true, (run) => setHidden(run, false))),
    vscode.commands.registerCommand(RunCommands.delete, withRun('Run to delete', undefined, async (run, args) => {
      if (session.workerThreadId !== null && session.current === run && LIVE.has(run.state)) {
        return fail(`Run "${run.name}" is training: stop it before deleting it.`);
      }
      if (args['confirm'] !== true) {
        const yes = 'Delete';
        const answer = await vscode.window.showWarningMessage(
          `Delete run "${run.name}"?`, { modal: true, detail: `Its metrics, its stored corpus and every checkpoint (step ${run.lastCheckpointStep ?? run.step}) are removed from the extension's storage. Save the model first (Save Model As…) to keep it.` }, yes,
        );
        if (answer !== yes) return { ok: false, error: 'cancelled' };
      }
      await session.store.flush();
      await session.store.deleteRun(run.id);
      session.runs.delete(run.id);
      feed.runRemoved(run.id);
      afterDelete();
      return { ok: true, runId: run.id };
    })),
    vscode.commands.registerCommand(RunCommands.exportScalars, withRun('Run whose scalars to export', (r) => r.history.length > 0, async (run, args) => {
      if (run.history.length === 0) return fail(`Run "${run.name}" has no metrics in this window yet: nothing to export.`);
      let format: ScalarFormat | undefined = args['format'] === 'csv' || args['format'] === 'jsonl' ? args['format'] : undefined;
      let out: vscode.Uri | undefined = typeof args['out'] === 'string' ? vscode.Uri.file(args['out']) : undefined;
      if (!out) {
        const ext = format ?? 'csv';
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const base = `${run.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'run'}-scalars.${ext}`;
        out = await vscode.window.showSaveDialog({
          title: `Export the scalars of "${run.name}"`, saveLabel: 'Export',
          ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, base) } : {}),
          filters: format === 'jsonl' ? { 'JSON Lines': ['jsonl'], CSV: ['csv'] } : { CSV: ['csv'], 'JSON Lines': ['jsonl'] },
        });
        if (!out) return { ok: false, error: 'cancelled' };
      }
      format ??= formatOfFile(out.path);
      const text = scalarsFile(format, run.history, run.info?.groups ?? []);
      await vscode.workspace.fs.writeFile(out, Buffer.from(text, 'utf8'));
      const rows = new Set(run.history.map((p) => p.step)).size;
      void vscode.window.showInformationMessage(`Exported ${rows} steps of "${run.name}" to ${out.fsPath} (${format === 'csv' ? 'CSV' : 'JSON Lines'}).`);
      return { ok: true, runId: run.id, file: out.fsPath, rows };
    })),
  );

  // A run that stops (Stop, its step limit) offers to keep its model outside the hidden workspace storage.
  // Only a run that was live here and stopped here: not an imported one, nor one restored ended (stopNotice.ts).
  const notices = new StopNotices();
  context.subscriptions.push(session.onEvent((e) => {
    if (e.type !== 'state') return;
    const text = notices.next(e.run);
    if (text !== null) void offerSave(e.run, text);
  }));
}

async function offerSave(run: RunRecord, text: string): Promise<void> {
  const save = 'Save Model As…';
  const pick = await vscode.window.showInformationMessage(text, save);
  if (pick === save) await vscode.commands.executeCommand('seqlab.saveModelAs', { runId: run.id });
}
