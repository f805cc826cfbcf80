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
