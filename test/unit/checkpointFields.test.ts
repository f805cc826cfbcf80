// Crafted seqlab.json files, table-driven: wrong types, huge sizes, unknown enums and missing fields in every
// kind of checkpoint (lm, seq2seq, classify, tag), in the architecture, the tokenizer, the tensor shapes, the
// training state and the info. Each must be refused in under a second (nothing built, nothing allocated) with
// ONE line naming the field. The four examples also run through the real CLI (node dist/cli.js).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointError, type CheckpointFiles } from '../../src/engine/checkpoint';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import { loadTask, taskCheckpoint, type AnyTask } from '../../src/engine/tasks/checkpoint';
import { LmTask } from '../../src/engine/tasks/lmTask';
import { TASK_TEST_CONFIG } from './taskConfig';
import type { RunConfig } from '../../src/engine/run/config';
import { Seq2SeqTask } from '../../src/engine/tasks/seq2seqTask';
import { SequenceTask } from '../../src/engine/tasks/sequenceTask';
import { tokenizerFromJSON } from '../../src/engine/tokenize/tokenizer';

type Meta = Record<string, any>;
const o: RunConfig = { ...TASK_TEST_CONFIG, hidden: 8, embedding: 4, batch: 2, seqLen: 8, seed: 3 };

function checkpoints(): Record<'lm' | 'seq2seq' | 'classify' | 'tag', CheckpointFiles> {
  const lm = LmTask.create(o, 'the cat sat on the mat. '.repeat(10));
  const s2s = Seq2SeqTask.create({ ...o, attention: 'additive' }, generateTask('reverse', new Rng(1), 20, { minLen: 3, maxLen: 5 }));
  const cls = SequenceTask.createClassifier(o, [{ text: 'ab', label: 'x' }, { text: 'ba', label: 'y' }], ['x', 'y']);
  const tag = SequenceTask.createTagger(o, [{ tokens: ['the', 'cat'], tags: ['D', 'N'] }], ['D', 'N']);
  const files = (t: AnyTask): CheckpointFiles => taskCheckpoint(t);
  return { lm: files(lm), seq2seq: files(s2s), classify: files(cls), tag: files(tag) };
}

/** 40 merges, each of the last token with itself: token k is 2^k bytes long (a 1 TB vocabulary). */
const doublingMerges = (): number[] => Array.from({ length: 40 }, (_, r) => (r === 0 ? [4 + 97, 4 + 97] : [4 + 255 + r, 4 + 255 + r])).flat();

const CASES: [kind: 'lm' | 'seq2seq' | 'classify' | 'tag', name: string, edit: (m: Meta) => void, field: RegExp][] = [
  ['lm', 'numLayers: 1000000', (m) => { m.architecture.config.rnn.numLayers = 1_000_000; }, /architecture\.config\.rnn\.numLayers must be between 1 and 16, got 1000000/],
  ['lm', 'hiddenSize: "16" (a string)', (m) => { m.architecture.config.rnn.hiddenSize = '16'; }, /architecture\.config\.rnn\.hiddenSize must be an integer, got "16"/],
  ['lm', 'hiddenSize: 12.5', (m) => { m.architecture.config.rnn.hiddenSize = 12.5; }, /architecture\.config\.rnn\.hiddenSize must be an integer, got 12\.5/],
  ['lm', 'hiddenSize: 4096, in range but far more than the file holds', (m) => { m.architecture.config.rnn.hiddenSize = 4096; m.architecture.config.rnn.numLayers = 16; }, /seqlab\.json: the architecture needs at least \d+ weights but model\.safetensors holds \d+/],
  ['lm', 'vocabSize: 1e12', (m) => { m.architecture.config.vocabSize = 1e12; }, /architecture\.config\.vocabSize must be between 4 and \d+, got 1000000000000/],
  ['lm', 'embeddingSize: -1', (m) => { m.architecture.config.embeddingSize = -1; }, /architecture\.config\.embeddingSize must be between 1 and 4096, got -1/],
  ['lm', 'embeddingSize missing', (m) => { delete m.architecture.config.embeddingSize; }, /architecture\.config\.embeddingSize must be an integer, got nothing/],
  ['lm', 'cell: "transformer"', (m) => { m.architecture.config.rnn.cell = 'transformer'; }, /architecture\.config\.rnn\.cell must be one of lstm, gru, rnn_tanh, rnn_relu, got "transformer"/],
  ['lm', 'merge: "avg"', (m) => { m.architecture.config.rnn.merge = 'avg'; }, /architecture\.config\.rnn\.merge must be one of concat, sum, mean, weighted, got "avg"/],
  ['lm', 'dropout: 1.5', (m) => { m.architecture.config.rnn.dropout = 1.5; }, /architecture\.config\.rnn\.dropout must be in \[0, 1\), got 1\.5/],
  ['lm', 'bidirectional: "yes"', (m) => { m.architecture.config.rnn.bidirectional = 'yes'; }, /architecture\.config\.rnn\.bidirectional must be true or false, got "yes"/],
  ['lm', 'weightInit: "he"', (m) => { m.architecture.config.rnn.weightInit = 'he'; }, /architecture\.config\.rnn\.weightInit must be one of default, xavier, orthogonal, got "he"/],
  ['lm', 'forgetBias: "1"', (m) => { m.architecture.config.rnn.forgetBias = '1'; }, /architecture\.config\.rnn\.forgetBias must be a number, got "1"/],
  ['lm', 'rnn missing', (m) => { delete m.architecture.config.rnn; }, /architecture\.config\.rnn must be an object, got nothing/],
  ['lm', 'kind: "transformer"', (m) => { m.architecture.kind = 'transformer'; }, /unknown architecture kind "transformer"/],
  ['lm', 'seed: "42"', (m) => { m.seed = '42'; }, /seqlab\.json: seed must be a number, got "42"/],
  ['lm', 'vocabSize missing', (m) => { delete m.vocabSize; }, /seqlab\.json: vocabSize must be an integer, got nothing/],
  ['lm', 'tensors with a huge dimension', (m) => { m.tensors['head.bias'] = [1e12]; }, /seqlab\.json: tensors\.head\.bias\[0\] must be between 0 and 2147483647, got 1000000000000/],
  ['lm', 'tensors not an object', (m) => { m.tensors = 'many'; }, /seqlab\.json: tensors must be an object, got "many"/],
  ['lm', 'info: 5', (m) => { m.info = 5; }, /seqlab\.json: info must be an object, got 5/],
  ['lm', 'training.optimizer.kind: "adagrad"', (m) => { m.training = { optimizer: { kind: 'adagrad' }, stepCount: 1, moments: [], rng: [1, 2, 3, 4], extra: {}, buffers: {} }; }, /training\.optimizer\.kind must be one of sgd, adam, adamw, rmsprop, got "adagrad"/],
  ['lm', 'training.optimizer.beta1: "0.9"', (m) => { m.training = { optimizer: { kind: 'adam', beta1: '0.9' }, stepCount: 1, moments: [], rng: [1, 2, 3, 4], extra: {}, buffers: {} }; }, /training\.optimizer\.beta1 must be a number, got "0\.9"/],
  ['lm', 'training.stepCount: -1', (m) => { m.training = { optimizer: { kind: 'adam' }, stepCount: -1, moments: [], rng: [1, 2, 3, 4], extra: {}, buffers: {} }; }, /training\.stepCount must be between 0 and \d+, got -1/],
  ['lm', 'training.moments: "all"', (m) => { m.training = { optimizer: { kind: 'adam' }, stepCount: 1, moments: 'all', rng: [1, 2, 3, 4], extra: {}, buffers: {} }; }, /training\.moments must be a list of up to 4 distinct moment names, got "all"/],
  ['lm', 'version: "1"', (m) => { m.version = '1'; }, /checkpoint version "1"/],
  ['lm', 'tokenizer with 40 doubling BPE merges (a 2^40-byte token)', (m) => { m.tokenizer = { kind: 'bpe', version: 1, base: 'byte', merges: doublingMerges() }; }, /seqlab\.json: bpe tokenizer: merge 12 makes a token of 8192 base symbols, more than 4096/],
  ['lm', 'tokenizer symbols: a number', (m) => { m.tokenizer.symbols = 7; }, /seqlab\.json: char tokenizer: symbols must be an array of strings/],
  ['seq2seq', 'maxTargetLength: 1e9', (m) => { m.architecture.maxTargetLength = 1e9; }, /architecture\.maxTargetLength must be between 1 and 100000, got 1000000000/],
  ['seq2seq', 'maxTargetLength missing', (m) => { delete m.architecture.maxTargetLength; }, /architecture\.maxTargetLength must be an integer, got nothing/],
  ['seq2seq', 'attention: "weird"', (m) => { m.architecture.config.attention = 'weird'; }, /architecture\.config\.attention must be one of none, dot, general, additive, got "weird"/],
  ['seq2seq', 'encoder.hiddenSize: "16" (a string)', (m) => { m.architecture.config.encoder.hiddenSize = '16'; }, /architecture\.config\.encoder\.hiddenSize must be an integer, got "16"/],
  ['seq2seq', 'decoder.numLayers: 1000000', (m) => { m.architecture.config.decoder.numLayers = 1e6; }, /architecture\.config\.decoder\.numLayers must be between 1 and 16, got 1000000/],
  ['seq2seq', 'srcVocab: 1.5', (m) => { m.architecture.config.srcVocab = 1.5; }, /architecture\.config\.srcVocab must be an integer, got 1\.5/],
  ['seq2seq', 'cell: "lstmx"', (m) => { m.architecture.config.cell = 'lstmx'; }, /architecture\.config\.cell must be one of lstm, gru, rnn_tanh, rnn_relu, got "lstmx"/],
  ['seq2seq', 'locationKernel: 4 (even)', (m) => { m.architecture.config.locationKernel = 4; }, /architecture\.config\.locationKernel must be odd and needs additive attention, got 4/],
  ['seq2seq', 'bridge: "sometimes"', (m) => { m.architecture.config.bridge = 'sometimes'; }, /architecture\.config\.bridge must be one of auto, always, got "sometimes"/],
  ['seq2seq', 'attentionQuery: "input"', (m) => { m.architecture.config.attentionQuery = 'input'; }, /architecture\.config\.attentionQuery must be one of previous, output, got "input"/],
  ['seq2seq', 'reverseSource: "true"', (m) => { m.architecture.config.reverseSource = 'true'; }, /architecture\.config\.reverseSource must be true or false, got "true"/],
  ['seq2seq', 'attentionSize: 0', (m) => { m.architecture.config.attentionSize = 0; }, /architecture\.config\.attentionSize must be between 1 and 4096, got 0/],
  ['seq2seq', 'encoder missing', (m) => { delete m.architecture.config.encoder; }, /architecture\.config\.encoder must be an object, got nothing/],
  ['seq2seq', 'encoder.dropout: -0.1', (m) => { m.architecture.config.encoder.dropout = -0.1; }, /architecture\.config\.encoder\.dropout must be in \[0, 1\), got -0\.1/],
  ['seq2seq', 'hidden 4096, in range but far more than the file holds', (m) => { m.architecture.config.encoder.hiddenSize = 4096; m.architecture.config.decoder.hiddenSize = 4096; }, /the architecture needs at least \d+ weights but model\.safetensors holds \d+/],
  ['classify', 'numClasses: 1e9', (m) => { m.architecture.config.numClasses = 1e9; }, /architecture\.config\.numClasses must be between 1 and 100000, got 1000000000/],
  ['classify', 'labels that disagree with numClasses', (m) => { m.architecture.config.numClasses = 3; }, /architecture\.labels has 2 entries, architecture\.config\.numClasses says 3/],
  ['classify', 'labels of numbers', (m) => { m.architecture.labels = [1, 2]; }, /architecture\.labels\[0\] must be a string, got 1/],
  ['classify', 'a label twice', (m) => { m.architecture.labels = ['x', 'x']; }, /architecture\.labels lists a label twice/],
  ['classify', 'a 10 MB label', (m) => { m.architecture.labels[1] = 'y'.repeat(1e7); }, /architecture\.labels\[1\] is 10000000 characters long, at most 10000/],
  ['tag', 'a 10,001-character tag', (m) => { m.architecture.labels[0] = 'T'.repeat(10_001); }, /architecture\.labels\[0\] is 10001 characters long, at most 10000/],
  ['classify', 'rnn.numLayers: 0', (m) => { m.architecture.config.rnn.numLayers = 0; }, /architecture\.config\.rnn\.numLayers must be between 1 and 16, got 0/],
  ['classify', 'labels missing', (m) => { delete m.architecture.labels; }, /architecture\.labels must be a list of strings, got nothing/],
  ['tag', 'numTags: "2"', (m) => { m.architecture.config.numTags = '2'; }, /architecture\.config\.numTags must be an integer, got "2"/],
  ['tag', 'embeddingSize: 1000000', (m) => { m.architecture.config.embeddingSize = 1e6; }, /architecture\.config\.embeddingSize must be between 1 and 4096, got 1000000/],
  ['tag', 'rnn.cell missing', (m) => { delete m.architecture.config.rnn.cell; }, /architecture\.config\.rnn\.cell must be one of lstm, gru, rnn_tanh, rnn_relu, got nothing/],
  ['tag', 'vocabSize: "12"', (m) => { m.vocabSize = '12'; }, /seqlab\.json: vocabSize must be an integer, got "12"/],
];

describe('crafted seqlab.json files are refused quickly, naming the field', function () {
  this.timeout(60_000);
  const files = checkpoints();

  for (const [kind, name, edit, field] of CASES) {
    it(`${kind}: ${name}`, () => {
      const meta = JSON.parse(files[kind].meta) as Meta;
      edit(meta);
      const t0 = performance.now();
      let error: unknown = null;
      try {
        loadTask({ ...files[kind], meta: JSON.stringify(meta) }, 'ck');
      } catch (e) {
        error = e;
      }
      const ms = performance.now() - t0;
      assert.ok(error instanceof CheckpointError, `not refused (or not as a CheckpointError): ${String(error)}`);
      const message = (error as Error).message;
      assert.match(message, field);
      assert.match(message, /^ck[/: ]/, 'the message names the checkpoint');
      assert.doesNotMatch(message, /\n/);
      assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
    });
  }

  it('a char tokenizer longer than every Unicode code point is refused before it is built', () => {
    const t0 = performance.now();
    assert.throws(() => tokenizerFromJSON({ kind: 'char', version: 1, symbols: new Array(0x110001).fill('a') }), /char tokenizer: symbols has 1114113 entries, more than the 1114112 a vocabulary can hold/);
    assert.ok(performance.now() - t0 < 1000);
  });

  it('the issue\'s four files, through the CLI: exit 1, one line naming the field, in well under a second of work', () => {
    const cli = path.resolve(__dirname, '../../../dist/cli.js');
    assert.ok(fs.existsSync(cli), `${cli} is missing: run npm run build first`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-fields-'));
    try {
      const four: [keyof typeof files, (m: Meta) => void, string[], RegExp][] = [
        ['lm', (m) => { m.architecture.config.rnn.numLayers = 1_000_000; }, ['generate', '--prompt', 'the'], /rnn\.numLayers must be between 1 and 16/],
        ['seq2seq', (m) => { m.architecture.maxTargetLength = 1e9; }, ['translate', '--input', 'abc'], /architecture\.maxTargetLength must be between 1 and 100000/],
        ['seq2seq', (m) => { m.architecture.config.attention = 'weird'; }, ['translate', '--input', 'abc'], /architecture\.config\.attention must be one of none, dot, general, additive, got "weird"/],
        ['seq2seq', (m) => { m.architecture.config.encoder.hiddenSize = '16'; }, ['translate', '--input', 'abc'], /architecture\.config\.encoder\.hiddenSize must be an integer, got "16"/],
      ];
      four.forEach(([kind, edit, [command, ...args], field], i) => {
        const dir = path.join(tmp, `m${i}`);
        fs.mkdirSync(dir);
        const meta = JSON.parse(files[kind].meta) as Meta;
        edit(meta);
        fs.writeFileSync(path.join(dir, 'model.safetensors'), files[kind].model);
        fs.writeFileSync(path.join(dir, 'seqlab.json'), JSON.stringify(meta));
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [cli, command, dir, ...args], { encoding: 'utf8', timeout: 20_000 });
        const ms = performance.now() - t0;
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /^seqlab: [^\n]+\n$/);
        assert.match(r.stderr, field);
        assert.ok(ms < 3000, `${command} took ${ms.toFixed(0)} ms (node's start-up included)`);
      });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
