// Ownership of disposables (after vscode-hexeditor's dispose.ts): an object that registers event
// listeners, panels or providers owns them and releases them all in one `dispose()`.
import * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Reverse order: later registrations may depend on earlier ones.
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (e) {
        console.error('[seqlab] error while disposing', e);
      }
    }
  }

  /** Takes ownership of `value`; disposes it at once if this object is already disposed. */
  protected register<T extends vscode.Disposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }
}
