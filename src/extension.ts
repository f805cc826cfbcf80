// Extension entry point: wiring only. Every registration goes into context.subscriptions.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('seqlab.showDashboard', () => {
      void vscode.window.showInformationMessage('SeqLab dashboard: coming up.');
    }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
