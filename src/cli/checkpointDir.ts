// A checkpoint folder is replaced as a WHOLE, so a crash (kill -9, power loss after fsync) at any point of a
// save leaves either the old model or the new one in DIR, never a model whose weights disagree with its
// seqlab.json. Renaming one file at a time cannot give that (a crash between two renames mixes two models),
// so the new files are written into a sibling folder and folders are swapped with rename(2), which POSIX
// makes atomic within one file system (siblings always share it):
//   1. .DIR.seqlab-tmp/   written file by file, each fsynced, then the folder fsynced   (may be partial)
//   2. .DIR.seqlab-tmp  → .DIR.seqlab-new                                               (now known complete)
//   3. DIR              → .DIR.seqlab-old      (only when DIR exists)
//   4. .DIR.seqlab-new  → DIR                  (the parent folder is fsynced after each rename)
//   5. entries of the old folder that are not SeqLab's own files (a user's notes, say) move into DIR, then
//      .DIR.seqlab-old is removed.
// recoverCheckpointDir settles every state a crash can leave (it runs before each save and each load):
//   DIR missing, -new present   → step 4 then 5 (the new folder was complete: it is only named -new then)
//   DIR missing, -old only      → -old back to DIR
//   DIR present, -new present   → -new removed (the crash came before step 3: DIR still holds the old model)
//   DIR present, -old present   → step 5 (the crash came after step 4)
//   -tmp present                → removed (a partial write; DIR never depended on it)
// The temporaries are siblings, never inside DIR, so a load of DIR cannot trip on them. The names are fixed
// (not per process): two SeqLab processes saving to the same folder at the same time are not supported.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { META_FILE, MODEL_FILE, STATE_FILE } from '../engine/checkpoint';
import { MODEL_PY_FILE } from '../engine/checkpoint/interop';
import { UsageError } from './args';
import { FileError, fsProblem } from './files';

/** Files a SeqLab save owns: never carried over from the replaced folder (a stale training state would lie). */
const OWN_FILES = new Set([MODEL_FILE, META_FILE, STATE_FILE, MODEL_PY_FILE]);
/** Temporaries of the earlier file-by-file writer (".model.safetensors.<pid>.<time>.tmp"): dropped, not carried. */
const OLD_WRITER_TMP = /^\..+\.\d+\.\d+\.tmp$/;

export interface SiblingPaths {
  dir: string;
  tmp: string;
  fresh: string;
  old: string;
}

export function siblingPaths(dir: string): SiblingPaths {
  const abs = resolveLink(path.resolve(dir)), parent = path.dirname(abs), base = path.basename(abs);
  const at = (suffix: string): string => path.join(parent, `.${base}.seqlab-${suffix}`);
  return { dir: abs, tmp: at('tmp'), fresh: at('new'), old: at('old') };
}

/**
 * Fault injection for the crash tests: with SEQLAB_FAULT_AFTER_FS_OPS=k in the environment, the process kills
 * itself with SIGKILL (no handlers, no cleanup: what a crash looks like) right after its k-th file-system change.
 */
let fsOps = 0;
function changed(): void {
  const k = Number(process.env.SEQLAB_FAULT_AFTER_FS_OPS);
  if (Number.isInteger(k) && k > 0 && ++fsOps === k) process.kill(process.pid, 'SIGKILL');
}

const exists = (p: string): boolean => fs.existsSync(p);

/** A symlinked checkpoint folder is replaced where it really is (else the link would be swapped, not the folder). */
function resolveLink(abs: string, depth = 0): string {
  try {
    if (depth > 40 || !fs.lstatSync(abs).isSymbolicLink()) return abs;
    return resolveLink(path.resolve(path.dirname(abs), fs.readlinkSync(abs)), depth + 1); // also while the target is mid-swap
  } catch {
    return abs;
  }
}

/** fsync a folder so the renames in it survive a power loss; not possible on every platform (Windows), so best effort. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // directories cannot be opened for fsync here; the rename itself is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeSynced(file: string, content: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function rename(from: string, to: string): void {
  fs.renameSync(from, to);
  changed();
  syncDir(path.dirname(to));
}

function remove(p: string): void {
  if (!exists(p)) return;
  fs.rmSync(p, { recursive: true, force: true });
  changed();
}

/** Moves the old folder's foreign entries (not SeqLab's files) into the new one, then removes the old folder. */
function finishSwap(p: SiblingPaths): void {
  for (const name of fs.readdirSync(p.old)) {
    if (OWN_FILES.has(name) || OLD_WRITER_TMP.test(name) || exists(path.join(p.dir, name))) continue;
    rename(path.join(p.old, name), path.join(p.dir, name));
  }
  remove(p.old);
}

/** Brings DIR to a settled state after an interrupted save (see the table at the top). Throws on I/O errors. */
export function recoverCheckpointDir(dir: string): void {
  const p = siblingPaths(dir);
  if (!exists(p.dir)) {
    if (exists(p.fresh)) rename(p.fresh, p.dir);
    else if (exists(p.old)) rename(p.old, p.dir);
  }
  if (exists(p.fresh)) remove(p.fresh);
  if (exists(p.old)) finishSwap(p);
  remove(p.tmp);
}

/**
 * The folder to read a checkpoint from: DIR after recovery. When recovery cannot write (a read-only mount),
 * the complete sibling that recovery would have moved into place is read instead.
 */
export function settledCheckpointDir(dir: string): string {
  const p = siblingPaths(dir);
  try {
    recoverCheckpointDir(dir);
  } catch {
    if (!exists(p.dir)) return exists(p.fresh) ? p.fresh : exists(p.old) ? p.old : path.resolve(dir);
  }
  return path.resolve(dir);
}

/** Replaces the checkpoint folder `dir` with exactly `files` (name → contents), atomically as a whole. */
export function replaceCheckpointDir(dir: string, files: Record<string, string | Uint8Array>): string[] {
  const p = siblingPaths(dir);
  makeParents(path.dirname(p.dir));
  recoverCheckpointDir(dir);
  if (exists(p.dir) && !fs.statSync(p.dir).isDirectory()) throw new Error(`${dir} is a file, not a folder`);
  fs.mkdirSync(p.tmp);
  changed();
  if (exists(p.dir)) fs.chmodSync(p.tmp, fs.statSync(p.dir).mode & 0o7777); // the replaced folder's permissions
  for (const [name, content] of Object.entries(files)) {
    writeSynced(path.join(p.tmp, name), content);
    changed();
  }
  syncDir(p.tmp);
  rename(p.tmp, p.fresh);
  const replacing = exists(p.dir);
  if (replacing) rename(p.dir, p.old);
  rename(p.fresh, p.dir);
  if (replacing) finishSwap(p);
  return Object.keys(files).map((name) => path.join(p.dir, name));
}

/**
 * Refuses to write a model over what `dir` holds unless `force`: another model (a seqlab.json or a
 * model.safetensors, also one an interrupted save left beside it), or anything at all (a folder that is not a
 * checkpoint). Runs before any work (an hour of training must not end in a refusal). With `force`, a
 * checkpoint's own files are replaced and everything else in the folder is kept (replaceCheckpointDir).
 */
export function checkOutputDir(dir: string, force: boolean, command: string): void {
  const p = siblingPaths(dir);
  // A file where a parent folder should be would only fail at save time, after the training: say it now.
  for (let up = path.dirname(path.resolve(dir)); ; up = path.dirname(up)) {
    if (exists(up)) {
      if (!fs.statSync(up).isDirectory()) throw new FileError(`${command}: cannot write to --out ${dir}: a part of the path is a file (${up})`);
      // So would a folder nothing can be created in (read-only, /proc, no permission): the save makes its
      // sibling folders there, so try making one now (permission bits alone miss root, /proc and read-only mounts).
      try {
        fs.rmdirSync(fs.mkdtempSync(path.join(up, '.seqlab-probe-')));
      } catch (e) {
        throw new FileError(`${command}: cannot write to --out ${dir}: cannot create a folder in ${up}: ${fsProblem(e)}`);
      }
      break;
    }
    if (path.dirname(up) === up) break;
  }
  const pending = !exists(p.dir) && (exists(p.fresh) || exists(p.old));
  if (!exists(p.dir) && !pending) return;
  if (exists(p.dir) && !fs.statSync(p.dir).isDirectory()) throw new FileError(`${command}: --out ${dir} is a file, not a folder`);
  const entries = exists(p.dir) ? fs.readdirSync(p.dir) : [MODEL_FILE];
  if (entries.length === 0 || force) return;
  if (entries.includes(META_FILE) || entries.includes(MODEL_FILE)) {
    throw new UsageError(`${command}: --out ${dir} already holds a model (${entries.includes(META_FILE) ? META_FILE : MODEL_FILE}); pass --force to replace it`);
  }
  throw new UsageError(`${command}: --out ${dir} is not empty and is not a SeqLab checkpoint (it holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, e.g. ${entries.sort()[0]}); pass --force to save the model into it anyway`);
}

/**
 * mkdir -p, one level at a time. Node 20's fs.mkdirSync(…, { recursive: true }) never returns when the kernel
 * answers ENOENT for a folder whose parent exists (as /proc does for /proc/nope); here that is an error.
 */
function makeParents(dir: string): void {
  if (fs.existsSync(dir)) return;
  const parent = path.dirname(dir);
  if (parent !== dir) makeParents(parent);
  fs.mkdirSync(dir);
}
