// The one checkpoint path for every kind of model (engine/checkpoint/architecture.ts, the registry): a
// checkpoint of lm, seq2seq, classify, tag and one-to-many, WITH its training state (optimizer moments, RNG,
// the runner's JSON and buffers), goes through writeCheckpoint → readCheckpoint with every tensor equal bit for
// bit, and writes back to the same bytes; then each kind's checkpoint with one field corrupted is refused by the
// same reader (and by loadTask, which the CLI and the editor call), in one line naming the file and the field.
// Last, through the real CLI: a freshly trained model of each kind exports (lm, seq2seq) and imports back.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, readCheckpoint, writeCheckpoint, type CheckpointFiles, type TrainingState } from '../../src/engine/checkpoint';
import { ARCHITECTURE_KINDS, buildModel, describeArchitecture, paramLayout, type Architecture, type ArchitectureKind, type OneToManyArchitecture } from '../../src/engine/checkpoint/architecture';
import { ModelMemoryError } from '../../src/engine/modelMemory';
import { createOptimizer } from '../../src/engine/optim';
import { Rng } from '../../src/engine/rng';
import { encodeSafetensors } from '../../src/engine/safetensors';
import { loadTask, taskCheckpoint } from '../../src/engine/tasks/checkpoint';
import { buildTokenizer, WordTokenizer, type Tokenizer } from '../../src/engine/tokenize/tokenizer';
import type { Floats } from '../../src/engine/tensor';
import { scratchDir } from './scratchDir';

type Meta = Record<string, any>;

const CHARS = buildTokenizer('char', 'abcdefgh'); // 4 specials + 8 symbols = 12
const WORDS = WordTokenizer.fromJSON({ kind: 'word', version: 1, tokens: ['the', 'cat', 'sat', 'U.S.', 'mat'] }); // 9
const V = CHARS.vocabSize;

/** One small architecture of every kind, with options that change the layout (bidirectional merges, location
 *  attention, a label-conditioned generator), and the tokenizer it is trained with. */
const MODELS: Record<ArchitectureKind, { arch: Architecture; tokenizer: Tokenizer }> = {
  lm: {
    arch: { kind: 'lm', config: { vocabSize: V, embeddingSize: 5, rnn: { cell: 'lstm', hiddenSize: 6, numLayers: 2, bidirectional: false, merge: 'concat', dropout: 0 } } },
    tokenizer: CHARS,
  },
  seq2seq: {
    arch: {
      kind: 'seq2seq', maxTargetLength: 9,
      config: {
        srcVocab: V, tgtVocab: V, embeddingSize: 4, cell: 'gru', encoder: { hiddenSize: 5, numLayers: 1, bidirectional: false },
        decoder: { hiddenSize: 7, numLayers: 2 }, attention: 'additive', attentionSize: 3, locationKernel: 3, reverseSource: true,
      },
    },
    tokenizer: CHARS,
  },
  classify: {
    arch: {
      kind: 'classify', labels: ['pos', 'neg', 'meh'],
      config: { vocabSize: V, embeddingSize: 4, numClasses: 3, rnn: { cell: 'gru', hiddenSize: 5, numLayers: 1, bidirectional: true, merge: 'weighted', dropout: 0 } },
    },
    tokenizer: CHARS,
  },
  tag: {
    arch: {
      kind: 'tag', labels: ['D', 'N', 'V'],
      config: { vocabSize: WORDS.vocabSize, embeddingSize: 4, numTags: 3, rnn: { cell: 'rnn_tanh', hiddenSize: 6, numLayers: 2, bidirectional: true, merge: 'concat', dropout: 0 } },
    },
    tokenizer: WORDS,
  },
  'one-to-many': {
    arch: {
      kind: 'one-to-many', labels: ['en', 'fr'], maxLength: 12,
      config: { vocabSize: V, embeddingSize: 4, condition: { kind: 'label', numLabels: 2, size: 3 }, rnn: { cell: 'lstm', hiddenSize: 5, numLayers: 2, dropout: 0 } },
    },
    tokenizer: CHARS,
  },
};

/** A model of `kind` after a few real Adam steps on random gradients, so weights and both moments are all
 *  different numbers; the first weights are -0 and the smallest subnormal, which a lossy path would flush. */
function trained(kind: ArchitectureKind): { arch: Architecture; tokenizer: Tokenizer; files: CheckpointFiles; values: Floats; training: TrainingState } {
  const { arch, tokenizer } = MODELS[kind];
  const built = buildModel(arch);
  const rng = new Rng(11);
  built.params.initialize(rng);
  const opt = createOptimizer(built.params, { kind: 'adam' });
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < built.params.size; i++) built.params.grad[i] = rng.normal();
    opt.step(0.01);
  }
  built.params.data[0] = -0;
  built.params.data[1] = 1.4e-45;
  const training: TrainingState = {
    optimizer: { kind: 'adam', beta1: 0.8 }, optimizerState: opt.state(), rng: rng.getState(),
    extra: { epoch: 2, data: { position: 17 } },
    buffers: { carry: { shape: [2, 3], data: Float32Array.from([0.5, -1.25, 3, -0, 1e-30, 7]) } },
  };
  const files = writeCheckpoint({ architecture: arch, params: built.params, tokenizer, seed: 42, training, info: { run: kind } });
  return { arch, tokenizer, files, values: built.params.data, training };
}

/** The 32-bit patterns of a float array: equal patterns are equal bit for bit (−0 ≠ +0, every NaN payload). */
function bits(a: Floats): number[] {
  return Array.from(new Uint32Array(Float32Array.from(a).buffer));
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CheckpointError, `expected a CheckpointError, got ${(e as Error).name}: ${(e as Error).message}`);
    return e.message;
  }
  return assert.fail('the corrupted checkpoint was accepted');
}

function edited(files: CheckpointFiles, edit: (m: Meta) => void): CheckpointFiles {
  const m = JSON.parse(files.meta) as Meta;
  edit(m);
  return { ...files, meta: JSON.stringify(m) };
}

/** seqlab.json without its checksums (as an older SeqLab wrote it), so the checks behind them are reached. */
const unchecked = (m: Meta): void => {
  delete m.checksums;
};

/** The files with one tensor of model.safetensors edited (and no checksums, which would catch it first). */
function withWeights(files: CheckpointFiles, edit: (t: { name: string; shape: number[]; data: Float32Array }) => void, name: string): CheckpointFiles {
  const tensors = [...readCheckpoint(files, 'ck').weights].map(([n, data]) => ({ name: n, shape: [...JSON.parse(files.meta).tensors[n]] as number[], data: Float32Array.from(data) }));
  const t = tensors.find((x) => x.name === name);
  assert.ok(t, `no tensor ${name}`);
  edit(t);
  return { ...edited(files, unchecked), model: encodeSafetensors(tensors) };
}

describe('checkpoints of every kind go through one writer and one reader', () => {
  it('the registry knows every kind, and a layout is counted without allocating the model', () => {
    assert.deepEqual([...ARCHITECTURE_KINDS].sort(), Object.keys(MODELS).sort());
    for (const kind of ARCHITECTURE_KINDS) {
      const layout = paramLayout(MODELS[kind].arch), built = buildModel(MODELS[kind].arch);
      assert.equal(layout.size, built.params.size, kind);
      assert.deepEqual(layout.entries.map((e) => [e.name, e.shape, e.offset]), built.params.entries.map((e) => [e.name, e.shape, e.offset]), kind);
    }
  });

  for (const kind of Object.keys(MODELS) as ArchitectureKind[]) {
    it(`${kind}: weights, moments, RNG, extra and buffers round-trip bit for bit, and write back to the same files`, () => {
      const { arch, files, values, training } = trained(kind);
      const ck = readCheckpoint(files, 'ck');
      assert.equal(ck.model.kind, kind);
      assert.deepEqual(ck.architecture, arch);
      assert.deepEqual(bits(ck.model.params.data), bits(values), 'every weight of the built model');
      for (const e of ck.model.params.entries) assert.deepEqual(bits(ck.weights.get(e.name)!), bits(values.subarray(e.offset, e.offset + e.size)), e.name);
      const t = ck.training!;
      assert.deepEqual(Object.keys(t.optimizerState.moments).sort(), ['exp_avg', 'exp_avg_sq']);
      for (const [name, moment] of Object.entries(training.optimizerState.moments)) assert.deepEqual(bits(t.optimizerState.moments[name]), bits(moment), name);
      assert.equal(t.optimizerState.stepCount, 3);
      assert.deepEqual(t.optimizer, training.optimizer);
      assert.deepEqual(t.rng, training.rng);
      assert.deepEqual(t.extra, training.extra);
      assert.deepEqual(t.buffers.carry.shape, [2, 3]);
      assert.deepEqual(bits(t.buffers.carry.data), bits(training.buffers.carry.data));
      // Written again from what was read: the same weights and state byte for byte, the same seqlab.json (its
      // keys may come in the parser's order: the checksum of seqlab.json sorts them, so it is the same too).
      const again = writeCheckpoint({
        architecture: ck.architecture, params: ck.model.params, tokenizer: ck.tokenizer, seed: ck.meta.seed, info: ck.meta.info,
        training: { optimizer: t.optimizer, optimizerState: t.optimizerState, rng: t.rng, extra: t.extra, buffers: t.buffers },
      });
      assert.deepEqual(Buffer.from(again.model), Buffer.from(files.model));
      assert.deepEqual(Buffer.from(again.state!), Buffer.from(files.state!));
      assert.deepEqual(JSON.parse(again.meta), JSON.parse(files.meta));
      // The model can be built on another ctor (a heap's, here Float64Array) with the same values.
      const wide = readCheckpoint(files, 'ck', { ctor: Float64Array });
      assert.ok(wide.model.params.data instanceof Float64Array);
      assert.deepEqual(bits(wide.model.params.data), bits(values));
    });
  }

  it('loadTask wraps the model of every task kind, and taskCheckpoint writes back what it loaded (training state included)', () => {
    for (const kind of ARCHITECTURE_KINDS) {
      const { files, values, training } = trained(kind);
      const task = loadTask(files, 'ck');
      assert.equal(task.kind, kind);
      assert.deepEqual(bits(task.params.data), bits(values), kind);
      const again = taskCheckpoint(task, { run: kind }, training);
      assert.deepEqual(JSON.parse(again.meta), JSON.parse(files.meta), kind);
      assert.deepEqual(Buffer.from(again.state!), Buffer.from(files.state!), kind);
    }
    // The registry reads a vector-conditioned generator too; only a label-conditioned one has a task.
    const { labels: _labels, ...labelled } = MODELS['one-to-many'].arch as OneToManyArchitecture;
    const vector: OneToManyArchitecture = { ...labelled, config: { ...labelled.config, condition: { kind: 'vector', size: 3 } } };
    const built = buildModel(vector);
    built.params.initialize(new Rng(2));
    const files = writeCheckpoint({ architecture: vector, params: built.params, tokenizer: CHARS, seed: 1 });
    assert.equal(readCheckpoint(files, 'ck').model.kind, 'one-to-many');
    assert.match(refusal(() => loadTask(files, 'ck')), /^ck holds a vector-conditioned one-to-many model; no SeqLab command uses one yet$/);
  });

  it('a model over the memory limit is refused before it is built, for every kind, naming what it is', () => {
    for (const kind of ARCHITECTURE_KINDS) {
      const { files } = trained(kind);
      const limit = { bytes: 1000, why: 'the test\'s 1000 bytes' };
      const P = paramLayout(MODELS[kind].arch).size;
      assert.throws(() => readCheckpoint(files, 'ck', { memoryLimit: limit }), (e: Error) => e instanceof ModelMemoryError
        && e.message.includes(`to load for ${describeArchitecture(MODELS[kind].arch)} (${P} parameters;`) && e.message.endsWith('the limit is 0 MB, the test\'s 1000 bytes'), kind);
      assert.throws(() => loadTask(files, 'ck', limit), ModelMemoryError, kind);
      assert.equal(readCheckpoint(files, 'ck', { memoryLimit: { bytes: 12 * P, why: 'exactly enough' } }).model.kind, kind, 'parameters, gradients and decoded weights fit');
    }
  });

  it('the writer refuses a tokenizer that does not fit the model (the reader would refuse the checkpoint)', () => {
    const { arch } = MODELS.classify;
    const built = buildModel(arch);
    built.params.initialize(new Rng(1));
    assert.match(refusal(() => writeCheckpoint({ architecture: arch, params: built.params, tokenizer: WORDS, seed: 1 })),
      /^refusing to write a checkpoint: vocabulary mismatch: the tokenizer has 9 tokens, the model was built for 12 \(architecture\.config\.vocabSize\)$/);
  });

  /** One field of each kind's architecture given the wrong type or value, and the field the message must name. */
  const FIELD: Record<ArchitectureKind, [(m: Meta) => void, RegExp]> = {
    lm: [(m) => { m.architecture.config.rnn.hiddenSize = '6'; }, /ck\/seqlab\.json: architecture\.config\.rnn\.hiddenSize must be an integer, got "6"/],
    seq2seq: [(m) => { m.architecture.config.locationKernel = 2; }, /ck\/seqlab\.json: architecture\.config\.locationKernel must be odd and needs additive attention, got 2/],
    classify: [(m) => { m.architecture.labels.push('extra'); }, /ck\/seqlab\.json: architecture\.labels has 4 entries, architecture\.config\.numClasses says 3/],
    tag: [(m) => { m.architecture.config.rnn.merge = 'max'; }, /ck\/seqlab\.json: architecture\.config\.rnn\.merge must be one of concat, sum, mean, weighted, got "max"/],
    'one-to-many': [(m) => { m.architecture.config.rnn.bidirectional = true; }, /ck\/seqlab\.json: architecture\.config\.rnn\.bidirectional does not apply to a one-to-many model/],
  };
  /** A matrix of each kind that its own options put in the layout (deep stacks, reverse directions, an LSTM's c0). */
  const TENSOR: Record<ArchitectureKind, string> = {
    lm: 'rnn.weight_hh_l1', seq2seq: 'decoder.weight_hh_l1', classify: 'rnn.weight_hh_l0_reverse', tag: 'rnn.weight_ih_l1_reverse', 'one-to-many': 'init_c.weight',
  };

  for (const kind of Object.keys(MODELS) as ArchitectureKind[]) {
    describe(`${kind}: one corrupted field, refused by the one reader naming it`, () => {
      const { files, arch } = trained(kind);
      const flip = (bytes: Uint8Array): Uint8Array => {
        const b = bytes.slice();
        b[b.length - 2] ^= 0x01;
        return b;
      };
      const vocabField = arch.kind === 'seq2seq' ? 'tgtVocab' : 'vocabSize';
      const cases: [string, () => CheckpointFiles, RegExp][] = [
        ['a flipped bit in model.safetensors', () => ({ ...files, model: flip(files.model) }), /^ck\/model\.safetensors is corrupt: its CRC-32 is [0-9a-f]{8}, seqlab\.json recorded [0-9a-f]{8}/],
        ['a flipped bit in training.safetensors', () => ({ ...files, state: flip(files.state!) }), /^ck\/training\.safetensors is corrupt/],
        ['an architecture field', () => edited(files, FIELD[kind][0]), FIELD[kind][1]],
        ['a tokenizer one token short', () => edited(files, (m) => { (m.tokenizer.symbols ?? m.tokenizer.tokens).pop(); }),
          new RegExp(`^ck: vocabulary mismatch: the tokenizer has \\d+ tokens, the model was built for \\d+ \\(architecture\\.config\\.${vocabField}\\)$`)],
        ['a tensor of the wrong shape', () => withWeights(files, (t) => { t.shape = [t.data.length]; }, TENSOR[kind]),
          new RegExp(`^ck/model\\.safetensors: tensor ${TENSOR[kind].replace(/\./g, '\\.')} has shape \\[\\d+\\], the architecture needs \\[\\d+(, \\d+)*\\]$`)],
        ['a NaN weight', () => withWeights(files, (t) => { t.data[1] = NaN; }, TENSOR[kind]),
          new RegExp(`^ck/model\\.safetensors: tensor ${TENSOR[kind].replace(/\./g, '\\.')} holds NaN at index 1 \\(of \\d+\\)`)],
        ['a moment named but not saved', () => edited(files, (m) => { unchecked(m); m.training.moments.push('momentum_buffer'); }),
          /^ck\/training\.safetensors: tensor optim\.momentum_buffer\.\S+ is missing$/],
        ['an RNG state of three words', () => edited(files, (m) => { unchecked(m); m.training.rng = [1, 2, 3]; }), /^ck\/seqlab\.json: training\.rng must be four 32-bit words$/],
        ['a seed changed after saving', () => edited(files, (m) => { m.seed = 43; }), /^ck\/seqlab\.json was changed after it was saved/],
      ];
      for (const [name, make, want] of cases) {
        it(name, () => {
          const input = make();
          const message = refusal(() => readCheckpoint(input, 'ck'));
          assert.match(message, want);
          assert.doesNotMatch(message, /\n/);
          assert.equal(refusal(() => loadTask(input, 'ck')), message, 'loadTask refuses it with the same line');
        });
      }
    });
  }
});

describe('seqlab export and import, every kind, real processes', function () {
  this.timeout(120_000);
  const CLI = path.resolve(__dirname, '../../../dist/cli.js');
  const cli = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  const tmp = scratchDir('seqlab-kinds-');
  after(() => fs.rmSync(tmp.dir, { recursive: true, force: true }));
  const rng = new Rng(3), letters = 'abcdefgh', word = (): string => Array.from({ length: 3 + rng.int(4) }, () => letters[rng.int(8)]).join('');
  const data: Record<'lm' | 'seq2seq' | 'classify' | 'tag', [file: string, flags: string[]]> = {
    lm: [tmp.file('lm.txt', 'the cat sat on the mat. '.repeat(30)), ['--seq-len', '12']],
    seq2seq: [tmp.file('pairs.tsv', Array.from({ length: 30 }, () => { const w = word(); return `${w}\t${[...w].reverse().join('')}\n`; }).join('')), ['--attention', 'additive', '--attention-location', '3']],
    classify: [tmp.file('cls.tsv', Array.from({ length: 30 }, (_, i) => `${i % 2 ? 'pos' : 'neg'}\t${word()} ${i % 2 ? 'good' : 'bad'}\n`).join('')), ['--bidirectional', '--merge', 'weighted']],
    tag: [tmp.file('tags.conll', Array.from({ length: 20 }, (_, i) => `the\tD\n${i % 2 ? 'cat' : 'dog'}\tN\n${i % 3 ? 'sat' : 'ran'}\tV\n\n`).join('')), ['--bidirectional']],
  };

  for (const kind of Object.keys(data) as (keyof typeof data)[]) {
    it(`${kind}: a freshly trained model ${kind === 'lm' || kind === 'seq2seq' ? 'exports, and its export' : 'with its seqlab.json'} imports back to a model that evaluates identically`, () => {
      const [file, flags] = data[kind];
      const ck = path.join(tmp.dir, `${kind}-ck`), exp = path.join(tmp.dir, `${kind}-export`), imp = path.join(tmp.dir, `${kind}-imported`);
      const train = cli('train', '--task', kind, '--data', file, '--out', ck, '--hidden', '8', '--embedding', '6', '--steps', '5', '--batch', '4', ...flags);
      assert.equal(train.status, 0, train.stderr);
      const exportable = kind === 'lm' || kind === 'seq2seq';
      const exported = cli('export', ck, '--format', 'pytorch', '--out', exp);
      if (exportable) {
        assert.equal(exported.status, 0, exported.stderr);
        assert.deepEqual(fs.readdirSync(exp).sort(), ['model.py', 'model.safetensors', 'seqlab.json']);
      } else {
        assert.equal(exported.status, 1);
        assert.equal(exported.stderr, `seqlab: export: ${ck} holds a ${kind} model; PyTorch export covers lm and seq2seq models\n`);
        assert.equal(fs.existsSync(exp), false);
      }
      const source = exportable ? exp : ck;
      const imported = cli('import', path.join(source, 'model.safetensors'), '--meta', source, '--out', imp);
      assert.equal(imported.status, 0, imported.stderr);
      assert.match(imported.stdout, new RegExp(`^imported ${kind}: `));
      const before = cli('eval', ck, '--data', file), after = cli('eval', imp, '--data', file);
      assert.equal(before.status, 0, before.stderr);
      assert.equal(after.stdout, before.stdout, 'the imported model evaluates exactly like the trained one');
    });
  }
});
