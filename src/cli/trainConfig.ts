// `seqlab train`'s flags and the RunConfig they give, DERIVED from the run config's field table
// (engine/run/config.ts): each field with a `flag` is a flag of the field's type, range and choices, so the CLI
// cannot drift from the editor's settings or the worker's validation. A flag given for a task that does not read
// it, and a combination the run cannot honour (configProblem), are refused as usage errors (exit 2) naming the
// flag. The flags below `CLI_FLAGS` belong to the CLI itself (files, output), not to the run.
import { ConfigError, RUN_CONFIG_FIELDS, runConfig, type FieldSpec, type RunConfig, type TaskKind } from '../engine/run/config';
import { UsageError, type FlagSpec, type Parsed } from './args';
import { refuseIgnoredTrainFlags } from './combinations';
import { MAX_DATA_FLAG } from './dataFiles';
import { MAX_MEMORY_FLAG } from './memory';

/**
 * Steps of a run given neither --steps nor --time. The run config's own default (0 = until stopped) suits the
 * editor, where Stop is a button; a terminal run needs an end. This is the one place that rule lives.
 */
export const CLI_DEFAULT_STEPS = 1000;

/** Spellings the CLI accepted before the table named the cells rnn_tanh / rnn_relu (kept: scripts use them). */
const CELL_ALIASES: Readonly<Record<string, string>> = { 'rnn-tanh': 'rnn_tanh', 'rnn-relu': 'rnn_relu' };

/** The fields that are flags, in the table's order. */
export const CONFIG_FLAG_FIELDS: readonly FieldSpec[] = RUN_CONFIG_FIELDS.filter((f) => f.flag !== null);

/** The flag of one field: its type, range and choices exactly as the table has them. */
export function flagSpecOf(f: FieldSpec): FlagSpec {
  switch (f.type) {
    case 'bool':
      return { type: 'bool' };
    case 'choice':
      return f.key === 'cell' ? { type: 'string', choices: f.choices, aliases: CELL_ALIASES } : { type: 'string', choices: f.choices };
    case 'int':
      return { type: 'int', min: f.min, max: f.max };
    case 'number':
      return { type: 'number', min: f.min, max: f.max, ...(f.exclusiveMin ? { exclusiveMin: true } : {}), ...(f.exclusiveMax ? { exclusiveMax: true } : {}) };
  }
}

const CLI_FLAGS: Readonly<Record<string, FlagSpec>> = {
  out: { type: 'string' },
  data: { type: 'list' },
  valid: { type: 'string' },
  json: { type: 'bool' },
  force: { type: 'bool' },
  /** Before --lr-schedule: a cosine decay over the steps. Kept (scripts use it) as --lr-schedule cosine. */
  decay: { type: 'bool' },
  ...MAX_DATA_FLAG,
  ...MAX_MEMORY_FLAG,
};

/** Every flag of `seqlab train`: --task and the files first, then the run's fields, then the CLI's own. */
export const TRAIN_FLAGS: Readonly<Record<string, FlagSpec>> = (() => {
  const flags: Record<string, FlagSpec> = {};
  const config = (f: FieldSpec): void => void (flags[f.flag!] = flagSpecOf(f));
  config(CONFIG_FLAG_FIELDS.find((f) => f.key === 'task')!);
  for (const name of ['out', 'data', 'valid']) flags[name] = CLI_FLAGS[name];
  for (const f of CONFIG_FLAG_FIELDS) if (f.key !== 'task') config(f);
  for (const [name, spec] of Object.entries(CLI_FLAGS)) flags[name] ??= spec;
  return flags;
})();

const FLAG_OF_KEY = new Map(CONFIG_FLAG_FIELDS.map((f) => [f.key as string, f.flag!]));

/**
 * The RunConfig of a `seqlab train` command line: the table's defaults, then each flag given. Refuses (UsageError)
 * a flag the task does not read, --steps with --time, and any value or combination `runConfig` refuses, naming
 * the flag. (The name is historical: it returned the task options before the one run config.)
 */
export function taskOptions(p: Parsed): RunConfig {
  const f = p.flags;
  const task = f.task as TaskKind | undefined;
  if (task === undefined) throw new UsageError('train: --task is required');
  const overrides: Record<string, unknown> = {};
  for (const field of CONFIG_FLAG_FIELDS) {
    const v = f[field.flag!];
    if (v === undefined) continue;
    if (field.tasks && !field.tasks.includes(task)) {
      throw new UsageError(`train: --${field.flag} is read by --task ${orList(field.tasks)}, not by ${task}`);
    }
    overrides[field.key] = v;
  }
  if (f.steps !== undefined && f.time !== undefined) throw new UsageError('train: give --steps or --time, not both');
  if (f.decay !== undefined) {
    if (f['lr-schedule'] !== undefined) throw new UsageError('train: give --lr-schedule or --decay (the same as --lr-schedule cosine), not both');
    overrides.lrSchedule = f.decay ? 'cosine' : 'constant';
  }
  if (f.steps === undefined && !f.time) overrides.steps = CLI_DEFAULT_STEPS; // --time 0 is no time limit
  refuseIgnoredTrainFlags(f);
  try {
    return runConfig(overrides as Partial<RunConfig>, 'train');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const key = e.field.slice('train.'.length);
    throw new UsageError(`train: --${FLAG_OF_KEY.get(key) ?? key}: ${e.reason}`);
  }
}

/** "a", "a or b", "a, b or c". */
function orList(xs: readonly string[]): string {
  return xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}
