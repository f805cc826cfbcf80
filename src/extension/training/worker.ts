// Training worker entry (worker_threads; bundled on its own as dist/trainWorker.js). A run's training threads
// (config.threads) are workers this worker starts (cli/threads.ts, dist/trainThread.js). It imports only the
// engine and the protocol (through workerLoop.ts and the engine's TrainingRun): no 'vscode', so it also runs under plain Node.
// Every message from the host goes through the validating WorkerLoop; an exception that escapes is reported
// as a fatal `error` before the thread ends, so the host always learns why its worker died.
import { parentPort, workerData } from 'node:worker_threads';
import { nodeThreadHost } from '../../cli/threads';
import { TRAINING_LIMITS } from '../../protocol/training';
import { WorkerLoop, memoryLimitFromWorkerData } from './workerLoop';

const port = parentPort;
if (port) {
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
