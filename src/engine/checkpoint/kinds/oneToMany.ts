// The one-to-many model (a condition sets the initial state, then a sequence is generated: engine/oneToMany.ts)
// as a checkpoint architecture:
//   { kind: 'one-to-many', config: OneToManyConfig, labels?, maxLength }
// labels names each condition label in id order (a label-conditioned model: "make up a word in language X"),
// and is absent for a vector-conditioned one; maxLength caps generation (the longest training sequence).
// The one-to-many task (tasks/oneToManyTask.ts: seqlab train --task one-to-many, generate --label) is the
// label-conditioned model and saves this architecture; a vector-conditioned one is read here but has no task.
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
  // recurrentFields reads the stack of an LM or classifier, which names its directions; the generator writes left
  // to right from its initial state, one direction and nothing to merge, so neither field may appear (a file that
  // says otherwise is not this model, and one that said `false` would not save back to the same JSON).
  const r = object(c.rnn, 'architecture.config.rnn');
  for (const f of ['bidirectional', 'merge']) {
    if (r[f] !== undefined) throw new FieldError(`architecture.config.rnn.${f} does not apply to a one-to-many model (it writes left to right), got ${JSON.stringify(r[f])}`);
  }
  const { bidirectional: _b, merge: _m, ...rnn } = recurrentFields({ ...r, bidirectional: false }, 'architecture.config.rnn');
  const config: OneToManyConfig = {
    vocabSize: int(c.vocabSize, 'architecture.config.vocabSize', LIMITS.vocabSize),
    embeddingSize: int(c.embeddingSize, 'architecture.config.embeddingSize', LIMITS.embeddingSize),
    condition: condKind === 'label'
      ? { kind: 'label', numLabels: int(cond.numLabels, 'architecture.config.condition.numLabels', LIMITS.labels), size }
      : { kind: 'vector', size },
    rnn,
  };
  const maxLength = int(a.maxLength, 'architecture.maxLength', LIMITS.maxTargetLength);
  // Fields in the documented order { kind, config, labels?, maxLength }, as the task writes them, so a loaded
  // checkpoint saves back to the same bytes.
  if (config.condition.kind === 'vector') {
    if (a.labels !== undefined) throw new FieldError('architecture.labels names condition labels, but architecture.config.condition.kind is "vector"');
    return { kind: 'one-to-many', config, maxLength };
  }
  const labels = labelList(a.labels, 'architecture.labels');
  if (labels.length !== config.condition.numLabels) throw new FieldError(`architecture.labels has ${labels.length} entries, architecture.config.condition.numLabels says ${config.condition.numLabels}`);
  return { kind: 'one-to-many', config, labels, maxLength };
}
