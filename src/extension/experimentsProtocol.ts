// Messages between the extension host (experiments.ts) and the experiments worker (experimentsWorker.ts): the
// vanishing-gradient experiment, gradient checks and text samples run there, never on the extension host's
// thread. Every request carries an `id`; replies name it. Validated on arrival with parse* (a malformed
// message is answered with an error, never trusted).
import type { CheckpointBytes, TrainConfig } from '../protocol/training';
import type { ExperimentView, GradCheckView } from '../protocol/dashboard';
import type { LongLagOptions } from './experimentsJobs';

export type HostToExperiments =
  | { type: 'longLag'; id: number; options: LongLagOptions }
  | { type: 'cancel'; id: number }
  | { type: 'gradCheck'; id: number; name: string; checkpoint: CheckpointBytes; text: string }
  | { type: 'sample'; id: number; runId: string; step: number; config: TrainConfig; train: string; weights: Float32Array; length: number; seed: number };

export type ExperimentsToHost =
  | { type: 'experiment'; id: number; view: ExperimentView }
  | { type: 'gradCheck'; id: number; view: GradCheckView }
  | { type: 'sample'; id: number; runId: string; step: number; prompt: string; text: string }
  | { type: 'done'; id: number; cancelled: boolean }
  | { type: 'error'; id: number; message: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const posInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Validates a request at the worker; throws an Error naming the problem. */
export function parseHostToExperiments(v: unknown): HostToExperiments {
  if (!isObj(v) || typeof v.id !== 'number') throw new Error('request must be an object with a numeric id');
  switch (v.type) {
    case 'longLag': {
      const o = v.options;
      if (!isObj(o) || !posInt(o.steps) || !posInt(o.trainSteps) || !posInt(o.hiddenSize) || typeof o.seed !== 'number') {
        throw new Error('longLag.options needs positive integers steps, trainSteps, hiddenSize and a seed');
      }
      break;
    }
    case 'cancel':
      break;
    case 'gradCheck':
      if (typeof v.name !== 'string' || typeof v.text !== 'string' || !isObj(v.checkpoint) || !(v.checkpoint.model instanceof Uint8Array) || typeof v.checkpoint.meta !== 'string') {
        throw new Error('gradCheck needs name, text and checkpoint bytes');
      }
      break;
    case 'sample':
      if (typeof v.runId !== 'string' || typeof v.train !== 'string' || !(v.weights instanceof Float32Array) || !posInt(v.length) || !isObj(v.config)) {
        throw new Error('sample needs runId, config, train text, Float32Array weights and a length');
      }
      break;
    default:
      throw new Error(`unknown request type ${JSON.stringify(v.type)}`);
  }
  return v as unknown as HostToExperiments;
}
