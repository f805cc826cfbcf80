// Helpers of the training-project tests (pytorchProject*.test.ts): small data of every task kind, a SeqLab run on
// it, the project written to a folder, train.py run by Debian's python3-torch, and the float32 comparison of the
// fixtures (1e-4 + 1e-3·|ref|, test/fixtures/torch/README.md), reporting the largest difference.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCheckpoint, type LoadedCheckpoint } from '../../../src/engine/checkpoint';
import { pytorchProjectFiles } from '../../../src/engine/export/project';
import { runConfig, type RunConfig, type TaskKind } from '../../../src/engine/run/config';
import { parseTaskData } from '../../../src/engine/run/data';
import { TrainingRun } from '../../../src/engine/run/run';

export const PYTHON = '/usr/bin/python3';

/** Why torch cannot be used here (python3-torch absent), or null when it can. */
export function torchMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return probe.status === 0 ? null : `${PYTHON} cannot import torch (${(probe.stderr || String(probe.error)).trim().split('\n').pop()}); install python3-torch`;
}

const WORDS = 'the cat sat on a mat and dog ran in park while birds sang songs of morning light'.split(' ');

/** Deterministic text of each kind (a tiny LCG, so the data does not depend on the engine's Rng). */
export function sampleData(kind: TaskKind, n = 40): string {
  let s = 7;
  const rand = (k: number): number => ((s = (s * 1103515245 + 12345) % 2147483648), s % k);
  const word = (): string => WORDS[rand(WORDS.length)];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 2 + rand(5), ws = Array.from({ length: len }, word);
    if (kind === 'lm') lines.push(ws.join(' '));
    else if (kind === 'seq2seq') lines.push(`${ws.join(' ')}\t${[...ws].reverse().join(' ')}`);
    else if (kind === 'classify' || kind === 'one-to-many') lines.push(`${len > 3 ? 'long' : 'short'}\t${ws.join(' ')}`);
    else lines.push(ws.map((w) => `${w}\t${w.length > 3 ? 'L' : 'S'}`).join('\n') + '\n');
  }
  return lines.join('\n') + '\n';
}

export function makeRun(kind: TaskKind, overrides: Partial<RunConfig>): TrainingRun {
  const config = runConfig({
    task: kind, tokenizer: kind === 'lm' ? 'char' : 'word', embedding: 6, hidden: 8, batch: 5, seqLen: 12, lr: 0.01, clip: 1,
    seed: 11, dropout: 0, checkpointEvery: 0, validEvery: 0, validBatches: 0, snapshotEvery: 0, ...overrides,
  });
  return TrainingRun.create(config, parseTaskData(kind, [{ source: `${kind}.txt`, text: sampleData(kind) }]));
}

/** Writes the project of `run` into `dir` (created). */
export function writeProject(run: TrainingRun, dir: string): void {
  for (const [name, content] of Object.entries(pytorchProjectFiles(run))) {
    const file = path.join(dir, ...name.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

export interface StepLine {
  step: number;
  loss: number;
  grad_norm: number;
  lr: number;
  event?: string;
  pid?: number;
}

export function jsonLines(text: string): StepLine[] {
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as StepLine);
}

/** `python3 train.py ARGS` in `dir`; fails the test with its stderr when it does not exit 0. */
export function trainPy(dir: string, args: string[]): StepLine[] {
  const r = spawnSync(PYTHON, [path.join(dir, 'train.py'), '--cpu', ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) assert.fail(`train.py ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return jsonLines(r.stdout).filter((l) => l.event === undefined);
}

/** The checkpoint train.py's --out folder names as latest, read by SeqLab's one reader. */
export function latestCheckpoint(out: string): { dir: string; ck: LoadedCheckpoint } {
  const dir = path.join(out, fs.readFileSync(path.join(out, 'latest'), 'utf8').trim());
  const state = path.join(dir, 'training.safetensors');
  const files = {
    model: fs.readFileSync(path.join(dir, 'model.safetensors')), meta: fs.readFileSync(path.join(dir, 'seqlab.json'), 'utf8'),
    ...(fs.existsSync(state) ? { state: fs.readFileSync(state) } : {}),
  };
  return { dir, ck: readCheckpoint(files, dir) };
}

export interface Diff {
  maxDiff: number;
  ok: boolean;
  worst: string;
}

/** Element by element against the float32 tolerance; `worst` names the element with the largest excess. */
export function compareArrays(ref: ArrayLike<number>, got: ArrayLike<number>, what: string, into: Diff = { maxDiff: 0, ok: true, worst: '' }): Diff {
  assert.equal(got.length, ref.length, `${what}: ${got.length} values, expected ${ref.length}`);
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ref[i] - got[i]);
    if (d > into.maxDiff) [into.maxDiff, into.worst] = [d, `${what}[${i}] ${got[i]} vs ${ref[i]}`];
    if (!(d <= 1e-4 + 1e-3 * Math.abs(ref[i]))) into.ok = false;
  }
  return into;
}

/** Every parameter of `run` now against the weights of a checkpoint (by name). */
export function compareParams(run: TrainingRun, ck: LoadedCheckpoint): Diff {
  const out: Diff = { maxDiff: 0, ok: true, worst: '' };
  for (const e of run.task.params.entries) compareArrays(run.task.params.value(e.name), ck.weights.get(e.name)!, e.name, out);
  return out;
}
