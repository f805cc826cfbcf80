// What a checkpoint says about the network: a JSON-friendly "architecture" (a discriminated union on `kind`)
// from which the engine rebuilds the model and its Params arena. Checkpoints, export and import are written
// over this union plus a Params arena, so a new architecture only adds a case here (validate, build, infer).
// Validation turns untrusted JSON (a seqlab.json from disk) into a typed config or a clear error.
import type { CellKind } from '../cells/cell';
import { LanguageModel, type LmConfig } from '../lm';
import type { Params } from '../params';
import { int, LIMITS, recurrentFields } from './fields';

export type Architecture = { kind: 'lm'; config: LmConfig };
export type ArchitectureKind = Architecture['kind'];
export const ARCHITECTURE_KINDS: readonly ArchitectureKind[] = ['lm'];

/** A built model: the architecture plus the object that owns the Params arena. */
export type BuiltModel = { kind: 'lm'; model: LanguageModel; params: Params };

export class ArchitectureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchitectureError';
  }
}

export function buildModel(arch: Architecture): BuiltModel {
  switch (arch.kind) {
    case 'lm': {
      const model = new LanguageModel(arch.config);
      return { kind: 'lm', model, params: model.params };
    }
  }
}

/** Vocabulary size the architecture was built for (the tokenizer must agree). */
export function architectureVocabSize(arch: Architecture): number {
  return arch.config.vocabSize;
}

/** Checks untrusted JSON and returns a typed architecture; throws ArchitectureError naming the bad field. */
export function parseArchitecture(value: unknown): Architecture {
  const o = obj(value, 'architecture');
  if (o.kind === 'lm') return { kind: 'lm', config: parseLmConfig(o.config) };
  throw new ArchitectureError(`unknown architecture kind ${JSON.stringify(o.kind)}; this SeqLab knows ${ARCHITECTURE_KINDS.join(', ')}`);
}

/** The LM config, every field type- and range-checked (fields.ts LIMITS) before anything is built. */
export function parseLmConfig(value: unknown): LmConfig {
  const c = obj(value, 'architecture.config');
  return {
    vocabSize: int(c.vocabSize, 'architecture.config.vocabSize', LIMITS.vocabSize),
    embeddingSize: int(c.embeddingSize, 'architecture.config.embeddingSize', LIMITS.embeddingSize),
    rnn: recurrentFields(c.rnn, 'architecture.config.rnn'),
  };
}

/**
 * Infers an LM architecture from PyTorch state_dict shapes (for `seqlab import` of weights trained elsewhere):
 * embedding.weight (V, E), rnn.weight_ih_l{k}[_reverse] (G·H, ·), rnn.weight_hh_l0 (G·H, H), head.weight (V, O).
 * G = 4 is an LSTM, 3 a GRU, 1 a plain RNN (tanh unless `rnnNonlinearity` says relu: shapes cannot tell).
 */
export function inferLmArchitecture(shapes: ReadonlyMap<string, readonly number[]>, rnnNonlinearity: 'tanh' | 'relu' = 'tanh'): Architecture {
  const need = (name: string, rank: number): readonly number[] => {
    const s = shapes.get(name);
    if (!s) throw new ArchitectureError(`the weights have no tensor ${name}; a SeqLab language model needs embedding.weight, rnn.weight_ih_l0 … and head.weight (PyTorch names)`);
    if (s.length !== rank) throw new ArchitectureError(`${name} has shape [${s.join(', ')}], expected ${rank} dimensions`);
    return s;
  };
  const [V, E] = need('embedding.weight', 2);
  const [GH, H] = need('rnn.weight_hh_l0', 2);
  const G = GH / H;
  const cell: CellKind | undefined = G === 4 ? 'lstm' : G === 3 ? 'gru' : G === 1 ? (rnnNonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh') : undefined;
  if (!cell) throw new ArchitectureError(`rnn.weight_hh_l0 has shape [${GH}, ${H}]: rows must be 4H (LSTM), 3H (GRU) or H (RNN)`);
  let L = 0;
  while (shapes.has(`rnn.weight_ih_l${L}`)) L++;
  const bidirectional = shapes.has('rnn.weight_ih_l0_reverse');
  const [hv, O] = need('head.weight', 2);
  if (hv !== V) throw new ArchitectureError(`head.weight has ${hv} rows but embedding.weight has ${V}: vocabularies differ`);
  const want = bidirectional ? 2 * H : H;
  const merge = bidirectional && O === H ? 'sum' : 'concat';
  if (O !== want && !(bidirectional && O === H)) throw new ArchitectureError(`head.weight takes ${O} inputs, the recurrent layers give ${want}`);
  return { kind: 'lm', config: { vocabSize: V, embeddingSize: E, rnn: { cell, hiddenSize: H, numLayers: L, bidirectional, merge, dropout: 0 } } };
}

function obj(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArchitectureError(`${what} must be an object`);
  return value as Record<string, unknown>;
}
