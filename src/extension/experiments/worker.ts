// Experiments worker entry (worker_threads; bundled on its own as dist/experimentsWorker.js). Runs the
// vanishing-gradient experiment one training step per macrotask (setImmediate between steps, so `cancel`
// gets through), posting its view at most every 100 ms; gradient checks and text samples run on request.
// Imports only the engine, the protocol and the pure jobs: no 'vscode'.
import { parentPort } from 'node:worker_threads';
import { LongLagJob, TextSampler, gradCheck } from './jobs';
import { EXPERIMENTS_LIMITS, parseHostToExperiments, type ExperimentsToHost, type HostToExperiments } from '../../protocol/experiments';

const port = parentPort;
const cancelled = new Set<number>();
const sampler = new TextSampler();
const FLUSH_MS = 100;

function post(m: ExperimentsToHost): void {
  port?.postMessage(m);
}

function runLongLag(id: number, job: LongLagJob): void {
  let last = 0;
  const tick = (): void => {
    if (cancelled.has(id)) {
      post({ type: 'experiment', id, view: job.view() });
      post({ type: 'done', id, cancelled: true });
      return;
    }
    try {
      job.tick();
    } catch (e) {
      post({ type: 'error', id, message: cut((e as Error).message, EXPERIMENTS_LIMITS.messageChars) });
      return;
    }
    const now = performance.now();
    if (job.done || now - last >= FLUSH_MS) {
      last = now;
      post({ type: 'experiment', id, view: job.view() });
    }
    if (job.done) post({ type: 'done', id, cancelled: false });
    else setImmediate(tick);
  };
  setImmediate(tick);
}

function handle(m: HostToExperiments): void {
  switch (m.type) {
    case 'longLag':
      runLongLag(m.id, new LongLagJob(m.options));
      return;
    case 'cancel':
      cancelled.add(m.id);
      return;
    case 'gradCheck':
      post({ type: 'gradCheck', id: m.id, view: gradCheck(m.checkpoint, m.text, m.name) });
      post({ type: 'done', id: m.id, cancelled: false });
      return;
    case 'sample': {
      const s = sampler.sample(m.runId, m.config, m.train, m.weights, m.length, m.seed);
      const max = EXPERIMENTS_LIMITS.sampleChars;
      post({ type: 'sample', id: m.id, runId: m.runId, step: m.step, prompt: cut(s.prompt, max), text: cut(s.text, max) });
      return;
    }
  }
}

if (port) {
  port.on('message', (raw: unknown) => {
    let m: HostToExperiments;
    try {
      m = parseHostToExperiments(raw);
    } catch (e) {
      const id = (raw as { id?: unknown } | null)?.id;
      const known = typeof id === 'number' && Number.isSafeInteger(id) && id >= 1;
      post({ type: 'error', id: known ? id : -1, message: cut((e as Error).message, EXPERIMENTS_LIMITS.messageChars) });
      return;
    }
    try {
      handle(m);
    } catch (e) {
      post({ type: 'error', id: m.id, message: cut((e as Error).message, EXPERIMENTS_LIMITS.messageChars) });
    }
  });
}

/** Text cut to the channel's length limit, so the host accepts the reply. */
function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
