// A run's data, per task kind: the texts a driver read (files, a selection, the worker's `train`/`valid` strings)
// parsed by the engine's readers, and the held-out share when no validation data is given. Every driver (CLI,
// worker, bench, tests) parses through here, so the same text gives the same examples everywhere.
//   lm        plain text                                   (readers.ts readPlainText)
//   seq2seq   source<TAB>target lines                      (readParallel)
//   classify  label<TAB>text lines                         (readLabelText)
//   one-to-many  label<TAB>text lines, the text generated from its label (readLabelText)
//   tag       CoNLL token<TAB>tag lines, a blank line between sentences (readConll)
import { splitCorpus } from '../corpus';
import {
  readConll, readLabelText, swappedColumnsWarning, readParallel, readPlainText, splitTrainValid, type LabeledText, type ParallelPair, type TaggedSentence,
} from '../data/readers';
import type { TaskKind } from './config';

export type TaskData =
  | { kind: 'lm'; text: string }
  | { kind: 'seq2seq'; pairs: ParallelPair[] }
  | { kind: 'classify'; examples: LabeledText[]; labels: string[] }
  | { kind: 'tag'; sentences: TaggedSentence[]; tags: string[] }
  | { kind: 'one-to-many'; examples: LabeledText[]; labels: string[] };

/** Parses texts (one per file, `source` = its name for error messages) for `task`; throws DataFormatError
 *  (src/engine/data/readers.ts) naming the file and the first offending line. Several files join example-wise.
 *  `warn` hears of a label<TAB>text file whose columns look swapped (the two orders cannot be told apart line by line). */
export function parseTaskData(task: TaskKind, texts: readonly { source: string; text: string }[], warn?: (message: string) => void): TaskData {
  switch (task) {
    case 'lm':
      return { kind: 'lm', text: texts.map((t) => readPlainText(t.text, t.source)).join('\n') };
    case 'seq2seq':
      return { kind: 'seq2seq', pairs: texts.flatMap((t) => readParallel(t.text, t.source)) };
    case 'classify':
    case 'one-to-many': {
      const examples = texts.flatMap((t) => {
        const read = readLabelText(t.text, t.source).examples, swapped = swappedColumnsWarning(read, t.source);
        if (swapped) warn?.(swapped);
        return read;
      });
      return { kind: task, examples, labels: sortedUnique(examples.map((e) => e.label)) };
    }
    case 'tag': {
      const sentences = texts.flatMap((t) => readConll(t.text, t.source).sentences);
      return { kind: 'tag', sentences, tags: sortedUnique(sentences.flatMap((s) => s.tags)) };
    }
  }
}

/** "1,204 pairs", "812 texts, 4 labels", "300 sentences, 5 tags", "52,311 characters". */
export function describeTaskData(d: TaskData): string {
  const n = (x: number, one: string, many: string): string => `${x.toLocaleString('en-US')} ${x === 1 ? one : many}`;
  switch (d.kind) {
    case 'lm':
      return n(d.text.length, 'character', 'characters');
    case 'seq2seq':
      return n(d.pairs.length, 'pair', 'pairs');
    case 'classify':
    case 'one-to-many':
      return `${n(d.examples.length, 'text', 'texts')}, ${n(d.labels.length, 'label', 'labels')}`;
    case 'tag':
      return `${n(d.sentences.length, 'sentence', 'sentences')}, ${n(d.tags.length, 'tag', 'tags')}`;
  }
}

/** Examples (characters for lm) in a data set. */
export function exampleCount(d: TaskData): number {
  return d.kind === 'lm' ? d.text.length : d.kind === 'seq2seq' ? d.pairs.length : d.kind === 'classify' || d.kind === 'one-to-many' ? d.examples.length : d.sentences.length;
}

/** Share held out for validation when none is given: 10%, as the editor has always split its corpora. */
const VALID_FRACTION = 0.1;

/**
 * The training and validation sets of a run. Given validation data is used as it is; without it (null or empty) a
 * deterministic share is held out: lm, the text's last tenth cut at a line start (corpus.ts splitCorpus; a text
 * under 200 characters is all training); the others, a seeded 10% of the examples (readers.ts splitTrainValid,
 * its own generator from `seed`, so the run's generator is untouched). Labels and tags are those of both sets, so
 * a label seen only in validation still has an output (the model just never learns it).
 */
export function trainValidSets(train: TaskData, valid: TaskData | null, seed: number): { train: TaskData; valid: TaskData } {
  if (valid && valid.kind !== train.kind) throw new Error(`the validation data was read as ${valid.kind}, the training data as ${train.kind}`);
  const given = valid && exampleCount(valid) > 0 ? valid : null;
  switch (train.kind) {
    case 'lm': {
      if (given) return { train, valid: given };
      const split = splitCorpus(train.text, VALID_FRACTION);
      return { train: { kind: 'lm', text: split.train }, valid: { kind: 'lm', text: split.valid } };
    }
    case 'seq2seq': {
      if (given) return { train, valid: given };
      const s = splitTrainValid(train.pairs, seed, { validFraction: VALID_FRACTION });
      return { train: { kind: 'seq2seq', pairs: s.train }, valid: { kind: 'seq2seq', pairs: s.valid } };
    }
    case 'classify':
    case 'one-to-many': {
      const v = given as Extract<TaskData, { kind: 'classify' | 'one-to-many' }> | null;
      const s = v ? { train: train.examples, valid: v.examples } : splitTrainValid(train.examples, seed, { validFraction: VALID_FRACTION });
      const labels = sortedUnique([...train.labels, ...(v?.labels ?? [])]);
      return { train: { kind: train.kind, examples: s.train, labels }, valid: { kind: train.kind, examples: s.valid, labels } };
    }
    case 'tag': {
      const v = given as Extract<TaskData, { kind: 'tag' }> | null;
      const s = v ? { train: train.sentences, valid: v.sentences } : splitTrainValid(train.sentences, seed, { validFraction: VALID_FRACTION });
      const tags = sortedUnique([...train.tags, ...(v?.tags ?? [])]);
      return { train: { kind: 'tag', sentences: s.train, tags }, valid: { kind: 'tag', sentences: s.valid, tags } };
    }
  }
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
