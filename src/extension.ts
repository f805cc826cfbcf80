// Extension entry point: wiring only. Every registration goes into context.subscriptions.
import * as vscode from 'vscode';
import { registerCommands } from './extension/commands';
import { DashboardPanel } from './extension/panels/dashboardPanel';
import type { TrainingSession } from './extension/training/session';
import { registerTraining } from './extension/training/trainingCommands';
import type { CompletionController } from './extension/completion/controller';
import { registerUse } from './extension/use/commands';
import type { ModelHub } from './extension/use/models';

/** What activate() returns (vscode.extensions.getExtension('seqlab.seqlab').exports): used by tests and tools. */
export interface SeqLabApi {
  readonly training: TrainingSession;
  /** Models used for inference (completions, Generate/Translate/Classify); Load Model… can call models.loadCheckpoint. */
  readonly models: ModelHub;
  readonly completions: CompletionController;
}

export function activate(context: vscode.ExtensionContext): SeqLabApi {
  registerCommands(context);
  const training = registerTraining(context);
  const { models, completions } = registerUse(context, training);
  // Restores a dashboard left open when the window reloads (activation: onWebviewPanel:seqlab.dashboard).
  context.subscriptions.push(DashboardPanel.registerSerializer(context.extensionUri));
  // A panel outlives no extension: close it when the extension is deactivated.
  context.subscriptions.push({ dispose: () => DashboardPanel.current?.dispose() });
  return { training, models, completions };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
