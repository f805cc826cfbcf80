// Extension entry point: wiring only. Every registration goes into context.subscriptions.
import * as vscode from 'vscode';
import { registerCommands } from './extension/commands';
import { DashboardPanel } from './extension/panels/dashboardPanel';

export function activate(context: vscode.ExtensionContext): void {
  registerCommands(context);
  // Restores a dashboard left open when the window reloads (activation: onWebviewPanel:seqlab.dashboard).
  context.subscriptions.push(DashboardPanel.registerSerializer(context.extensionUri));
  // A panel outlives no extension: close it when the extension is deactivated.
  context.subscriptions.push({ dispose: () => DashboardPanel.current?.dispose() });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
