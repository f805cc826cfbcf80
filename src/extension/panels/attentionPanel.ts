// The attention view: one singleton webview panel (locked down by html.ts) showing the source and decoded tokens,
// the alignment heatmap and each step's alternatives. One view, two sources of frames: Translate Selection on a
// finished model (`show`), and the live frames of a seq2seq run in training (`showLive`, then `liveFrame` every
// few seconds while the view follows the run; a translation stops the following until the user follows again).
// It answers the webview's `ready` with the current view, and turns the webview's `focus` (a hovered or pinned
// decoded token) into decorations on the source text in the editor the selection or followed line came from.
import * as vscode from 'vscode';
import { assertNever } from '../../protocol/assertNever';
import { ATTENTION_VIEW_TYPE, parseAttentionToHost, parseHostToAttention, type AttentionToHost, type AttentionView, type HostToAttention } from '../../protocol/attention';
import { Disposable } from '../disposable';
import { AttentionDecorations } from './attentionDecorations';
import { localResourceRoots, renderWebviewHtml } from './html';

/** Where the source text lives: a document and the ranges of its source tokens. */
export interface SourceLocation {
  readonly uri: vscode.Uri;
  readonly spans: readonly (vscode.Range | null)[];
}

export class AttentionPanel extends Disposable {
  static readonly viewType = ATTENTION_VIEW_TYPE;
  private static instance: AttentionPanel | undefined;

  static get current(): AttentionPanel | undefined {
    return AttentionPanel.instance;
  }

  /** Shows a translation, creating the panel beside the editor if needed; live frames no longer replace it. */
  static show(extensionUri: vscode.Uri, view: AttentionView, source: SourceLocation | null): AttentionPanel {
    checkView(view);
    const p = AttentionPanel.open(extensionUri, true);
    p.following = false;
    p.setView(view, source);
    return p;
  }

  /** Shows the live frames of the training run from now on, starting with `view` (its last frame) when there is one. */
  static showLive(extensionUri: vscode.Uri, view: AttentionView | null, source: SourceLocation | null, preserveFocus = true): AttentionPanel {
    if (view) checkView(view);
    const p = AttentionPanel.open(extensionUri, preserveFocus);
    p.following = true;
    if (view) p.setView(view, source);
    return p;
  }

  /** The panel, created beside the editor or revealed. */
  private static open(extensionUri: vscode.Uri, preserveFocus: boolean): AttentionPanel {
    const p = AttentionPanel.instance;
    if (p) {
      p.panel.reveal(undefined, preserveFocus);
      return p;
    }
    const panel = vscode.window.createWebviewPanel(AttentionPanel.viewType, 'SeqLab Attention', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: localResourceRoots(extensionUri),
    });
    return new AttentionPanel(panel, extensionUri);
  }

  /** A new live frame: drawn when the view follows the training run (not while it shows a translation). */
  liveFrame(view: AttentionView, source: SourceLocation | null): void {
    if (!this.following) return;
    checkView(view);
    this.setView(view, source);
  }

  /** True while live frames of the training run are drawn. */
  following = false;
  private view: AttentionView | null = null;
  private source: SourceLocation | null = null;
  private readonly decorations = this.register(new AttentionDecorations());
  /** Last step the webview focused (tests and diagnostics). */
  focused: number | null = null;

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super();
    AttentionPanel.instance = this;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'seqlab.svg');
    this.register(panel);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
      title: 'SeqLab Attention',
      script: 'attention.js',
      styles: ['attention.css', 'beamTree.css'],
      body: ATTENTION_BODY,
    });
  }

  override dispose(): void {
    if (AttentionPanel.instance === this) AttentionPanel.instance = undefined;
    super.dispose();
  }

  private setView(view: AttentionView, source: SourceLocation | null): void {
    this.decorations.clear();
    this.view = view;
    this.source = source;
    this.focused = null;
    this.post({ type: 'show', view });
  }

  private onMessage(raw: unknown): void {
    let message: AttentionToHost;
    try {
      message = parseAttentionToHost(raw);
    } catch (e) {
      // Logged and dropped: the webview is not trusted to send well-formed messages.
      console.warn(`[seqlab] dropped a malformed message from the attention view: ${(e as Error).message}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        if (this.view) this.post({ type: 'show', view: this.view });
        break;
      case 'focus':
        this.focus(message.step);
        break;
      case 'error':
        console.error('[seqlab] attention webview error:', message.message);
        break;
      default:
        assertNever(message, 'attention message');
    }
  }

  /** Paints the editor's source text with the weights of decoded step `step` (null: clears). */
  private focus(step: number | null): void {
    this.focused = step;
    const row = step === null ? undefined : this.view?.weights?.[step];
    const src = this.source;
    const editor = src && vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === src.uri.toString());
    if (!row || !src || !editor) {
      this.decorations.clear();
      return;
    }
    this.decorations.paint(editor, src.spans, row);
  }

  private post(message: HostToAttention): void {
    if (!this.isDisposed) void this.panel.webview.postMessage(message);
  }
}

/**
 * The webview accepts only views within ATTENTION_LIMITS: say so here (e.g. a selection too long to draw), instead
 * of opening a panel that would drop the view.
 */
function checkView(view: AttentionView): void {
  try {
    parseHostToAttention({ type: 'show', view });
  } catch (e) {
    throw new Error(`The attention view cannot show this translation: ${(e as Error).message.replace(/^show\./, '')}`);
  }
}

// Static markup; the script fills it in from `show`.
const ATTENTION_BODY = `
    <header>
      <h1>Attention</h1>
      <p id="status" role="status">Waiting for a translation, or for a seq2seq model with attention to train…</p>
      <p id="live" class="hint" hidden></p>
    </header>
    <main id="main" hidden>
      <section class="tokens-card">
        <h2>Source</h2>
        <div id="source" class="tokens" aria-label="Source tokens"></div>
        <h2>Decoded <span class="hint">(hover a token to see where the model looked; click to pin it)</span></h2>
        <div id="output" class="tokens" aria-label="Decoded tokens"></div>
        <div id="detail" class="detail" aria-live="polite"></div>
      </section>
      <section class="heatmap-card">
        <h2>Alignment</h2>
        <div class="heatmap-scroll"><table id="heatmap" aria-label="Attention weights: rows are decoded tokens, columns are source tokens"></table></div>
      </section>
      <section id="beam-card" class="beam-card" hidden>
        <h2>Beam search tree <span class="hint">(every hypothesis the beam kept, with its log-probability)</span></h2>
        <p class="beam-legend"><span class="chosen-key">━ green</span>: the returned translation · <span class="finished-key">┅ dashed</span>: finished with &lt;eos&gt; · hover a box for its attention</p>
        <div class="beam-scroll"><div id="beam-tree"></div></div>
        <div id="beam-detail" class="beam-detail" aria-live="polite"></div>
      </section>
    </main>`;
