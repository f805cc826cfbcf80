// The language model (one-to-one, autoregressive: engine/lm.ts) as a checkpoint architecture:
//   { kind: 'lm', config: { vocabSize, embeddingSize, rnn } }
// plus the inference of that architecture from PyTorch state_dict shapes alone (`seqlab import` without a
// seqlab.json).
import type { CellKind } from '../../cells/cell';
import { LanguageModel, type LmConfig } from '../../lm';
import { describeRnn } from '../../modelMemory';
import { FieldError, int, LIMITS, object, recurrentFields } from '../fields';
import type { ArchitectureEntry } from './entry';

export interface LmArchitecture {
  kind: 'lm';
  config: LmConfig;
}

export const LM_ENTRY: ArchitectureEntry<LmArchitecture, LanguageModel> = {
  parse: (a) => ({ kind: 'lm', config: parseLmConfig(a.config) }),
  build: (a, ctor) => new LanguageModel(a.config, ctor),
  vocabularies: (a) => [{ field: 'architecture.config.vocabSize', size: a.config.vocabSize }],
  describe: (a) => describeRnn(a.config.rnn),
};

/** The LM config, every field type- and range-checked (fields.ts LIMITS) before anything is built. */
export function parseLmConfig(value: unknown): LmConfig {
  const c = object(value, 'architecture.config');
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
export function inferLmArchitecture(shapes: ReadonlyMap<string, readonly number[]>, rnnNonlinearity: 'tanh' | 'relu' = 'tanh'): LmArchitecture {
  const need = (name: string, rank: number): readonly number[] => {
    const s = shapes.get(name);
    if (!s) throw new FieldError(`the weights have no tensor ${name}; a SeqLab language model needs embedding.weight, rnn.weight_ih_l0 … and head.weight (PyTorch names)`);
    if (s.length !== rank) throw new FieldError(`${name} has shape [${s.join(', ')}], expected ${rank} dimensions`);
    return s;
  };
  const [V, E] = need('embedding.weight', 2);
  const [GH, H] = need('rnn.weight_hh_l0', 2);
  const G = GH / H;
  const cell: CellKind | undefined = G === 4 ? 'lstm' : G === 3 ? 'gru' : G === 1 ? (rnnNonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh') : undefined;
  if (!cell) throw new FieldError(`rnn.weight_hh_l0 has shape [${GH}, ${H}]: rows must be 4H (LSTM), 3H (GRU) or H (RNN)`);
  let L = 0;
  while (shapes.has(`rnn.weight_ih_l${L}`)) L++;
  const bidirectional = shapes.has('rnn.weight_ih_l0_reverse');
  const [hv, O] = need('head.weight', 2);
  if (hv !== V) throw new FieldError(`head.weight has ${hv} rows but embedding.weight has ${V}: vocabularies differ`);
  const want = bidirectional ? 2 * H : H;
  const merge = bidirectional && O === H ? 'sum' : 'concat';
  if (O !== want && !(bidirectional && O === H)) throw new FieldError(`head.weight takes ${O} inputs, the recurrent layers give ${want}`);
  return { kind: 'lm', config: { vocabSize: V, embeddingSize: E, rnn: { cell, hiddenSize: H, numLayers: L, bidirectional, merge, dropout: 0 } } };
}
