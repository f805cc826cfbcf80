// Checkpoints of every task: written and read by engine/checkpoint.ts (one format, one reader, every kind:
// the architecture registry of checkpoint/architecture.ts); this file only wraps the model a checkpoint
// builds in its task object (LmTask, Seq2SeqTask, SequenceTask, OneToManyTask), and checks before training
// that what a run will save can be loaded again.
import { CheckpointError, META_FILE, readCheckpoint, writeCheckpoint, type CheckpointFiles, type LoadedCheckpoint, type TrainingState } from '../checkpoint';
import { parseArchitecture } from '../checkpoint/architecture';
import type { MemoryLimit } from '../modelMemory';
import { tokenizerFromJSON, type TokenizerJSON } from '../tokenize/tokenizer';
import { LmTask } from './lmTask';
import { OneToManyTask } from './oneToManyTask';
import { Seq2SeqTask } from './seq2seqTask';
import { SequenceTask } from './sequenceTask';

export type AnyTask = LmTask | Seq2SeqTask | SequenceTask | OneToManyTask;

/**
 * The checkpoint files of a task's current weights; with `training` (optimizer moments, RNG, the runner's
 * state), a run can resume from them. `seqlab train` saves none: its runs start fresh.
 */
export function taskCheckpoint(task: AnyTask, info: Record<string, unknown> = {}, training?: TrainingState | null): CheckpointFiles {
  return writeCheckpoint({ architecture: task.architecture, params: task.params, tokenizer: task.tokenizer, seed: task.seed, info, training });
}

/**
 * Throws CheckpointError naming the field when loadTask would refuse a checkpoint of `task` (its architecture
 * or tokenizer breaks a limit of checkpoint/fields.ts, e.g. 100,001 labels). A driver calls it BEFORE training,
 * so a run never ends in a model that cannot be loaded again. Checks fields only: nothing of the model's size.
 */
export function checkLoadable(task: AnyTask): void {
  const copy = <T>(v: T): unknown => JSON.parse(JSON.stringify(v)); // as a reader would see it
  try {
    parseArchitecture(copy(task.architecture));
    tokenizerFromJSON(copy(task.tokenizer.toJSON()) as TokenizerJSON);
  } catch (e) {
    throw new CheckpointError(`this model could not be loaded again, so it is not trained: its ${META_FILE} would be refused: ${(e as Error).message}`);
  }
}

/** Reads and validates a checkpoint of any task (engine/checkpoint.ts readCheckpoint); throws CheckpointError naming
 *  the problem (ModelMemoryError when the model would not fit in `memoryLimit`). Nothing of the model's size is
 *  allocated before every check passes. */
export function loadTask(files: CheckpointFiles, where = 'checkpoint', memoryLimit?: MemoryLimit | null): AnyTask {
  return loadTaskWithState(files, where, memoryLimit).task;
}

/** loadTask, plus the checkpoint's training state (null when it holds none), checked against the model's layout. */
export function loadTaskWithState(
  files: CheckpointFiles, where = 'checkpoint', memoryLimit?: MemoryLimit | null,
): { task: AnyTask; training: LoadedCheckpoint['training'] } {
  const ck = readCheckpoint(files, where, { memoryLimit });
  const built = ck.model, seed = ck.meta.seed;
  switch (built.kind) {
    case 'lm':
      return { task: new LmTask(built.model, ck.tokenizer, built.architecture, seed), training: ck.training };
    case 'seq2seq':
      return { task: new Seq2SeqTask(built.model, ck.tokenizer, built.architecture, seed), training: ck.training };
    case 'classify':
    case 'tag':
      return { task: SequenceTask.fromModel(built, ck.tokenizer, seed), training: ck.training };
    case 'one-to-many':
      // The registry also reads a vector-conditioned generator (the engine's model has both); only a
      // label-conditioned one has a task (train, generate --label, eval).
      if (!built.architecture.labels) throw new CheckpointError(`${where} holds a vector-conditioned one-to-many model; no SeqLab command uses one yet`);
      return { task: new OneToManyTask(built.model, ck.tokenizer, built.architecture, seed), training: ck.training };
  }
}
