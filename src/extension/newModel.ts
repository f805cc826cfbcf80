// "SeqLab: New Model…": a preset (char-LSTM LM, word-GRU LM, BPE-LSTM code model, seq2seq with attention,
// classifier, tagger) or a Custom model, one quick pick per field its task reads (modelChoice.ts derives the
// questions and answers from the run config's table). The choice is remembered per workspace and is what every
// training command trains next, with the seqlab.training.* settings beneath it (trainConfigFor).
import * as vscode from 'vscode';
import { defaultsFor, type RunConfig } from '../engine/run/config';
import { readRunSettings } from './config';
import {
  PRESETS, SETTINGS_MODEL, TASK_DATA_FORMAT, checkModelConfig, customKeys, customLabel, customStep, runConfigFor, storedModelChoice, taskStep,
  type CustomStep, type ModelChoice,
} from './modelChoice';
import { settingsForTask } from './runSettings';

export { PRESETS, SETTINGS_MODEL, type ModelChoice, type ModelPreset } from './modelChoice';

const STATE_KEY = 'seqlab.model';
/** Contributed in package.json; registered in commands.ts. */
const TRAIN_ON_WORKSPACE_FILES = 'seqlab.trainOnWorkspaceFiles';

/** The model the next training command trains (a remembered choice that no longer checks is dropped). */
export function currentModel(state: vscode.Memento): ModelChoice {
  return storedModelChoice(state.get<unknown>(STATE_KEY)) ?? SETTINGS_MODEL;
}

/**
 * The RunConfig a training command runs: the table's defaults ← the user's settings ← the chosen model ← `extra`,
 * validated; throws a ConfigError whose message names the setting, model or argument at fault.
 */
export function trainConfigFor(model: ModelChoice, settings: Partial<RunConfig> = readRunSettings(), extra: Partial<RunConfig> = {}): RunConfig {
  return runConfigFor(model, settings, extra);
}

type Item<T> = vscode.QuickPickItem & { value: T };

async function ask<T>(step: { title: string; description: string; items: Item<T>[] }, n: number): Promise<T | undefined> {
  const chosen = await vscode.window.showQuickPick(step.items, {
    title: `New model (${n}): ${step.title}`, placeHolder: step.description, ignoreFocusOut: true, matchOnDetail: true,
  });
  return chosen?.value;
}

/** Custom: the task, then one question per field that task reads; every answer is valid with those before it. */
async function pickCustom(settings: Partial<RunConfig>): Promise<ModelChoice | undefined> {
  const task = await ask(taskStep('lm'), 1);
  if (task === undefined) return undefined;
  let sofar: RunConfig = { ...defaultsFor(task), ...settingsForTask(settings, task), task };
  const answers: Partial<RunConfig> = { task };
  const keys = customKeys(task);
  for (const [i, key] of keys.entries()) {
    const step: CustomStep = customStep(key, sofar);
    const value = await ask(step, i + 2);
    if (value === undefined) return undefined;
    sofar = { ...sofar, [key]: value };
    Object.assign(answers, { [key]: value });
  }
  return { id: 'custom', label: customLabel(sofar), config: checkModelConfig(answers, 'custom') };
}

/** Runs the New Model flow (or takes `args.preset` / `args.custom` without prompts); returns the stored choice. */
export async function newModel(state: vscode.Memento, args?: { preset?: string; custom?: Partial<RunConfig> }): Promise<ModelChoice | undefined> {
  let choice: ModelChoice | undefined;
  if (args?.custom) {
    const config = checkModelConfig(args.custom, 'custom');
    choice = { id: 'custom', label: customLabel({ ...defaultsFor(config.task), ...config }), config };
  } else if (args?.preset) {
    choice = PRESETS.find((p) => p.id === args.preset);
    if (!choice) throw new Error(`unknown preset ${args.preset} (presets: ${PRESETS.map((p) => p.id).join(', ')})`);
  } else {
    const items: Item<string>[] = [
      ...PRESETS.map((p) => ({ label: p.label, value: p.id, detail: p.detail, description: p.config.task })),
      { label: 'Custom…', value: 'custom', detail: 'Choose the task, cell, tokens, sizes, learning rate and clipping yourself, one question at a time.' },
    ];
    const id = await ask({ title: 'start from a preset or choose every hyperparameter', description: 'The model the training commands train next', items }, 1);
    if (!id) return undefined;
    choice = id === 'custom' ? await pickCustom(readRunSettings()) : PRESETS.find((p) => p.id === id);
  }
  if (!choice) return undefined;
  runConfigFor(choice, {}); // a model invalid in itself (a bidirectional language model) is refused here
  let problem: string | null = null;
  try {
    trainConfigFor(choice);
  } catch (e) {
    problem = (e as Error).message; // the user's settings clash with it: kept, and said now rather than at training
  }
  await state.update(STATE_KEY, choice);
  void announce(choice, problem);
  return choice;
}

/** Says what the model trains on, and offers the command that trains it on such files. */
async function announce(choice: ModelChoice, problem: string | null): Promise<void> {
  if (problem) {
    void vscode.window.showWarningMessage(`New model: ${choice.label}. It cannot train with the current settings: ${problem}`);
    return;
  }
  const task = choice.config.task;
  const train = 'Train on Workspace Files…';
  const how = task === 'lm'
    ? 'Select some text and run "SeqLab: Train on Selection", or train on workspace files.'
    : `It trains on ${TASK_DATA_FORMAT[task]}: pick such files, or select such lines and run "SeqLab: Train on Selection".`;
  const pick = await vscode.window.showInformationMessage(`New model: ${choice.label}. ${how}`, train);
  if (pick === train) await vscode.commands.executeCommand(TRAIN_ON_WORKSPACE_FILES);
}
