// Training worker entry (worker_threads; bundled on its own as dist/trainWorker.js). A run's training threads
// (config.threads) are workers this worker starts (cli/threads.ts, dist/trainThread.js). It imports only the
// engine and the protocol (through workerLoop.ts and the engine's TrainingRun): no 'vscode', so it also runs under plain Node.
// Every message from the host goes through the validating WorkerLoop; an exception that escapes is reported
// as a fatal `error` before the thread ends, so the host always learns why its worker died.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { nodeThreadHost } from '../../cli/threads';
import { TRAINING_LIMITS } from '../../protocol/training';
import { WorkerLoop, memoryLimitFromWorkerData } from './workerLoop';

/**
 * The nice value of training in the editor. Training is background work beside an editor someone types in: on a
 * 2-core laptop the training thread and the workbench (renderer, extension host, server) share the cores, and at
 * equal priority a keystroke's paint waits behind training (issue #14: p50 11 ms idle, 31 ms while training).
 * Linux's scheduler weighs nice 19 at 15 against 1024 for nice 0 (CFS, sched_prio_to_weight), so the editor gets
 * a core the moment it needs one, and training still gets all of it when the editor is idle. On Linux a nice
 * value is per thread (setpriority(2), "BUGS"): this renices this worker only, and the run's extra training
 * threads (cli/threads.ts) inherit it when this thread creates them. The CLI keeps the normal priority.
 */
export const EDITOR_TRAINING_NICE = 19;

const port = parentPort;
if (port) {
  try {
    setPriority(EDITOR_TRAINING_NICE);
  } catch {
    // Not permitted (some sandboxes): train at normal priority rather than not at all.
  }
  const loop = new WorkerLoop({
    post: (message, transfer) => port.postMessage(message, transfer ?? []),
    defer: (fn) => setImmediate(fn),
    now: () => performance.now(),
    exit: () => setImmediate(() => port.close()),
  }, 100, memoryLimitFromWorkerData(workerData), nodeThreadHost());
  port.on('message', (m: unknown) => loop.onMessage(m));
  process.on('uncaughtException', (e) => {
    const text = `worker crashed: ${e instanceof Error ? e.message : String(e)}`;
    // Cut to the protocol's message length, or the host would drop the one line that says why.
    port.postMessage({ type: 'error', message: text.slice(0, TRAINING_LIMITS.messageChars), fatal: true });
    process.exit(1);
  });
  port.postMessage({ type: 'ready' });
}
