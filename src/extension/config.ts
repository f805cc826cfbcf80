// The `seqlab.*` settings as the extension reads them. The run settings (seqlab.training.hiddenSize, …) are read
// by a loop over the run config's field table (runSettings.ts): what the user set, checked, keyed by RunConfig
// field; their defaults are the table's and live nowhere else. The editor's own settings stay typed here.
import * as vscode from 'vscode';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../engine/run/config';
import type { DashboardConfig } from '../protocol/dashboard';
import { TRAINING_SECTION, runSettingsFrom } from './runSettings';

export const CONFIG_SECTION = 'seqlab';

/**
 * The run fields the user set in seqlab.training.* (workspace folder over workspace over user settings); a value
 * of the wrong type or range throws a ConfigError naming the setting.
 */
export function readRunSettings(scope?: vscode.ConfigurationScope): Partial<RunConfig> {
  const c = vscode.workspace.getConfiguration(TRAINING_SECTION, scope);
  return runSettingsFrom((setting) => {
    const i = c.inspect(setting);
    return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
  });
}

/** The editor's settings that are not a run's fields. */
export interface SeqLabConfig extends DashboardConfig {
  /** The glob "Train on Workspace Files…" proposes. */
  readonly workspaceGlob: string;
}

export function readConfig(scope?: vscode.ConfigurationScope): SeqLabConfig {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  let run: Partial<RunConfig> = {};
  try {
    run = readRunSettings(scope);
  } catch {
    // The dashboard shows the defaults meanwhile; the training commands report the bad setting by name.
  }
  return {
    hiddenSize: run.hidden ?? DEFAULT_RUN_CONFIG.hidden,
    seed: run.seed ?? DEFAULT_RUN_CONFIG.seed,
    workspaceGlob: c.get<string>('training.workspaceGlob') ?? '',
  };
}

/** Fires `listener` when any `seqlab.*` setting changes. */
export function onConfigChange(listener: (config: SeqLabConfig) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(CONFIG_SECTION)) listener(readConfig());
  });
}
