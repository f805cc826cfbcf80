// The editor's training data for any task kind, checked BEFORE a run starts (no 'vscode': unit-tested as is).
//   - every file (or the selection) is parsed for the task with the engine's readers (run/data.ts), so a file
//     that does not fit stops the command with ONE message naming the file and its first offending line;
//   - the text is split into training and validation records the way the task counts examples: non-blank lines
//     for seq2seq and classify, blank-line separated sentences for tag (a record is never cut in two), and
//     contiguous text for lm (engine/corpus.ts splitCorpus). Records are held out at random with the run's
//     seed (a file sorted by label would otherwise hold out one label only), and a held-out record whose
//     label or tag the training part lacks goes back to training: the model cannot score a class it never saw.
// The worker receives the two texts and parses them again for the task (the training protocol's `train`,
// `valid`); the records keep their original lines, so whatever column order the reader expects is preserved.
import { splitCorpus } from '../../engine/corpus';
import { splitTrainValid } from '../../engine/data/readers';
import type { TaskKind } from '../../engine/run/config';
import { describeTaskData, parseTaskData, type TaskData } from '../../engine/run/data';

/** One file's text, or the selection's. */
export interface TaskText {
  /** Shown in messages: a workspace-relative path. */
  source: string;
  text: string;
  /** 0-based line of the file where `text` begins (a selection), so errors name the file's own line numbers. */
  firstLine?: number;
}

export interface TaskCorpus {
  train: string;
  valid: string;
  /** "1,204 pairs" etc., for the whole data. */
  description: string;
  /** Records (pairs, texts, sentences) in each part; characters for lm. */
  trainExamples: number;
  validExamples: number;
  /** Set when the data is too small to hold out a validation part. */
  note?: string;
}

/** Share of the records held out for validation, and the fewest records that make a held-out part worth it. */
export const VALID_FRACTION = 0.1;
export const MIN_RECORDS_FOR_VALIDATION = 10;

const NOUN: Record<Exclude<TaskKind, 'lm'>, string> = { seq2seq: 'pairs', classify: 'labelled texts', tag: 'sentences', 'one-to-many': 'labelled texts' };

/** Parses `texts` for `task` (throws DataFormatError naming the file and line) and splits them into train/valid. */
export function prepareTaskCorpus(task: TaskKind, texts: readonly TaskText[], seed: number): TaskCorpus {
  if (task === 'lm') {
    // Any text trains a language model; engine/corpus.ts already refused what cannot (empty, one character).
    const text = texts.map((t) => t.text).join('\n');
    const split = splitCorpus(text);
    return {
      train: split.train, valid: split.valid, description: describeTaskData({ kind: 'lm', text }), trainExamples: split.train.length,
      validExamples: split.valid.length, ...(split.note ? { note: split.note } : {}),
    };
  }
  const data = checkTaskTexts(task, texts);
  const all = texts.flatMap((t) => taskRecords(task, t.text));
  const description = describeTaskData(data);
  if (all.length < MIN_RECORDS_FOR_VALIDATION) {
    return {
      train: joinRecords(task, all), valid: '', description, trainExamples: all.length, validExamples: 0,
      note: `The data has only ${all.length} ${NOUN[task]}: all of them are used for training, and no validation loss or ${task === 'seq2seq' ? 'exact match' : 'accuracy'} is reported.`,
    };
  }
  const { train, valid } = splitTrainValid(all, seed, { validFraction: VALID_FRACTION });
  const known = new Set(labelsOf(task, train));
  const kept: string[] = [];
  for (const r of valid) {
    const labels = labelsOf(task, [r]);
    if (labels.every((l) => known.has(l))) kept.push(r);
    else {
      train.push(r);
      for (const l of labels) known.add(l);
    }
  }
  return { train: joinRecords(task, train), valid: joinRecords(task, kept), description, trainExamples: train.length, validExamples: kept.length };
}

/** Parses every text for `task`; the error of the first text that does not fit names its file and line. */
export function checkTaskTexts(task: TaskKind, texts: readonly TaskText[]): TaskData {
  // Blank lines in front of a selection make the readers count lines as the file does; every line-based format
  // skips blank lines, and for CoNLL they only end a sentence that has not begun.
  return parseTaskData(task, texts.map((t) => ({ source: t.source, text: t.firstLine ? '\n'.repeat(t.firstLine) + t.text : t.text })));
}

/** The records of one text: its non-blank lines, or (tag) its blank-line separated blocks. */
export function taskRecords(task: Exclude<TaskKind, 'lm'>, text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\n|\r/);
  if (task !== 'tag') return lines.filter((l) => l.trim().length > 0);
  const blocks: string[] = [];
  let cur: string[] = [];
  for (const l of lines) {
    // A "-DOCSTART-" line ends a sentence, as a blank line does (readers.ts skips it the same way).
    if (l.trim().length > 0 && !l.startsWith('-DOCSTART-')) cur.push(l);
    else if (cur.length > 0) (blocks.push(cur.join('\n')), (cur = []));
  }
  if (cur.length > 0) blocks.push(cur.join('\n'));
  return blocks;
}

function joinRecords(task: Exclude<TaskKind, 'lm'>, records: readonly string[]): string {
  return records.length === 0 ? '' : records.join(task === 'tag' ? '\n\n' : '\n') + '\n';
}

/** The labels (classify, one-to-many) or tags (tag) in some records, as the task's reader sees them; none for seq2seq. */
function labelsOf(task: Exclude<TaskKind, 'lm'>, records: readonly string[]): string[] {
  if (task === 'seq2seq' || records.length === 0) return [];
  const d = parseTaskData(task, [{ source: 'records', text: joinRecords(task, records) }]);
  return d.kind === 'classify' || d.kind === 'one-to-many' ? d.labels : d.kind === 'tag' ? d.tags : [];
}
