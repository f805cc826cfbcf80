// Reading data files the user names (corpora, datasets, word lists) as untrusted input: only regular files (a
// device such as /dev/zero, a FIFO or a socket never ends, and opening a FIFO blocks until a writer appears, so
// they are refused from fs.stat alone, before opening), under a size cap checked against the size on disk first
// and then enforced while reading (a file may grow, and /proc files report size 0), in a bounded read loop.
// Bytes are decoded as UTF-8; invalid sequences become U+FFFD and are COUNTED, so the caller can warn.
import * as fs from 'node:fs';
import { DEFAULT_MAX_CORPUS_MB, MAX_CORPUS_MB } from '../engine/corpus';
import type { FlagSpec, Flags } from './args';
import { fsProblem } from './files';

/** Default cap on the data one command reads, and the highest the flag accepts: the extension's corpus caps,
 *  for the same reasons (engine/corpus.ts: ~1 GB of RAM per 64 MB of text; V8's array limit past 128 MB). */
export const DEFAULT_MAX_DATA_MB = DEFAULT_MAX_CORPUS_MB;
export const MAX_DATA_MB_LIMIT = MAX_CORPUS_MB;

export class DataFileError extends Error {}

/** A byte budget shared by the files of one command: each file read counts against it. */
export class DataBudget {
  used = 0;
  /** `flag` raises the cap (up to MAX_DATA_MB_LIMIT); without one, `fixedWhy` says why the cap is what it is. */
  constructor(readonly maxBytes: number, readonly flag = '--max-data-mb', readonly fixedWhy = '') {}

  static fromMb(mb: number | undefined): DataBudget {
    return new DataBudget(Math.floor((mb ?? DEFAULT_MAX_DATA_MB) * 2 ** 20));
  }

  /** Throws when `more` bytes of `file` would take the total past the cap, saying how to raise it. */
  charge(file: string, more: number): void {
    if (this.used + more <= this.maxBytes) return;
    const total = this.used + more, need = Math.ceil(total / 2 ** 20);
    const what = this.used > 0 ? `with the files before it, the data is ${mb(total)} MB` : `it is ${mb(total)} MB`;
    const raise = !this.flag ? this.fixedWhy : need <= MAX_DATA_MB_LIMIT ? `raise the cap with ${this.flag} ${need}` : `split it: ${this.flag} goes up to ${MAX_DATA_MB_LIMIT}`;
    throw new DataFileError(`cannot read ${file}: ${what}, over the ${mb(this.maxBytes)} MB ${this.flag ? 'data cap' : 'cap'}; ${raise}`);
  }
}

const mb = (bytes: number): string => String(+(bytes / 2 ** 20).toFixed(1));

/** What a non-regular file is, for the message; null for a regular file. */
function specialKind(st: fs.Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The bytes of a regular file, refusing special files and anything past the budget. */
export function readDataBytes(file: string, budget: DataBudget): Buffer {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new DataFileError(`cannot read ${file}: ${fsProblem(e)}`);
  }
  const kind = specialKind(st);
  if (kind === 'a directory') throw new DataFileError(`cannot read ${file}: it is a directory`);
  if (kind) throw new DataFileError(`cannot read ${file}: it is ${kind}, not a regular file (SeqLab reads data only from files, whose size is known)`);
  budget.charge(file, st.size);
  const fd = fs.openSync(file, 'r');
  try {
    // Read up to one byte past what the budget allows: getting it means the file is larger than it said.
    const room = budget.maxBytes - budget.used;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, room + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > room) budget.charge(file, total); // throws: the file grew past the cap while being read
    }
    budget.used += total;
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** UTF-8 text (a leading BOM dropped) and how many invalid sequences the decoder replaced with U+FFFD. */
export function decodeText(bytes: Uint8Array): { text: string; replaced: number } {
  const text = new TextDecoder('utf-8').decode(bytes);
  // U+FFFD in the text = the genuine ones (bytes EF BF BD) + one per maximal invalid subsequence (WHATWG).
  let out = 0, genuine = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) out++;
  if (out > 0) for (let i = bytes.indexOf(0xef); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) genuine++;
  return { text, replaced: out - genuine };
}

export interface ReadTextOptions {
  budget?: DataBudget;
  /** Called with a one-line warning (e.g. invalid UTF-8 replaced); without it the warning is dropped. */
  warn?: (message: string) => void;
}

/** A data file as text: regular, under the budget, not binary (NUL bytes), invalid UTF-8 counted and warned. */
export function readDataText(file: string, opts: ReadTextOptions = {}): string {
  const bytes = readDataBytes(file, opts.budget ?? DataBudget.fromMb(undefined));
  if (bytes.includes(0)) throw new DataFileError(`cannot read ${file}: it is a binary file (it contains NUL bytes), not UTF-8 text`);
  const { text, replaced } = decodeText(bytes);
  if (replaced > 0) opts.warn?.(`${file}: ${replaced} invalid UTF-8 sequence${replaced === 1 ? '' : 's'} replaced with U+FFFD (the file is not clean UTF-8; re-save it as UTF-8 to train on the intended characters)`);
  return text;
}

/** The `--max-data-mb` flag of every command that reads data files (train, eval, data). */
export const MAX_DATA_FLAG: Record<string, FlagSpec> = { 'max-data-mb': { type: 'number', min: 0, exclusiveMin: true, max: MAX_DATA_MB_LIMIT } };

/** Read options from parsed flags: a fresh budget per call (so --valid has its own), warnings on stderr. */
export function dataReadOptions(flags: Flags, err: (text: string) => void): ReadTextOptions {
  return { budget: DataBudget.fromMb(flags['max-data-mb'] as number | undefined), warn: (m) => err(`seqlab: warning: ${m}\n`) };
}
