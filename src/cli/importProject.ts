// `seqlab import DIR --out MODEL` for a folder: a PyTorch training project, or the --out folder its train.py
// wrote (engine/export/projectImport.ts says which checkpoint each stands for), or a checkpoint folder itself.
// The checkpoint is read and validated by the one reader before anything is written; MODEL then holds it as it
// is (weights and training state, so SeqLab can continue the run) and history.jsonl, the steps that led to it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, META_FILE, readCheckpoint } from '../engine/checkpoint';
import { PROJECT_HISTORY_FILE } from '../engine/export/project';
import { projectCheckpoint, projectHistory, type ReadText } from '../engine/export/projectImport';
import { checkOutputDir } from './checkpointDir';
import { checkpointFilesRecord, readCheckpointFiles, writeFilesAtomic } from './exportIo';
import { FileError } from './files';

export interface FolderImportResult {
  dir: string;
  files: string[];
  kind: string;
  step: number | null;
  from: string;
  historySteps: number;
}

/** Text of `dir/rel`, or null when there is no such regular file (a folder named like a file is not it). */
function reader(dir: string): ReadText {
  return async (rel) => {
    const file = path.join(dir, ...rel.split('/'));
    return fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8') : null;
  };
}

export async function importFolder(dir: string, opts: { out: string; force?: boolean }): Promise<FolderImportResult> {
  checkOutputDir(opts.out, Boolean(opts.force), 'import');
  const read = reader(dir);
  let where;
  try {
    where = await projectCheckpoint(read);
  } catch (e) {
    throw new FileError(`import: ${dir}: ${(e as Error).message}`);
  }
  if (!where && !fs.existsSync(path.join(dir, META_FILE))) {
    throw new FileError(`import: ${dir} is neither a SeqLab training project, the --out folder of its train.py, nor a checkpoint folder (no config.json, latest or ${META_FILE})`);
  }
  const from = where ? path.join(dir, ...where.checkpoint.split('/')) : dir;
  const files = readCheckpointFiles(from);
  const ck = readCheckpoint(files, from); // every check of every checkpoint, before anything is written
  const step = ck.training?.optimizerState.stepCount ?? null;
  if (where && step === null) throw new CheckpointError(`import: ${from} holds no training state, so it is not a checkpoint train.py wrote`);
  const history = where ? await projectHistory(read, where, step ?? 0) : [];
  const record = checkpointFilesRecord(files);
  if (history.length) record[PROJECT_HISTORY_FILE] = history.map((p) => JSON.stringify(p)).join('\n') + '\n';
  const written = writeFilesAtomic(opts.out, record);
  return { dir: opts.out, files: written, kind: ck.architecture.kind, step, from, historySteps: history.length };
}
