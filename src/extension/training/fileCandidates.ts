// Whether a workspace file fits the chosen model, for the file picker of "Train on Workspace Files…" (no
// 'vscode': unit-tested as is). Each candidate is parsed for the task with the same readers training uses, but
// only its first CHECK_BYTES, cut at a record boundary, so a picker over many large files opens in moments;
// the whole file is parsed again before training starts (taskCorpus.ts), so nothing unchecked ever trains.
import { decodeUtf8, formatBytes, isBinary } from '../../engine/corpus';
import { DataFormatError } from '../../engine/data/readers';
import type { TaskKind } from '../../engine/run/config';
import { describeTaskData } from '../../engine/run/data';
import { checkTaskTexts } from './taskCorpus';

/** Bytes of each candidate parsed for the picker (1 MiB: well under 100 ms of parsing per file). */
export const CHECK_BYTES = 1 << 20;

export interface CandidateStatus {
  fits: boolean;
  /** "✓ 1,204 pairs" or "✗ line 3: expected …", short enough for a QuickPick row. */
  description: string;
}

/** The extra file names a task's data usually has, added to the setting's glob in the picker. */
export const TASK_GLOBS: Record<TaskKind, readonly string[]> = {
  lm: [],
  seq2seq: ['**/*.tsv', '**/*.txt'],
  classify: ['**/*.tsv', '**/*.txt'],
  tag: ['**/*.conll', '**/*.tsv', '**/*.txt'],
  'one-to-many': ['**/*.tsv', '**/*.txt'],
};

/**
 * Checks one candidate. `bytes` may be only its first CHECK_BYTES (`size` is the whole size): the text is then
 * cut after its last complete record and the count is a lower bound ("≥ 1,204 pairs in the first 1 MiB").
 */
export function candidateStatus(task: TaskKind, name: string, bytes: Uint8Array, size = bytes.length, maxBytes = Number.POSITIVE_INFINITY): CandidateStatus {
  if (size > maxBytes) return { fits: false, description: `✗ ${formatBytes(size)}, over the ${formatBytes(maxBytes)} corpus cap` };
  const head = bytes.length > CHECK_BYTES ? bytes.subarray(0, CHECK_BYTES) : bytes;
  if (isBinary(head)) return { fits: false, description: '✗ binary (it contains NUL bytes)' };
  const partial = size > head.length;
  let text = decodeUtf8(head).text;
  if (partial) text = wholeRecords(task, text);
  try {
    const data = checkTaskTexts(task, [{ source: name, text }]);
    const what = describeTaskData(data);
    return { fits: true, description: partial ? `✓ ≥ ${what} in the first ${formatBytes(head.length)}` : `✓ ${what}` };
  } catch (e) {
    if (e instanceof DataFormatError) return { fits: false, description: `✗ line ${e.line}: ${reason(e)}` };
    throw e;
  }
}

/**
 * The reader's reason, short enough for a row: without the "file:line: " prefix and the quoted line (the line
 * is named), what was found first ("no tab; expected "source<TAB>target" (exactly one tab)").
 */
function reason(e: DataFormatError): string {
  const prefix = `${e.source ? `${e.source}:` : 'line '}${e.line}: `;
  const msg = (e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message).replace(/ in ".*$/s, '');
  const m = /^(expected .*) but found (.*)$/s.exec(msg);
  return m ? `${m[2]}; ${m[1]}` : msg;
}

/** A prefix of a file cut after its last complete record: the last newline (lm, line formats) or blank line (tag). */
function wholeRecords(task: TaskKind, text: string): string {
  const blank = task === 'tag' ? Math.max(text.lastIndexOf('\n\n'), text.lastIndexOf('\r\n\r\n')) : -1;
  const cut = blank > 0 ? blank : text.lastIndexOf('\n');
  return cut > 0 ? text.slice(0, cut + 1) : text;
}
