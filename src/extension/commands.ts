// Command ids (as contributed in package.json) and their registration. Handlers stay thin: they
// delegate to panels and sessions, which own the state.
import * as vscode from 'vscode';
import { DashboardPanel } from './panels/dashboardPanel';

export const Commands = {
  showDashboard: 'seqlab.showDashboard',
} as const;

export function registerCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.showDashboard, () => {
      DashboardPanel.show(context.extensionUri);
    }),
  );
}
