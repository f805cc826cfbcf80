// The continuity check both training-project test files run (pytorchProject.test.ts for every task kind,
// pytorchMerge.test.ts for the non-concat merges): a suite that skips, saying why, without python3-torch, owns a
// scratch folder and prints the largest differences at the end; and one check that a run's project, continued by
// train.py for `after` steps, takes the steps SeqLab takes itself (loss, grad norm, parameters within the
// fixtures' float32 tolerance).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadedCheckpoint } from '../../../src/engine/checkpoint';
import type { TrainingRun } from '../../../src/engine/run/run';
import { compareArrays, compareParams, latestCheckpoint, torchMissing, trainPy, writeProject, type Diff, type StepLine } from './project';

export interface ContinuitySuite {
  /** The suite's scratch folder (made in `before`, removed in `after`). */
  readonly tmp: () => string;
  /** One line per case, printed after the suite under `title`. */
  readonly report: string[];
}

/** Registers the suite's before/after hooks (call inside `describe`): skip without torch, a scratch folder, the report. */
export function continuitySuite(prefix: string, title: string): ContinuitySuite {
  let tmp = '';
  const report: string[] = [];
  before(function () {
    const missing = torchMissing();
    if (missing) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (report.length) console.log(`      ${title}:\n${report.map((l) => `        ${l}`).join('\n')}`);
  });
  return { tmp: () => tmp, report };
}

export interface Continued {
  ck: LoadedCheckpoint;
  lines: StepLine[];
  loss: Diff;
  norm: Diff;
  params: Diff;
}

/**
 * Exports `run` (already `before` steps in) as a project in `dir`, lets train.py take `after` steps, takes the same
 * steps in SeqLab and asserts that they agree: step numbers, loss, grad norm (and the learning rate when `checkLr`),
 * and every parameter at the end against the checkpoint train.py wrote. The largest differences go into the suite's
 * report as `name: loss …, grad norm …, parameters …` before the tolerance is asserted, so a failing case is
 * reported too.
 */
export function continueInPyTorch(
  run: TrainingRun, dir: string, steps: { before: number; after: number }, report: { into: string[]; name: string }, checkLr = false,
): Continued {
  const { before, after } = steps;
  writeProject(run, dir);
  const out = path.join(dir, 'runs');
  const lines = trainPy(dir, ['--steps', String(after), '--out', out]);
  assert.deepEqual(lines.map((l) => l.step), Array.from({ length: after }, (_, i) => before + 1 + i));
  const loss: Diff = { maxDiff: 0, ok: true, worst: '' }, norm: Diff = { maxDiff: 0, ok: true, worst: '' };
  for (const line of lines) {
    const s = run.trainStep();
    assert.equal(s.step, line.step);
    compareArrays([s.loss], [line.loss], `loss at step ${s.step}`, loss);
    compareArrays([s.gradNorm], [line.grad_norm], `grad norm at step ${s.step}`, norm);
    if (checkLr) assert.ok(Math.abs(s.lr - line.lr) <= 1e-9 * s.lr, `learning rate at step ${s.step}: SeqLab ${s.lr}, PyTorch ${line.lr}`);
  }
  const { ck } = latestCheckpoint(out);
  const params = compareParams(run, ck);
  report.into.push(`${report.name}: loss ${loss.maxDiff.toExponential(2)}, grad norm ${norm.maxDiff.toExponential(2)}, parameters ${params.maxDiff.toExponential(2)}`);
  assert.ok(loss.ok, `loss beyond tolerance: ${loss.worst}`);
  assert.ok(norm.ok, `grad norm beyond tolerance: ${norm.worst}`);
  assert.ok(params.ok, `parameters beyond tolerance: ${params.worst}`);
  return { ck, lines, loss, norm, params };
}
