// The model the next training command trains: a preset (one per kind of model) or a Custom choice, each a partial
// RunConfig that names its task. The RunConfig a command trains with is built in ONE place, runConfigFor:
// the table's defaults ← the user's seqlab.training.* settings (those the task reads) ← the chosen model ← the
// command's own overrides, validated by parseRunConfig; an invalid result is one error naming the setting, the
// model or the argument that brought the offending value. The Custom flow's questions and answers come from the
// field table too. Pure (no 'vscode'): newModel.ts runs the UI.
import {
  ConfigError, RUN_CONFIG_FIELDS, TASK_KINDS, checkField, configProblem, defaultsGiven, fieldSpec, parseRunConfig,
  type RunConfig, type TaskKind,
} from '../engine/run/config';
import { EDITOR_THREADS, TRAINING_SECTION, settingId, settingOf, settingsForTask } from './runSettings';

/** What a model is trained as: its task and the fields it sets (the rest come from settings and defaults). */
export type ModelConfig = Partial<RunConfig> & Pick<RunConfig, 'task'>;

export interface ModelChoice {
  readonly id: string;
  readonly label: string;
  readonly config: ModelConfig;
}

export interface ModelPreset extends ModelChoice {
  readonly detail: string;
}

export const PRESETS: readonly ModelPreset[] = [
  {
    id: 'char-lstm', label: 'Character-level LSTM language model',
    detail: 'Reads and writes one character at a time. The classic first model (Karpathy\'s char-rnn): learns spelling, then words, then style.',
    config: { task: 'lm', tokenizer: 'char', cell: 'lstm', hidden: 128, layers: 1, embedding: 32, seqLen: 64 },
  },
  {
    id: 'word-gru', label: 'Word-level GRU language model',
    detail: 'One token per word or punctuation mark, a GRU (simpler than an LSTM, often as good). Needs more text than the character model.',
    config: { task: 'lm', tokenizer: 'word', cell: 'gru', hidden: 128, layers: 1, embedding: 64, seqLen: 32 },
  },
  {
    id: 'bpe-lstm-code', label: 'BPE LSTM code model',
    detail: 'Byte-pair tokens (frequent character runs such as "function" become one token), two LSTM layers: suits source code.',
    config: { task: 'lm', tokenizer: 'bpe', vocabSize: 512, cell: 'lstm', hidden: 192, layers: 2, embedding: 64, seqLen: 48 },
  },
  {
    // Seq2seq's defaults as the run config table has them (chosen by npm run sweep, test/bench/sweep.ts): a
    // bidirectional GRU encoder, hidden 128, batch 32, Adam 3e-3, clipping at 5 (modelChoice.test.ts checks they agree).
    id: 'seq2seq-attention', label: 'Seq2seq with attention',
    detail: 'Encoder–decoder with additive attention: translates one sequence into another (e.g. dates, reversal). Trains on source<TAB>target lines.',
    config: { task: 'seq2seq', attention: 'additive', bidirectional: true, cell: 'gru', hidden: 128, batch: 32, lr: 3e-3, clip: 5 },
  },
  {
    id: 'classifier', label: 'Sequence classifier',
    detail: 'Reads a whole sequence in both directions and predicts one label, e.g. the language of a sentence. Trains on label<TAB>text lines.',
    config: { task: 'classify', bidirectional: true, cell: 'lstm', hidden: 64 },
  },
  {
    id: 'tagger', label: 'Sequence tagger',
    detail: 'One tag per word (e.g. part of speech), with a bidirectional LSTM over the words. Trains on token<TAB>tag lines, a blank line between sentences.',
    config: { task: 'tag', bidirectional: true, cell: 'lstm', hidden: 64, tokenizer: 'word' },
  },
  {
    id: 'one-to-many', label: 'Word generator (one-to-many)',
    detail: 'Writes a new text from a label alone, e.g. a made-up word that looks German or French: the label sets the initial state, an LSTM writes characters until EOS. Trains on label<TAB>text lines.',
    config: { task: 'one-to-many', cell: 'lstm', hidden: 128, tokenizer: 'char' },
  },
];

/** Until the user picks one, a language model built from the seqlab.training.* settings alone. */
export const SETTINGS_MODEL: ModelChoice = { id: 'settings', label: 'language model from settings', config: { task: 'lm' } };

/** What each task trains on, as the New Model message and the training commands say it. */
export const TASK_DATA_FORMAT: Readonly<Record<TaskKind, string>> = {
  lm: 'plain text',
  seq2seq: 'source<TAB>target lines (e.g. a .tsv file)',
  classify: 'label<TAB>text lines (e.g. a .tsv file)',
  tag: 'token<TAB>tag lines with a blank line between sentences (e.g. a .conll file)',
  'one-to-many': 'label<TAB>text lines (e.g. a .tsv file)',
};

/** A model's fields checked one by one against the table (unknown fields refused); `where` names the model. */
export function checkModelConfig(v: unknown, where: string): ModelConfig {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(where, 'must be an object of run settings');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    if (!RUN_CONFIG_FIELDS.some((f) => f.key === key)) throw new ConfigError(`${where}.${key}`, 'is not a run setting');
    out[key] = checkField(fieldSpec(key as keyof RunConfig), value, where);
  }
  out.task ??= 'lm';
  return out as ModelConfig;
}

/**
 * A remembered choice (workspace state written by any earlier version): a preset by its id, so presets improve
 * for those who chose them; a custom model if every field still checks; else null (the caller falls back).
 */
export function storedModelChoice(v: unknown): ModelChoice | null {
  if (typeof v !== 'object' || v === null) return null;
  const { id, label, config } = v as Record<string, unknown>;
  const preset = PRESETS.find((p) => p.id === id);
  if (preset) return preset;
  if (typeof id !== 'string' || typeof label !== 'string') return null;
  try {
    return { id, label, config: checkModelConfig(config, 'model') };
  } catch {
    return null;
  }
}

/**
 * THE RunConfig a training command runs: defaults ← settings the task reads ← the model ← `extra`, validated. A
 * ConfigError names where the refused value came from: `seqlab.training.lrSchedule`, `model "…" (cell)`, `config.lr`.
 */
export function runConfigFor(model: ModelChoice, settings: Partial<RunConfig>, extra: Partial<RunConfig> = {}): RunConfig {
  const task = extra.task ?? model.config.task;
  const fromSettings = settingsForTask(settings, task);
  try {
    const chosen = { ...fromSettings, ...model.config, ...extra };
    return parseRunConfig({ ...defaultsGiven(task, chosen), threads: EDITOR_THREADS.default, ...chosen }, 'config');
  } catch (e) {
    if (!(e instanceof ConfigError) || !e.field.startsWith('config.')) throw e;
    const key = e.field.slice('config.'.length) as keyof RunConfig;
    const setting = settingOf(key);
    const source = key in extra ? e.field
      : key in model.config ? `model "${model.label}" (${key})`
        : key in fromSettings && setting ? settingId(setting)
          : key === 'threads' && key in fromSettings ? `${TRAINING_SECTION}.${EDITOR_THREADS.setting}`
          : `the default ${key}`;
    throw new ConfigError(source, e.reason);
  }
}

/** One question of the Custom flow: a field, its one-line description, and the answers it offers. */
export interface CustomStep<K extends keyof RunConfig = keyof RunConfig> {
  key: K;
  title: string;
  description: string;
  items: { label: string; value: RunConfig[K]; detail?: string; description?: string }[];
}

/** The fields Custom asks about, in order; each is asked only for a task that reads it (the table's `tasks`). */
const CUSTOM_FIELDS: readonly { key: keyof RunConfig; title: string; values?: readonly number[] }[] = [
  { key: 'cell', title: 'recurrent cell' },
  { key: 'bidirectional', title: 'read both directions' },
  { key: 'attention', title: 'attention' },
  { key: 'tokenizer', title: 'tokens' },
  { key: 'hidden', title: 'hidden size', values: [32, 64, 128, 256, 512] },
  { key: 'layers', title: 'layers', values: [1, 2, 3] },
  { key: 'embedding', title: 'embedding size', values: [16, 32, 64, 128] },
  { key: 'seqLen', title: 'sequence length', values: [16, 32, 64, 128] },
  { key: 'lr', title: 'learning rate', values: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01] },
  { key: 'clip', title: 'gradient clipping', values: [0, 1, 5] },
];

/** The first question: which task. */
export function taskStep(current: TaskKind): CustomStep<'task'> {
  const f = fieldSpec('task');
  const docs = f.type === 'choice' ? f.choiceDescriptions ?? [] : [];
  return {
    key: 'task', title: 'task', description: f.description,
    items: TASK_KINDS.map((t, i) => ({ label: t, value: t, detail: docs[i], description: t === current ? 'current' : undefined })),
  };
}

/** The fields Custom asks about for `task`. */
export function customKeys(task: TaskKind): (keyof RunConfig)[] {
  return CUSTOM_FIELDS.filter(({ key }) => fieldSpec(key).tasks?.includes(task) ?? true).map(({ key }) => key);
}

/**
 * The question for `key`, given the answers so far (`sofar`, a complete config: defaults, settings, answers).
 * Offers only values in the field's range that do not themselves break a rule of configProblem with the answers
 * so far (no rnn cell for seq2seq, no dot attention over a bidirectional encoder); the current value is marked.
 */
export function customStep(key: keyof RunConfig, sofar: RunConfig): CustomStep {
  const f = fieldSpec(key);
  const spec = CUSTOM_FIELDS.find((c) => c.key === key);
  if (!spec) throw new Error(`the Custom flow does not ask about ${key}`);
  let items: CustomStep['items'];
  if (f.type === 'choice') items = f.choices.map((c, i) => ({ label: c, value: c as RunConfig[typeof key], detail: f.choiceDescriptions?.[i] }));
  else if (f.type === 'bool') items = [{ label: 'yes', value: true }, { label: 'no', value: false }];
  else {
    const values = [...new Set([...(spec.values ?? []), sofar[key] as number])].sort((a, b) => a - b);
    items = values.map((v) => ({ label: key === 'clip' && v === 0 ? '0 (off)' : String(v), value: v }));
  }
  const fits = (v: unknown): boolean => {
    try {
      checkField(f, v);
    } catch {
      return false;
    }
    return configProblem({ ...sofar, [key]: v })?.field !== key;
  };
  return {
    key, title: spec.title, description: f.description,
    items: items.filter((it) => fits(it.value)).map((it) => ({ ...it, description: it.value === sofar[key] ? 'current setting' : undefined })),
  };
}

/** The name shown for a Custom model: "custom seq2seq gru 1×128, char". */
export function customLabel(c: RunConfig): string {
  const tokens = fieldSpec('tokenizer').tasks?.includes(c.task) ? `, ${c.tokenizer}` : '';
  return `custom ${c.task} ${c.bidirectional ? 'bidirectional ' : ''}${c.cell} ${c.layers}×${c.hidden}${tokens}`;
}
