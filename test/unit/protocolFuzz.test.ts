// Seeded fuzzing of every message channel, in both directions: host ⇄ training worker, host ⇄ experiments
// worker, host ⇄ dashboard webview, host ⇄ attention webview. Each direction's parser meets ≥ 1,000 mutants of
// valid messages and must throw nothing but ProtocolError, and accept a mutant exactly when the table below
// (written apart from the parsers, numbers spelled out) says it is well-formed. The tables ARE the documented
// ranges: hidden/embedding/batch/sequence ≤ 4096, ≤ 16 layers, betas in [0, 1), eps > 0, a metrics batch ≤ 4096
// points, and so on.
import { ProtocolError } from '../../src/protocol/guard';
import { parseHostToWorker, parseWorkerToHost, type RunShape } from '../../src/protocol/training';
import { parseDashboardToHost, parseHostToDashboard } from '../../src/protocol/dashboard';
import { parseAttentionToHost, parseHostToAttention } from '../../src/protocol/attention';
import { parseExperimentsToHost, parseHostToExperiments } from '../../src/protocol/experiments';
import { S, fuzzChannel, type Spec } from './fuzz/spec';
import { smallConfig } from './worker.test';

const MAX = Number.MAX_VALUE;
const STEPS = 1e9;
const NONNEG = S.num(0, MAX);
const SEED = S.int(-(2 ** 31), 2 ** 32 - 1);
// The editor's largest corpus (128 MB, one UTF-16 unit per byte) plus one '\n' per joined file (2,000 files).
const TEXT_CHARS = 128 * 2 ** 20 + 2000;
const TEXT = S.str(0, TEXT_CHARS);
const ID = S.str(1, 256);
const NAME = S.str(0, 1024);
const MESSAGE = S.str(0, 16_384);
const opt = (fields: Record<string, Spec>): Spec => S.obj(fields, Object.keys(fields));

// ---- training channel ----

// The run config (engine/run/config.ts), its ranges spelled out here, then the rules between fields.
const CONFIG = S.where(S.obj({
  task: S.oneOf('lm', 'seq2seq', 'classify', 'tag', 'one-to-many'), cell: S.oneOf('lstm', 'gru', 'rnn_tanh', 'rnn_relu'),
  hidden: S.int(1, 4096), layers: S.int(1, 16), bidirectional: S.bool, merge: S.oneOf('concat', 'sum', 'mean', 'weighted'),
  attention: S.oneOf('none', 'dot', 'general', 'additive'), attentionLocation: S.int(0, 31), reverseSource: S.bool,
  tokenizer: S.oneOf('char', 'word', 'bpe'), vocabSize: S.int(0, 0x110000 + 4), embedding: S.int(1, 4096), dropout: S.num(0, 0.95),
  seqLen: S.int(1, 100_000), batch: S.int(1, 100_000), optimizer: S.oneOf('adam', 'adamw', 'sgd', 'rmsprop'),
  lr: S.num(0, 3.4028234663852886e38, true), momentum: S.num(0, 1, false, true), clip: S.num(0, 1e6), teacherForcing: S.num(0, 1),
  lrSchedule: S.oneOf('auto', 'constant', 'cosine'), steps: S.int(0, STEPS), time: S.num(0, 1e9), seed: S.int(0, 2 ** 32 - 1), validEvery: S.int(0, STEPS), validBatches: S.int(0, 100_000),
  checkpointEvery: S.int(0, STEPS), snapshotEvery: S.int(0, STEPS),
  // Added later: a config saved before them (a checkpoint's, a stored run's) reads with their defaults.
  earlyStopping: S.bool, patience: S.int(1, 1e6), threads: S.int(0, 256),
}, ['earlyStopping', 'patience', 'threads']), (c) => {
  if (c.earlyStopping && (c.validEvery === 0 || c.validBatches === 0)) return false;
  if (c.task === 'lm' && c.bidirectional) return false;
  if (c.task === 'one-to-many' && c.bidirectional) return false;
  if (c.task === 'seq2seq' && c.cell !== 'lstm' && c.cell !== 'gru') return false;
  if (c.dropout > 0 && c.layers === 1) return false;
  if (c.steps > 0 && c.time > 0) return false;
  if (c.lrSchedule === 'cosine' && c.steps < 2 && c.time === 0) return false;
  if (c.attentionLocation > 0 && (c.attention !== 'additive' || c.attentionLocation % 2 === 0)) return false;
  if (c.reverseSource && c.bidirectional) return false;
  if (c.task === 'seq2seq' && c.attention === 'dot' && c.bidirectional) return false;
  if (c.tokenizer === 'bpe' && c.vocabSize > 0 && c.vocabSize < 260) return false;
  if (c.vocabSize > 0 && c.vocabSize < 5) return false;
  return true;
});
const BYTES = S.obj({ model: S.bytes(2 ** 31 - 1), meta: S.str(0, 64 << 20), state: S.bytes(2 ** 31 - 1) }, ['state']);

const HOST_TO_WORKER = S.tagged('type', {
  start: S.obj({ runId: ID, config: CONFIG, train: TEXT, valid: TEXT, resume: BYTES }, ['resume']),
  pause: S.obj({}), resume: S.obj({}), stop: S.obj({}), checkpoint: S.obj({}), snapshot: S.obj({}),
  adjust: S.obj({ lrScale: S.num(0, 1, true), clipNorm: S.orNull(S.num(0, 1e6, true)) }, ['lrScale', 'clipNorm']),
  rollback: S.obj({ checkpoint: BYTES }),
  probe: S.obj({ source: S.str(0, 16_384) }),
});

const SHAPE: RunShape = { groups: 3, stackRows: [2, 1], seqLen: 5, paramCount: 12 };
const SHARE = S.num(0, 1);
const FRAME_TOKENS = S.arr(S.str(0, 256), 512);
const POINT = S.obj({
  step: S.int(1, STEPS), epoch: S.int(0, STEPS), loss: NONNEG, bitsPerChar: NONNEG, lr: NONNEG, tokensPerSecond: S.num(0, 1e15),
  gradNorm: NONNEG, gradNormAfterClip: NONNEG, clipped: S.bool,
  groupNorms: S.where(S.arr(NONNEG, 256), (g) => g.length === SHAPE.groups),
  // One entry per stack of the run (2 here: rows 2 and 1), each rows × T values with T ≤ seqLen + 1.
  gradThroughTime: S.where(S.arr(S.obj({ values: S.arr(NONNEG, 32 * 100_001) }), 2), (g) => g.length === SHAPE.stackRows.length
    && g.every((s: { values: number[] }, i: number) => s.values.length % SHAPE.stackRows[i] === 0 && s.values.length <= SHAPE.stackRows[i] * (SHAPE.seqLen + 1))),
  validLoss: NONNEG, validBitsPerChar: NONNEG,
  validMetrics: S.obj({ exactMatch: SHARE, tokenAccuracy: SHARE, accuracy: SHARE }, ['exactMatch', 'tokenAccuracy', 'accuracy']),
}, ['bitsPerChar', 'gradThroughTime', 'validLoss', 'validBitsPerChar', 'validMetrics']);
const INFO = S.obj({
  task: S.oneOf('lm', 'seq2seq', 'classify', 'tag', 'one-to-many'),
  vocabSize: S.int(1, 0x110000 + 4), paramCount: S.int(0, 1 << 28), trainChars: S.int(0, TEXT_CHARS), validChars: S.int(0, TEXT_CHARS),
  trainExamples: S.int(0, 3 * TEXT_CHARS), validExamples: S.int(0, 3 * TEXT_CHARS), groups: S.arr(NAME, 256),
  tensors: S.arr(S.obj({ name: S.str(1, 1024), shape: S.arr(S.int(0, 1 << 28), 8), offset: S.int(0, 1 << 28) }), 4096),
  stacks: S.arr(S.obj({ name: S.str(1, 1024), rows: S.int(1, 32) }), 2, 1), labels: S.arr(NAME, 100_000), step: S.int(0, STEPS),
}, ['labels']);
// Each weight row has one weight per source token, one row per output token.
const FRAME = S.where(S.obj({
  source: S.str(0, 16_384), reference: S.str(0, 16_384), sourceTokens: FRAME_TOKENS, outputTokens: FRAME_TOKENS, weights: S.arr(S.arr(SHARE, 512), 512),
}, ['reference']), (f) => f.weights.length === f.outputTokens.length && f.weights.every((r: number[]) => r.length === f.sourceTokens.length));
const STEP = S.int(0, STEPS);
const WORKER_TO_HOST = S.tagged('type', {
  ready: S.obj({}),
  started: S.obj({ runId: ID, info: INFO }),
  metrics: S.obj({ points: S.arr(POINT, 4096, 1) }),
  checkpoint: S.obj({ step: STEP, reason: S.oneOf('periodic', 'stop', 'request'), files: BYTES }),
  snapshot: S.obj({ step: STEP, data: S.where(S.floats(1 << 28), (d) => d.length === SHAPE.paramCount) }),
  paused: S.obj({ step: STEP, reason: S.oneOf('user', 'nonfinite'), message: MESSAGE, tensor: NAME }, ['message', 'tensor']),
  resumed: S.obj({ step: STEP }),
  stopped: S.obj({ step: STEP, reason: S.oneOf('user', 'done') }),
  error: S.obj({ message: MESSAGE, fatal: S.bool }),
  rejected: S.obj({ message: MESSAGE }),
  attention: S.obj({ step: STEP, frame: FRAME }),
});

const bytes = (): unknown => ({ model: new Uint8Array([1, 2, 3]), meta: '{"format":"seqlab"}', state: new Uint8Array(4) });
const point = (step: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  step, epoch: 1, loss: 2.5, bitsPerChar: 3.6, lr: 0.002, tokensPerSecond: 12_000, gradNorm: 7.5, gradNormAfterClip: 5, clipped: true,
  groupNorms: [1, 2.5, 0.25], ...extra,
});

const validToWorker = [
  { type: 'start', runId: 'run-1', config: smallConfig(), train: 'abc abc', valid: 'ab' },
  { type: 'start', runId: 'run-2', config: smallConfig({ optimizer: 'sgd', momentum: 0.9, lr: 0.1, lrSchedule: 'cosine', steps: 100 }), train: 'x', valid: '', resume: bytes() },
  { type: 'start', runId: 'run-3', config: smallConfig({ task: 'seq2seq', tokenizer: 'bpe', vocabSize: 300, optimizer: 'adamw', attention: 'additive', attentionLocation: 3, teacherForcing: 0.5 }), train: 't', valid: 'v' },
  { type: 'start', runId: 'run-4', config: smallConfig({ task: 'classify', cell: 'gru', bidirectional: true, merge: 'weighted', optimizer: 'rmsprop', clip: 0 }), train: 't', valid: 'v' },
  { type: 'pause' }, { type: 'resume' }, { type: 'stop' }, { type: 'checkpoint' }, { type: 'snapshot' },
  { type: 'adjust', lrScale: 0.1 }, { type: 'adjust', clipNorm: 1 }, { type: 'adjust', lrScale: 0.5, clipNorm: null }, { type: 'adjust' },
  { type: 'rollback', checkpoint: bytes() }, { type: 'probe', source: '' }, { type: 'probe', source: 'June 3, 1999' },
];

const validToHost = [
  { type: 'ready' },
  { type: 'started', runId: 'run-1', info: { task: 'lm', vocabSize: 40, paramCount: 12, trainChars: 900, validChars: 100, trainExamples: 900, validExamples: 90, groups: ['embedding', 'rnn', 'head'], tensors: [{ name: 'embedding.weight', shape: [3, 4], offset: 0 }], stacks: [{ name: 'rnn', rows: 2 }], step: 0 } },
  { type: 'started', runId: 'run-2', info: { task: 'tag', vocabSize: 40, paramCount: 12, trainChars: 900, validChars: 100, trainExamples: 30, validExamples: 3, groups: ['embedding'], tensors: [], stacks: [{ name: 'rnn', rows: 2 }], labels: ['DET', 'NOUN'], step: 0 } },
  { type: 'metrics', points: [point(1), point(2, { validLoss: 2.4, validBitsPerChar: 3.5 }), point(3, { gradThroughTime: [{ values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, { values: [1, 2, 3] }] })] },
  { type: 'metrics', points: [point(4, { validLoss: 1.2, validMetrics: { exactMatch: 0.5, tokenAccuracy: 0.75 } }), point(5, { validMetrics: { accuracy: 1 } })] },
  { type: 'attention', step: 9, frame: { source: 'ab', reference: 'ba', sourceTokens: ['a', 'b'], outputTokens: ['b', 'a', '<eos>'], weights: [[0.1, 0.9], [1, 0], [0.5, 0.5]] } },
  { type: 'checkpoint', step: 3, reason: 'periodic', files: bytes() },
  { type: 'snapshot', step: 3, data: new Float32Array(12) },
  { type: 'paused', step: 4, reason: 'nonfinite', message: 'Training paused at step 4', tensor: 'rnn.weight_hh_l0' },
  { type: 'paused', step: 4, reason: 'user' }, { type: 'resumed', step: 4 }, { type: 'stopped', step: 9, reason: 'done' },
  { type: 'error', message: 'boom', fatal: true }, { type: 'rejected', message: 'bad' },
];

// ---- experiments channel ----

const EXPERIMENT = S.where(S.obj({
  title: NAME, T: S.int(1, 4096), step: S.int(0, 100_000), totalSteps: S.int(1, 100_000), done: S.bool,
  series: S.arr(S.obj({
    label: NAME, cell: S.str(0, 256), loss: S.arr(S.obj({ step: S.int(1, STEPS), loss: NONNEG }), 100_000),
    gradThroughTime: S.arr(NONNEG, 4096), accuracy: S.orNull(S.num(0, 1)),
  }), 16),
}), (e) => e.step <= e.totalSteps);
const GRAD_CHECK = S.obj({
  model: NAME, epsilon: S.num(0, 1, true),
  rows: S.arr(S.obj({
    tensor: S.str(1, 1024), shape: S.arr(S.int(0, 1 << 28), 8), checked: S.int(0, 1 << 28), maxAbsError: NONNEG, maxRelError: NONNEG, ok: S.bool,
  }), 4096),
});
const XID = S.int(1, Number.MAX_SAFE_INTEGER);
const HOST_TO_EXPERIMENTS = S.tagged('type', {
  longLag: S.obj({ id: XID, options: S.obj({ steps: S.int(2, 4096), trainSteps: S.int(1, 100_000), hiddenSize: S.int(1, 4096), seed: SEED }) }),
  cancel: S.obj({ id: XID }),
  gradCheck: S.obj({ id: XID, name: NAME, checkpoint: BYTES, text: TEXT }),
  sample: S.obj({ id: XID, runId: ID, step: STEP, config: CONFIG, train: TEXT, weights: S.floats(1 << 28), length: S.int(1, 4096), seed: SEED }),
});
const EXPERIMENTS_TO_HOST = S.tagged('type', {
  experiment: S.obj({ id: XID, view: EXPERIMENT }),
  gradCheck: S.obj({ id: XID, view: GRAD_CHECK }),
  sample: S.obj({ id: XID, runId: ID, step: STEP, prompt: S.str(0, 100_000), text: S.str(0, 100_000) }),
  done: S.obj({ id: XID, cancelled: S.bool }),
  error: S.obj({ id: S.int(-1, Number.MAX_SAFE_INTEGER), message: MESSAGE }),
});
const experimentView = (): unknown => ({
  title: 'Long-lag task', T: 5, step: 3, totalSteps: 300, done: false,
  series: [
    { label: 'tanh RNN', cell: 'rnn_tanh', loss: [{ step: 1, loss: 0.7 }, { step: 2, loss: 0.69 }, { step: 3, loss: 0.68 }], gradThroughTime: [1e-9, 1e-6, 1e-3, 0.1, 1], accuracy: null },
    { label: 'LSTM', cell: 'lstm', loss: [{ step: 1, loss: 0.7 }], gradThroughTime: [0.5, 0.6, 0.7, 0.8, 1], accuracy: 0.75 },
  ],
});
const gradCheckView = (): unknown => ({
  model: 'm: LSTM 1×8', epsilon: 1e-5,
  rows: [{ tensor: 'embedding.weight', shape: [5, 4], checked: 6, maxAbsError: 1e-9, maxRelError: 1e-7, ok: true }, { tensor: 'head.bias', shape: [5], checked: 5, maxAbsError: 0, maxRelError: 0, ok: true }],
});
const validToExperiments = [
  { type: 'longLag', id: 1, options: { steps: 50, trainSteps: 300, hiddenSize: 32, seed: 1 } },
  { type: 'cancel', id: 1 },
  { type: 'gradCheck', id: 2, name: 'model', checkpoint: bytes(), text: 'some text' },
  { type: 'sample', id: 3, runId: 'run-1', step: 200, config: smallConfig(), train: 'abc', weights: new Float32Array(4), length: 160, seed: 200 },
];
const validFromExperiments = [
  { type: 'experiment', id: 1, view: experimentView() },
  { type: 'gradCheck', id: 2, view: gradCheckView() },
  { type: 'sample', id: 3, runId: 'run-1', step: 200, prompt: 'the ', text: 'quick' },
  { type: 'done', id: 1, cancelled: false }, { type: 'error', id: -1, message: 'bad request' },
];

// ---- dashboard channel ----

const DPOINT = S.obj({
  step: S.int(1, STEPS), loss: NONNEG, validLoss: NONNEG, bitsPerChar: NONNEG, validBitsPerChar: NONNEG,
  validMetrics: opt({ exactMatch: SHARE, tokenAccuracy: SHARE, accuracy: SHARE }),
  gradNorm: NONNEG, gradNormAfterClip: NONNEG, clipped: S.bool, groupNorms: S.arr(NONNEG, 256), lr: NONNEG, tokensPerSecond: NONNEG,
}, ['validLoss', 'bitsPerChar', 'validBitsPerChar', 'validMetrics', 'gradNorm', 'gradNormAfterClip', 'clipped', 'groupNorms', 'lr', 'tokensPerSecond']);
// ‖∂L/∂h_t‖: 1 to 4 recurrent stacks (seq2seq: encoder and decoder), each rows ≤ 32 × T ≤ 4096 values.
const GTT_STACK = S.where(S.obj({ name: S.str(1, 1024), rows: S.int(1, 32), T: S.int(1, 4096), values: S.arr(NONNEG, 32 * 4096) }), (g) => g.values.length === g.rows * g.T);
const GTT = S.obj({ step: S.int(1, STEPS), stacks: S.arr(GTT_STACK, 4, 1) });
const SUMMARY = S.obj({
  id: ID, name: NAME, state: S.oneOf('starting', 'running', 'paused', 'stopping', 'stopped', 'crashed', 'failed', 'interrupted'),
  task: S.oneOf('lm', 'seq2seq', 'classify', 'tag', 'one-to-many'), model: NAME, layers: S.int(1, 16), groups: S.arr(NAME, 256), maxSteps: S.int(0, STEPS),
  tokensPerStep: S.int(0, 4096 * 4096), trainTokens: S.int(0, 2 ** 30), trainExamples: S.int(0, 2 ** 30),
  nonFinite: S.orNull(S.obj({ tensor: NAME, step: S.int(0, STEPS), message: MESSAGE })), message: S.orNull(MESSAGE),
});
const SAMPLE = S.obj({ step: S.int(0, STEPS), prompt: S.str(0, 100_000), text: S.str(0, 100_000) });
const HOST_TO_DASHBOARD = S.tagged('type', {
  init: S.obj({
    config: S.obj({ hiddenSize: S.int(1, 4096), seed: SEED }),
    runs: S.arr(S.obj({ summary: SUMMARY, points: S.arr(DPOINT, 100_000), gradThroughTime: S.orNull(GTT), sample: S.orNull(SAMPLE) }), 1000),
    experiment: S.orNull(EXPERIMENT), gradCheck: S.orNull(GRAD_CHECK),
  }),
  run: S.obj({ summary: SUMMARY }),
  metrics: S.obj({ runId: ID, points: S.arr(DPOINT, 4096), gradThroughTime: S.orNull(GTT) }),
  sample: S.obj({ runId: ID, sample: SAMPLE }),
  experiment: S.obj({ experiment: EXPERIMENT }),
  gradCheck: S.obj({ gradCheck: GRAD_CHECK }),
});
const DASHBOARD_TO_HOST = S.tagged('type', {
  ready: S.obj({}),
  action: S.obj({ action: S.oneOf('lowerLearningRate', 'enableClipping', 'rollback', 'pause', 'resume', 'stop') }),
  error: S.obj({ message: MESSAGE }),
});
const summary = (): unknown => ({
  id: 'run-1', name: 'Selection', state: 'paused', task: 'lm', model: 'LSTM 1×64, char tokens', layers: 1, groups: ['embedding', 'rnn'], maxSteps: 0,
  tokensPerStep: 1024, trainTokens: 5000, trainExamples: 5000, nonFinite: { tensor: 'loss', step: 5, message: 'paused' }, message: 'paused',
});
const dpoint = (step: number): unknown => ({ step, loss: 2, gradNorm: 3, gradNormAfterClip: 1, clipped: true, groupNorms: [1, 2], lr: 0.01, tokensPerSecond: 100 });
const gtt = (): unknown => ({ step: 3, stacks: [{ name: 'rnn', rows: 2, T: 3, values: [1, 2, 3, 0.1, 0.2, 0.3] }] });
const seq2seqGtt = (): unknown => ({ step: 9, stacks: [{ name: 'encoder', rows: 2, T: 3, values: [1, 2, 3, 0.1, 0.2, 0.3] }, { name: 'decoder', rows: 1, T: 2, values: [0.5, 0.25] }] });
const validToDashboard = [
  {
    type: 'init', config: { hiddenSize: 128, seed: 42 },
    runs: [{ summary: summary(), points: [dpoint(1), dpoint(2), { step: 3, loss: 1.5, validLoss: 1.7 }], gradThroughTime: gtt(), sample: { step: 3, prompt: 'a', text: 'b' } }],
    experiment: experimentView(), gradCheck: gradCheckView(),
  },
  { type: 'init', config: { hiddenSize: 1, seed: -5 }, runs: [], experiment: null, gradCheck: null },
  { type: 'run', summary: { ...(summary() as object), nonFinite: null, message: null, state: 'running' } },
  { type: 'metrics', runId: 'run-1', points: [dpoint(4), dpoint(5)], gradThroughTime: gtt() },
  { type: 'metrics', runId: 'run-1', points: [], gradThroughTime: null },
  { type: 'metrics', runId: 'run-1', points: [{ step: 6, loss: 1.2, bitsPerChar: 1.7, validLoss: 1.3, validBitsPerChar: 1.9 }], gradThroughTime: null },
  {
    type: 'metrics', runId: 'run-2', gradThroughTime: seq2seqGtt(),
    points: [dpoint(9), { step: 10, loss: 0.5, validLoss: 0.6, validMetrics: { exactMatch: 0.25, tokenAccuracy: 0.875 } }, { step: 11, loss: 0.4, validMetrics: { accuracy: 1 } }],
  },
  { type: 'run', summary: { ...(summary() as object), task: 'seq2seq', layers: 2, tokensPerStep: 0, trainTokens: 0, trainExamples: 1200, nonFinite: null, message: null, state: 'running' } },
  { type: 'sample', runId: 'run-1', sample: { step: 3, prompt: 'the', text: ' fox' } },
  { type: 'experiment', experiment: experimentView() },
  { type: 'gradCheck', gradCheck: gradCheckView() },
];
const validFromDashboard = [{ type: 'ready' }, { type: 'action', action: 'rollback' }, { type: 'action', action: 'stop' }, { type: 'error', message: 'TypeError: x' }];

// ---- attention channel ----

const PROB = S.num(0, 1);
const TOKENS = S.arr(S.str(0, 1024), 2048);
const VIEW = S.where(S.obj({
  model: NAME, beamWidth: S.int(1, 64), source: S.str(0, 100_000), output: S.str(0, 100_000), sourceTokens: TOKENS, outputTokens: TOKENS,
  weights: S.orNull(S.arr(S.arr(PROB, 2048), 2048)), probs: S.orNull(S.arr(PROB, 2048)),
  alternatives: S.orNull(S.arr(S.arr(S.obj({ token: S.str(0, 1024), prob: PROB }), 64), 2048)), fromEditor: S.bool, finished: S.bool,
  // A live frame of a run in training: its name, the step of its weights, the reference, what is followed.
  live: S.obj({ run: NAME, step: S.int(0, STEPS), reference: S.orNull(S.str(0, 100_000)), following: S.oneOf('validation', 'line') }),
}, ['live']), (v) => {
  const T = v.outputTokens.length, Sn = v.sourceTokens.length;
  return (v.probs === null || v.probs.length === T) && (v.alternatives === null || v.alternatives.length === T) &&
    (v.weights === null || (v.weights.length === T && v.weights.every((r: unknown[]) => r.length === Sn)));
});
const HOST_TO_ATTENTION = S.tagged('type', { show: S.obj({ view: VIEW }) });
const ATTENTION_TO_HOST = S.tagged('type', {
  ready: S.obj({}), focus: S.obj({ step: S.orNull(S.int(0, 2047)), pinned: S.bool }), error: S.obj({ message: MESSAGE }),
});
const attentionView = (weights: boolean): unknown => ({
  model: 'dates', beamWidth: 4, source: 'March 3', output: '03-03', sourceTokens: ['M', 'a', 'r'], outputTokens: ['0', '3', '<eos>'],
  weights: weights ? [[0.5, 0.25, 0.25], [1, 0, 0], [0.2, 0.3, 0.5]] : null, probs: [0.9, 0.8, 1],
  alternatives: [[{ token: '0', prob: 0.9 }, { token: '1', prob: 0.1 }], [{ token: '3', prob: 0.8 }], []], fromEditor: true, finished: true,
});
const liveView = (): unknown => ({
  ...(attentionView(true) as object), beamWidth: 1, probs: null, alternatives: null, finished: false,
  live: { run: 'dates.tsv', step: 120, reference: '2039-10-30', following: 'line' },
});
const validToAttention = [
  { type: 'show', view: attentionView(true) }, { type: 'show', view: attentionView(false) }, { type: 'show', view: liveView() },
  { type: 'show', view: { ...(liveView() as object), live: { run: 'r', step: 0, reference: null, following: 'validation' } } },
];
const validFromAttention = [{ type: 'ready' }, { type: 'focus', step: 2, pinned: true }, { type: 'focus', step: null, pinned: false }, { type: 'error', message: 'x' }];

describe('protocol fuzzing (seeded, every channel, both directions)', function () {
  this.timeout(120_000);
  const cases: [string, (v: unknown) => unknown, Spec, readonly unknown[]][] = [
    ['host → training worker', parseHostToWorker, HOST_TO_WORKER, validToWorker],
    ['training worker → host', (v) => parseWorkerToHost(v, SHAPE), WORKER_TO_HOST, validToHost],
    ['host → experiments worker', parseHostToExperiments, HOST_TO_EXPERIMENTS, validToExperiments],
    ['experiments worker → host', parseExperimentsToHost, EXPERIMENTS_TO_HOST, validFromExperiments],
    ['host → dashboard webview', parseHostToDashboard, HOST_TO_DASHBOARD, validToDashboard],
    ['dashboard webview → host', parseDashboardToHost, DASHBOARD_TO_HOST, validFromDashboard],
    ['host → attention webview', parseHostToAttention, HOST_TO_ATTENTION, validToAttention],
    ['attention webview → host', parseAttentionToHost, ATTENTION_TO_HOST, validFromAttention],
  ];
  cases.forEach(([name, parse, spec, valid], k) => {
    it(`${name}: valid messages pass; 1,500 random mutants and a boundary sweep are rejected with ProtocolError unless the table allows them`, () => {
      const r = fuzzChannel({ name, parse, spec, valid, rejection: ProtocolError, seed: 1000 + k, count: 1500 });
      console.log(`      ${name}: ${r.rejected} rejected, ${r.accepted} accepted (each conforming to the table); sweep of ${r.swept} boundary edits agrees`);
    });
  });
});
