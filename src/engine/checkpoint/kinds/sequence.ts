// The classifier (many-to-one: engine/classifier.ts) and the tagger (many-to-many aligned: engine/tagger.ts) as
// checkpoint architectures: { kind: 'classify' | 'tag', config, labels }, where labels names each class or tag
// in output order (so there must be exactly numClasses / numTags of them).
import { SequenceClassifier, type ClassifierConfig } from '../../classifier';
import { describeRnn } from '../../modelMemory';
import { SequenceTagger, type TaggerConfig } from '../../tagger';
import { FieldError, int, labelList, LIMITS, object, recurrentFields } from '../fields';
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

export const CLASSIFY_ENTRY: ArchitectureEntry<ClassifyArchitecture, SequenceClassifier> = {
  parse: (a) => {
    const { base, labels } = parseSequence(a, 'numClasses');
    return { kind: 'classify', config: { ...base, numClasses: labels.length }, labels };
  },
  build: (a, ctor) => new SequenceClassifier(a.config, ctor),
  vocabularies: (a) => [{ field: 'architecture.config.vocabSize', size: a.config.vocabSize }],
  describe: (a) => describeRnn(a.config.rnn),
};

export const TAG_ENTRY: ArchitectureEntry<TagArchitecture, SequenceTagger> = {
  parse: (a) => {
    const { base, labels } = parseSequence(a, 'numTags');
    return { kind: 'tag', config: { ...base, numTags: labels.length }, labels };
  },
  build: (a, ctor) => new SequenceTagger(a.config, ctor),
  vocabularies: (a) => [{ field: 'architecture.config.vocabSize', size: a.config.vocabSize }],
  describe: (a) => describeRnn(a.config.rnn),
};

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
