// Host side of the CLI: files in (UTF-8, with errors that name the file), checkpoint directories in and out,
// dataset parsing per task, and the output streams (injected, so tests call main() and read what it printed).
import { CheckpointError, type CheckpointFiles } from '../engine/checkpoint';
import type { TrainingRun } from '../engine/run/run';
import { loadTask, taskCheckpoint, type AnyTask } from '../engine/tasks/checkpoint';
import type { TaskKind } from '../engine/run/config';
import { parseTaskData, type TaskData } from '../engine/run/data';
import { DataBudget, readDataText, type ReadTextOptions } from './dataFiles';
import { checkpointFilesRecord, readCheckpointFiles, writeFilesAtomic } from './exportIo';
import { interruptOnClosedPipe, onProcessInterrupt, type InterruptSignal } from './signals';
import { loadMemoryLimit } from './memory';
import { FileError, fsProblem } from './files';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: draw a progress bar. */
  tty: boolean;
  now(): number;
  /** SIGINT / SIGTERM for long commands (see signals.ts); absent when tests call main() in-process. */
  onInterrupt?(handler: (signal: InterruptSignal) => void): () => void;
}

/** A stream whose reader went away: later writes are dropped (the command may still be saving its work). */
const closed = { stdout: false, stderr: false };

export const processIO: CliIO = {
  out: (t) => void (closed.stdout || process.stdout.write(t)),
  err: (t) => void (closed.stderr || process.stderr.write(t)),
  tty: Boolean(process.stderr.isTTY),
  now: () => performance.now(),
  onInterrupt: onProcessInterrupt,
};

/** Exit status when the reader of our output went away: 128 + SIGPIPE (13), what a shell reports for `seq`,
 *  `yes` or `cat` in the same pipeline. Node ignores SIGPIPE, so a closed pipe arrives as an EPIPE error. */
export const CLOSED_PIPE_STATUS = 128 + 13;

/** Once, in the real process: a reader that closes stdout or stderr early (`seqlab data … | head -1`) ends the
 *  process quietly with the usual closed-pipe status, instead of an unhandled 'error' event and its stack trace.
 *  Any other write error on stdout (a full disk behind `> file`) becomes the usual one line on stderr. */
export function guardStdStreams(): void {
  // While `seqlab train` listens (signals.ts), a closed pipe interrupts it like Ctrl-C: it saves, then exits 141.
  const closedPipe = (stream: keyof typeof closed): void => {
    const first = !closed[stream];
    closed[stream] = true;
    if (first && !interruptOnClosedPipe()) process.exit(CLOSED_PIPE_STATUS);
  };
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return closedPipe('stdout');
    if (closed.stdout) return;
    process.stderr.write(`seqlab: cannot write to standard output: ${fsProblem(e)}\n`);
    process.exit(1);
  });
  // Nothing can be reported once stderr itself fails: just end (or let the listening command save first).
  process.stderr.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? closedPipe('stderr') : closed.stderr || process.exit(1)));
}

export { FileError, readBytes } from './files';

/** A data file as UTF-8 text, read as untrusted input (dataFiles.ts: regular files only, under a size cap). */
export function readText(file: string, opts: ReadTextOptions = {}): string {
  return readDataText(file, opts);
}

export type { TaskData };

/** Reads and parses the files of a task (several files are concatenated example-wise, engine/run/data.ts);
 *  `opts.budget` caps their total size, `opts.warn` hears about invalid UTF-8. */
export function readTaskData(kind: TaskKind, files: readonly string[], opts: ReadTextOptions = {}): TaskData {
  const o = { ...opts, budget: opts.budget ?? DataBudget.fromMb(undefined) };
  return parseTaskData(kind, files.map((f) => ({ source: f, text: readText(f, o) })), o.warn);
}

/** A checkpoint directory's task, refused before allocation if it would not fit in this machine's memory. */
export function loadTaskDir(dir: string): AnyTask {
  return loadTask(readCheckpointFiles(dir), dir, loadMemoryLimit());
}

export function saveTaskDir(task: AnyTask, dir: string, info: Record<string, unknown>): string[] {
  return saveCheckpointDir(() => taskCheckpoint(task, info), dir);
}

/** A run's checkpoint WITH its training state (optimizer, generator, data position), so it can be continued:
 *  by `seqlab export --format pytorch-project`, whose train.py takes the next step SeqLab would take. */
export function saveRunDir(run: TrainingRun, dir: string, info: Record<string, unknown>): string[] {
  return saveCheckpointDir(() => run.checkpoint(info), dir);
}

function saveCheckpointDir(files: () => CheckpointFiles, dir: string): string[] {
  try {
    return writeFilesAtomic(dir, checkpointFilesRecord(files()));
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new FileError(`cannot write the checkpoint to ${dir}: ${fsProblem(e)}`);
  }
}
