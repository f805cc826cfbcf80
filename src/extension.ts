// Extension entry point: wiring only. Every registration goes into context.subscriptions.
import * as vscode from 'vscode';
import { registerCommands, type DashboardApi } from './extension/commands';
import type { TrainingSession } from './extension/training/session';
import { registerTraining } from './extension/training/trainingCommands';
import type { CompletionController } from './extension/completion/controller';
import { registerTerminalCli, type TerminalCli } from './extension/terminalCli';
import { registerUse } from './extension/use/commands';
import type { ModelHub } from './extension/use/models';
import { registerLiveAttention } from './extension/panels/liveAttentionCommands';
import type { LiveAttention } from './extension/panels/liveAttention';
import { registerTrainingContext } from './extension/trainingContext';
import { openWalkthroughOnFirstStart } from './extension/firstRun';
import { NeuronView } from './extension/inspect/neuronView';

/** What activate() returns (vscode.extensions.getExtension('seqlab.seqlab').exports): used by tests and tools. */
export interface SeqLabApi {
  readonly training: TrainingSession;
  /** Models used for inference (completions, Generate/Translate/Classify); Load Model… can call models.loadCheckpoint. */
  readonly models: ModelHub;
  readonly completions: CompletionController;
  /** The dashboard's feed, the experiments worker and the training status bar item. */
  readonly dashboard: DashboardApi;
  /** The `seqlab` launcher on the integrated terminal's PATH. */
  readonly cli: TerminalCli;
  /** The live attention frames of seq2seq runs in training (the last one per run). */
  readonly liveAttention: LiveAttention;
}

export function activate(context: vscode.ExtensionContext): SeqLabApi {
  const training = registerTraining(context);
  const { models, completions } = registerUse(context, training);
  // Dashboard (feed, panel serializer, status bar), New Model…, Train on…, model files, experiments.
  const dashboard = registerCommands(context, training, models);
  // The CLI hints the extension shows (New Model…) work when pasted into the integrated terminal.
  const cli = registerTerminalCli(context);
  // The attention view follows a seq2seq run in training: its frames, Follow Line in Attention View.
  const liveAttention = registerLiveAttention(context, training);
  // Menus offer only what can act (seqlab.training, seqlab.canResume, seqlab.hasRuns).
  registerTrainingContext(context, training);
  void openWalkthroughOnFirstStart(context).catch((e: Error) => console.warn('[seqlab] could not open the walkthrough', e));
  // The neuron view and Find Units Like This, on the language model completions use.
  context.subscriptions.push(new NeuronView(models));
  return { training, models, completions, dashboard, cli, liveAttention };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
