// Model sizing before allocation: how much memory training (or loading) a model takes, from its config alone,
// so a model too large for the machine is refused with one line saying how much it needs and what the limit
// is, instead of dying in "Array buffer allocation failed" (or taking the machine into swap) half-way through.
//
// Parameters are COUNTED, not estimated: the model itself is constructed with a counting "constructor" (the
// constructor look-alike of sizing/alloc.ts) that records every size asked for and hands out empty arrays, so
// its layout code runs — the real tensor list, bridges, attention, merge weights — but nothing of the model's
// size is allocated. The rest follows the arenas of params.ts and the optimizers:
//   parameters P, gradients P, optimizer moments m·P (Adam: exp_avg and exp_avg_sq; RMSprop: square_avg, …),
//   one more copy of P·(1 + m) while a checkpoint or snapshot is written,
//   activations for one batch: per position, each layer and direction keeps ~(4·gates + 10)·H floats (gate
//   pre-activations from x and h, activations, their gradients, states, cell, tanh c, outputs, dropout
//   buffers), plus embeddings (3·E) and output logits/softmax/gradient (3·V or 3·C), +25% for what the formulas
//   do not name. A data-parallel run (parallel/*) adds, for each of its N − 1 helper threads, a replica built for
//   one share of ⌈B/N⌉ rows (parallel/replica.ts: parameters P, gradients P and that share's activations; no
//   moments, no checkpoint copy), and the block the threads exchange through (sharedBlock.ts: the weights P and
//   each helper's gradient P). Activations are linear in the rows (every formula is B × …), so a share's are
//   the batch's × ⌈B/N⌉/B. This stays an estimate on purpose: it must refuse a model BEFORE anything of its
//   size exists, and even sizing/count.ts's exact count makes the largest single array. Once a model passes, its heap is
//   sized exactly (sizing/alloc.ts); modelMemory.test checks this estimate against that count.
// The limit comes from the host (os.totalmem(), a flag): the engine stays pure.
// Legend: B batch, T steps, S source steps, V vocabulary, C classes, E embedding, H hidden, L layers, D directions.
import { gateCount, type CellKind } from './cells/cell';
import type { RecurrentConfig } from './layers/recurrent';
import type { OptimizerConfig } from './optim';
import type { FloatArrayCtor } from './tensor';

export class ModelMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelMemoryError';
  }
}

/** How much memory a run may use, and why (shown in the error: "half of this machine's 16 GB of RAM"). */
export interface MemoryLimit {
  bytes: number;
  why: string;
  /** The run's training threads (default 1): TrainingRun.create sets it before the model is built, so the
   *  check counts the helper threads' replicas (see the header). */
  threads?: number;
}

/** How a training batch is shared: its rows, and the threads that share them (data-parallel; 1 = this thread alone). */
export interface BatchRows {
  rows: number;
  threads: number;
}

/**
 * The default limit on a machine with `totalBytes` of RAM: half of it. Training touches every parameter,
 * gradient and moment on every step, so a model that spills into swap does not train at any useful speed; the
 * other half is for the OS, the editor or shell, and the estimate's error (±25%).
 */
export function memoryLimitForRam(totalBytes: number, raise?: string): MemoryLimit {
  return { bytes: totalBytes / 2, why: `half of this machine's ${formatGB(totalBytes)} of RAM${raise ? `; ${raise}` : ''}` };
}

/**
 * Floats in the parameter arena of the model `build` constructs, without allocating it: `build` must pass the
 * given ctor to the model's constructor (new LanguageModel(cfg, ctor), …). Throws what the constructor throws.
 */
export function countParams(build: (ctor: FloatArrayCtor) => unknown): number {
  const sizes: number[] = [];
  function CountingFloat32Array(n: number): Float32Array {
    sizes.push(typeof n === 'number' ? n : 0);
    return new Float32Array(0);
  }
  CountingFloat32Array.prototype = Float32Array.prototype;
  build(Object.assign(CountingFloat32Array, { BYTES_PER_ELEMENT: 4 }) as unknown as FloatArrayCtor);
  // Params allocates its value arena first (params.ts: data, then grad of the same length).
  return sizes[0] ?? 0;
}

/** Moment arenas the optimizer keeps, each the size of the parameter arena (optim/*.ts, torch.optim's state). */
export function momentCount(o: OptimizerConfig): number {
  switch (o.kind) {
    case 'adam':
    case 'adamw':
      return 2;
    case 'rmsprop':
      return 1 + (o.momentum ? 1 : 0) + (o.centered ? 1 : 0);
    case 'sgd':
      return o.momentum ? 1 : 0;
  }
}

/** Floats one batch position keeps per recurrent stack (see the header). */
export function recurrentPositionFloats(rnn: { cell: CellKind; hiddenSize: number; numLayers: number; bidirectional?: boolean }): number {
  const D = rnn.bidirectional ? 2 : 1;
  return rnn.numLayers * D * (4 * gateCount(rnn.cell) + 10) * rnn.hiddenSize;
}

export interface MemoryEstimate {
  /** What the model is, for the message: "hidden 65536 × 4 layers (lstm)". */
  model: string;
  params: number;
  /** Named parts in bytes, in the order the message lists them. */
  parts: { what: string; bytes: number }[];
  bytes: number;
}

/**
 * Bytes to train a model of `params` floats with this optimizer and `activations` floats per batch; with
 * `shared.threads` > 1, thread 0's part (all of the 1-thread run) + each helper's replica + the shared block.
 */
export function trainingMemory(
  model: string, params: number, optimizer: OptimizerConfig, activations: number, batch: string, shared: BatchRows = { rows: 1, threads: 1 },
): MemoryEstimate {
  const m = momentCount(optimizer), f = 4;
  // threads ≤ rows (TrainingRun never starts more threads than a batch has rows).
  const N = Math.max(1, Math.min(shared.threads, shared.rows)), shareRows = Math.ceil(shared.rows / N);
  const shareActivations = Math.ceil(1.25 * f * activations * (shareRows / shared.rows));
  const parts = [
    { what: 'parameters', bytes: f * params },
    { what: 'gradients', bytes: f * params },
    ...(m ? [{ what: `${optimizer.kind} moments`, bytes: f * m * params }] : []),
    { what: 'checkpoint copy', bytes: f * (1 + m) * params },
    // +25%: buffers the per-position formulas do not name (masks, scratch, index arrays).
    { what: `activations for a batch of ${batch}`, bytes: Math.ceil(1.25 * f * activations) },
    ...(N > 1 ? [
      { what: `${N - 1} more training thread${N > 2 ? 's' : ''} (each a replica: parameters, gradients, activations for ${shareRows} rows)`, bytes: (N - 1) * (2 * f * params + shareActivations) },
      { what: 'weights and gradients the threads share', bytes: f * N * params },
    ] : []),
  ];
  return { model, params, parts, bytes: parts.reduce((s, p) => s + p.bytes, 0) };
}

/** Bytes to load a model for inference: the arena and its gradient twin (params.ts), and the decoded weights. */
export function loadingMemory(model: string, params: number): MemoryEstimate {
  const parts = [
    { what: 'parameters', bytes: 4 * params }, { what: 'gradients', bytes: 4 * params }, { what: 'decoded weights', bytes: 4 * params },
  ];
  return { model, params, parts, bytes: 12 * params };
}

/** Throws ModelMemoryError when the estimate exceeds the limit: "the model needs 37.2 GB to train (…); the limit is …". */
export function checkMemory(e: MemoryEstimate, limit: MemoryLimit | null | undefined, verb: 'train' | 'load'): void {
  if (!limit || e.bytes <= limit.bytes) return;
  const parts = e.parts.filter((p) => p.bytes > 0).map((p) => `${p.what} ${formatGB(p.bytes)}`).join(', ');
  throw new ModelMemoryError(`the model needs ${formatGB(e.bytes)} to ${verb} for ${e.model} (${formatCount(e.params)} parameters; ${parts}); the limit is ${formatGB(limit.bytes)}, ${limit.why}`);
}

/** "hidden 65536 × 4 layers (lstm)", "… bidirectional". */
export function describeRnn(rnn: Pick<RecurrentConfig, 'cell' | 'hiddenSize' | 'numLayers'> & { bidirectional?: boolean }): string {
  return `hidden ${rnn.hiddenSize} × ${rnn.numLayers} layer${rnn.numLayers === 1 ? '' : 's'} (${rnn.cell}${rnn.bidirectional ? ', bidirectional' : ''})`;
}

export function formatGB(bytes: number): string {
  if (bytes >= 2 ** 30) return `${+(bytes / 2 ** 30).toFixed(1)} GB`;
  return `${+(bytes / 2 ** 20).toFixed(1)} MB`;
}

function formatCount(n: number): string {
  if (n >= 1e9) return `${+(n / 1e9).toFixed(2)} billion`;
  if (n >= 1e6) return `${+(n / 1e6).toFixed(2)} million`;
  return String(n);
}
