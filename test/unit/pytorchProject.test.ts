// Continuity of a SeqLab run in PyTorch (issue #15): SeqLab trains N steps, the training project is exported,
// train.py (Debian's python3-torch) takes the next steps, and SeqLab takes the same steps itself: every step's
// loss and gradient norm, and every parameter after them, agree within the fixtures' float32 tolerance
// (1e-4 + 1e-3·|ref|). Every task kind, Adam and SGD with momentum; the steps cross an epoch boundary, so the
// reshuffle by train.py's port of SeqLab's generator is checked too. The checkpoint train.py writes is read by
// SeqLab's one reader (and a SeqLab run resumes from it). Skipped, saying why, only when python3-torch is absent.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig, TaskKind } from '../../src/engine/run/config';
import { parseTaskData } from '../../src/engine/run/data';
import { TrainingRun } from '../../src/engine/run/run';
import { continueInPyTorch, continuitySuite } from './pytorch/continuity';
import { compareArrays, latestCheckpoint, makeRun, sampleData, trainPy, writeProject } from './pytorch/project';

interface Case {
  name: string;
  kind: TaskKind;
  config: Partial<RunConfig>;
}

const KINDS: Case[] = [
  { name: 'lm lstm ×2 (TBPTT carry)', kind: 'lm', config: { cell: 'lstm', layers: 2, seqLen: 10, batch: 4 } },
  { name: 'lm gru (cosine decay with warm-up over its step budget)', kind: 'lm', config: { cell: 'gru', seqLen: 10, batch: 3, lrSchedule: 'cosine', steps: 40 } },
  { name: 'seq2seq lstm, additive + location-aware', kind: 'seq2seq', config: { cell: 'lstm', attention: 'additive', attentionLocation: 3 } },
  { name: 'seq2seq gru, bidirectional, general', kind: 'seq2seq', config: { cell: 'gru', attention: 'general', bidirectional: true } },
  { name: 'seq2seq lstm, dot, reversed source, teacher forcing 0.5', kind: 'seq2seq', config: { cell: 'lstm', attention: 'dot', bidirectional: false, reverseSource: true, teacherForcing: 0.5 } },
  { name: 'seq2seq gru, no attention', kind: 'seq2seq', config: { cell: 'gru', attention: 'none' } },
  { name: 'classify bidirectional lstm', kind: 'classify', config: { cell: 'lstm', bidirectional: true } },
  { name: 'tag bidirectional gru ×2', kind: 'tag', config: { cell: 'gru', bidirectional: true, layers: 2 } },
  { name: 'one-to-many lstm', kind: 'one-to-many', config: { cell: 'lstm' } },
];
const OPTIMIZERS: { name: string; config: Partial<RunConfig> }[] = [
  { name: 'Adam', config: { optimizer: 'adam', lr: 0.01 } },
  { name: 'SGD momentum 0.9', config: { optimizer: 'sgd', momentum: 0.9, lr: 0.1 } },
];
/** Steps SeqLab takes before the export, then steps both take: 36 examples in batches of 5 make 8 batches an
 *  epoch, so steps 7..10 cross into the second, reshuffled epoch. */
const BEFORE = 6, AFTER = 4;

describe('PyTorch training project: continuity (real torch via /usr/bin/python3)', function () {
  this.timeout(300_000);
  const suite = continuitySuite('seqlab-project-', `continuity, max |SeqLab − PyTorch| over ${AFTER} steps after step ${BEFORE}`);

  for (const c of KINDS)
    for (const o of OPTIMIZERS) {
      it(`${c.name}, ${o.name}: PyTorch's steps ${BEFORE + 1}..${BEFORE + AFTER} are SeqLab's (loss, grad norm, parameters)`, () => {
        const run = makeRun(c.kind, { ...c.config, ...o.config });
        for (let i = 0; i < BEFORE; i++) assert.equal(run.trainStep().nonFinite, null);
        const dir = path.join(suite.tmp(), `${c.kind}-${Math.random().toString(36).slice(2)}`);
        const { ck } = continueInPyTorch(run, dir, { before: BEFORE, after: AFTER }, { into: suite.report, name: `${c.name}, ${o.name}` }, true);
        assert.equal(ck.training?.optimizerState.stepCount, BEFORE + AFTER);
        assert.equal(run.epoch, ck.training!.extra['position'] && (ck.training!.extra['position'] as { epoch: number }).epoch);
      });
    }

  it('a SeqLab run resumes from the checkpoint PyTorch wrote, and takes the step PyTorch would take', () => {
    const run = makeRun('seq2seq', { cell: 'gru', attention: 'additive' });
    for (let i = 0; i < BEFORE; i++) run.trainStep();
    const dir = path.join(suite.tmp(), 'resume');
    writeProject(run, dir);
    const out = path.join(dir, 'runs');
    trainPy(dir, ['--steps', '2', '--out', out]);
    const { dir: ckDir } = latestCheckpoint(out);
    const files = { model: fs.readFileSync(path.join(ckDir, 'model.safetensors')), meta: fs.readFileSync(path.join(ckDir, 'seqlab.json'), 'utf8'), state: fs.readFileSync(path.join(ckDir, 'training.safetensors')) };
    const resumed = TrainingRun.resume(files, parseTaskData('seq2seq', [{ source: 'seq2seq.txt', text: sampleData('seq2seq') }]));
    assert.equal(resumed.step, BEFORE + 2);
    const next = trainPy(dir, ['--steps', '1', '--out', out])[0];
    const s = resumed.trainStep();
    assert.equal(s.step, next.step);
    assert.ok(compareArrays([s.loss], [next.loss], 'loss').ok, `SeqLab resumed from PyTorch's checkpoint: loss ${s.loss}, PyTorch ${next.loss}`);
  });
});
