// The run config's field table (src/engine/run/config.ts) against every surface that exposes it: the
// `seqlab.training.*` settings in package.json, `seqlab train`'s flags and help (the real process), and the
// training protocol's validation of a `start` message. A surface that disagrees with the table fails here.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, parseArgs } from '../../src/cli/args';
import { CLI_DEFAULT_STEPS, TRAIN_FLAGS, taskOptions } from '../../src/cli/trainConfig';
import { DEFAULT_RUN_CONFIG, RUN_CONFIG_FIELDS, TASK_KINDS, defaultsFor, type FieldSpec } from '../../src/engine/run/config';
import { EDITOR_TRAINING_SETTINGS, TRAINING_SECTION } from '../../src/extension/runSettings';
import { parseHostToWorker } from '../../src/protocol/training';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

type Schema = Record<string, unknown>;

/** The package.json entry a field's setting must have: the table's type, default, range, choices and description. */
function expectedSetting(f: FieldSpec): Schema {
  const range = (lo: string, hi: string, min: number, max: number): Schema => ({ [lo]: min, [hi]: max });
  switch (f.type) {
    case 'int':
      return { type: 'integer', default: f.default, ...range('minimum', 'maximum', f.min, f.max), description: f.description };
    case 'number':
      return {
        type: 'number', default: f.default,
        ...range(f.exclusiveMin ? 'exclusiveMinimum' : 'minimum', f.exclusiveMax ? 'exclusiveMaximum' : 'maximum', f.min, f.max),
        description: f.description,
      };
    case 'bool':
      return { type: 'boolean', default: f.default, description: f.description };
    case 'choice':
      return { type: 'string', enum: [...f.choices], ...(f.choiceDescriptions ? { enumDescriptions: [...f.choiceDescriptions] } : {}), default: f.default, description: f.description };
  }
}

/** Every disagreement between package.json's settings and the table, one line each. */
function settingDifferences(props: Record<string, Schema>): string[] {
  const out: string[] = [];
  const known = new Set<string>();
  for (const f of RUN_CONFIG_FIELDS) {
    if (f.setting === null) continue;
    const id = `${TRAINING_SECTION}.${f.setting}`;
    known.add(id);
    const have = props[id];
    if (!have) {
      out.push(`${id} (field ${f.key}) is missing from package.json`);
      continue;
    }
    const want = expectedSetting(f);
    for (const k of new Set([...Object.keys(want), ...Object.keys(have)])) {
      if (JSON.stringify(have[k]) !== JSON.stringify(want[k])) out.push(`${id}.${k}: package.json has ${JSON.stringify(have[k])}, the table ${JSON.stringify(want[k])}`);
    }
  }
  for (const name of EDITOR_TRAINING_SETTINGS) {
    const id = `${TRAINING_SECTION}.${name}`;
    known.add(id);
    if (!props[id]) out.push(`${id} (an editor setting) is missing from package.json`);
  }
  for (const id of Object.keys(props)) {
    if (id.startsWith(`${TRAINING_SECTION}.`) && !known.has(id)) out.push(`${id} is neither a field of the run config's table nor an editor setting`);
  }
  return out;
}

function packageSettings(): Record<string, Schema> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return pkg.contributes.configuration.properties;
}

/** A value just outside each end of the field's range, or of the wrong kind: what every surface must refuse. */
function justOutside(f: FieldSpec): unknown[] {
  switch (f.type) {
    case 'bool':
      return ['true', 1, null];
    case 'choice':
      return [`${f.choices[0]}x`, f.choices[0].toUpperCase(), 0];
    case 'int':
      return [f.min - 1, f.max + 1, f.min + 0.5];
    case 'number': {
      const step = (x: number): number => Math.max(1e-9, Math.abs(x) * 1e-6);
      return [f.exclusiveMin ? f.min : f.min - step(f.min), f.exclusiveMax ? f.max : f.max + step(f.max), Number.NaN];
    }
  }
}

describe('the run config table against its surfaces', function () {
  this.timeout(60_000);

  describe('package.json seqlab.training.* settings', () => {
    it('every table field with a setting is declared with the table\'s type, default, range, choices and description; no unknown training setting', () => {
      assert.deepEqual(settingDifferences(packageSettings()), []);
    });

    it('the check fails on a changed default, a changed range, a stray setting and a missing one', () => {
      const props = structuredClone(packageSettings());
      props['seqlab.training.hiddenSize'].default = 64;
      props['seqlab.training.learningRate'].maximum = 10;
      props['seqlab.training.colour'] = { type: 'string', default: 'red', description: 'x' };
      delete props['seqlab.training.seed'];
      const diffs = settingDifferences(props);
      assert.deepEqual(diffs.map((d) => d.split(/[: ]/)[0]), [
        'seqlab.training.hiddenSize.default', 'seqlab.training.learningRate.maximum', 'seqlab.training.seed', 'seqlab.training.colour',
      ]);
    });
  });

  describe('seqlab train flags', () => {
    const flagFields = RUN_CONFIG_FIELDS.filter((f) => f.flag !== null);

    it('every table field with a flag is a flag of the same kind, range and choices', () => {
      for (const f of flagFields) {
        const s = TRAIN_FLAGS[f.flag!];
        assert.ok(s, `--${f.flag} (field ${f.key}) is not a flag of seqlab train`);
        if (f.type === 'bool') assert.deepEqual(s, { type: 'bool' }, f.key);
        if (f.type === 'choice') {
          assert.ok(s.type === 'string', f.key);
          assert.deepEqual(s.choices, f.choices, f.key);
          for (const target of Object.values(s.aliases ?? {})) assert.ok(f.choices.includes(target), `alias of --${f.flag} names ${target}, not a choice`);
        }
        if (f.type === 'int') assert.deepEqual(s, { type: 'int', min: f.min, max: f.max }, f.key);
        if (f.type === 'number') {
          assert.ok(s.type === 'number', f.key);
          assert.deepEqual([s.min, s.max, Boolean(s.exclusiveMin), Boolean(s.exclusiveMax)], [f.min, f.max, Boolean(f.exclusiveMin), Boolean(f.exclusiveMax)], f.key);
        }
      }
    });

    it('each flag refuses a value just outside the field\'s range and takes each end that is inside it', () => {
      for (const f of flagFields) {
        if (f.type === 'bool') continue;
        const task = f.tasks?.[0] ?? 'lm';
        // dropout acts between stacked layers; patience counts validations of an early-stopping run
        const companions = f.key === 'dropout' ? ['--layers', '2'] : f.key === 'patience' ? ['--early-stopping'] : [];
        const argv = (v: unknown): string[] => ['--task', task, `--${f.flag}`, String(v), ...companions];
        for (const v of justOutside(f)) {
          assert.throws(() => taskOptions(parseArgs(argv(v), { ...TRAIN_FLAGS }, 0, 'train')), UsageError, `--${f.flag} ${String(v)}`);
        }
        if (f.type === 'int' || f.type === 'number') {
          for (const v of [f.type === 'number' && f.exclusiveMin ? null : f.min, f.type === 'number' && f.exclusiveMax ? null : f.max]) {
            if (v === null) continue;
            assert.equal(taskOptions(parseArgs(argv(v), { ...TRAIN_FLAGS }, 0, 'train'))[f.key], v, `--${f.flag} ${v}`);
          }
        }
      }
    });

    it('the real process: a flag given for a task that does not read it exits 2 with one line naming the flag', () => {
      for (const f of flagFields.filter((x) => x.tasks)) {
        const other = TASK_KINDS.find((t) => !f.tasks!.includes(t))!;
        const value = f.type === 'bool' ? [] : [String(f.default)];
        const r = spawnSync(process.execPath, [CLI, 'train', '--task', other, `--${f.flag}`, ...value, '--data', CLI, '--out', path.join(ROOT, 'never-written')], { encoding: 'utf8' });
        assert.equal(r.status, 2, `--${f.flag} for ${other}: ${r.stderr}`);
        assert.equal(r.stderr, `seqlab: train: --${f.flag} is read by --task ${f.tasks!.length === 1 ? f.tasks![0] : `${f.tasks!.slice(0, -1).join(', ')} or ${f.tasks!.at(-1)}`}, not by ${other}\n`);
      }
      assert.ok(!fs.existsSync(path.join(ROOT, 'never-written')));
    });

    it('the real process: values outside the table\'s ranges exit 2 naming the flag', () => {
      for (const [flag, value, message] of [
        ['hidden', '4097', /--hidden must be at most 4096, got 4097/],
        ['momentum', '1', /--momentum must be less than 1, got 1/],
        ['lr', '0', /--lr must be greater than 0, got 0/],
        ['cell', 'rnn', /--cell must be one of lstm\|gru\|rnn_tanh\|rnn_relu, got "rnn"/],
      ] as const) {
        const r = spawnSync(process.execPath, [CLI, 'train', '--task', 'lm', `--${flag}`, value, '--data', CLI, '--out', path.join(ROOT, 'never-written')], { encoding: 'utf8' });
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, message);
        assert.equal(r.stderr.split('\n').length, 2, 'one line');
      }
    });

    it('the CLI\'s run config: the table\'s defaults, then the flags; 1000 steps unless --steps or --time', () => {
      const c = (...argv: string[]): unknown => taskOptions(parseArgs(argv, { ...TRAIN_FLAGS }, 0, 'train'));
      assert.deepEqual(c('--task', 'lm'), { ...defaultsFor('lm'), steps: CLI_DEFAULT_STEPS });
      assert.deepEqual(c('--task', 'lm', '--time', '3'), { ...defaultsFor('lm'), steps: 0, time: 3 });
      assert.deepEqual(c('--task', 'seq2seq', '--cell', 'lstm', '--hidden', '96', '--steps', '7', '--lr-schedule', 'cosine'),
        { ...defaultsFor('seq2seq'), cell: 'lstm', hidden: 96, steps: 7, lrSchedule: 'cosine' });
      assert.equal((c('--task', 'lm', '--cell', 'rnn-relu') as { cell: string }).cell, 'rnn_relu');
      assert.deepEqual(c('--task', 'lm', '--steps', '7', '--decay'), { ...defaultsFor('lm'), steps: 7, lrSchedule: 'cosine' }, '--decay, kept for scripts');
      assert.throws(() => c('--task', 'lm', '--decay', '--lr-schedule', 'constant'), /give --lr-schedule or --decay/);
    });

    it('`seqlab train --help` gives each run flag the table\'s description and default', () => {
      const r = spawnSync(process.execPath, [CLI, 'train', '--help'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const text = r.stdout.replace(/\n {30,}/g, ' '); // a long flag name puts its text on the next line
      for (const f of flagFields) {
        if (f.key === 'task') continue;
        const line = text.split('\n').find((l) => l.startsWith(`  --${f.flag} `));
        assert.ok(line, `--${f.flag} is not in the help`);
        assert.ok(line.includes(f.description), `--${f.flag}'s help lacks the table's description: ${line}`);
        const def = f.key === 'steps' ? `default ${CLI_DEFAULT_STEPS} unless --time is given` : `default ${f.type === 'bool' ? (f.default ? 'on' : 'off') : f.default}`;
        assert.ok(line.includes(def), `--${f.flag}'s help lacks "${def}": ${line}`);
      }
    });
  });

  describe('the training protocol (start message)', () => {
    const start = (config: unknown): unknown => ({ type: 'start', runId: 'r', config, train: 'abc', valid: '' });

    it('refuses a value just outside each field\'s range, naming the field, and accepts the table\'s defaults', () => {
      assert.doesNotThrow(() => parseHostToWorker(start({ ...DEFAULT_RUN_CONFIG })));
      for (const f of RUN_CONFIG_FIELDS) {
        for (const v of justOutside(f)) {
          assert.throws(() => parseHostToWorker(start({ ...DEFAULT_RUN_CONFIG, [f.key]: v })), new RegExp(`\\b${f.key}\\b`), `${f.key} = ${String(v)}`);
        }
      }
    });
  });
});
