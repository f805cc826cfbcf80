// Typed view of the `seqlab.*` settings. Defaults here must match package.json's
// contributes.configuration (the integration suite checks that they do).
import * as vscode from 'vscode';
import type { DashboardConfig } from '../protocol/dashboard';

export const CONFIG_SECTION = 'seqlab';

export interface SeqLabConfig extends DashboardConfig {}

export function readConfig(scope?: vscode.ConfigurationScope): SeqLabConfig {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  return {
    hiddenSize: c.get<number>('training.hiddenSize', 128),
    seed: c.get<number>('training.seed', 42),
  };
}

/** Fires `listener` when any `seqlab.*` setting changes. */
export function onConfigChange(listener: (config: SeqLabConfig) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(CONFIG_SECTION)) listener(readConfig());
  });
}
