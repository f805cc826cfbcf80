// Training as the user sees it outside the dashboard: a status bar item (model, state, loss, tokens/s; a click
// opens the dashboard) and, while a run trains, a progress spinner in the status bar (window progress: a
// notification would cover the lower right of the dashboard for the whole run; Stop is on the dashboard, in the
// right-click menu and in the palette).
import * as vscode from 'vscode';
import type { RunRecord, SessionEvent, TrainingSession } from './training/session';
import { Disposable } from './disposable';

/** Least time between two status bar / progress updates while a run trains (ms): two a second. */
const STATUS_MS = 500;
const ACTIVE = new Set(['starting', 'running', 'paused', 'stopping']);
const ICONS: Record<string, string> = {
  starting: '$(loading~spin)', running: '$(sync~spin)', paused: '$(debug-pause)', stopping: '$(loading~spin)',
  stopped: '$(debug-stop)', crashed: '$(error)', failed: '$(error)', interrupted: '$(debug-pause)', imported: '$(cloud-download)',
};

export class TrainingStatus extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private lastUpdate = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Progress not yet shown, per run: reported with the throttled status update, not per metrics batch. */
  private readonly progressDue = new Map<string, { message: string; increment: number | undefined }>();
  /** Runs that have a progress notification open, with the function that ends it. */
  private readonly progress = new Map<string, { report(m: string, inc?: number): void; end(): void }>();

  constructor(private readonly session: TrainingSession, private readonly modelLabel: () => string, showDashboardCommand: string) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('seqlab.status', vscode.StatusBarAlignment.Left, 10));
    this.item.name = 'SeqLab Training';
    this.item.command = showDashboardCommand;
    this.register(session.onEvent((e) => this.onEvent(e)));
    this.register({ dispose: () => [...this.progress.values()].forEach((p) => p.end()) });
    this.update();
    this.item.show();
  }

  /** A model was chosen (New Model…) since the current run last trained: the item names it until a run starts. */
  private modelChosen = false;

  /** New Model… chose a model: the status bar names it (the finished run stays in the tooltip and the dashboard). */
  modelChanged(): void {
    this.modelChosen = true;
    this.update();
  }

  /** Re-renders now. */
  update(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastUpdate = Date.now();
    for (const [id, d] of this.progressDue) this.progress.get(id)?.report(d.message, d.increment);
    this.progressDue.clear();
    const run = this.session.current;
    if (!run || (this.modelChosen && !ACTIVE.has(run.state))) {
      this.item.text = `$(beaker) SeqLab: ${this.modelLabel()}`;
      this.item.tooltip = run
        ? `SeqLab: the next training run trains this model. The last run, ${run.name}, is ${run.state} at step ${run.step}. Click to open the dashboard.`
        : 'SeqLab: no training run yet. Select text and run "SeqLab: Train on Selection". Click to open the dashboard.';
      this.item.backgroundColor = undefined;
      return;
    }
    const last = run.history.at(-1);
    const parts = [`${ICONS[run.state] ?? ''} SeqLab: ${cellLabel(run)}`, stateLabel(run)];
    if (last) parts.push(`loss ${Number.isFinite(last.loss) ? last.loss.toFixed(3) : String(last.loss)}`);
    if (last && run.state === 'running') parts.push(`${Math.round(last.tokensPerSecond).toLocaleString('en-US')} tok/s`);
    this.item.text = parts.join(' · ');
    this.item.tooltip = `${run.name}: ${run.state} at step ${run.step}${run.message ? `\n${run.message}` : ''}\nClick to open the SeqLab dashboard.`;
    this.item.backgroundColor = run.nonFinite || run.state === 'crashed' || run.state === 'failed'
      ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  private onEvent(e: SessionEvent): void {
    if (e.type === 'state') {
      if (ACTIVE.has(e.run.state)) this.modelChosen = false; // a run of the chosen model has started
      this.update();
      this.syncProgress(e.run);
      return;
    }
    if (e.type !== 'metrics') return;
    const p = this.progress.get(e.run.id), last = e.points.at(-1);
    if (p && last) {
      const max = e.run.config.steps;
      const due = this.progressDue.get(e.run.id);
      const increment = max > 0 ? (due?.increment ?? 0) + (100 * e.points.length) / max : undefined;
      this.progressDue.set(e.run.id, { message: `step ${last.step}${max > 0 ? ` of ${max}` : ''} · loss ${last.loss.toFixed(3)}`, increment });
    }
    // At most STATUS_MS between status bar and progress updates, whatever the step rate: each is a message to the
    // workbench and a repaint there, on the thread that paints the keystrokes (issue #14, item 4).
    if (Date.now() - this.lastUpdate >= STATUS_MS) this.update();
    else this.timer ??= setTimeout(() => this.update(), STATUS_MS);
  }

  private syncProgress(run: RunRecord): void {
    const open = this.progress.get(run.id);
    if (ACTIVE.has(run.state)) {
      if (open) return;
      let end!: () => void;
      let progress!: vscode.Progress<{ message?: string; increment?: number }>;
      const done = new Promise<void>((r) => (end = r));
      this.progress.set(run.id, { report: (message, increment) => progress?.report({ message, increment }), end: () => end() });
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `SeqLab: training ${run.name}` },
        (p) => {
          progress = p;
          p.report({ message: 'starting…' });
          return done;
        },
      );
    } else if (open) {
      this.progress.delete(run.id);
      open.end();
    }
  }
}

function cellLabel(run: RunRecord): string {
  const c = run.config;
  const cell = { lstm: 'LSTM', gru: 'GRU', rnn_tanh: 'tanh RNN', rnn_relu: 'ReLU RNN' }[c.cell];
  if (c.task === 'lm') return `${c.tokenizer}-${cell} ${c.hidden}`;
  const task = { seq2seq: 'seq2seq', classify: 'classifier', tag: 'tagger', 'one-to-many': 'one-to-many' }[c.task];
  return `${task} ${c.bidirectional && c.task !== 'one-to-many' ? 'bi' : ''}${cell} ${c.hidden}`;
}

function stateLabel(run: RunRecord): string {
  if (run.nonFinite) return `paused (NaN at step ${run.nonFinite.step})`;
  switch (run.state) {
    case 'running': return `training, step ${run.step}`;
    case 'stopped': return `stopped at step ${run.step}`;
    case 'interrupted': return `interrupted at step ${run.step}`;
    case 'imported': return `imported, trained elsewhere to step ${run.step}`;
    default: return run.state;
  }
}
