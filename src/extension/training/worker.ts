// Training worker entry (worker_threads). Filled in by the training-runtime work.
import { parentPort } from 'node:worker_threads';

parentPort?.postMessage({ type: 'ready' });
