// New Model's presets and Custom questions, and the one place a training command's RunConfig is built
// (runConfigFor: table defaults ← settings the task reads ← the chosen model ← the command's overrides).
import * as assert from 'node:assert/strict';
import { ConfigError, DEFAULT_RUN_CONFIG, TASK_KINDS, defaultsFor, parseRunConfig, runConfig, type RunConfig } from '../../src/engine/run/config';
import {
  PRESETS, SETTINGS_MODEL, customKeys, customLabel, customStep, runConfigFor, storedModelChoice, taskStep, type ModelChoice,
} from '../../src/extension/modelChoice';
import { runSettingsFrom, settingsForTask } from '../../src/extension/runSettings';

/** The ConfigError `f` throws (fails if it throws none or another error). */
function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail('no ConfigError');
}

describe('New Model: presets, Custom questions and the run config of a training command', () => {
  it('the seq2seq preset sets exactly the seq2seq defaults of the run config table (chosen by npm run sweep)', () => {
    const preset = PRESETS.find((p) => p.id === 'seq2seq-attention')!;
    const defaults = runConfig({ task: 'seq2seq' });
    for (const [key, value] of Object.entries(preset.config)) assert.deepEqual(value, defaults[key as keyof RunConfig], key);
    assert.deepEqual([defaults.cell, defaults.bidirectional, defaults.hidden, defaults.batch, defaults.lr, defaults.clip], ['gru', true, 128, 32, 0.003, 5]);
    assert.equal(runConfigFor(preset, {}).lr, 0.003);
    assert.deepEqual([runConfig({ task: 'lm' }).cell, runConfig({ task: 'lm' }).lr], ['lstm', 0.008], 'lm: the table\'s cell, its own rate (npm run bench:lm)');
    assert.deepEqual([runConfig({ task: 'classify' }).cell, runConfig({ task: 'classify' }).lr], ['lstm', 0.002], 'other tasks keep the table\'s defaults');
  });

  it('every preset names its task, passes parseRunConfig with the table\'s defaults beneath it, and every task has one', () => {
    for (const p of PRESETS) {
      const c = runConfigFor(p, {});
      assert.deepEqual(parseRunConfig(c), c, p.id);
      for (const [k, v] of Object.entries(p.config)) assert.equal(c[k as keyof RunConfig], v, `${p.id}.${k}`);
    }
    assert.deepEqual([...new Set(PRESETS.map((p) => p.config.task))].sort(), [...TASK_KINDS].sort());
  });

  it('the presets of the issue: seq2seq is the sweep choice (the table seq2seq defaults); classifier and tagger read both directions', () => {
    const byId = (id: string): RunConfig => runConfigFor(PRESETS.find((p) => p.id === id)!, {});
    const s2s = byId('seq2seq-attention');
    assert.deepEqual(
      [s2s.task, s2s.attention, s2s.bidirectional, s2s.cell, s2s.hidden, s2s.batch, s2s.lr, s2s.clip],
      ['seq2seq', 'additive', true, 'gru', 128, 32, 3e-3, 5],
    );
    assert.deepEqual([byId('classifier').task, byId('classifier').bidirectional, byId('classifier').cell], ['classify', true, 'lstm']);
    assert.deepEqual([byId('tagger').task, byId('tagger').bidirectional, byId('tagger').cell, byId('tagger').tokenizer], ['tag', true, 'lstm', 'word']);
  });

  it('every answer every Custom question offers passes parseRunConfig, for every task', () => {
    let answers = 0;
    for (const task of TASK_KINDS) {
      const base: RunConfig = { ...DEFAULT_RUN_CONFIG, task };
      for (const key of customKeys(task)) {
        const step = customStep(key, base);
        assert.ok(step.items.length >= 2, `${task}/${key} offers ${step.items.length} answer(s)`);
        assert.ok(step.description.length > 0, `${task}/${key} has no description`);
        for (const item of step.items) {
          assert.doesNotThrow(() => parseRunConfig({ ...base, [key]: item.value }), `${task}/${key} = ${String(item.value)}`);
          answers++;
        }
      }
      // Two whole walks through the questions, always the first answer and always the last, end in valid configs.
      for (const pick of [0, -1]) {
        let c = base;
        for (const key of customKeys(task)) c = { ...c, [key]: customStep(key, c).items.at(pick)!.value };
        assert.doesNotThrow(() => parseRunConfig(c), `${task}, answers ${pick}`);
      }
    }
    assert.ok(answers > 100, `${answers} answers`);
    for (const item of taskStep('lm').items) assert.doesNotThrow(() => runConfigFor({ id: 'c', label: 'c', config: { task: item.value } }, {}));
  });

  it('Custom asks only what the task reads, and offers only answers that fit the earlier ones', () => {
    assert.deepEqual(customKeys('lm'), ['cell', 'tokenizer', 'hidden', 'layers', 'embedding', 'seqLen', 'lr', 'clip']);
    assert.deepEqual(customKeys('seq2seq'), ['cell', 'bidirectional', 'attention', 'tokenizer', 'hidden', 'layers', 'embedding', 'seqLen', 'lr', 'clip']);
    assert.ok(!customKeys('tag').includes('tokenizer'), 'a tagger reads the words of its file');
    const s2s: RunConfig = { ...DEFAULT_RUN_CONFIG, task: 'seq2seq' };
    const values = (key: keyof RunConfig, c: RunConfig): unknown[] => customStep(key, c).items.map((i) => i.value);
    assert.deepEqual(values('cell', s2s), ['lstm', 'gru'], 'seq2seq needs a gated encoder and decoder');
    assert.deepEqual(values('attention', { ...s2s, bidirectional: true }), ['none', 'general', 'additive'], 'no dot attention over a bidirectional encoder');
    assert.deepEqual(values('attention', s2s), ['none', 'dot', 'general', 'additive']);
    // The current value is offered and marked even off the ladder; out-of-range ladder values are not offered.
    const hidden = customStep('hidden', { ...DEFAULT_RUN_CONFIG, hidden: 96 });
    assert.deepEqual(hidden.items.map((i) => i.value), [32, 64, 96, 128, 256, 512]);
    assert.equal(hidden.items.find((i) => i.description === 'current setting')?.value, 96);
    assert.equal(customStep('cell', s2s).items[0].detail?.startsWith('Long short-term memory'), true, 'choices carry the table\'s descriptions');
    assert.equal(customLabel({ ...s2s, bidirectional: true, cell: 'gru' }), 'custom seq2seq bidirectional gru 1×128, char');
  });

  describe('runConfigFor', () => {
    const model: ModelChoice = { id: 'm', label: 'My model', config: { task: 'lm', hidden: 32, lr: 0.01 } };

    it('defaults ← settings ← model ← overrides', () => {
      const c = runConfigFor(model, { hidden: 256, lr: 0.005, seed: 7, clip: 1 }, { lr: 0.02 });
      // The editor's threads default is 1 (runSettings.ts EDITOR_THREADS), not the table's automatic 0.
      assert.deepEqual(c, { ...defaultsFor('lm'), threads: 1, hidden: 32, seed: 7, clip: 1, lr: 0.02 });
      assert.deepEqual(runConfigFor(SETTINGS_MODEL, {}), { ...defaultsFor('lm'), threads: 1 });
      assert.equal(runConfigFor(SETTINGS_MODEL, { threads: 0 }).threads, 0);
      assert.deepEqual(runConfigFor(SETTINGS_MODEL, { hidden: 256 }).hidden, 256);
    });

    it('a setting for fields the task does not read does not reach it (bidirectional: classifiers, not language models)', () => {
      assert.deepEqual(settingsForTask({ bidirectional: true, attention: 'dot', hidden: 8 }, 'lm'), { hidden: 8 });
      assert.equal(runConfigFor(SETTINGS_MODEL, { bidirectional: true }).bidirectional, false);
      assert.equal(runConfigFor(PRESETS.find((p) => p.id === 'classifier')!, { merge: 'sum' }).merge, 'sum');
    });

    it('an invalid result names where the value came from: the setting, the model, or the command\'s argument', () => {
      assert.equal(configError(() => runConfigFor(model, { lrSchedule: 'cosine' })).field, 'seqlab.training.lrSchedule');
      assert.match(configError(() => runConfigFor(model, { lrSchedule: 'cosine' })).message, /^seqlab\.training\.lrSchedule: the cosine schedule runs over the run's budget/);
      assert.equal(configError(() => runConfigFor(model, { dropout: 0.5 })).field, 'seqlab.training.dropout');
      assert.equal(configError(() => runConfigFor({ ...model, config: { task: 'seq2seq', cell: 'rnn_tanh' } }, {})).field, 'model "My model" (cell)');
      assert.equal(configError(() => runConfigFor(model, {}, { lr: 0 })).field, 'config.lr');
      assert.equal(configError(() => runConfigFor(model, {}, { hiddenSize: 8 } as unknown as Partial<RunConfig>)).field, 'config.hiddenSize');
    });
  });

  it('settings: only what the user set, each checked; a bad value names the setting', () => {
    const set: Record<string, unknown> = { hiddenSize: 48, learningRate: 0.01, cell: 'gru', workspaceGlob: '**/*.md' };
    assert.deepEqual(runSettingsFrom((s) => set[s]), { hidden: 48, lr: 0.01, cell: 'gru' });
    assert.deepEqual(runSettingsFrom((s) => ({ ...set, threads: 2 })[s]), { hidden: 48, lr: 0.01, cell: 'gru', threads: 2 });
    assert.deepEqual(settingsForTask({ threads: 2, bidirectional: true }, 'lm'), { threads: 2 }, 'every task reads threads');
    for (const [setting, value, message] of [
      ['threads', -1, /^seqlab\.training\.threads: must be at least 0, got -1$/],
      ['threads', 1.5, /^seqlab\.training\.threads: must be a whole number, got 1\.5$/],
      ['hiddenSize', 1.5, /^seqlab\.training\.hiddenSize: must be a whole number, got 1\.5$/],
      ['learningRate', 0, /^seqlab\.training\.learningRate: must be above 0, got 0$/],
      ['cell', 'transformer', /^seqlab\.training\.cell: must be one of lstm, gru, rnn_tanh, rnn_relu, got "transformer"$/],
      ['bidirectional', 'yes', /^seqlab\.training\.bidirectional: must be true or false, got "yes"$/],
    ] as const) {
      assert.match(configError(() => runSettingsFrom((s) => (s === setting ? value : undefined))).message, message);
    }
  });

  it('a remembered choice: a preset by id (its current fields), a custom model that still checks, else nothing', () => {
    assert.equal(storedModelChoice({ id: 'tagger', label: 'old name', config: {} }), PRESETS.find((p) => p.id === 'tagger'));
    assert.deepEqual(storedModelChoice({ id: 'custom', label: 'c', config: { task: 'tag', hidden: 8 } }), { id: 'custom', label: 'c', config: { task: 'tag', hidden: 8 } });
    // What an earlier version stored: TrainConfig field names and a `kind`.
    assert.equal(storedModelChoice({ id: 'custom', label: 'c', kind: 'lm', config: { hiddenSize: 64, numLayers: 2 } }), null);
    assert.equal(storedModelChoice({ id: 'custom', label: 'c', config: { hidden: -1 } }), null);
    for (const junk of [null, 3, 'char-lstm', { id: 7 }]) assert.equal(storedModelChoice(junk), null);
  });
});
