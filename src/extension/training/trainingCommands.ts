// The training commands (start, pause, resume, stop, export to PyTorch) and the user-facing side of a
// TrainingSession: corpus messages, the non-finite pause with its three remedies, crash reports with
// "Resume from checkpoint", and metrics forwarded to the dashboard. Handlers stay thin; the session owns state.
// Every command takes an optional argument object so tests (and issue 6's UI) can drive it without prompts.
import * as vscode from 'vscode';
import { CheckpointError, readCheckpoint } from '../../engine/checkpoint';
import { pytorchExportFiles } from '../../engine/checkpoint/interop';
import { CorpusError } from '../../engine/corpus';
import { DataFormatError } from '../../engine/data/readers';
import type { RunConfig } from '../../engine/run/config';
import { readRunSettings } from '../config';
import { currentModel, trainConfigFor } from '../newModel';
import { corpusLanguages } from '../completion/languages';
import { collectCorpus, type CorpusSource } from './corpusSource';
import { TrainingSession, type RunRecord, type SessionEvent } from './session';
import { prepareTaskCorpus } from './taskCorpus';
import { writeCheckpointFolder } from './checkpointFolder';
import { FileRunStore, nodeFiles } from './store';
import { workspaceFiles } from './vscodeFiles';

export const TrainingCommands = {
  start: 'seqlab.startTraining',
  pause: 'seqlab.pauseTraining',
  resume: 'seqlab.resumeTraining',
  stop: 'seqlab.stopTraining',
  exportPytorch: 'seqlab.exportPytorch',
} as const;

export interface StartArgs {
  source?: CorpusSource;
  /** Overrides of this one run, over the chosen model and the settings (trainConfigFor). */
  config?: Partial<RunConfig>;
  name?: string;
}

/** What a command returns instead of throwing, so callers (and tests) see the message the user saw. */
export type CommandResult = { ok: true; runId?: string; files?: string[]; config?: RunConfig } | { ok: false; error: string };

export function registerTraining(context: vscode.ExtensionContext): TrainingSession {
  const root = context.storageUri ?? context.globalStorageUri;
  // Local storage through Node's fs: workspace.fs has no fsync, and a checkpoint must survive a power loss too.
  const files = root.scheme === 'file' ? nodeFiles(root.fsPath) : workspaceFiles(root);
  const session = new TrainingSession(vscode.Uri.joinPath(context.extensionUri, 'dist', 'trainWorker.js').fsPath, new FileRunStore(files));
  context.subscriptions.push({ dispose: () => session.dispose() });
  context.subscriptions.push(session.onEvent((e) => onSessionEvent(session, e)));
  // Runs of an earlier window (e.g. one reloaded mid-training) become resumable; the newest, if it was live when
  // the window went away, says so with a Resume (its last checkpoint serves completions meanwhile: use/models.ts).
  void session.loadStoredRuns().then((runs) => {
    const newest = runs.at(-1);
    if (newest && newest.state === 'interrupted' && session.current === newest) void offerInterruptedResume(newest);
  }).catch((e: Error) => console.error('[seqlab] could not list stored runs', e));

  const fail = (error: string): CommandResult => {
    void vscode.window.showErrorMessage(error);
    return { ok: false, error };
  };
  const guard = async (f: () => Promise<CommandResult>): Promise<CommandResult> => {
    try {
      return await f();
    } catch (e) {
      return fail((e as Error).message);
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(TrainingCommands.start, (args?: StartArgs) => guard(async () => {
      // Every training command comes here: the chosen model over the settings, refused before any file is read.
      const config = trainConfigFor(currentModel(context.workspaceState), readRunSettings(), args?.config);
      // From the palette (no source): the chosen model on the selection or the active file, else on picked
      // workspace files, exactly as Train on Selection / Train on Workspace Files… do.
      const source = args?.source;
      if (!source) {
        const command = vscode.window.activeTextEditor ? 'seqlab.trainOnSelection' : 'seqlab.trainOnWorkspaceFiles';
        return (await vscode.commands.executeCommand<CommandResult>(command, { config: args?.config, name: args?.name })) ?? { ok: false, error: 'no result' };
      }
      let corpus, data;
      try {
        corpus = await collectCorpus(source);
        // Checked for the model's task before anything starts: a file that does not fit is named with its line.
        data = prepareTaskCorpus(config.task, corpus.texts, config.seed);
      } catch (e) {
        if (e instanceof CorpusError || e instanceof DataFormatError) return fail(e.message);
        throw e;
      }
      const messages = [...corpus.messages, ...(data.note ? [data.note] : [])];
      for (const m of messages) void vscode.window.showWarningMessage(m);
      const run = await session.start({
        name: args?.name ?? corpus.description, config,
        train: data.train, valid: data.valid, corpusMessages: messages, languages: corpusLanguages(source.kind, corpus.report.used),
      });
      return run.state === 'failed' ? fail(run.message ?? 'training failed to start') : { ok: true, runId: run.id, config };
    })),
    vscode.commands.registerCommand(TrainingCommands.pause, () => guard(async () => (session.pause(), { ok: true }))),
    vscode.commands.registerCommand(TrainingCommands.resume, (args?: { runId?: string }) => guard(async () => {
      const run = args?.runId ? session.runs.get(args.runId) : session.current;
      if (!run) return fail('There is no training run to resume.');
      if (run.state === 'paused') session.resume();
      else await session.resumeRun(run.id);
      return { ok: true, runId: run.id };
    })),
    // keepBest: the final weights are the best validation's (the memorising notice's "Stop and keep best weights").
    vscode.commands.registerCommand(TrainingCommands.stop, (args?: { keepBest?: boolean }) => guard(async () => (await session.stop(10_000, args?.keepBest === true), { ok: true }))),
    vscode.commands.registerCommand(TrainingCommands.exportPytorch, (args?: { runId?: string; out?: string }) => guard(async () => {
      const run = args?.runId ? session.runs.get(args.runId) : session.current;
      if (!run) return fail('There is no training run to export: train a model first.');
      if (session.current === run && (run.state === 'running' || run.state === 'paused')) await session.requestCheckpoint();
      await session.store.flush();
      const ck = await session.store.loadCheckpoint(run.id);
      if (!ck) return fail(`Run "${run.name}" has no checkpoint yet.`);
      let files;
      try {
        files = pytorchExportFiles(readCheckpoint(ck, run.name));
      } catch (e) {
        if (e instanceof CheckpointError) return fail(e.message);
        throw e;
      }
      const out = args?.out ? vscode.Uri.file(args.out) : (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Export here' }))?.[0];
      if (!out) return { ok: false, error: 'cancelled' };
      const written = await writeCheckpointFolder(out, files);
      void vscode.window.showInformationMessage(`Exported "${run.name}" for PyTorch to ${out.fsPath} (model.safetensors, seqlab.json, model.py).`);
      return { ok: true, runId: run.id, files: written };
    })),
  );
  return session;
}

function onSessionEvent(session: TrainingSession, e: SessionEvent): void {
  switch (e.type) {
    case 'metrics':
    case 'state':
      // The dashboard follows the session itself (panels/dashboardFeed.ts): every run, replayed on `ready`.
      return;
    case 'message':
      if (e.run.nonFinite) void offerNonFiniteRemedies(session, e.run, e.text);
      else if (e.run.state === 'crashed') void offerResume(session, e.run, e.text);
      else if (e.level === 'error') void vscode.window.showErrorMessage(e.text);
      else if (e.level === 'warning') void vscode.window.showWarningMessage(e.text);
      else void vscode.window.showInformationMessage(e.text);
      return;
    case 'memorising':
      void offerStopKeepBest(session, e.run, e.text);
      return;
    case 'best':
      return;
    case 'snapshot':
    case 'checkpoint':
    case 'attention': // the attention view follows the session itself
      return;
  }
}

async function offerNonFiniteRemedies(session: TrainingSession, run: RunRecord, text: string): Promise<void> {
  const lower = 'Lower learning rate ×0.1', clip = 'Turn on clipping (1.0)', back = 'Roll back to last checkpoint';
  const pick = await vscode.window.showWarningMessage(text, lower, clip, back);
  if (session.current !== run || run.state !== 'paused') return;
  if (pick === lower) session.adjust({ lrScale: 0.1 });
  else if (pick === clip) session.adjust({ clipNorm: 1 });
  else if (pick === back) {
    await session.rollback();
    session.resume();
  }
}

/** Once per run (the worker says it once): the model memorises; offer to stop with the best weights. */
async function offerStopKeepBest(session: TrainingSession, run: RunRecord, text: string): Promise<void> {
  const keep = STOP_KEEP_BEST;
  const pick = await vscode.window.showWarningMessage(`${text} Stop now and keep the best weights?`, keep);
  if (pick !== keep || session.current !== run || (run.state !== 'running' && run.state !== 'paused')) return;
  await vscode.commands.executeCommand(TrainingCommands.stop, { keepBest: true });
}

/** The label of the memorising notice's action (the dashboard's button says the same). */
export const STOP_KEEP_BEST = 'Stop and keep best weights';

/** A run that was training when the window went away (a reload, a crash): say so, and offer the Resume. */
async function offerInterruptedResume(run: RunRecord): Promise<void> {
  const resume = 'Resume';
  const from = run.lastCheckpointStep !== null ? ` (last checkpoint ${run.lastCheckpointStep})` : ' (no checkpoint was saved)';
  const text = `Training run "${run.name}" was interrupted at step ${run.step}${from} when the window closed.` +
    (run.lastCheckpointStep !== null ? ` Resume continues from step ${run.lastCheckpointStep}; its checkpoint serves suggestions meanwhile.` : '');
  const pick = await vscode.window.showWarningMessage(text, ...(run.lastCheckpointStep !== null ? [resume] : []));
  if (pick !== resume || run.state !== 'interrupted') return;
  await vscode.commands.executeCommand(TrainingCommands.resume, { runId: run.id });
}

async function offerResume(session: TrainingSession, run: RunRecord, text: string): Promise<void> {
  const resume = 'Resume from checkpoint';
  const pick = await vscode.window.showErrorMessage(text, ...(run.lastCheckpointStep !== null ? [resume] : []));
  if (pick === resume) await session.resumeRun(run.id).catch((e: Error) => vscode.window.showErrorMessage(e.message));
}
