// Corpus assembly, pure: bytes of files in, one training text out, plus a report of everything left out or
// repaired, worded for the user. The host finds and reads the files (workspace.findFiles + workspace.fs);
// this file decides what to keep:
//   - a file containing a NUL byte is binary and skipped (git's heuristic, over the whole file);
//   - a device, FIFO or socket is skipped unread (the host marks it from its stat; reading may never end);
//   - a file over the per-file cap is skipped; files stop being added once the total cap would be passed;
//   - bytes are decoded as UTF-8 (a leading BOM dropped); every maximal invalid subsequence becomes U+FFFD
//     (WHATWG decoder, see tokenize/utf8.ts) and is COUNTED, so the user learns their file was not clean UTF-8;
//   - an empty or one-character corpus is an error (a language model needs at least one input→target pair).
import { utf8Decode } from './tokenize/utf8';

export class CorpusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

export interface CorpusLimits {
  /** Files larger than this (bytes) are skipped. */
  maxFileBytes: number;
  /** Files stop being added once the corpus would exceed this many bytes. */
  maxTotalBytes: number;
  /** At most this many files are read (the host passes it to findFiles as maxResults). */
  maxFiles: number;
  /** How the user raises the caps (a setting, a flag), appended to every message about them. */
  raiseHint?: string;
}

/**
 * Default cap on a corpus, in MB (2^20 bytes). Training holds the text several times over — the string, one
 * Int32 token id per character (4×), the batcher's streams, the copy stored to resume the run and the one
 * posted to the worker — so 64 MB of text is ~1 GB of RAM, comfortable on an 8 GB laptop, and already hours of
 * CPU training per epoch. A single file may use the whole cap (one big corpus file is the common case).
 */
export const DEFAULT_MAX_CORPUS_MB = 64;

/** Highest cap offered (setting and CLI flag). The tokenizers return token ids as plain arrays, and V8 aborts the
 *  process (a fatal "invalid size error", not an exception) when one passes ~169 million elements (Node 20,
 *  measured); 128 MB of text is at most 128 million characters, so a character-level corpus stays below that. */
export const MAX_CORPUS_MB = 128;

/** Corpus limits for a cap of `maxMb` MB: one file or all files together, and the file-count cap. */
export function corpusLimits(maxMb: number, raiseHint?: string): CorpusLimits {
  const bytes = Math.floor(maxMb * 2 ** 20);
  return { maxFileBytes: bytes, maxTotalBytes: bytes, maxFiles: 2000, ...(raiseHint ? { raiseHint } : {}) };
}

export const DEFAULT_CORPUS_LIMITS: Readonly<CorpusLimits> = corpusLimits(DEFAULT_MAX_CORPUS_MB);

export interface CorpusFile {
  /** Shown in messages: a workspace-relative path, "selection", … */
  name: string;
  bytes: Uint8Array;
  /** Size on disk when known before reading: a file over the cap is then skipped without being read (bytes empty). */
  size?: number;
  /** Not a regular file (a device, FIFO or socket: reading it may never end); skipped unread (bytes empty). */
  special?: boolean;
}

export interface CorpusReport {
  used: string[];
  binary: string[];
  /** Devices, FIFOs, sockets: never read. */
  special: string[];
  tooLarge: string[];
  /** Size of each file in tooLarge, in bytes. */
  sizes: Record<string, number>;
  overTotal: string[];
  /** Invalid UTF-8 sequences replaced by U+FFFD, per file (files with none are absent). */
  replaced: Record<string, number>;
  replacedTotal: number;
  chars: number;
}

export interface Corpus {
  text: string;
  /** The text of each file used, apart (paired, labelled and tagged data are checked file by file). */
  files: { source: string; text: string }[];
  report: CorpusReport;
  /** One line per thing the user should know (files skipped, characters replaced); empty when clean. */
  messages: string[];
}

/** True when the bytes hold a NUL, which text files never do. */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.indexOf(0) >= 0;
}

/** UTF-8 → string, counting the replacement characters the DECODER inserted (not those already in the text). */
export function decodeUtf8(bytes: Uint8Array): { text: string; replaced: number } {
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = start ? bytes.subarray(start) : bytes;
  const text = utf8Decode(body);
  // U+FFFD in the output = genuine U+FFFD characters (encoded EF BF BD) + one per invalid subsequence.
  let out = 0, genuine = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) out++;
  for (let i = 0; i + 2 < body.length; i++) if (body[i] === 0xef && body[i + 1] === 0xbf && body[i + 2] === 0xbd) genuine++;
  return { text, replaced: out - genuine };
}

/** Joins the usable files (in order, separated by a newline) under the caps; throws CorpusError if nothing usable remains. */
export function assembleCorpus(files: readonly CorpusFile[], limits: CorpusLimits = DEFAULT_CORPUS_LIMITS, truncatedAtFileCap = false): Corpus {
  const report: CorpusReport = { used: [], binary: [], special: [], tooLarge: [], sizes: {}, overTotal: [], replaced: {}, replacedTotal: 0, chars: 0 };
  const parts: string[] = [];
  const used: { source: string; text: string }[] = [];
  let total = 0;
  for (const f of files) {
    const size = f.size ?? f.bytes.length;
    if (f.special) report.special.push(f.name);
    else if (size > limits.maxFileBytes) {
      report.tooLarge.push(f.name);
      report.sizes[f.name] = size;
    } else if (isBinary(f.bytes)) report.binary.push(f.name);
    else if (total + f.bytes.length > limits.maxTotalBytes) report.overTotal.push(f.name);
    else {
      const { text, replaced } = decodeUtf8(f.bytes);
      total += f.bytes.length;
      if (replaced > 0) {
        report.replaced[f.name] = replaced;
        report.replacedTotal += replaced;
      }
      if (text.length > 0) {
        parts.push(text);
        used.push({ source: f.name, text });
        report.used.push(f.name);
      }
    }
  }
  const text = parts.join('\n');
  report.chars = text.length;
  const messages = corpusMessages(report, limits, truncatedAtFileCap);
  if (files.length === 0) throw new CorpusError('No files matched, so the corpus is empty. Check the glob pattern and the excluded folders.');
  if (report.used.length === 0) {
    throw new CorpusError(`None of the ${files.length} file(s) could be used, so the corpus is empty. ${messages.join(' ')}`.trim());
  }
  checkTrainable(text);
  return { text, files: used, report, messages };
}

/** A single text (the selection, the active file) as a corpus, under the same caps and checks. */
export function textCorpus(name: string, text: string, limits: CorpusLimits = DEFAULT_CORPUS_LIMITS): Corpus {
  if (text.length === 0) throw new CorpusError(`The ${name} is empty: select some text (or open a file with text) to train on.`);
  if (text.indexOf('\u0000') >= 0) throw new CorpusError(`The ${name} contains NUL characters: it looks like binary data, not text.`);
  let t = text, messages: string[] = [];
  if (text.length > limits.maxTotalBytes) {
    t = text.slice(0, limits.maxTotalBytes);
    messages = [`The ${name} is longer than the ${formatBytes(limits.maxTotalBytes)} corpus cap; only its first ${formatBytes(limits.maxTotalBytes)} are used.${raise(limits)}`];
  }
  checkTrainable(t, name);
  return { text: t, files: [{ source: name, text: t }], messages, report: { used: [name], binary: [], special: [], tooLarge: [], sizes: {}, overTotal: [], replaced: {}, replacedTotal: 0, chars: t.length } };
}

/** Throws the user-facing error for a text too small to train a language model on. */
export function checkTrainable(text: string, name = 'corpus'): void {
  if (text.length === 0) throw new CorpusError(`The ${name} is empty: there is no text to train on.`);
  let n = 0;
  for (const _ of text) if (++n > 1) return;
  throw new CorpusError(`The ${name} has only one character (${JSON.stringify(text)}): a language model needs at least two characters, one to read and one to predict.`);
}

export interface CorpusSplit {
  train: string;
  valid: string;
  /** Set when the text was too short to hold out a validation part. */
  note?: string;
}

/**
 * Contiguous train/validation split (the last `validFraction`, cut at a line start when one is near, never
 * inside a surrogate pair). A text under `minChars` is all training data, with a note saying so.
 */
export function splitCorpus(text: string, validFraction = 0.1, minChars = 200): CorpusSplit {
  checkTrainable(text);
  if (!(validFraction > 0 && validFraction < 1)) throw new CorpusError(`validation fraction must be in (0, 1), got ${validFraction}`);
  if (text.length < minChars) return { train: text, valid: '', note: `The corpus has only ${text.length} characters: all of it is used for training, and no validation loss is reported.` };
  let cut = Math.floor(text.length * (1 - validFraction));
  const nl = text.indexOf('\n', cut);
  if (nl >= 0 && nl + 1 < text.length && nl + 1 - cut < text.length * validFraction * 0.5) cut = nl + 1;
  const c = text.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut++;
  return { train: text.slice(0, cut), valid: text.slice(cut) };
}

function corpusMessages(r: CorpusReport, limits: CorpusLimits, truncatedAtFileCap: boolean): string[] {
  const m: string[] = [];
  const list = (names: string[]): string => (names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`);
  if (r.binary.length) m.push(`Skipped ${r.binary.length} binary file(s) (they contain NUL bytes): ${list(r.binary)}.`);
  if (r.special.length) m.push(`Skipped ${r.special.length} item(s) that are not regular files (devices, pipes or sockets, which may never end): ${list(r.special)}.`);
  if (r.tooLarge.length) m.push(`Skipped ${r.tooLarge.length} file(s) over the ${formatBytes(limits.maxFileBytes)} per-file cap: ${list(r.tooLarge.map((n) => `${n} (${formatBytes(r.sizes[n])})`))}.${raise(limits)}`);
  if (r.overTotal.length) m.push(`Left out ${r.overTotal.length} file(s) to stay under the ${formatBytes(limits.maxTotalBytes)} corpus cap: ${list(r.overTotal)}.${raise(limits)}`);
  if (truncatedAtFileCap) m.push(`Only the first ${limits.maxFiles} matching files were read (the file-count cap).`);
  if (r.replacedTotal) {
    const names = Object.keys(r.replaced);
    m.push(`Replaced ${r.replacedTotal} invalid UTF-8 sequence(s) with U+FFFD in ${names.length} file(s): ${list(names.map((n) => `${n} (${r.replaced[n]})`))}.`);
  }
  return m;
}

const raise = (limits: CorpusLimits): string => (limits.raiseHint ? ` ${limits.raiseHint}` : '');

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${+(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
