// W1-2t and W2-2t: W1 and W2 trained with two threads (issue 16 item 1). SeqLab only: the tf.layers peers have no
// data-parallel path. The side is the same `TrainingRun` as W1/W2 (seqlab.ts) with config.threads = 2
// (engine/parallel); this file gives it the Node host that starts the helper thread on out/bench/trainThread.js,
// which `npm run bench` bundles from the same sources as the bench (a stale dist/ is never measured), else on
// dist/trainThread.js.
import * as fs from 'fs';
import * as path from 'path';
import { nodeThreadHost } from '../../src/cli/threads';
import type { ThreadHost } from '../../src/engine/parallel/contract';

const ROOT = path.resolve(__dirname, '..', '..');

/** The helper thread's script: beside the bench bundle if it was built there, else the extension's dist/. */
function threadScript(): string {
  for (const p of [path.join(__dirname, 'trainThread.js'), path.join(ROOT, 'dist', 'trainThread.js')]) if (fs.existsSync(p)) return p;
  throw new Error('dist/trainThread.js is missing: run npm run build first');
}

export function threadHost(threads: number): ThreadHost {
  return nodeThreadHost(threadScript(), threads);
}
