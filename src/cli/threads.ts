// The Node side of data-parallel training: a ThreadHost (engine/parallel/contract.ts) that starts each helper as
// a worker_threads Worker running dist/trainThread.js. Used by every Node driver of TrainingRun: `seqlab train`,
// the editor's training worker (a worker starting workers) and the bench.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReplicaInit, ThreadHost } from '../engine/parallel/contract';

/** dist/trainThread.js beside the bundle this code runs in (cli.js, trainWorker.js are all in dist/). */
export function defaultThreadScript(): string {
  return path.join(__dirname, 'trainThread.js');
}

/** This machine's cores: what `threads: 0` means for the CLI and the bench. */
export function machineCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export function nodeThreadHost(script = defaultThreadScript(), cores = machineCores()): ThreadHost {
  return {
    cores,
    spawn(init: ReplicaInit) {
      // Checked here, synchronously: a Worker whose file is missing fails only later, on the event loop, while
      // thread 0 would be waiting for it.
      if (!fs.existsSync(script)) throw new Error(`the training thread's script ${script} is missing (run npm run build)`);
      const w = new Worker(script, { workerData: init });
      w.unref(); // a run that is never disposed must not keep the process alive
      w.on('error', () => undefined); // failures are reported through the shared block (replica.ts)
      return { terminate: () => void w.terminate() };
    },
  };
}
