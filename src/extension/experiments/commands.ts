// "Run Vanishing-Gradient Experiment" and "Check Gradients": both run in the experiments worker (never on the
// extension host's thread) and report to the dashboard; the gradient check also writes a table to an output
// channel. Each takes an optional argument object so tests can run it without prompts.
import * as vscode from 'vscode';
import { writeCheckpoint, type CheckpointFiles } from '../../engine/checkpoint';
import type { GradCheckView } from '../../protocol/dashboard';
import type { ExperimentsClient } from './client';
import { LONG_LAG_JOB_DEFAULTS, type LongLagOptions } from './jobs';
import type { DashboardFeed } from '../panels/dashboardFeed';
import type { TrainingSession } from '../training/session';
import type { ModelHub } from '../use/models';

export type ExperimentResult =
  | { ok: true; decay: Record<string, number>; accuracy: Record<string, number | null>; cancelled: boolean }
  | { ok: false; error: string };

export async function runVanishingGradientExperiment(
  experiments: ExperimentsClient, feed: DashboardFeed, showDashboard: () => void, args?: Partial<LongLagOptions>,
): Promise<ExperimentResult> {
  showDashboard();
  const options = { ...LONG_LAG_JOB_DEFAULTS, ...args };
  try {
    const { view, cancelled } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'SeqLab: vanishing-gradient experiment (tanh RNN vs LSTM)', cancellable: true },
      (progress, token) => {
        let reported = 0;
        return experiments.runLongLag(options, (v) => {
          feed.setExperiment(v);
          const pct = (100 * v.step) / v.totalSteps;
          progress.report({ message: `step ${v.step} of ${v.totalSteps}`, increment: pct - reported });
          reported = pct;
        }, token);
      },
    );
    const decay: Record<string, number> = {}, accuracy: Record<string, number | null> = {};
    for (const s of view?.series ?? []) {
      const g = s.gradThroughTime;
      decay[s.cell] = (g[g.length - 1] ?? 0) / (g[0] ?? 1);
      accuracy[s.cell] = s.accuracy;
    }
    return { ok: true, decay, accuracy, cancelled };
  } catch (e) {
    const error = `The vanishing-gradient experiment failed: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(error);
    return { ok: false, error };
  }
}

export type GradCheckResult = { ok: true; view: GradCheckView } | { ok: false; error: string };

/** The current model as checkpoint bytes plus text to evaluate it on: the current run, else the editor's LM. */
async function currentModelFiles(session: TrainingSession, models: ModelHub | null): Promise<{ name: string; files: CheckpointFiles; text: string } | null> {
  const run = session.current;
  if (run) {
    if (run.state === 'running' || run.state === 'paused') await session.requestCheckpoint();
    await session.store.flush();
    const files = await session.store.loadCheckpoint(run.id);
    const stored = await session.store.loadRun(run.id);
    if (files && stored) return { name: run.name, files, text: stored.train };
  }
  const lm = models?.lm;
  if (lm) {
    const files = writeCheckpoint({
      architecture: { kind: 'lm', config: lm.model.cfg }, params: lm.model.params, tokenizer: lm.tokenizer, seed: 0,
    });
    const text = vscode.window.activeTextEditor?.document.getText() || 'The quick brown fox jumps over the lazy dog.';
    return { name: lm.name, files, text };
  }
  return null;
}

export async function checkGradients(
  session: TrainingSession, models: ModelHub | null, experiments: ExperimentsClient, feed: DashboardFeed, output: vscode.OutputChannel,
): Promise<GradCheckResult> {
  try {
    const view = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'SeqLab: checking gradients (Float64 central differences)' },
      async () => {
        const current = await currentModelFiles(session, models);
        if (!current) throw new Error('There is no model to check: train one (SeqLab: Train on Selection) or load one (SeqLab: Load Model…) first.');
        return experiments.gradCheck(current.name, current.files, current.text);
      },
    );
    feed.setGradCheck(view);
    output.appendLine(`Gradient check of ${view.model} (ε = ${view.epsilon}, Float64 copy, central differences)`);
    output.appendLine(`${'tensor'.padEnd(28)} ${'shape'.padEnd(14)} ${'checked'.padStart(7)} ${'max abs err'.padStart(12)} ${'max rel err'.padStart(12)}`);
    for (const r of view.rows) {
      output.appendLine(`${r.tensor.padEnd(28)} ${`[${r.shape.join(',')}]`.padEnd(14)} ${String(r.checked).padStart(7)} ${r.maxAbsError.toExponential(2).padStart(12)} ${r.maxRelError.toExponential(2).padStart(12)}  ${r.ok ? 'ok' : 'DIFFERS'}`);
    }
    const bad = view.rows.filter((r) => !r.ok).length;
    output.appendLine(bad === 0 ? `All ${view.rows.length} tensors agree.\n` : `${bad} tensor(s) differ.\n`);
    output.show(true);
    void vscode.window.showInformationMessage(bad === 0
      ? `Gradient check: analytic and numeric gradients agree for all ${view.rows.length} tensors.`
      : `Gradient check: ${bad} of ${view.rows.length} tensors differ (see the SeqLab Gradient Check output).`);
    return { ok: true, view };
  } catch (e) {
    const error = (e as Error).message;
    void vscode.window.showErrorMessage(error);
    return { ok: false, error };
  }
}
