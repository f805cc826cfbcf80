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
    task: 'lm', vocabSize: 30, paramCount: 12, trainChars: 100, validChars: 10, trainExamples: 100, validExamples: 10, groups: ['embedding'],
    tensors: [{ name: 'embedding.weight', shape: [3, 4], offset: 0 }], stacks: [{ name: 'rnn', rows: 1 }], step: 0,
  };
}

describe('training protocol', () => {
  it('accepts every well-formed message in both directions', () => {
    const toWorker = [
      { type: 'start', runId: 'r', config: smallConfig(), train: 'ab', valid: '' },
      { type: 'start', runId: 'r', config: smallConfig(), train: 'ab', valid: '', resume: bytes },
      { type: 'pause' }, { type: 'resume' }, { type: 'stop' }, { type: 'checkpoint' }, { type: 'snapshot' },
      { type: 'adjust', lrScale: 0.1 }, { type: 'adjust', clipNorm: null }, { type: 'rollback', checkpoint: bytes },
      { type: 'probe', source: '' }, { type: 'probe', source: '12/31/1999' },
    ];
    for (const m of toWorker) assert.equal(parseHostToWorker(m), m);
    const toHost = [
      { type: 'ready' }, { type: 'started', runId: 'r', info: validInfo() },
      { type: 'metrics', points: [validPoint(1)] },
      { type: 'checkpoint', step: 3, reason: 'periodic', files: bytes }, { type: 'snapshot', step: 3, data: new Float32Array(2) },
      { type: 'paused', step: 3, reason: 'nonfinite', tensor: 'loss' }, { type: 'warning', step: 2, message: 'the loss is 1e6' }, { type: 'resumed', step: 3 },
      { type: 'stopped', step: 3, reason: 'done' }, { type: 'error', message: 'x', fatal: true }, { type: 'rejected', message: 'y' },
      { type: 'metrics', points: [{ ...validPoint(2), validLoss: 1.5, validMetrics: { exactMatch: 0.25, tokenAccuracy: 0.5 } }] },
      { type: 'started', runId: 'r', info: { ...validInfo(), task: 'classify', labels: ['de', 'en'], stacks: [{ name: 'rnn', rows: 2 }] } },
      { type: 'attention', step: 4, frame: { source: 'ab', reference: 'ba', sourceTokens: ['a', 'b'], outputTokens: ['b', '<eos>'], weights: [[0.1, 0.9], [0.5, 0.5]] } },
    ];
    for (const m of toHost) assert.equal(parseWorkerToHost(m), m);
  });

  const badToWorker: [unknown, RegExp][] = [
    [null, /message must be an object, got null/],
    [[1], /message must be an object/],
    [{ type: 'launch' }, /unknown message type "launch"/],
    [{}, /unknown message type undefined/],
    [{ type: 'start', config: smallConfig(), train: '', valid: '' }, /start\.runId must be a string of 1 to 256 characters, got undefined/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), seqLen: 0 }, train: '', valid: '' }, /^start\.config\.seqLen must be at least 1, got 0$/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), cell: 'transformer' }, train: '', valid: '' }, /start\.config\.cell must be one of/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), lr: NaN }, train: '', valid: '' }, /start\.config\.lr must be a finite number, got NaN/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), dropout: 1 }, train: '', valid: '' }, /start\.config\.dropout must be at most 0\.95, got 1/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), hiddenSize: 8 }, train: '', valid: '' }, /^start\.config\.hiddenSize is not a run setting$/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), task: 'seq2seq', cell: 'rnn_tanh' }, train: '', valid: '' }, /^start\.config\.cell seq2seq needs an lstm or gru encoder and decoder, not rnn_tanh$/],
    [{ type: 'start', runId: 'r', config: 'lstm', train: '', valid: '' }, /^start\.config must be an object, got "lstm"$/],
    [{ type: 'probe', source: 5 }, /probe\.source must be a string/],
    [{ type: 'start', runId: 'r', config: smallConfig(), train: 5, valid: '' }, /start\.train must be a string/],
    [{ type: 'start', runId: 'r', config: smallConfig(), train: '', valid: '', resume: { model: [1, 2], meta: '' } }, /start\.resume\.model must be a Uint8Array, got an array of 2/],
    [{ type: 'adjust', lrScale: -1 }, /adjust\.lrScale must be a finite number in \(0, 1\], got -1/],
    [{ type: 'rollback' }, /rollback\.checkpoint must be an object, got undefined/],
    // The values issue #12 measured passing the old shape-only checks.
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), hidden: 1e9 }, train: '', valid: '' }, /start\.config\.hidden must be at most 4096, got 1000000000/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), seqLen: 1e12 }, train: '', valid: '' }, /start\.config\.seqLen must be at most 100000/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), seed: Infinity }, train: '', valid: '' }, /start\.config\.seed must be a finite number, got Infinity/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), clip: Infinity }, train: '', valid: '' }, /start\.config\.clip must be a finite number, got Infinity/],
    [{ type: 'adjust', lrScale: Infinity }, /adjust\.lrScale must be a finite number in \(0, 1\], got Infinity/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), optimizer: 'lion' }, train: '', valid: '' }, /start\.config\.optimizer must be one of adam, adamw, sgd, rmsprop, got "lion"/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), momentum: 1 }, train: '', valid: '' }, /start\.config\.momentum must be below 1, got 1/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), lrSchedule: 'cosine', steps: 0 }, train: '', valid: '' }, /start\.config\.lrSchedule the cosine schedule runs over the run's budget/],
    [{ type: 'start', runId: 'r', config: { ...smallConfig(), steps: 10, time: 5 }, train: '', valid: '' }, /start\.config\.time a run has a step limit or a time limit, not both/],
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
    const frame = { source: 'ab', sourceTokens: ['a', 'b'], outputTokens: ['b'], weights: [[0.5, 0.5]] };
    assert.throws(() => parseWorkerToHost({ type: 'attention', step: 1, frame: { ...frame, weights: [[0.5, 0.5], [1, 0]] } }), /attention\.frame\.weights must hold one row per output token \(1\), got 2/);
    assert.throws(() => parseWorkerToHost({ type: 'attention', step: 1, frame: { ...frame, weights: [[1]] } }), /attention\.frame\.weights\[0\] must hold one weight per source token \(2\), got 1/);
    assert.throws(() => parseWorkerToHost({ type: 'attention', step: 1, frame: { ...frame, weights: [[1.5, 0]] } }), /attention\.frame\.weights\[0\]\[0\] must be a finite number in \[0, 1\], got 1\.5/);
    assert.throws(() => parseWorkerToHost({ type: 'attention', step: 1, frame: { ...frame, sourceTokens: new Array(513).fill('a') } }), /attention\.frame\.sourceTokens/);
    assert.throws(() => parseWorkerToHost({ type: 'metrics', points: [{ ...validPoint(1), validMetrics: { accuracy: 2 } }] }), /metrics\.points\[0\]\.validMetrics\.accuracy must be a finite number in \[0, 1\], got 2/);
    assert.throws(() => parseWorkerToHost({ type: 'started', runId: 'r', info: { ...validInfo(), task: 'translate' } }), /started\.info\.task must be one of lm, seq2seq, classify, tag/);
    assert.throws(() => parseWorkerToHost({ type: 'started', runId: 'r', info: { ...validInfo(), stacks: [] } }), /started\.info\.stacks/);
  });

  it('checks the sizes that depend on the run once it has started (groups, one gradient entry per stack of rows × T, parameters)', () => {
    const shape = { groups: 2, stackRows: [2, 1], seqLen: 4, paramCount: 10 };
    const gtt = (a: number[], b: number[]): { values: number[] }[] => [{ values: a }, { values: b }];
    const ok = { type: 'metrics', points: [{ ...validPoint(1), groupNorms: [1, 2], gradThroughTime: gtt([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5]) }] };
    assert.equal(parseWorkerToHost(ok, shape), ok);
    const bad = (g: unknown): unknown => ({ type: 'metrics', points: [{ ...validPoint(1), groupNorms: [1, 2], gradThroughTime: g }] });
    assert.throws(() => parseWorkerToHost({ type: 'metrics', points: [{ ...validPoint(1), groupNorms: [1] }] }, shape), /metrics\.points\[0\]\.groupNorms must hold 2 values/);
    assert.throws(() => parseWorkerToHost(bad(gtt([1, 2, 3], [1])), shape), /gradThroughTime\[0\]\.values must be 2 rows of at most 5 values, got 3/);
    assert.throws(() => parseWorkerToHost(bad(gtt([1, 2], new Array(6).fill(1))), shape), /gradThroughTime\[1\]\.values must be 1 rows of at most 5 values, got 6 values/);
    assert.throws(() => parseWorkerToHost(bad([{ values: [1, 2] }]), shape), /gradThroughTime must hold 2 entries \(one per recurrent stack\), got 1/);
    assert.throws(() => parseWorkerToHost({ type: 'snapshot', step: 1, data: new Float32Array(9) }, shape), /snapshot\.data must hold 10 values/);
  });
});
