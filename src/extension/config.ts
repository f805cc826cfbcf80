// Typed view of the `seqlab.*` settings: the hyperparameter defaults a new model starts from. Defaults here
// must match package.json's contributes.configuration (the integration suite checks that they do).
import * as vscode from 'vscode';
import type { CellKind } from '../engine/cells/cell';
import type { TokenizerKind } from '../engine/tokenize/tokenizer';
import type { DashboardConfig } from '../protocol/dashboard';

export const CONFIG_SECTION = 'seqlab';

export type OptimizerKind = 'adam' | 'adamw' | 'sgd' | 'rmsprop';

export interface SeqLabConfig extends DashboardConfig {
  readonly cell: CellKind;
  readonly tokenizer: TokenizerKind;
  readonly numLayers: number;
  readonly embeddingSize: number;
  readonly learningRate: number;
  readonly optimizer: OptimizerKind;
  /** 0 = no clipping. */
  readonly clipNorm: number;
  readonly batchSize: number;
  readonly sequenceLength: number;
  readonly dropout: number;
  /** 0 = until stopped. */
  readonly maxSteps: number;
  readonly workspaceGlob: string;
}

export const CONFIG_DEFAULTS: SeqLabConfig = {
  hiddenSize: 128, seed: 42, cell: 'lstm', tokenizer: 'char', numLayers: 1, embeddingSize: 32, learningRate: 0.002,
  optimizer: 'adam', clipNorm: 5, batchSize: 16, sequenceLength: 64, dropout: 0, maxSteps: 0, workspaceGlob: '**/*.{txt,md}',
};

export function readConfig(scope?: vscode.ConfigurationScope): SeqLabConfig {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  const d = CONFIG_DEFAULTS;
  return {
    hiddenSize: c.get<number>('training.hiddenSize', d.hiddenSize),
    seed: c.get<number>('training.seed', d.seed),
    cell: c.get<CellKind>('training.cell', d.cell),
    tokenizer: c.get<TokenizerKind>('training.tokenizer', d.tokenizer),
    numLayers: c.get<number>('training.numLayers', d.numLayers),
    embeddingSize: c.get<number>('training.embeddingSize', d.embeddingSize),
    learningRate: c.get<number>('training.learningRate', d.learningRate),
    optimizer: c.get<OptimizerKind>('training.optimizer', d.optimizer),
    clipNorm: c.get<number>('training.clipNorm', d.clipNorm),
    batchSize: c.get<number>('training.batchSize', d.batchSize),
    sequenceLength: c.get<number>('training.sequenceLength', d.sequenceLength),
    dropout: c.get<number>('training.dropout', d.dropout),
    maxSteps: c.get<number>('training.maxSteps', d.maxSteps),
    workspaceGlob: c.get<string>('training.workspaceGlob', d.workspaceGlob),
  };
}

/** Fires `listener` when any `seqlab.*` setting changes. */
export function onConfigChange(listener: (config: SeqLabConfig) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(CONFIG_SECTION)) listener(readConfig());
  });
}
