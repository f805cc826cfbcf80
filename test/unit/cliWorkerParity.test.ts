// One run, three drivers (issue #13 item 1): `seqlab train` in its own process and the editor's training worker
// (a REAL worker_threads worker running the built dist/trainWorker.js, driven by TrainingSession) train through
// the same engine TrainingRun, so with the same seed, config and data they end with bit-identical weights after
// N steps, for every task kind. The config is the one the CLI itself reports in its --json start line, and both
// validate every few steps in between (validation must not disturb training).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODEL_FILE } from '../../src/engine/checkpoint';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import { parseRunConfig, type TaskKind } from '../../src/engine/run/config';
import { decodeSafetensors } from '../../src/engine/safetensors';
import { TrainingSession } from '../../src/extension/training/session';
import { FileRunStore, nodeFiles } from '../../src/extension/training/store';
import { scratchDir } from './scratchDir';
import { until } from './until';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const WORKER = path.join(ROOT, 'dist', 'trainWorker.js');
const STEPS = 24;

const WORDS = ['red', 'green', 'blue', 'cat', 'dog', 'bird', 'runs', 'sits', 'sings'];
const DATA: Record<TaskKind, { file: string; text: string; flags: string[] }> = {
  lm: { file: 'prose.txt', text: 'the quick brown fox jumps over the lazy dog.\n'.repeat(30), flags: ['--layers', '2', '--dropout', '0.1', '--cell', 'gru'] },
  seq2seq: {
    file: 'pairs.tsv', text: generateTask('reverse', new Rng(2), 40, { minLen: 3, maxLen: 6 }).map((p) => `${p.source}\t${p.target}\n`).join(''),
    flags: ['--attention', 'additive', '--teacher-forcing', '0.5'],
  },
  classify: {
    file: 'labelled.tsv', text: Array.from({ length: 40 }, (_, i) => `${['color', 'animal', 'verb'][i % 3]}\t${WORDS[(i % 3) * 3 + (i % 4) % 3]} ${WORDS[(i % 3) * 3 + (i % 5) % 3]}\n`).join(''),
    flags: ['--bidirectional', '--merge', 'weighted'],
  },
  tag: {
    file: 'tags.conll', text: Array.from({ length: 30 }, (_, i) => `the\tDET\n${WORDS[3 + (i % 3)]}\tNOUN\n${WORDS[6 + (i % 3)]}\tVERB\n\n`).join(''),
    flags: ['--bidirectional', '--cell', 'rnn-tanh'],
  },
  'one-to-many': {
    file: 'words.tsv', text: Array.from({ length: 40 }, (_, i) => `${['color', 'animal', 'verb'][i % 3]}\t${WORDS[(i % 3) * 3 + (i % 4) % 3]}\n`).join(''),
    flags: ['--layers', '2', '--dropout', '0.1'],
  },
};

function cliTrain(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, 'train', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    p.stderr.on('data', (d: Buffer) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('CLI and editor worker: the same run, bit-identical weights (real processes, real worker thread)', function () {
  this.timeout(120_000);
  const tmp = scratchDir('seqlab-parity-');
  after(() => fs.rmSync(tmp.dir, { recursive: true, force: true }));

  for (const kind of ['lm', 'seq2seq', 'classify', 'tag'] as const) {
    it(`${kind}: ${STEPS} steps with the same seed and config end with the same weights, bit for bit`, async () => {
      const d = DATA[kind], data = tmp.file(d.file, d.text), out = path.join(tmp.dir, `${kind}-cli`);
      const r = await cliTrain([
        '--task', kind, '--data', data, '--out', out, '--steps', String(STEPS), '--seed', '5', '--hidden', '8', '--embedding', '6',
        '--batch', '4', '--seq-len', '8', '--lr', '0.02', '--valid-every', '5', '--json', ...d.flags,
      ]);
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const config = parseRunConfig(lines[0].options);
      assert.equal(config.steps, STEPS);
      const valids = lines.filter((l) => l.type === 'valid');
      assert.ok(valids.length >= 4, `the CLI printed ${valids.length} validations`);
      const metric = { lm: 'bitsPerChar', seq2seq: 'exactMatch', classify: 'accuracy', tag: 'accuracy' }[kind];
      assert.ok(valids.every((v) => typeof v[metric] === 'number'), JSON.stringify(valids[0]));

      const session = new TrainingSession(WORKER, new FileRunStore(nodeFiles(path.join(tmp.dir, `${kind}-store`))));
      try {
        const run = await session.start({ config, train: d.text, valid: '' });
        await until(`the worker's ${kind} run to stop`, () => run.state === 'stopped' || run.state === 'failed' || run.state === 'crashed', 60_000);
        assert.equal(run.state, 'stopped', run.message ?? '');
        await session.store.flush();
        assert.equal(run.step, STEPS);
        assert.ok(run.history.some((p) => p.validMetrics !== undefined), 'the worker validated too');
        const ck = (await session.store.loadCheckpoint(run.id))!;
        const worker = decodeSafetensors(ck.model, 'worker').tensors;
        const cli = decodeSafetensors(fs.readFileSync(path.join(out, MODEL_FILE)), 'cli').tensors;
        assert.deepEqual([...worker.keys()], [...cli.keys()]);
        for (const [name, t] of cli) {
          const w = worker.get(name)!;
          const differ = t.data.findIndex((x, i) => !Object.is(x, w.data[i]));
          assert.equal(differ, -1, `${name}[${differ}]: CLI ${t.data[differ]}, worker ${w.data[differ]}`);
        }
        assert.deepEqual(Buffer.from(ck.model), fs.readFileSync(path.join(out, MODEL_FILE)), 'the same model.safetensors bytes');
      } finally {
        session.dispose();
      }
    });
  }
});
