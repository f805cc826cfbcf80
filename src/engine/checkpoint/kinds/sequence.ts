// The classifier (many-to-one: engine/classifier.ts) and the tagger (many-to-many aligned: engine/tagger.ts) as
// checkpoint architectures: { kind: 'classify' | 'tag', config, labels }, where labels names each class or tag
// in output order (so there must be exactly numClasses / numTags of them).
import { SequenceClassifier, type ClassifierConfig } from '../../classifier';
import { describeRnn } from '../../modelMemory';
import { SequenceTagger, type TaggerConfig } from '../../tagger';
import { FieldError, int, labelList, LIMITS, object, recurrentFields } from '../fields';
import type { Params } from '../../params';
import type { FloatArrayCtor } from '../../tensor';
import type { ArchitectureEntry } from './entry';

export interface ClassifyArchitecture {
  kind: 'classify';
  config: ClassifierConfig;
  labels: string[];
}

export interface TagArchitecture {
  kind: 'tag';
  config: TaggerConfig;
  labels: string[];
}

export type SequenceArchitecture = ClassifyArchitecture | TagArchitecture;

export const CLASSIFY_ENTRY = sequenceEntry<ClassifyArchitecture, SequenceClassifier>('classify', 'numClasses', (c, ctor) => new SequenceClassifier(c, ctor));
export const TAG_ENTRY = sequenceEntry<TagArchitecture, SequenceTagger>('tag', 'numTags', (c, ctor) => new SequenceTagger(c, ctor));

/** The two kinds differ only in the model and in the name of their label count. */
function sequenceEntry<A extends SequenceArchitecture, M extends { params: Params }>(
  kind: A['kind'], countField: 'numClasses' | 'numTags', build: (config: A['config'], ctor: FloatArrayCtor) => M,
): ArchitectureEntry<A, M> {
  return {
    parse: (a) => {
      const { base, labels } = parseSequence(a, countField);
      return { kind, config: { ...base, [countField]: labels.length }, labels } as A;
    },
    build: (a, ctor) => build(a.config, ctor),
    vocabularies: (a) => [{ field: 'architecture.config.vocabSize', size: a.config.vocabSize }],
    describe: (a) => describeRnn(a.config.rnn),
  };
}

/** The fields both kinds share, and the labels, which must be as many as `countField` says. */
function parseSequence(a: Record<string, unknown>, countField: 'numClasses' | 'numTags'): { base: Omit<ClassifierConfig, 'numClasses'>; labels: string[] } {
  const c = object(a.config, 'architecture.config');
  const count = int(c[countField], `architecture.config.${countField}`, LIMITS.labels);
  const labels = labelList(a.labels, 'architecture.labels');
  if (labels.length !== count) throw new FieldError(`architecture.labels has ${labels.length} entries, architecture.config.${countField} says ${count}`);
  const base = {
    vocabSize: int(c.vocabSize, 'architecture.config.vocabSize', LIMITS.vocabSize),
    embeddingSize: int(c.embeddingSize, 'architecture.config.embeddingSize', LIMITS.embeddingSize),
    rnn: recurrentFields(c.rnn, 'architecture.config.rnn'),
  };
  return { base, labels };
}
