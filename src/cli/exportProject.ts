// `seqlab export RUN --format pytorch-project --out DIR`: a run's checkpoint (with its training state, as `seqlab
// train` saves it) + the data it trained on → a PyTorch training project (engine/export/project.ts) that takes
// the run's next step. The run is rebuilt through the one resume path (TrainingRun.resume), which checks that the
// data gives the checkpoint's vocabulary, batch rows and example order before anything is written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, META_FILE } from '../engine/checkpoint';
import { pytorchProjectFiles } from '../engine/export/project';
import { TrainingRun } from '../engine/run/run';
import type { TaskKind } from '../engine/run/config';
import { readCheckpointFiles } from './exportIo';
import { FileError, fsProblem } from './files';
import { readTaskData } from './io';
import { hostMemoryLimit } from './memory';

export interface ProjectExportOptions {
  out: string;
  /** The training data files; default: those the checkpoint records (info.data, as `seqlab train` got them). */
  data?: string[];
  /** The validation file the run was trained with (without one, the run held out a share of the data). */
  valid?: string;
  force?: boolean;
}

export function exportProject(dir: string, opts: ProjectExportOptions): { files: string[]; task: TaskKind; step: number } {
  const files = readCheckpointFiles(dir);
  const meta = JSON.parse(files.meta) as { training?: { extra?: { config?: { task?: TaskKind } } } | null; info?: { data?: unknown; valid?: unknown } };
  if (!meta.training) throw new CheckpointError(`export: ${dir} holds no training state (it was exported, imported or saved by an older SeqLab), so there is no run to continue; train it with seqlab train first`);
  const task = meta.training.extra?.config?.task;
  if (!task) throw new CheckpointError(`export: ${dir}/${META_FILE} records no run configuration (training.extra.config)`);
  const recorded = Array.isArray(meta.info?.data) && meta.info!.data.every((f) => typeof f === 'string') ? meta.info!.data as string[] : null;
  const data = opts.data?.length ? opts.data : recorded;
  const validFile = opts.valid ?? (opts.data?.length ? undefined : typeof meta.info?.valid === 'string' ? meta.info.valid : undefined);
  if (!data) throw new FileError(`export: ${dir} does not record its training data; give it with --data FILE`);
  for (const f of data) if (!fs.existsSync(f)) throw new FileError(`export: the run's training data ${f} is not found; give it with --data FILE`);
  const train = readTaskData(task, data);
  if (validFile && !fs.existsSync(validFile)) throw new FileError(`export: the run's validation data ${validFile} is not found; give it with --valid FILE`);
  const valid = validFile ? readTaskData(task, [validFile]) : null;
  let run: TrainingRun;
  try {
    run = TrainingRun.resume(files, train, valid, hostMemoryLimit());
  } catch (e) {
    throw new CheckpointError(`export: ${dir} does not continue on ${data.join(', ')}${validFile ? ` with --valid ${validFile}` : ''}: ${(e as Error).message}`);
  }
  const written = writeProjectDir(opts.out, pytorchProjectFiles(run, { info: { data, ...(validFile ? { valid: validFile } : {}) } }), Boolean(opts.force));
  return { files: written, task, step: run.step };
}

/** Writes the project into a fresh sibling folder, then renames it to `out` (with --force, into `out` as it is). */
function writeProjectDir(out: string, files: Record<string, string | Uint8Array>, force: boolean): string[] {
  const exists = fs.existsSync(out);
  if (exists && !fs.statSync(out).isDirectory()) throw new FileError(`export: --out ${out} is a file, not a folder`);
  if (exists && fs.readdirSync(out).length > 0 && !force) throw new FileError(`export: --out ${out} is not empty; give --force to write the project into it`);
  const target = exists ? out : `${out}.tmp-${process.pid}`;
  try {
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(target, ...name.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    if (!exists) fs.renameSync(target, out);
  } catch (e) {
    if (!exists) fs.rmSync(target, { recursive: true, force: true });
    throw new FileError(`export: cannot write the project to ${out}: ${fsProblem(e)}`);
  }
  return Object.keys(files).map((name) => path.join(out, ...name.split('/')));
}
