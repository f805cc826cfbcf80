// The non-architecture fields of a seqlab.json, type- and range-checked before anything is built (the
// architecture has its own parsers: the registry, architecture.ts and kinds/*.ts). What each field may hold:
//   seed         a finite number (informational: loading does not draw from it)
//   vocabSize    an integer in LIMITS.vocabSize (it must also equal the tokenizer's and the architecture's)
//   tensors      name → shape: up to LIMITS.tensorRank non-negative integer dimensions
//   training     null, or { optimizer: { kind: sgd|adam|adamw|rmsprop, finite hyperparameters in torch's
//                ranges }, stepCount: a non-negative safe integer, moments: up to 4 distinct names,
//                rng: four 32-bit words, extra: an object, buffers: name → shape }
//   info         an object (free-form: saved, never interpreted)
import { bool, FieldError, int, LIMITS, num, object, oneOf } from './fields';

const OPTIMIZER_KINDS = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
/** Hyperparameter → [min, max] (torch.optim's own argument checks, with weight decay kept sane). */
const HYPER: Record<string, [number, number]> = {
  beta1: [0, 1], beta2: [0, 1], eps: [0, 1], weightDecay: [0, 100], momentum: [0, 1], dampening: [0, 1], alpha: [0, 1],
};

export function checkMetaFields(m: Record<string, unknown>): void {
  num(m.seed, 'seed', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  int(m.vocabSize, 'vocabSize', LIMITS.vocabSize);
  if (m.engineVersion !== undefined && typeof m.engineVersion !== 'string') throw new FieldError(`engineVersion must be a string, got ${JSON.stringify(m.engineVersion)}`);
  if (m.tensors !== undefined) shapes(m.tensors, 'tensors');
  if (m.info !== undefined) object(m.info, 'info');
  if (m.training === undefined || m.training === null) return;
  const t = object(m.training, 'training');
  const opt = object(t.optimizer, 'training.optimizer');
  oneOf(opt.kind, 'training.optimizer.kind', OPTIMIZER_KINDS);
  for (const [key, value] of Object.entries(opt)) {
    if (key === 'kind') continue;
    if (key === 'nesterov' || key === 'centered') bool(value, `training.optimizer.${key}`);
    else if (HYPER[key]) num(value, `training.optimizer.${key}`, HYPER[key][0], HYPER[key][1]);
    // other keys are ignored by the optimizers (the extension's settings may carry some), so they are not refused
  }
  int(t.stepCount, 'training.stepCount', { min: 0, max: Number.MAX_SAFE_INTEGER });
  if (!Array.isArray(t.moments) || t.moments.length > 4 || !t.moments.every((x) => typeof x === 'string' && /^[a-z_]{1,32}$/.test(x)) || new Set(t.moments).size !== t.moments.length) {
    throw new FieldError(`training.moments must be a list of up to 4 distinct moment names, got ${JSON.stringify(t.moments)}`);
  }
  if (t.extra !== undefined) object(t.extra, 'training.extra');
  if (t.buffers !== undefined) shapes(t.buffers, 'training.buffers');
}

function shapes(value: unknown, what: string): void {
  for (const [name, shape] of Object.entries(object(value, what))) {
    if (!Array.isArray(shape) || shape.length > 4) throw new FieldError(`${what}.${name} must be a shape (a list of up to 4 sizes), got ${JSON.stringify(shape)}`);
    shape.forEach((d, i) => int(d, `${what}.${name}[${i}]`, { min: 0, max: 2 ** 31 - 1 }));
  }
}
