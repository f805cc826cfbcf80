// The one HTML builder for SeqLab's webviews (after vscode-extension-samples' webview-sample):
// CSP `default-src 'none'`, scripts only with a per-render nonce, styles and images only from the
// extension's own shipped folders, and nothing from the network.
import * as vscode from 'vscode';

/** Folders a webview may load from: the bundled scripts and the static media. Nothing else ships. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export interface WebviewPage {
  readonly title: string;
  /** Bundle under dist/webview/, e.g. 'dashboard.js'. */
  readonly script: string;
  /** Stylesheets under media/, e.g. ['dashboard.css']. */
  readonly styles: readonly string[];
  /** Static body markup (trusted: written by us, never built from user text). */
  readonly body: string;
}

export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = makeNonce();
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', page.script));
  const styleLinks = page.styles
    .map((s) => `<link rel="stylesheet" href="${webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', s))}">`)
    .join('\n    ');
  // No 'unsafe-inline' anywhere: chart.js sizes its canvas through the CSSOM (element.style), which
  // CSP does not restrict; scripts run only with this render's nonce.
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styleLinks}
    <title>${escapeHtml(page.title)}</title>
  </head>
  <body>
    ${page.body}
    <script nonce="${nonce}" src="${scriptUri}"></script>
  </body>
</html>`;
}

function makeNonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars.charAt(Math.floor(Math.random() * chars.length));
  return s;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
