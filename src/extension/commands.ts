// Command ids (as contributed in package.json) and their registration, plus the dashboard's host side (feed,
// serializer, buttons) and the status bar. Handlers stay thin: they delegate to the session, the experiments
// worker and the panels, which own the state. Every command takes an optional argument object so tests can
// drive it without prompts, and returns what happened instead of throwing.
import * as vscode from 'vscode';
import type { DashboardAction } from '../protocol/dashboard';
import { assertNever } from '../protocol/assertNever';
import { CorpusError } from '../engine/corpus';
import type { RunConfig } from '../engine/run/config';
import { readConfig, readRunSettings } from './config';
import { ExperimentsClient } from './experiments/client';
import { checkGradients, runVanishingGradientExperiment } from './experiments/commands';
import type { LongLagOptions } from './experiments/jobs';
import { currentModel, newModel } from './newModel';
import { loadModel, saveModelAs } from './newModelFiles';
import { exportTrainingProject } from './exportProject';
import { DashboardFeed } from './panels/dashboardFeed';
import { DashboardPanel } from './panels/dashboardPanel';
import { feedSource, textSampler } from './panels/sessionFeed';
import { TrainingStatus } from './status';
import { corpusLimitsFromSettings, type CorpusSource } from './training/corpusSource';
import { selectionOverrides } from './selectionDefaults';
import { pickTrainingFiles } from './training/filePicker';
import { registerRunCommands } from './runs/runCommands';
import type { CommandResult } from './training/trainingCommands';
import type { TrainingSession } from './training/session';
import type { ModelHub } from './use/models';

export const Commands = {
  showDashboard: 'seqlab.showDashboard',
  newModel: 'seqlab.newModel',
  trainOnSelection: 'seqlab.trainOnSelection',
  trainOnWorkspaceFiles: 'seqlab.trainOnWorkspaceFiles',
  loadModel: 'seqlab.loadModel',
  exportTrainingProject: 'seqlab.exportTrainingProject',
  saveModelAs: 'seqlab.saveModelAs',
  runVanishingGradientExperiment: 'seqlab.runVanishingGradientExperiment',
  checkGradients: 'seqlab.checkGradients',
  // Registered by training/trainingCommands.ts:
  startTraining: 'seqlab.startTraining',
  pauseTraining: 'seqlab.pauseTraining',
  resumeTraining: 'seqlab.resumeTraining',
  stopTraining: 'seqlab.stopTraining',
} as const;

export interface TrainArgs {
  /** Overrides of this one run, over the chosen model and the settings. */
  config?: Partial<RunConfig>;
  name?: string;
  /** Train on Workspace Files… only: the glob (no picker). */
  glob?: string;
  /** Train on Workspace Files… only: these files (absolute paths; no picker). */
  files?: string[];
}

export interface DashboardApi {
  readonly feed: DashboardFeed;
  readonly experiments: ExperimentsClient;
  readonly status: TrainingStatus;
}

export function registerCommands(context: vscode.ExtensionContext, session: TrainingSession, models: ModelHub | null): DashboardApi {
  const uri = context.extensionUri;
  const experiments = new ExperimentsClient(vscode.Uri.joinPath(uri, 'dist', 'experimentsWorker.js').fsPath);
  const feed = new DashboardFeed(feedSource(session), {
    settings: () => readConfig(),
    sample: textSampler(session, experiments),
  });
  const status = new TrainingStatus(session, () => currentModel(context.workspaceState).label, Commands.showDashboard);
  const output = vscode.window.createOutputChannel('SeqLab Gradient Check');
  context.subscriptions.push({ dispose: () => experiments.dispose() }, { dispose: () => feed.dispose() }, status, output);

  const onAction = (a: DashboardAction): void => void dashboardAction(session, a).catch((e: Error) => vscode.window.showErrorMessage(e.message));
  const show = (preserveFocus = false): void => void DashboardPanel.show(uri, feed, onAction, preserveFocus);
  // Restores a dashboard left open when the window reloads (activation: onWebviewPanel:seqlab.dashboard).
  context.subscriptions.push(DashboardPanel.registerSerializer(uri, feed, onAction));
  // A panel outlives no extension: close it when the extension is deactivated.
  context.subscriptions.push({ dispose: () => DashboardPanel.current?.dispose() });

  // Every kind trains here: the start command builds the config (the chosen model over the settings), reads the
  // data for its task and refuses, naming the file and line, what does not fit, before anything starts.
  const train = async (source: CorpusSource, args?: TrainArgs): Promise<CommandResult> => {
    // The dashboard opens first, so it is listening when the run appears; the editor keeps the focus (the user
    // may keep typing while the model trains). Data that is refused closes a dashboard opened for it.
    const wasOpen = DashboardPanel.current !== undefined, runsBefore = session.runs.size;
    show(true);
    const result = (await vscode.commands.executeCommand<CommandResult>(Commands.startTraining, { source, config: args?.config, name: args?.name })) ?? { ok: false, error: 'no result' };
    if (!result.ok && !wasOpen && session.runs.size === runsBefore) DashboardPanel.current?.dispose();
    return result;
  };

  // Rename, hide, show, delete and export runs (the dashboard's runs table runs these too).
  registerRunCommands(context, session, feed, () => status.update());
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.showDashboard, () => show()),
    vscode.commands.registerCommand(Commands.newModel, async (args?: { preset?: string; custom?: Partial<RunConfig> }) => {
      try {
        const choice = await newModel(context.workspaceState, args);
        if (choice) status.modelChanged();
        return choice ? { ok: true, model: choice } : { ok: false, error: 'cancelled' };
      } catch (e) {
        void vscode.window.showErrorMessage((e as Error).message);
        return { ok: false, error: (e as Error).message };
      }
    }),
    vscode.commands.registerCommand(Commands.trainOnSelection, (args?: TrainArgs) => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        const error = 'Open a text file and select a paragraph to train on.';
        void vscode.window.showErrorMessage(error);
        return { ok: false, error };
      }
      // No selection: the whole file, as the user most likely meant. Early stopping is on unless the user chose
      // (selectionDefaults.ts): a selection is little data, and a large model memorises it.
      let config: Partial<RunConfig>;
      try {
        config = selectionOverrides(readRunSettings(), currentModel(context.workspaceState).config, args?.config);
      } catch (e) {
        const error = (e as Error).message; // a setting of the wrong type: the start command names it the same way
        void vscode.window.showErrorMessage(error);
        return { ok: false, error };
      }
      return train(editor.selection.isEmpty ? { kind: 'activeFile' } : { kind: 'selection' }, { ...args, config });
    }),
    vscode.commands.registerCommand(Commands.trainOnWorkspaceFiles, async (args?: TrainArgs) => {
      if (args?.glob) return train({ kind: 'glob', include: args.glob }, args);
      if (args?.files) return train({ kind: 'files', uris: args.files.map((f) => vscode.Uri.file(f)) }, args);
      const model = currentModel(context.workspaceState);
      let uris;
      try {
        uris = await pickTrainingFiles(model.config.task, model.label, readConfig().workspaceGlob, corpusLimitsFromSettings());
      } catch (e) {
        if (!(e instanceof CorpusError)) throw e;
        void vscode.window.showErrorMessage(e.message);
        return { ok: false, error: e.message };
      }
      return uris ? train({ kind: 'files', uris }, args) : { ok: false, error: 'cancelled' };
    }),
    vscode.commands.registerCommand(Commands.loadModel, (args?: { folder?: string }) =>
      models ? loadModel(models, args, session) : { ok: false, error: 'models are not available' }),
    vscode.commands.registerCommand(Commands.exportTrainingProject, (args?: { runId?: string; folder?: string }) => exportTrainingProject(session, args)),
    vscode.commands.registerCommand(Commands.saveModelAs, (args?: { folder?: string; runId?: string }) => saveModelAs(session, args)),
    vscode.commands.registerCommand(Commands.runVanishingGradientExperiment, (args?: Partial<LongLagOptions>) =>
      runVanishingGradientExperiment(experiments, feed, () => show(), args)),
    vscode.commands.registerCommand(Commands.checkGradients, async () => {
      const r = await checkGradients(session, models, experiments, feed, output);
      if (r.ok) show(true);
      return r;
    }),
  );
  return { feed, experiments, status };
}

async function dashboardAction(session: TrainingSession, a: DashboardAction): Promise<void> {
  switch (a) {
    case 'lowerLearningRate':
      session.adjust({ lrScale: 0.1 });
      return;
    case 'enableClipping':
      session.adjust({ clipNorm: 1 });
      return;
    case 'rollback':
      await session.rollback();
      session.resume();
      return;
    case 'pause':
      await vscode.commands.executeCommand(Commands.pauseTraining);
      return;
    case 'resume':
      await vscode.commands.executeCommand(Commands.resumeTraining);
      return;
    case 'stop':
      await vscode.commands.executeCommand(Commands.stopTraining);
      return;
    case 'stopKeepBest':
      await vscode.commands.executeCommand(Commands.stopTraining, { keepBest: true });
      return;
    default:
      assertNever(a, 'dashboard action');
  }
}
