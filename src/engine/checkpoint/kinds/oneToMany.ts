// The one-to-many model (a condition sets the initial state, then a sequence is generated: engine/oneToMany.ts)
// as a checkpoint architecture:
//   { kind: 'one-to-many', config: OneToManyConfig, labels?, maxLength }
// labels names each condition label in id order (a label-conditioned model: "make up a word in language X"),
// and is absent for a vector-conditioned one; maxLength caps generation (the longest training sequence).
import { describeRnn } from '../../modelMemory';
import { OneToMany, type OneToManyConfig } from '../../oneToMany';
import { FieldError, int, labelList, LIMITS, object, oneOf, recurrentFields } from '../fields';
import type { ArchitectureEntry } from './entry';

export interface OneToManyArchitecture {
  kind: 'one-to-many';
  config: OneToManyConfig;
  /** The condition labels' names, in id order; only for condition.kind 'label'. */
  labels?: string[];
  /** Generation stops after this many tokens if EOS never comes. */
  maxLength: number;
}

export const ONE_TO_MANY_ENTRY: ArchitectureEntry<OneToManyArchitecture, OneToMany> = {
  parse: parseOneToManyArchitecture,
  build: (a, ctor) => new OneToMany(a.config, ctor),
  vocabularies: (a) => [{ field: 'architecture.config.vocabSize', size: a.config.vocabSize }],
  describe: (a) => describeRnn(a.config.rnn),
};

function parseOneToManyArchitecture(a: Record<string, unknown>): OneToManyArchitecture {
  const c = object(a.config, 'architecture.config');
  const cond = object(c.condition, 'architecture.config.condition');
  const condKind = oneOf(cond.kind, 'architecture.config.condition.kind', ['label', 'vector'] as const);
  const size = int(cond.size, 'architecture.config.condition.size', LIMITS.embeddingSize);
  // The generator reads left to right from its initial state: one direction, so nothing to merge.
  const r = object(c.rnn, 'architecture.config.rnn');
  if (r.bidirectional !== undefined && r.bidirectional !== false) throw new FieldError(`architecture.config.rnn.bidirectional must be false for a one-to-many model (it generates left to right), got ${JSON.stringify(r.bidirectional)}`);
  const { bidirectional: _b, merge: _m, ...rnn } = recurrentFields({ ...r, bidirectional: false }, 'architecture.config.rnn');
  const config: OneToManyConfig = {
    vocabSize: int(c.vocabSize, 'architecture.config.vocabSize', LIMITS.vocabSize),
    embeddingSize: int(c.embeddingSize, 'architecture.config.embeddingSize', LIMITS.embeddingSize),
    condition: condKind === 'label'
      ? { kind: 'label', numLabels: int(cond.numLabels, 'architecture.config.condition.numLabels', LIMITS.labels), size }
      : { kind: 'vector', size },
    rnn,
  };
  const out: OneToManyArchitecture = { kind: 'one-to-many', config, maxLength: int(a.maxLength, 'architecture.maxLength', LIMITS.maxTargetLength) };
  if (config.condition.kind === 'label') {
    const labels = labelList(a.labels, 'architecture.labels');
    if (labels.length !== config.condition.numLabels) throw new FieldError(`architecture.labels has ${labels.length} entries, architecture.config.condition.numLabels says ${config.condition.numLabels}`);
    out.labels = labels;
  } else if (a.labels !== undefined) {
    throw new FieldError('architecture.labels names condition labels, but architecture.config.condition.kind is "vector"');
  }
  return out;
}
