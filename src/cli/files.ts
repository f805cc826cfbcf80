// Reading input files with errors that name the file, and Node's file-system errors ("EISDIR: illegal operation
// on a directory, read", "ENOENT: no such file or directory, stat 'x'") turned into the CLI's one line: which
// file, and what is wrong with it in plain words. main() uses fsErrorMessage as a net for any fs error that
// gets past the places that read and write files.
import * as fs from 'node:fs';

/** A file that is missing, a directory, unreadable or of the wrong kind: one line naming it (exit 1). */
export class FileError extends Error {}

/** The bytes of a regular file, or a FileError naming `file` and what is wrong (missing, a directory, unreadable). */
export function readBytes(file: string): Uint8Array {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new FileError(`cannot read ${file}: ${fsProblem(e)}`);
  }
  if (st.isDirectory()) throw new FileError(`cannot read ${file}: it is a directory`);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new FileError(`cannot read ${file}: ${fsProblem(e)}`);
  }
}

/** errno code → what is wrong, phrased to follow "cannot read FILE: ". */
const PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file of that name is in the way',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
  EIO: 'an input/output error',
  EFBIG: 'the file is too large',
};

/** syscall → the verb of "cannot VERB FILE". */
const VERBS: Readonly<Record<string, string>> = {
  open: 'open', read: 'read', stat: 'read', lstat: 'read', scandir: 'list', mkdir: 'create the directory',
  write: 'write', rename: 'write', copyfile: 'write', unlink: 'remove', rmdir: 'remove', rm: 'remove',
};

interface SystemError {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
  message: string;
}

function isSystemError(e: unknown): e is SystemError {
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** What is wrong, in words ("it is a directory"), for an fs error; its own message for anything else. */
export function fsProblem(e: unknown): string {
  if (isSystemError(e)) return PROBLEMS[e.code] ?? e.message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return e instanceof Error ? e.message : String(e);
}

/** "cannot read FILE: it is a directory" for a Node fs error that names its file; null for anything else
 *  (an fs error without a path, e.g. EISDIR from a read, must be described where the file name is known). */
export function fsErrorMessage(e: unknown): string | null {
  if (!isSystemError(e) || e.path === undefined) return null;
  return `cannot ${VERBS[e.syscall ?? ''] ?? e.syscall ?? 'use'} ${e.path}: ${fsProblem(e)}`;
}
