// The e2e layer's shared workbench: started on first use by a test, stopped by the e2e runner.
import { openWorkbench, type Workbench } from './workbench';

let current: Promise<Workbench> | null = null;

/** The workbench all e2e tests share (one code-server + chromium per run: startup is the slow part). */
export function workbench(): Promise<Workbench> {
  current ??= openWorkbench();
  return current;
}

export async function closeWorkbench(): Promise<void> {
  const wb = current;
  current = null;
  if (wb) await (await wb.catch(() => null))?.stop();
}
