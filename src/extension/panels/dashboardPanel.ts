// The training dashboard: one singleton webview panel. It owns its disposables, clears the singleton when
// closed, and answers the webview's `ready` with the feed's `init` (configuration, every run with its whole
// metric history, the last experiment and gradient check), so a panel opened mid-run, hidden and shown again,
// or restored by the WebviewPanelSerializer after a window reload shows everything. Buttons in the webview
// (non-finite remedies, pause/resume/stop) come back as `action` messages.
import * as vscode from 'vscode';
import { assertNever } from '../../protocol/assertNever';
import { DASHBOARD_VIEW_TYPE, type DashboardAction, type DashboardToHost, type HostToDashboard, parseDashboardToHost } from '../../protocol/dashboard';
import { onConfigChange } from '../config';
import { Disposable } from '../disposable';
import { RUN_ACTION_COMMANDS } from '../runs/runCommands';
import type { DashboardFeed } from './dashboardFeed';
import { localResourceRoots, renderWebviewHtml } from './html';

export class DashboardPanel extends Disposable {
  static readonly viewType = DASHBOARD_VIEW_TYPE;
  private static instance: DashboardPanel | undefined;

  /** The open dashboard, if any. */
  static get current(): DashboardPanel | undefined {
    return DashboardPanel.instance;
  }

  /** Reveals the dashboard, creating it if needed. `preserveFocus` keeps the editor focused (training commands). */
  static show(extensionUri: vscode.Uri, feed: DashboardFeed, onAction: (a: DashboardAction) => void, preserveFocus = false): DashboardPanel {
    if (DashboardPanel.instance) {
      DashboardPanel.instance.panel.reveal(undefined, preserveFocus);
      return DashboardPanel.instance;
    }
    // Beside the editor when one is open, so the text being trained on stays in view.
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, 'SeqLab Dashboard', { viewColumn: column, preserveFocus }, {
      enableScripts: true,
      localResourceRoots: localResourceRoots(extensionUri),
    });
    return new DashboardPanel(panel, extensionUri, feed, onAction);
  }

  /** Restores a dashboard left open across a window reload. */
  static registerSerializer(extensionUri: vscode.Uri, feed: DashboardFeed, onAction: (a: DashboardAction) => void): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(DashboardPanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        DashboardPanel.instance?.dispose();
        new DashboardPanel(panel, extensionUri, feed, onAction);
      },
    });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly feed: DashboardFeed,
    private readonly onAction: (a: DashboardAction) => void,
  ) {
    super();
    DashboardPanel.instance = this;
    // A restored panel keeps the options it was saved with; set them again so the CSP roots hold.
    panel.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'seqlab.svg');
    this.register(panel);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    // Subscribed only while visible: a hidden panel costs the feed nothing. Its webview is discarded when hidden
    // (no retainContextWhenHidden) and posts `ready` when shown again, which is the one catch-up replay.
    let feedSubscription: { dispose(): void } | null = panel.visible ? feed.subscribe((m) => this.post(m)) : null;
    this.register({ dispose: () => feedSubscription?.dispose() });
    this.register(panel.onDidChangeViewState(() => {
      if (panel.visible && !feedSubscription) feedSubscription = feed.subscribe((m) => this.post(m));
      else if (!panel.visible && feedSubscription) {
        feedSubscription.dispose();
        feedSubscription = null;
      }
    }));
    this.register(onConfigChange(() => this.post(feed.initMessage())));
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
      title: 'SeqLab Dashboard',
      script: 'dashboard.js',
      styles: ['dashboard.css', 'saturation.css'],
      body: DASHBOARD_BODY,
    });
  }

  override dispose(): void {
    if (DashboardPanel.instance === this) DashboardPanel.instance = undefined;
    super.dispose();
  }

  private onMessage(raw: unknown): void {
    let message: DashboardToHost;
    try {
      message = parseDashboardToHost(raw);
    } catch (e) {
      // Logged and dropped: the webview is not trusted to send well-formed messages.
      console.warn(`[seqlab] dropped a malformed message from the dashboard: ${(e as Error).message}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.post(this.feed.initMessage());
        break;
      case 'action':
        this.onAction(message.action);
        break;
      case 'runAction': {
        // The runs table's buttons run the same commands as the palette, for one run.
        const { command, args } = RUN_ACTION_COMMANDS[message.action];
        void vscode.commands.executeCommand(command, { ...args, runId: message.runId });
        break;
      }
      case 'error':
        console.error('[seqlab] dashboard webview error:', message.message);
        break;
      default:
        assertNever(message, 'dashboard message');
    }
  }

  private post(message: HostToDashboard): void {
    // A hidden webview drops messages; its `ready` on showing again replays everything.
    if (!this.isDisposed && this.panel.visible) void this.panel.webview.postMessage(message);
  }
}

// Static markup (trusted: no user text); the script fills in charts, numbers and messages.
const chart = (id: string, title: string, label: string, extra = '', hidden = false): string => `
      <section class="chart-card" id="${id}-card"${hidden ? ' hidden' : ''}>
        <h2 id="${id}-title">${title}</h2>${extra}
        <div class="chart-box"><canvas id="${id}-chart" role="img" aria-label="${label}"></canvas></div>
      </section>`;

const DASHBOARD_BODY = `
    <header>
      <h1>SeqLab Dashboard</h1>
      <p id="status" role="status">Connecting to SeqLab…</p>
      <div class="controls" id="run-controls">
        <button id="btn-pause" data-action="pause" class="secondary">Pause</button>
        <button id="btn-resume" data-action="resume" class="secondary">Resume</button>
        <button id="btn-stop" data-action="stop" class="secondary">Stop</button>
      </div>
    </header>
    <section id="nonfinite" class="alert" role="alert" hidden>
      <h2 id="nonfinite-title">The loss is not a number</h2>
      <p id="nonfinite-message"></p>
      <div class="controls">
        <button data-action="lowerLearningRate">Lower learning rate ×0.1 and continue</button>
        <button data-action="enableClipping">Turn on clipping (norm 1.0) and continue</button>
        <button data-action="rollback">Roll back to the last checkpoint</button>
      </div>
    </section>
    <section id="trust" class="alert notice" role="status" aria-live="polite" hidden>
      <h2 id="trust-title"></h2>
      <p id="trust-message"></p>
      <div class="controls">
        <button id="trust-resume" data-action="resume" hidden>Resume</button>
        <button id="trust-keep-best" data-action="stopKeepBest" hidden>Stop and keep best weights</button>
      </div>
    </section>
    <section class="stats-card">
      <dl id="stats"></dl>
    </section>
    <div class="grid">
      <section class="chart-card wide">
        <h2>Training loss</h2>
        <div class="chart-controls">
          <label>Smoothing <input type="range" id="smoothing" min="0" max="0.99" step="0.01" value="0.6"> <output id="smoothing-value">0.60</output></label>
          <label><input type="checkbox" id="log-scale"> Log scale</label>
          <label>x axis <select id="x-axis"><option value="step" selected>step</option><option value="time">time</option></select></label>
        </div>
        <div class="chart-box"><canvas id="loss-chart" role="img" aria-label="Training loss chart"></canvas></div>
        <p id="empty-hint" class="hint">No training run yet. Select some text and run “SeqLab: Train on Selection” from the command palette; its loss appears here.</p>
      </section>${chart('bpc', 'Bits per character', 'Bits per character chart')}${chart('task', 'Validation scores', 'Validation score chart', '', true)}${chart('grad', 'Gradient norm ‖∂L/∂θ‖, before and after clipping', 'Global gradient norm chart')}${chart('layers', 'Gradient norm per layer', 'Per-layer gradient norm chart')}
      <section class="chart-card" id="gtt-card">
        <h2 id="gtt-title">Gradient through time ‖∂L/∂h<sub>t</sub>‖</h2>
        <div class="chart-controls">
          <label><input type="radio" name="gtt-view" value="lines" checked> Line per layer</label>
          <label><input type="radio" name="gtt-view" value="heatmap"> Time × layer heatmap</label>
        </div>
        <p class="hint" id="gtt-hint">Read it from the right (the loss) back to t = 0: a line falling by decades means vanishing gradients (early steps barely learn), one rising steeply means exploding (turn on clipping); within a decade or two is healthy.</p>
        <div class="chart-box" id="gtt-lines"><canvas id="gtt-chart" role="img" aria-label="Gradient through time chart"></canvas></div>
        <div class="chart-box" id="gtt-heatmap-box" hidden><canvas id="gtt-heatmap" role="img" aria-label="Gradient through time heatmap, x axis: time step t, y axis: layer"></canvas></div>
      </section>
      <section class="chart-card" id="saturation-card" hidden>
        <h2>Gate saturation <span class="hint" id="saturation-step"></span></h2>
        <p class="sat-legend">Share of gate activations <span class="k-low">&lt; 0.1 (nearly shut)</span> and <span class="k-high">&gt; 0.9 (nearly open)</span>, per layer and gate</p>
        <div id="saturation-bars" aria-label="Gate saturation per layer and gate"></div>
        <p class="sat-why">A saturated gate passes almost no gradient to its own weights (σ′ = σ(1 − σ) &lt; 0.09 there), while a forget or update gate held open carries ‖∂L/∂h<sub>t</sub>‖ back through time nearly undiminished.</p>
      </section>${chart('speed', 'Throughput and learning rate', 'Tokens per second and learning rate chart')}
      <section class="chart-card">
        <h2>Generated sample</h2>
        <p class="hint" id="sample-caption">A sample of generated text appears here every few seconds while a model trains.</p>
        <pre id="sample"></pre>
      </section>
    </div>
    <section id="experiment-card" class="chart-card" hidden>
      <h2>Vanishing-gradient experiment: tanh RNN vs LSTM</h2>
      <p id="experiment-summary" class="hint"></p>
      <div class="grid">
        <div class="chart-box"><canvas id="exp-gtt-chart" role="img" aria-label="Experiment gradient through time chart"></canvas></div>
        <div class="chart-box"><canvas id="exp-loss-chart" role="img" aria-label="Experiment loss chart"></canvas></div>
      </div>
    </section>
    <section id="gradcheck-card" class="chart-card" hidden>
      <h2>Gradient check: numeric vs analytic</h2>
      <p id="gradcheck-summary" class="hint"></p>
      <table id="gradcheck-table"></table>
    </section>
    <section id="runs-card" class="chart-card" hidden>
      <h2>Runs</h2>
      <div class="chart-controls">
        <p id="runs-summary" class="hint"></p>
        <label><input type="checkbox" id="only-differing"> Only settings that differ</label>
      </div>
      <div class="table-scroll"><table id="runs-table" aria-label="Runs: every setting of every run, the differing ones marked"></table></div>
    </section>
    <section class="config-card">
      <h2>Settings</h2>
      <dl id="config"></dl>
    </section>`;
