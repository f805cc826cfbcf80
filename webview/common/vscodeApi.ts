// Typed wrapper over the webview API that VS Code injects (acquireVsCodeApi may be called only
// once per page, so every webview gets it through here).

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export interface WebviewChannel<Out, State> {
  /** Sends a typed message to the extension host. */
  post(message: Out): void;
  /** Subscribes to messages from the extension host (validated by the caller's switch). */
  onMessage(handler: (message: unknown) => void): void;
  getState(): State | undefined;
  setState(state: State): void;
}

export function connect<Out, State = never>(): WebviewChannel<Out, State> {
  const api = acquireVsCodeApi<State>();
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) => window.addEventListener('message', (e: MessageEvent<unknown>) => handler(e.data)),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}

/** Reads a VS Code theme colour (a `--vscode-*` CSS variable), with a fallback outside VS Code. */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(`--vscode-${name}`).trim();
  return v || fallback;
}
