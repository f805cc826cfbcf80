// The training dashboard: one singleton webview panel (chart.js loss chart). It owns its
// disposables, clears the singleton when closed, and answers the webview's `ready` with `init`
// (configuration + the whole metric history) so a reopened or restored panel shows the full run.
import * as vscode from 'vscode';
import { assertNever } from '../../protocol/assertNever';
import {
  DASHBOARD_VIEW_TYPE,
  type HostToDashboard,
  type MetricPoint,
  isDashboardToHost,
} from '../../protocol/dashboard';
import { onConfigChange, readConfig } from '../config';
import { Disposable } from '../disposable';
import { localResourceRoots, renderWebviewHtml } from './html';

export class DashboardPanel extends Disposable {
  static readonly viewType = DASHBOARD_VIEW_TYPE;
  private static instance: DashboardPanel | undefined;

  /** The open dashboard, if any. */
  static get current(): DashboardPanel | undefined {
    return DashboardPanel.instance;
  }

  /** Reveals the dashboard, creating it if needed. */
  static show(extensionUri: vscode.Uri): DashboardPanel {
    const column = vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One;
    if (DashboardPanel.instance) {
      DashboardPanel.instance.panel.reveal(column);
      return DashboardPanel.instance;
    }
    const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, 'SeqLab Dashboard', column, {
      enableScripts: true,
      localResourceRoots: localResourceRoots(extensionUri),
    });
    return new DashboardPanel(panel, extensionUri);
  }

  /** Restores a dashboard left open across a window reload. */
  static registerSerializer(extensionUri: vscode.Uri): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(DashboardPanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        DashboardPanel.instance?.dispose();
        new DashboardPanel(panel, extensionUri);
      },
    });
  }

  /** Metric history of the current run, replayed to the webview on every `ready`. */
  private readonly history: MetricPoint[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    super();
    DashboardPanel.instance = this;
    // A restored panel keeps the options it was saved with; set them again so the CSP roots hold.
    panel.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'seqlab.svg');
    this.register(panel);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    this.register(onConfigChange(() => this.sendInit()));
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
      title: 'SeqLab Dashboard',
      script: 'dashboard.js',
      styles: ['dashboard.css'],
      body: DASHBOARD_BODY,
    });
  }

  override dispose(): void {
    if (DashboardPanel.instance === this) DashboardPanel.instance = undefined;
    super.dispose();
  }

  /** Appends points to the history and forwards them (callers batch them, ~10 messages a second). */
  appendMetrics(points: readonly MetricPoint[]): void {
    this.history.push(...points);
    this.post({ type: 'metrics', points });
  }

  /** Starts a new run: clears the history here and in the webview. */
  reset(): void {
    this.history.length = 0;
    this.post({ type: 'reset' });
  }

  private onMessage(message: unknown): void {
    if (!isDashboardToHost(message)) {
      console.warn('[seqlab] dashboard sent an unknown message', message);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.sendInit();
        break;
      case 'error':
        console.error('[seqlab] dashboard webview error:', message.message);
        break;
      default:
        assertNever(message, 'dashboard message');
    }
  }

  private sendInit(): void {
    this.post({ type: 'init', config: readConfig(), history: this.history.slice() });
  }

  private post(message: HostToDashboard): void {
    if (!this.isDisposed) void this.panel.webview.postMessage(message);
  }
}

// Static markup; the script fills in the chart and the status line.
const DASHBOARD_BODY = `
    <header>
      <h1>SeqLab Dashboard</h1>
      <p id="status" role="status">Connecting to SeqLab…</p>
    </header>
    <section class="chart-card">
      <h2>Training loss</h2>
      <div class="chart-box"><canvas id="loss-chart" role="img" aria-label="Training loss chart"></canvas></div>
      <p id="empty-hint" class="hint">No training run yet. Start one from the command palette (the “SeqLab:” commands) and its loss appears here.</p>
    </section>
    <section class="config-card">
      <h2>Settings</h2>
      <dl id="config"></dl>
    </section>`;
