// Context keys for `when` clauses, so menus offer only what can act now (the right-click menu used to offer
// Pause, Resume and Stop with nothing training):
//   seqlab.training   'running' | 'paused' | 'none'  the run a worker holds ('starting' counts as running,
//                                                     'stopping' as none: neither Pause nor Stop can act then)
//   seqlab.canResume  true when Resume would do something: a paused run, or — with no worker busy — a run that
//                     crashed, was interrupted by a reload or was stopped, and has a checkpoint to continue from
//   seqlab.hasRuns    true when there is any run (rename, hide, delete, export)
import * as vscode from 'vscode';
import type { TrainingSession } from './training/session';
import { trainingContext } from './trainingContextValues';

export function registerTrainingContext(context: vscode.ExtensionContext, session: TrainingSession): void {
  let last = '';
  const update = (): void => {
    // The worker's run is the current one while a worker exists (TrainingSession.current).
    const workerRun = session.workerThreadId !== null ? session.current ?? null : null;
    const v = trainingContext(session.runs.values(), workerRun);
    const key = JSON.stringify(v);
    if (key === last) return;
    last = key;
    void vscode.commands.executeCommand('setContext', 'seqlab.training', v.training);
    void vscode.commands.executeCommand('setContext', 'seqlab.canResume', v.canResume);
    void vscode.commands.executeCommand('setContext', 'seqlab.hasRuns', v.hasRuns);
  };
  context.subscriptions.push(session.onEvent((e) => {
    if (e.type === 'state' || e.type === 'checkpoint') update();
  }));
  update();
  // Runs of an earlier window are loaded in the background; and deletions happen outside session events.
  const timer = setInterval(update, 2000);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
}
