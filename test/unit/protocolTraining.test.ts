// The host⇄worker protocol validators: well-formed messages pass unchanged, malformed ones are rejected with
// a reason (wrong types, unknown types, missing fields, bad config values, NaN where a number is needed).
import * as assert from 'node:assert/strict';
import { ProtocolError, parseHostToWorker, parseWorkerToHost } from '../../src/protocol/training';
import { smallConfig } from './worker.test';

const bytes = { model: new Uint8Array(8), meta: '{}' };

describe('training protocol', () => {
  it('accepts every well-formed message in both directions', () => {
    const toWorker = [
      { type: 'start', runId: 'r', config: smallConfig(), train: 'ab', valid: '' },
      { type: 'start', runId: 'r', config: smallConfig(), train: 'ab', valid: '', resume: bytes },
      { type: 'pause' }, { type: 'resume' }, { type: 'stop' }, { type: 'checkpoint' }, { type: 'snapshot' },
      { type: 'adjust', lrScale: 0.1 }, { type: 'adjust', clipNorm: null }, { type: 'rollback', checkpoint: bytes },
    ];
    for (const m of toWorker) assert.equal(parseHostToWorker(m), m);
    const toHost = [
      { type: 'ready' }, { type: 'started', runId: 'r', info: { step: 0, tensors: [] } },
      { type: 'metrics', points: [{ step: 1, loss: 2, groupNorms: [] }] },
      { type: 'checkpoint', step: 3, reason: 'periodic', files: bytes }, { type: 'snapshot', step: 3, data: new Float32Array(2) },
      { type: 'paused', step: 3, reason: 'nonfinite', tensor: 'loss' }, { type: 'warning', step: 2, message: 'the loss is 1e6' }, { type: 'resumed', step: 3 },
      { type: 'stopped', step: 3, reason: 'done' }, { type: 'error', message: 'x', fatal: true }, { type: 'rejected', message: 'y' },
    ];
    for (const m of toHost) assert.equal(parseWorkerToHost(m), m);
  });

  const badToWorker: [unknown, RegExp][] = [
    [null, /message must be an object, got null/],
    [[1], /message must be an object/],
    [{ type: 'launch' }, /unknown message type "launch"/],
    [{}, /unknown message type undefined/],
    [{ type: 'start', config: smallConfig(), train: '', valid: '' }, /start\.runId must be a non-empty string/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), seqLen: 0 }, train: '', valid: '' }, /config\.seqLen must be a positive integer/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), cell: 'transformer' }, train: '', valid: '' }, /config\.cell must be one of/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), schedule: { kind: 'constant', lr: NaN } }, train: '', valid: '' }, /schedule\.lr must be a positive number/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), dropout: 1 }, train: '', valid: '' }, /dropout must be in \[0, 1\)/],
    [{ type: 'start', runId: 'r', config: smallConfig(), train: 5, valid: '' }, /start\.train and start\.valid must be strings/],
    [{ type: 'start', runId: 'r', config: smallConfig(), train: '', valid: '', resume: { model: [1, 2], meta: '' } }, /start\.resume\.model must be a Uint8Array/],
    [{ type: 'adjust', lrScale: -1 }, /adjust\.lrScale must be a positive number/],
    [{ type: 'rollback' }, /rollback\.checkpoint must be an object/],
  ];
  for (const [m, re] of badToWorker) {
    it(`rejects ${JSON.stringify(m)?.slice(0, 70)} → ${re.source.slice(0, 40)}`, () => {
      assert.throws(() => parseHostToWorker(m), (e: Error) => e instanceof ProtocolError && re.test(e.message));
    });
  }

  it('rejects malformed worker messages', () => {
    assert.throws(() => parseWorkerToHost({ type: 'metrics', points: [{ step: 0, loss: 1, groupNorms: [] }] }), /every metric point needs step, loss and groupNorms/);
    assert.throws(() => parseWorkerToHost({ type: 'snapshot', step: 1, data: [1, 2] }), /snapshot needs step and a Float32Array/);
    assert.throws(() => parseWorkerToHost({ type: 'paused', step: 1, reason: 'tired' }), /paused needs step and reason/);
    assert.throws(() => parseWorkerToHost({ type: 'warning', step: 0, message: 'x' }), /warning needs step and message/);
    assert.throws(() => parseWorkerToHost({ type: 'warning', step: 2 }), /warning needs step and message/);
    assert.throws(() => parseWorkerToHost({ type: 'checkpoint', step: 1, reason: 'periodic', files: { model: new Uint8Array(1) } }), /checkpoint\.files\.meta must be a string/);
  });
});
