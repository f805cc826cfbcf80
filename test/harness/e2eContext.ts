// The e2e layer's shared workbench: started on first use by a test, stopped by the e2e runner.
import { openWorkbench, type Workbench } from './workbench';

let current: Promise<Workbench> | null = null;
let closed = false;
let closing: Promise<void> | null = null;

/** The workbench all e2e tests share (one code-server + chromium per run: startup is the slow part). */
export function workbench(): Promise<Workbench> {
  // After shutdown (end of run, or a signal mid-run) never start another server that nobody stops.
  if (closed) return Promise.reject(new Error('the e2e workbench has been shut down'));
  current ??= openWorkbench();
  return current;
}

/** Stops the workbench; concurrent callers (a signal and the runner's finally) share one shutdown. */
export function closeWorkbench(): Promise<void> {
  closed = true;
  const wb = current;
  closing ??= (async () => {
    if (wb) await (await wb.catch(() => null))?.stop();
  })();
  return closing;
}

/**
 * A describe block's own workbench, for tests that reload the window, change settings or must not see the models
 * and runs that earlier test files left in the shared one: opened before the block's tests with `settings` in
 * force from the start (a settings file written mid-session reaches the extension host only later), stopped by
 * PID after them. Call it in the describe body; it returns the block's `workbench()`.
 */
export function ownWorkbench(settings: Record<string, unknown> = {}): () => Promise<Workbench> {
  let own: Workbench | null = null;
  before(async () => {
    own = await openWorkbench({ settings });
  });
  after(async () => {
    await own?.stop();
  });
  return async () => {
    if (!own) throw new Error('the own workbench is not open yet: call it from a test or a later before hook');
    return own;
  };
}
