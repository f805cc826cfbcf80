// The editor's training runs at background priority (src/extension/training/worker.ts): the REAL built worker,
// started by TrainingSession as the extension does, renices its own thread to EDITOR_TRAINING_NICE and leaves
// the host's threads alone; the run's extra training threads (threads: 2) inherit the nice value. Read from
// Linux's /proc/self/task/<tid>/stat (field 19, the nice value), so it runs where the extension is tested.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runConfig } from '../../src/engine/run/config';
import { EDITOR_TRAINING_NICE } from '../../src/extension/training/worker';
import { TrainingSession } from '../../src/extension/training/session';
import { FileRunStore, nodeFiles } from '../../src/extension/training/store';
import { scratchDir } from './scratchDir';
import { until } from './until';

const WORKER = path.join(path.resolve(__dirname, '..', '..', '..'), 'dist', 'trainWorker.js');

/** The nice value of every thread of this process, by thread id. */
function niceByThread(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after "(comm)": state is field 3, so nice (field 19) is index 16 of the rest.
      out.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}
const reniced = (): number => [...niceByThread().values()].filter((n) => n === EDITOR_TRAINING_NICE).length;

describe('editor training priority (real worker threads, Linux /proc)', function () {
  this.timeout(60_000);
  const tmp = scratchDir('seqlab-priority-');
  after(() => fs.rmSync(tmp.dir, { recursive: true, force: true }));
  before(function () {
    if (!fs.existsSync('/proc/self/task')) this.skip();
  });

  it('renices the training threads, and only them', async () => {
    const before = reniced();
    const ownNice = niceByThread().get(String(process.pid));
    const session = new TrainingSession(WORKER, new FileRunStore(nodeFiles(path.join(tmp.dir, 'store'))));
    try {
      const text = 'the quick brown fox jumps over the lazy dog.\n'.repeat(200);
      const config = runConfig({ task: 'lm', tokenizer: 'char', hidden: 16, embedding: 8, batch: 8, seqLen: 16, threads: 2, steps: 100_000, seed: 3 });
      const run = await session.start({ config, train: text, valid: '' });
      await until('the run to train', () => run.step >= 5 || run.state === 'failed' || run.state === 'crashed', 30_000);
      assert.ok(run.step >= 5, `${run.state}: ${run.message ?? ''}`);
      // The worker and the run's second training thread, each with V8's and libuv's helper threads.
      const now = reniced();
      assert.ok(now >= before + 2, `threads at nice ${EDITOR_TRAINING_NICE}: ${before} before the run, ${now} while it trains`);
      assert.equal(niceByThread().get(String(process.pid)), ownNice, "the host's own thread keeps its priority");
    } finally {
      session.dispose();
    }
  });
});
