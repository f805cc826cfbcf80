// Issue #15: a bidirectional stack merged by sum, mean or learned weights (not torch's concat) exports to PyTorch
// too. model.py builds it as MergedRNN (one single-layer bidirectional torch module per layer, SeqLab's merge in
// Python after each layer, merge_weight_l{k} an nn.Parameter under SeqLab's names). Continuity, as in
// pytorchProject.test.ts: SeqLab trains a few steps, the project is exported, train.py takes the next steps, and
// SeqLab takes the same steps itself: loss, grad norm and every parameter (merge weights included) agree within the
// fixtures' float32 tolerance. Classify (merged top-layer final states) and tag (merged outputs), 2 layers each.
// Only lm and seq2seq have the inference-only `--format pytorch` export, and neither has a merge: the forward of
// these models is checked here through the losses of the steps.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { RunConfig, TaskKind } from '../../src/engine/run/config';
import { continueInPyTorch, continuitySuite } from './pytorch/continuity';
import { compareArrays, jsonLines, latestCheckpoint, makeRun, trainPy, writeProject } from './pytorch/project';

const BEFORE = 3, AFTER = 3;
const CASES: { kind: TaskKind; cell: RunConfig['cell'] }[] = [{ kind: 'classify', cell: 'lstm' }, { kind: 'tag', cell: 'gru' }];
const MERGES: RunConfig['merge'][] = ['sum', 'mean', 'weighted'];

describe('PyTorch training project: non-concat bidirectional merges (real torch via /usr/bin/python3)', function () {
  this.timeout(300_000);
  const suite = continuitySuite('seqlab-merge-', `merges, max |SeqLab − PyTorch| over ${AFTER} steps after step ${BEFORE}`);

  for (const c of CASES)
    for (const merge of MERGES) {
      const name = `${c.kind} ${c.cell} ×2 bidirectional, merge ${merge}`;
      it(`${name}: PyTorch's steps ${BEFORE + 1}..${BEFORE + AFTER} are SeqLab's (loss, grad norm, parameters)`, () => {
        const run = makeRun(c.kind, { cell: c.cell, layers: 2, bidirectional: true, merge, optimizer: 'adam', lr: 0.05 });
        for (let i = 0; i < BEFORE; i++) assert.equal(run.trainStep().nonFinite, null);
        if (merge === 'weighted') {
          // the learned mix has moved off its 0.5 start, so the test sees PyTorch use (and update) the trained α
          const a = run.task.params.value('rnn.merge_weight_l1');
          assert.ok(Math.abs(a[0] - 0.5) > 1e-4 || Math.abs(a[1] - 0.5) > 1e-4, `merge weights still at their start: ${a[0]}, ${a[1]}`);
        }
        const dir = path.join(suite.tmp(), `${c.kind}-${merge}`);
        const { ck } = continueInPyTorch(run, dir, { before: BEFORE, after: AFTER }, { into: suite.report, name });
        if (merge === 'weighted') for (const k of [0, 1]) assert.ok(ck.weights.has(`rnn.merge_weight_l${k}`), `the checkpoint train.py wrote lacks rnn.merge_weight_l${k}`);
      });
    }

  it('weighted merge under torchrun with 2 processes (DDP over the shared per-layer parameters): its first step equals the 1-process step', function () {
    if (spawnSync('torchrun', ['--help'], { encoding: 'utf8' }).status !== 0) this.skip();
    const run = makeRun('classify', { cell: 'gru', layers: 2, bidirectional: true, merge: 'weighted', optimizer: 'adam', lr: 0.05 });
    for (let i = 0; i < BEFORE; i++) run.trainStep();
    const dir = path.join(suite.tmp(), 'ddp');
    writeProject(run, dir);
    const one = trainPy(dir, ['--steps', '1', '--out', path.join(dir, 'one')]);
    // Debian's torchrun needs --redirects/--tee (see pytorchProjectScale.test.ts)
    const r = spawnSync('torchrun', ['--standalone', '--nproc_per_node=2', '--redirects', '2', '--tee', '2', path.join(dir, 'train.py'), '--cpu', '--steps', '1', '--out', path.join(dir, 'two')],
      { encoding: 'utf8', timeout: 240_000 });
    if (r.status !== 0) assert.fail(`torchrun failed (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
    const two = jsonLines(r.stdout).filter((l) => l.event === undefined);
    assert.equal(two[0].step, BEFORE + 1);
    const d = compareArrays([one[0].loss, one[0].grad_norm], [two[0].loss, two[0].grad_norm], 'loss, grad norm');
    const p1 = latestCheckpoint(path.join(dir, 'one')).ck, p2 = latestCheckpoint(path.join(dir, 'two')).ck;
    for (const [name, w] of p1.weights) compareArrays(w, p2.weights.get(name)!, name, d);
    suite.report.push(`classify gru ×2 weighted, 1 vs 2 processes at step ${BEFORE + 1}: max ${d.maxDiff.toExponential(2)}`);
    assert.ok(d.ok, `1 and 2 processes differ: ${d.worst}`);
  });
});
