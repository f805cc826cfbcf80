// The host⇄worker protocol validators: well-formed messages pass unchanged, malformed ones are rejected with
// a reason (wrong types, unknown types, missing fields, bad config values, NaN where a number is needed).
import * as assert from 'node:assert/strict';
import { ProtocolError, parseHostToWorker, parseWorkerToHost } from '../../src/protocol/training';
import { smallConfig } from './worker.test';

const bytes = { model: new Uint8Array(8), meta: '{}' };

export function validPoint(step: number): Record<string, unknown> {
  return { step, epoch: 0, loss: 2, bitsPerChar: 2.9, lr: 0.01, tokensPerSecond: 1000, gradNorm: 1.5, gradNormAfterClip: 1, clipped: true, groupNorms: [] };
}

export function validInfo(): Record<string, unknown> {
  return {
    vocabSize: 30, paramCount: 12, trainChars: 100, validChars: 10, trainTokens: 100, groups: ['embedding'],
    tensors: [{ name: 'embedding.weight', shape: [3, 4], offset: 0 }], gradRows: 1, step: 0,
  };
}

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
      { type: 'ready' }, { type: 'started', runId: 'r', info: validInfo() },
      { type: 'metrics', points: [validPoint(1)] },
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
    [{ type: 'start', config: smallConfig(), train: '', valid: '' }, /start\.runId must be a string of 1 to 256 characters, got undefined/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), seqLen: 0 }, train: '', valid: '' }, /^start\.config\.seqLen must be an integer in \[1, 4096\], got 0$/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), cell: 'transformer' }, train: '', valid: '' }, /start\.config\.cell must be one of/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), schedule: { kind: 'constant', lr: NaN } }, train: '', valid: '' }, /start\.config\.schedule\.lr must be a finite number in \(0, 1e38\], got NaN/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), dropout: 1 }, train: '', valid: '' }, /start\.config\.dropout must be a finite number in \[0, 1\), got 1/],
    [{ type: 'start', runId: 'r', config: smallConfig(), train: 5, valid: '' }, /start\.train must be a string/],
    [{ type: 'start', runId: 'r', config: smallConfig(), train: '', valid: '', resume: { model: [1, 2], meta: '' } }, /start\.resume\.model must be a Uint8Array, got an array of 2/],
    [{ type: 'adjust', lrScale: -1 }, /adjust\.lrScale must be a finite number in \(0, 1\], got -1/],
    [{ type: 'rollback' }, /rollback\.checkpoint must be an object, got undefined/],
    // The values issue #12 measured passing the old shape-only checks.
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), hiddenSize: 1e9 }, train: '', valid: '' }, /start\.config\.hiddenSize must be an integer in \[1, 4096\], got 1000000000/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), seqLen: 1e12 }, train: '', valid: '' }, /start\.config\.seqLen must be an integer in \[1, 4096\]/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), seed: Infinity }, train: '', valid: '' }, /start\.config\.seed must be an integer .* got Infinity/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), clipNorm: Infinity }, train: '', valid: '' }, /start\.config\.clipNorm must be a finite number in \(0, 1e6\], got Infinity/],
    [{ type: 'adjust', lrScale: Infinity }, /adjust\.lrScale must be a finite number in \(0, 1\], got Infinity/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), optimizer: { kind: 'adam', beta1: 5 } }, train: '', valid: '' }, /start\.config\.optimizer\.beta1 must be a finite number in \[0, 1\), got 5/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), optimizer: { kind: 'sgd', beta1: 0.9 } }, train: '', valid: '' }, /start\.config\.optimizer has an unexpected field "beta1"/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), schedule: { kind: 'cosine', lr: 1, totalSteps: 10, warmup: { steps: 10 } } }, train: '', valid: '' }, /start\.config\.schedule\.totalSteps \(10\) must exceed the warm-up steps \(10\)/],
    [JSON.parse('{"type":"pause","__proto__":{"polluted":true}}'), /pause has an unexpected field "__proto__"/],
  ];
  for (const [m, re] of badToWorker) {
    it(`rejects ${JSON.stringify(m)?.slice(0, 70)} → ${re.source.slice(0, 40)}`, () => {
      assert.throws(() => parseHostToWorker(m), (e: Error) => e instanceof ProtocolError && re.test(e.message));
    });
  }

  it('rejects malformed worker messages', () => {
    assert.throws(() => parseWorkerToHost({ type: 'metrics', points: [{ ...validPoint(1), step: 0 }] }), /metrics\.points\[0\]\.step must be an integer in \[1, 1e9\], got 0/);
    assert.throws(() => parseWorkerToHost({ type: 'snapshot', step: 1, data: [1, 2] }), /snapshot\.data must be a Float32Array, got an array of 2/);
    assert.throws(() => parseWorkerToHost({ type: 'paused', step: 1, reason: 'tired' }), /paused\.reason must be one of user, nonfinite, got "tired"/);
    assert.throws(() => parseWorkerToHost({ type: 'warning', step: 0, message: 'x' }), /warning\.step must be an integer in \[1, 1e9\], got 0/);
    assert.throws(() => parseWorkerToHost({ type: 'warning', step: 2 }), /warning\.message/);
    assert.throws(() => parseWorkerToHost({ type: 'checkpoint', step: 1, reason: 'periodic', files: { model: new Uint8Array(1) } }), /checkpoint\.files\.meta must be a string/);
  });

  it('checks the sizes that depend on the run once it has started (groups, gradient rows × T, parameters)', () => {
    const shape = { groups: 2, gradRows: 2, seqLen: 4, paramCount: 10 };
    const ok = { type: 'metrics', points: [{ ...validPoint(1), groupNorms: [1, 2], gradThroughTime: [1, 2, 3, 4, 5, 6] }] };
    assert.equal(parseWorkerToHost(ok, shape), ok);
    assert.throws(() => parseWorkerToHost({ type: 'metrics', points: [{ ...validPoint(1), groupNorms: [1] }] }, shape), /metrics\.points\[0\]\.groupNorms must hold 2 values/);
    assert.throws(() => parseWorkerToHost({ type: 'metrics', points: [{ ...validPoint(1), groupNorms: [1, 2], gradThroughTime: [1, 2, 3] }] }, shape), /gradThroughTime must be 2 rows of at most 4 values, got 3/);
    assert.throws(() => parseWorkerToHost({ type: 'metrics', points: [{ ...validPoint(1), groupNorms: [1, 2], gradThroughTime: new Array(10).fill(1) }] }, shape), /got 10 values/);
    assert.throws(() => parseWorkerToHost({ type: 'snapshot', step: 1, data: new Float32Array(9) }, shape), /snapshot\.data must hold 10 values/);
  });
});
