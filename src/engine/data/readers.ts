// Dataset readers: text in, examples out. Hosts read the files (UTF-8) and pass the text; errors name the
// line (1-based, as editors show it) and what was expected, so a CLI can print them as one line.
// Formats (one example per line unless noted; a trailing "\r" is dropped so CRLF files work):
//   plain text            the whole text is one token stream (language model)
//   label<TAB>text        classification; the label is before the FIRST tab, so the text may contain tabs.
//                         Label first, as in fastText's `__label__x text` and the issue's editor format: the
//                         label is short and the text is what a reader scans, and with label-first order a line's
//                         text can hold tabs. The other order cannot be told apart line by line (`pos<TAB>good`
//                         reads both ways), so it is not guessed at: a swapped file trains on the wrong column.
//   source<TAB>target     seq2seq; exactly one tab per line
//   token<TAB>tag         CoNLL-style tagging; blank lines separate sentences; extra columns allowed, the token
//                         is the first column and the tag the last (as in CoNLL-2003); "-DOCSTART-" lines skipped
// Blank lines are skipped in the line-based formats.

import { Rng } from '../rng';

export interface LabeledText {
  text: string;
  label: string;
}

export interface ParallelPair {
  source: string;
  target: string;
}

export interface TaggedSentence {
  tokens: string[];
  tags: string[];
}

/** An error in an input file, with the 1-based line number it refers to. */
export class DataFormatError extends Error {
  constructor(readonly line: number, message: string, readonly source?: string) {
    super(`${source ? `${source}:` : 'line '}${line}: ${message}`);
    this.name = 'DataFormatError';
  }
}

/** Lines without their terminators ("\n", "\r\n" or a lone "\r"), with a leading BOM removed. */
function lines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out = body.split(/\r\n|\n|\r/);
  if (out.length > 0 && out[out.length - 1] === '') out.pop(); // a final newline does not start a new line
  return out;
}

function isBlank(line: string): boolean {
  return line.trim().length === 0;
}

function preview(line: string): string {
  return JSON.stringify(line.length > 40 ? line.slice(0, 40) + '…' : line);
}

/** Plain text for a language model: the text itself, minus a byte-order mark. Errors on an empty corpus. */
export function readPlainText(text: string, source?: string): string {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim().length === 0) throw new DataFormatError(1, 'the text is empty', source);
  return body;
}

/**
 * `label<TAB>text` lines, the one format of the classifier (the class of the text) and the one-to-many task (the
 * label conditions the text the model learns to write). The label is before the FIRST tab, so the text may hold
 * tabs; `labels` lists the distinct labels, sorted, so label ids are stable across files.
 */
export function readLabelText(text: string, source?: string): { examples: LabeledText[]; labels: string[] } {
  const examples: LabeledText[] = [];
  lines(text).forEach((line, i) => {
    if (isBlank(line)) return;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new DataFormatError(i + 1, `expected "label<TAB>text" but found no tab in ${preview(line)}`, source);
    const label = line.slice(0, tab).trim();
    const body = line.slice(tab + 1);
    if (label.length === 0) throw new DataFormatError(i + 1, `the label before the tab is empty in ${preview(line)}`, source);
    if (body.trim().length === 0) throw new DataFormatError(i + 1, `the text after the tab is empty in ${preview(line)}`, source);
    examples.push({ text: body, label });
  });
  if (examples.length === 0) throw new DataFormatError(1, 'no "label<TAB>text" lines found', source);
  return { examples, labels: sortedUnique(examples.map((e) => e.label)) };
}

/** `source<TAB>target` lines, exactly one tab each. */
export function readParallel(text: string, source?: string): ParallelPair[] {
  const pairs: ParallelPair[] = [];
  lines(text).forEach((line, i) => {
    if (isBlank(line)) return;
    const parts = line.split('\t');
    if (parts.length !== 2) {
      const what = parts.length === 1 ? 'no tab' : `${parts.length - 1} tabs`;
      throw new DataFormatError(i + 1, `expected "source<TAB>target" (exactly one tab) but found ${what} in ${preview(line)}`, source);
    }
    if (parts[0].length === 0) throw new DataFormatError(i + 1, `the source before the tab is empty in ${preview(line)}`, source);
    if (parts[1].length === 0) throw new DataFormatError(i + 1, `the target after the tab is empty in ${preview(line)}`, source);
    pairs.push({ source: parts[0], target: parts[1] });
  });
  if (pairs.length === 0) throw new DataFormatError(1, 'no "source<TAB>target" lines found', source);
  return pairs;
}

/** CoNLL-style `token<TAB>tag` lines, sentences separated by blank lines. `tags` is sorted and distinct. */
export function readConll(text: string, source?: string): { sentences: TaggedSentence[]; tags: string[] } {
  const sentences: TaggedSentence[] = [];
  let cur: TaggedSentence = { tokens: [], tags: [] };
  const flush = () => {
    if (cur.tokens.length > 0) sentences.push(cur);
    cur = { tokens: [], tags: [] };
  };
  lines(text).forEach((line, i) => {
    if (isBlank(line)) return flush();
    if (line.startsWith('-DOCSTART-')) return flush();
    const cols = line.split('\t');
    if (cols.length < 2) throw new DataFormatError(i + 1, `expected "token<TAB>tag" but found no tab in ${preview(line)}`, source);
    const token = cols[0];
    const tag = cols[cols.length - 1].trim();
    if (token.length === 0) throw new DataFormatError(i + 1, `the token before the tab is empty in ${preview(line)}`, source);
    if (tag.length === 0) throw new DataFormatError(i + 1, `the tag is empty in ${preview(line)}`, source);
    cur.tokens.push(token);
    cur.tags.push(tag);
  });
  flush();
  if (sentences.length === 0) throw new DataFormatError(1, 'no "token<TAB>tag" lines found', source);
  return { sentences, tags: sortedUnique(sentences.flatMap((s) => s.tags)) };
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

export interface SplitOptions {
  /** Share of the items held out for validation, in [0, 1). Default 0.1. */
  validFraction?: number;
  /** Exact number held out (overrides validFraction). */
  validCount?: number;
}

/**
 * Seeded random train/validation split. The same items and seed always give the same split, independent of
 * any other randomness in the run (the seed gets its own Rng unless an Rng is passed). Order within each part
 * follows the shuffled order.
 */
export function splitTrainValid<T>(items: readonly T[], seed: number | Rng, options: SplitOptions = {}): { train: T[]; valid: T[] } {
  const n = items.length;
  const fraction = options.validFraction ?? 0.1;
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`validFraction must be in [0, 1), got ${fraction}`);
  const k = options.validCount ?? Math.round(n * fraction);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`validCount must be an integer in [0, ${n}], got ${k}`);
  const rng = typeof seed === 'number' ? new Rng(seed) : seed;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  rng.shuffle(order);
  const valid: T[] = [];
  const train: T[] = [];
  for (let i = 0; i < n; i++) (i < k ? valid : train).push(items[order[i]]);
  return { train, valid };
}

/**
 * Contiguous split of a language-model text: the last `validFraction` becomes validation, cut at a line start
 * near that point (so no line is split) when there is one, otherwise at the exact character.
 */
export function splitText(text: string, validFraction = 0.1): { train: string; valid: string } {
  if (!(validFraction > 0 && validFraction < 1)) throw new Error(`validFraction must be in (0, 1), got ${validFraction}`);
  let cut = Math.floor(text.length * (1 - validFraction));
  const nl = text.indexOf('\n', cut);
  if (nl >= 0 && nl + 1 < text.length) cut = nl + 1;
  else {
    const prev = text.lastIndexOf('\n', cut - 1);
    if (prev > 0) cut = prev + 1;
  }
  // Never split a surrogate pair.
  const c = text.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut++;
  return { train: text.slice(0, cut), valid: text.slice(cut) };
}

/** Maps label strings to their index in `labels` (as returned by the readers). A label missing from the list
 *  (say, a validation file with a class the training file lacks) throws, naming it and the known ones. */
export function toLabelIds(values: readonly string[], labels: readonly string[]): Int32Array {
  const index = new Map<string, number>();
  labels.forEach((l, i) => index.set(l, i));
  const out = new Int32Array(values.length);
  values.forEach((v, i) => {
    const id = index.get(v);
    if (id === undefined) {
      const known = labels.length > 12 ? `${labels.slice(0, 12).join(', ')}, …` : labels.join(', ');
      throw new Error(`unknown label ${JSON.stringify(v)} (known: ${known})`);
    }
    out[i] = id;
  });
  return out;
}

/**
 * A one-line warning when `label<TAB>text` lines look written the other way round (word<TAB>language, the
 * order `seqlab data languages` wrote before it put the label first), else null. The two orders cannot be told
 * apart line by line, but a label is a class that many texts share, so when most lines bring a label of their
 * own (more distinct labels than half the lines, over at least 20 lines), the first column is most likely the text.
 */
export function swappedColumnsWarning(examples: readonly LabeledText[], source: string): string | null {
  if (examples.length < 20) return null;
  const distinct = new Set(examples.map((e) => e.label)).size;
  if (distinct <= examples.length / 2) return null;
  return `${source}: ${distinct} distinct labels in ${examples.length} lines; each line is read as label<TAB>text, the label first: is the file written text<TAB>label?`;
}
