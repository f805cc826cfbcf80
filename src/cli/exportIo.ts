// File I/O shared by `seqlab export` and `seqlab import` (Node's fs; the extension uses workspace.fs for the
// same files). A checkpoint folder is replaced as a whole (checkpointDir.ts), so an interrupted save leaves
// the old model or the new one. Reading a checkpoint directory first settles an interrupted save, reads every
// file, then validates (engine/checkpoint.ts), so a bad checkpoint changes nothing on disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, META_FILE, MODEL_FILE, STATE_FILE, readCheckpoint, type CheckpointFiles, type LoadedCheckpoint } from '../engine/checkpoint';
import { replaceCheckpointDir, settledCheckpointDir } from './checkpointDir';
import { DataBudget, readDataBytes } from './dataFiles';

export function readCheckpointFiles(given: string): CheckpointFiles {
  const settled = settledCheckpointDir(given);
  // Errors name the folder the user gave; a read-only recovery reads the complete sibling instead.
  const dir = settled === path.resolve(given) ? given : settled;
  if (!fs.existsSync(dir)) throw new CheckpointError(`${dir} is not a checkpoint directory: no such file or directory`);
  if (!fs.statSync(dir).isDirectory()) throw new CheckpointError(`${dir} is not a checkpoint directory: it is a file`);
  const model = path.join(dir, MODEL_FILE), meta = path.join(dir, META_FILE), state = path.join(dir, STATE_FILE);
  if (!fs.existsSync(meta)) throw new CheckpointError(`${dir} is not a SeqLab checkpoint: ${META_FILE} is missing`);
  if (!fs.existsSync(model)) throw new CheckpointError(`${dir}: ${MODEL_FILE} is missing`);
  // readCheckpointFile names the file when one of them is a directory, a device or FIFO, too large or unreadable.
  const files: CheckpointFiles = { model: readCheckpointFile(model), meta: new TextDecoder().decode(readCheckpointFile(meta)) };
  if (fs.existsSync(state)) files.state = readCheckpointFile(state);
  return files;
}

/** One file of a checkpoint folder, read as untrusted input like an imported weights file: a regular file (a
 *  model.safetensors that is a FIFO, or a symlink to /dev/zero, would block or be read until memory runs out),
 *  at most 2 GB (Node reads no larger file into one buffer), in a bounded read loop (dataFiles.ts). */
function readCheckpointFile(file: string): Uint8Array {
  const budget = new DataBudget(2 ** 31 - 1, '', 'SeqLab reads checkpoint files of at most 2 GB');
  return new Uint8Array(readDataBytes(file, budget));
}

export function loadCheckpointDir(dir: string): LoadedCheckpoint {
  return readCheckpoint(readCheckpointFiles(dir), dir);
}

/** Replaces the checkpoint folder `dir` (created if needed) with exactly these files, atomically as a whole. */
export function writeFilesAtomic(dir: string, files: Record<string, string | Uint8Array>): string[] {
  return replaceCheckpointDir(dir, files);
}

export function checkpointFilesRecord(files: CheckpointFiles): Record<string, string | Uint8Array> {
  return { [MODEL_FILE]: files.model, ...(files.state ? { [STATE_FILE]: files.state } : {}), [META_FILE]: files.meta };
}
