// File I/O shared by `seqlab export` and `seqlab import` (Node's fs; the extension uses workspace.fs for the
// same files). Writes are atomic: each file goes to a temporary name in the same directory, then is renamed
// over the target, so an interrupted write never leaves a half file. Reading a checkpoint directory reads
// every file FIRST, then validates (engine/checkpoint.ts), so a bad checkpoint changes nothing on disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, META_FILE, MODEL_FILE, STATE_FILE, readCheckpoint, type CheckpointFiles, type LoadedCheckpoint } from '../engine/checkpoint';
import { readBytes } from './files';

export function readCheckpointFiles(dir: string): CheckpointFiles {
  if (!fs.existsSync(dir)) throw new CheckpointError(`${dir} is not a checkpoint directory: no such file or directory`);
  if (!fs.statSync(dir).isDirectory()) throw new CheckpointError(`${dir} is not a checkpoint directory: it is a file`);
  const model = path.join(dir, MODEL_FILE), meta = path.join(dir, META_FILE), state = path.join(dir, STATE_FILE);
  if (!fs.existsSync(meta)) throw new CheckpointError(`${dir} is not a SeqLab checkpoint: ${META_FILE} is missing`);
  if (!fs.existsSync(model)) throw new CheckpointError(`${dir}: ${MODEL_FILE} is missing`);
  // readBytes names the file when one of them is a directory or unreadable.
  const files: CheckpointFiles = { model: readBytes(model), meta: new TextDecoder().decode(readBytes(meta)) };
  if (fs.existsSync(state)) files.state = readBytes(state);
  return files;
}

export function loadCheckpointDir(dir: string): LoadedCheckpoint {
  return readCheckpoint(readCheckpointFiles(dir), dir);
}

/** Writes name → contents into `dir` (created if needed), each file atomically (temp + rename). */
export function writeFilesAtomic(dir: string, files: Record<string, string | Uint8Array>): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(dir, name);
    const tmp = path.join(dir, `.${name}.${process.pid}.${Date.now()}.tmp`);
    try {
      fs.writeFileSync(tmp, content);
      fs.renameSync(tmp, target);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    written.push(target);
  }
  return written;
}

export function checkpointFilesRecord(files: CheckpointFiles): Record<string, string | Uint8Array> {
  return { [MODEL_FILE]: files.model, ...(files.state ? { [STATE_FILE]: files.state } : {}), [META_FILE]: files.meta };
}
