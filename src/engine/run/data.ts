// The training data of every task kind, parsed from the text of one or more files with the engine's readers
// (src/engine/data/readers.ts): plain text for lm; `source<TAB>target` lines for seq2seq; labelled lines for
// classify; CoNLL `token<TAB>tag` lines with a blank line between sentences for tag. Errors are the readers'
// DataFormatError, naming the file (`source`) and the first offending line.
// (Written by H5 to the shared spec of issue #13 so the editor flows compile; H1's run/data.ts replaces it.)
import { readClassification, readConll, readParallel, readPlainText, type LabeledText, type ParallelPair, type TaggedSentence } from '../data/readers';
import type { TaskKind } from './config';

export type TaskData =
  | { kind: 'lm'; text: string }
  | { kind: 'seq2seq'; pairs: ParallelPair[] }
  | { kind: 'classify'; examples: LabeledText[]; labels: string[] }
  | { kind: 'tag'; sentences: TaggedSentence[]; tags: string[] };

/** Parses texts (one per file, `source` = its name for error messages) for `task`; throws DataFormatError
 *  naming the file and the first offending line. */
export function parseTaskData(task: TaskKind, texts: readonly { source: string; text: string }[]): TaskData {
  switch (task) {
    case 'lm':
      return { kind: 'lm', text: texts.map((t) => readPlainText(t.text, t.source)).join('\n') };
    case 'seq2seq':
      return { kind: 'seq2seq', pairs: texts.flatMap((t) => readParallel(t.text, t.source)) };
    case 'classify': {
      const examples = texts.flatMap((t) => readClassification(t.text, t.source).examples);
      return { kind: 'classify', examples, labels: sortedUnique(examples.map((e) => e.label)) };
    }
    case 'tag': {
      const sentences = texts.flatMap((t) => readConll(t.text, t.source).sentences);
      return { kind: 'tag', sentences, tags: sortedUnique(sentences.flatMap((s) => s.tags)) };
    }
  }
}

/** "1,204 pairs", "812 texts, 4 labels", "300 sentences, 5 tags", "52,311 characters". */
export function describeTaskData(d: TaskData): string {
  switch (d.kind) {
    case 'lm':
      return count(d.text.length, 'character');
    case 'seq2seq':
      return count(d.pairs.length, 'pair');
    case 'classify':
      return `${count(d.examples.length, 'text')}, ${count(d.labels.length, 'label')}`;
    case 'tag':
      return `${count(d.sentences.length, 'sentence')}, ${count(d.tags.length, 'tag')}`;
  }
}

const count = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
