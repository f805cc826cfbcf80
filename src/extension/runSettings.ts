// The `seqlab.training.*` settings that configure a run: one per field of the run config's table that has a
// `setting` name (engine/run/config.ts). package.json declares each with the table's type, default, range and
// description (test/unit/configSurfaces.test.ts fails on any difference), so this file holds no defaults: a
// setting the user did not set is simply absent and the table's default applies. Pure (no 'vscode'): config.ts
// hands it the values VS Code read.
import { ConfigError, RUN_CONFIG_FIELDS, checkField, fieldSpec, type FieldSpec, type RunConfig, type TaskKind } from '../engine/run/config';

export const TRAINING_SECTION = 'seqlab.training';

/** Settings under seqlab.training that belong to the editor's commands, not to a run's config. */
export const EDITOR_TRAINING_SETTINGS: readonly string[] = ['workspaceGlob', 'maxCorpusMB', 'threads'];

/**
 * seqlab.training.threads: the run field `threads` in the editor, with the editor's own default. The table's
 * default, 0 (every core), suits `seqlab train` and the bench; in the editor, training on both cores of a 2-core
 * laptop leaves none for typing (issue #14's keydown-to-paint figures), so a run takes ONE thread unless the user
 * asks for more. Read here like the table's settings (checked against the field's range).
 */
export const EDITOR_THREADS = { setting: 'threads', default: 1 } as const;

export type SettingField = FieldSpec & { setting: string };

/** The run fields that are settings, in the table's order. */
export const RUN_SETTING_FIELDS: readonly SettingField[] = RUN_CONFIG_FIELDS.filter((f): f is SettingField => f.setting !== null);

/** `seqlab.training.hiddenSize` for the field `hidden`. */
export function settingId(f: SettingField): string {
  return `${TRAINING_SECTION}.${f.setting}`;
}

const FIELD_BY_KEY = new Map(RUN_SETTING_FIELDS.map((f) => [f.key as string, f]));

/** The setting of a run field, or undefined when the field is not a setting. */
export function settingOf(key: keyof RunConfig): SettingField | undefined {
  return FIELD_BY_KEY.get(key);
}

/**
 * The run fields the user set. `read(setting)` gives a setting's value, or undefined when the user left it unset.
 * A value of the wrong type or out of range (settings.json is edited by hand, and VS Code only underlines it) is
 * refused with a ConfigError naming the setting, never replaced in silence.
 */
export function runSettingsFrom(read: (setting: string) => unknown): Partial<RunConfig> {
  const out: Record<string, unknown> = {};
  for (const f of RUN_SETTING_FIELDS) {
    const v = read(f.setting);
    if (v === undefined) continue;
    try {
      out[f.key] = checkField(f, v);
    } catch (e) {
      throw e instanceof ConfigError ? new ConfigError(settingId(f), e.reason) : e;
    }
  }
  const threads = read(EDITOR_THREADS.setting);
  if (threads !== undefined) {
    try {
      out.threads = checkField(fieldSpec('threads'), threads);
    } catch (e) {
      throw e instanceof ConfigError ? new ConfigError(`${TRAINING_SECTION}.${EDITOR_THREADS.setting}`, e.reason) : e;
    }
  }
  return out as Partial<RunConfig>;
}

/**
 * The settings a run of `task` takes: those of the fields the task reads (the table's `tasks`). A setting made for
 * another kind of model (seqlab.training.bidirectional for classifiers) does not reach a language model.
 */
export function settingsForTask(settings: Partial<RunConfig>, task: TaskKind): Partial<RunConfig> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(settings)) {
    const f = FIELD_BY_KEY.get(key);
    if ((f && (!f.tasks || f.tasks.includes(task))) || key === 'threads') out[key] = v;
  }
  return out as Partial<RunConfig>;
}
