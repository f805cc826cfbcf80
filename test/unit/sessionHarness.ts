// The setup of the tests that drive a TrainingSession with the real worker thread and the real on-disk store
// (workerSession, trustSession, stopNotice): a scratch store folder per suite, sessions made on it (several share
// it, as windows before and after a reload do), and every session disposed after the suite, so a failed test
// does not leave a worker keeping mocha alive.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrainingSession } from '../../src/extension/training/session';
import { FileRunStore, nodeFiles } from '../../src/extension/training/store';

/** The worker entry tsc compiles beside the session (out/src/extension/training/worker.js). */
export const WORKER = path.resolve(__dirname, '../../src/extension/training/worker.js');

export interface SessionHarness {
  /** The suite's store folder (made in `before`). */
  readonly root: () => string;
  /** A new session on the suite's store: another window on the same workspace storage. */
  readonly make: () => TrainingSession;
}

/** Registers the suite's hooks (call inside `describe`); `prefix` names its temporary folder. */
export function sessionHarness(prefix: string): SessionHarness {
  let root = '';
  const sessions: TrainingSession[] = [];
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), prefix))));
  after(() => {
    for (const s of sessions) s.dispose();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });
  return {
    root: () => root,
    make: () => {
      const s = new TrainingSession(WORKER, new FileRunStore(nodeFiles(root)));
      sessions.push(s);
      return s;
    },
  };
}
