// PyTorch interop in real PyTorch (Debian's python3-torch, run as /usr/bin/python3): SeqLab trains a few steps,
// `exportModel` writes model.safetensors + seqlab.json + model.py, Python loads them WITH THAT model.py and its
// logits must match SeqLab's within 1e-4 + 1e-3·|ref|. Then the reverse: PyTorch trains and saves weights,
// `importModel` reads them, and SeqLab's logits must match PyTorch's. Also the export/import error paths.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointError, modelFromCheckpoint, readCheckpoint, type LoadedCheckpoint } from '../../src/engine/checkpoint';
import { exportModel } from '../../src/cli/export';
import { checkpointFilesRecord, loadCheckpointDir, readCheckpointFiles, writeFilesAtomic } from '../../src/cli/exportIo';
import { importModel } from '../../src/cli/import';
import { pytorchExportFiles } from '../../src/engine/checkpoint/interop';
import { Rng } from '../../src/engine/rng';
import { decodeSafetensors } from '../../src/engine/safetensors';
import { Seq2Seq, type Seq2SeqConfig } from '../../src/engine/seq2seq/model';
import { loadTask, taskCheckpoint } from '../../src/engine/tasks/checkpoint';
import { Seq2SeqTask } from '../../src/engine/tasks/seq2seqTask';
import { buildTokenizer } from '../../src/engine/tokenize/tokenizer';
import { TrainStep } from '../../src/engine/trainer';
import { runConfig, type RunConfig } from '../../src/engine/run/config';
import { parseTaskData } from '../../src/engine/run/data';
import { TrainingRun } from '../../src/engine/run/run';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(ROOT, 'test', 'interop', 'torch_interop.py');
const TEXT = 'It was the best of times, it was the worst of times, it was the age of wisdom.\n'.repeat(12);

function config(cell: RunConfig['cell'], layers: number): RunConfig {
  return runConfig({
    seed: 3, tokenizer: 'char', embedding: 10, cell, hidden: 16, layers, dropout: 0, optimizer: 'adam', lr: 0.02, clip: 1, batch: 4, seqLen: 12,
    checkpointEvery: 0, validEvery: 0, validBatches: 0, snapshotEvery: 0,
  });
}

function seqlabLogits(ck: LoadedCheckpoint, tokens: number[][]): Float32Array {
  const built = modelFromCheckpoint(ck);
  if (built.kind !== 'lm') throw new Error(`not a language model: ${built.kind}`);
  const B = tokens.length, T = tokens[0].length;
  return Float32Array.from(built.model.forward(Int32Array.from(tokens.flat()), B, T).subarray(0, B * T * built.architecture.config.vocabSize));
}

/** Max |a−b| and whether every element is within 1e-4 + 1e-3·|ref|. */
function compare(ref: ArrayLike<number>, got: ArrayLike<number>): { maxDiff: number; ok: boolean } {
  assert.equal(got.length, ref.length);
  let maxDiff = 0, ok = true;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ref[i] - got[i]);
    maxDiff = Math.max(maxDiff, d);
    if (!(d <= 1e-4 + 1e-3 * Math.abs(ref[i]))) ok = false;
  }
  return { maxDiff, ok };
}

function python(jobs: object[], dir: string): void {
  const jobFile = path.join(dir, 'jobs.json');
  fs.writeFileSync(jobFile, JSON.stringify(jobs));
  const r = spawnSync(PYTHON, [SCRIPT, jobFile], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) assert.fail(`${PYTHON} ${SCRIPT} failed (${r.status ?? r.signal}):\n${r.stderr}`);
}

function readLogits(file: string): { shape: number[]; logits: number[]; torch: string; attention?: number[] } {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { shape: number[]; logits: number[]; torch: string; attention?: number[] };
}

// A padded seq2seq batch: src (B, S) with lengths (0 = PAD past each length), decoder input [BOS, y…] and targets.
const S2S = {
  B: 3, S: 6, T: 5,
  src: [[4, 5, 6, 7, 8, 9], [9, 8, 7, 0, 0, 0], [5, 5, 6, 6, 0, 0]],
  lengths: [6, 3, 4],
  decIn: [[2, 9, 8, 7, 6], [2, 7, 8, 9, 0], [2, 6, 6, 5, 5]],
  targets: [[9, 8, 7, 6, 5], [7, 8, 9, 3, 0], [6, 6, 5, 5, 3]],
};

function seq2seqForward(model: Seq2Seq): { logits: Float32Array; attention: Float32Array | null } {
  const { B, S, T } = S2S;
  const logits = model.forward(Int32Array.from(S2S.src.flat()), Int32Array.from(S2S.lengths), B, S, Int32Array.from(S2S.decIn.flat()), T);
  const a = model.attentionWeights;
  return { logits: Float32Array.from(logits.subarray(0, B * T * model.V)), attention: a ? Float32Array.from(a.subarray(0, B * T * S)) : null };
}

describe('PyTorch interop (real torch via /usr/bin/python3)', function () {
  this.timeout(120_000);
  let tmp: string;

  before(function () {
    const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      assert.fail(`PyTorch is missing: ${PYTHON} cannot import torch (${(probe.stderr || String(probe.error)).trim().split('\n').pop()}). ` +
        'Install Debian\'s package: apt-get install -y python3-torch (npm test does it as root from test/harness/debian-packages.txt).');
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-interop-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const cases = [['lstm', 2], ['gru', 2], ['rnn_tanh', 1]] as const;

  it('export → model.py in PyTorch reproduces SeqLab\'s logits, and PyTorch-trained weights import back (LSTM ×2, GRU ×2, RNN)', () => {
    const jobs: object[] = [];
    const refs: { name: string; ck: LoadedCheckpoint; tokens: number[][]; exportDir: string }[] = [];
    const tokens = [[4, 5, 6, 7, 8, 9, 10, 11, 12], [12, 11, 10, 9, 8, 7, 6, 5, 4]];
    for (const [cell, layers] of cases) {
      const name = `${cell}_l${layers}`;
      const run = TrainingRun.create(config(cell, layers), parseTaskData('lm', [{ source: 'text', text: TEXT }]));
      for (let i = 0; i < 6; i++) run.trainStep();
      const ckDir = path.join(tmp, `${name}-ck`), exportDir = path.join(tmp, `${name}-export`);
      writeFilesAtomic(ckDir, checkpointFilesRecord(run.checkpoint()));
      const res = exportModel(ckDir, { format: 'pytorch', out: exportDir });
      assert.deepEqual(res.files.map((f) => path.basename(f)).sort(), ['model.py', 'model.safetensors', 'seqlab.json']);
      assert.equal(res.step, 6);
      const ck = loadCheckpointDir(ckDir);
      refs.push({ name, ck, tokens, exportDir });
      jobs.push({ op: 'forward', export: exportDir, tokens, out: path.join(tmp, `${name}-fwd.json`) });
      jobs.push({ op: 'train', export: exportDir, tokens, targets: tokens.map((r) => r.slice(1).concat([4])), steps: 3, seed: 11, save: path.join(tmp, `${name}-torch`), out: path.join(tmp, `${name}-torch.json`) });
    }
    python(jobs, tmp);
    for (const { name, ck, tokens, exportDir } of refs) {
      const ref = seqlabLogits(ck, tokens);
      const py = readLogits(path.join(tmp, `${name}-fwd.json`));
      assert.deepEqual(py.shape, [2, 9, ck.tokenizer.vocabSize]);
      const fwd = compare(ref, py.logits);
      // Reverse: PyTorch's own weights (its init, its Adam) → seqlab import → SeqLab's forward.
      const imported = importModel(path.join(tmp, `${name}-torch`, 'weights.safetensors'), { meta: exportDir, out: path.join(tmp, `${name}-imported`) });
      const back = loadCheckpointDir(imported.dir);
      const torchLogits = readLogits(path.join(tmp, `${name}-torch.json`));
      const rev = compare(torchLogits.logits, seqlabLogits(back, tokens));
      console.log(`      ${name} (torch ${py.torch}): export max |Δlogit| ${fwd.maxDiff.toExponential(2)}, import max |Δlogit| ${rev.maxDiff.toExponential(2)}`);
      assert.ok(fwd.ok, `${name}: exported logits differ by up to ${fwd.maxDiff}`);
      assert.ok(rev.ok, `${name}: imported logits differ by up to ${rev.maxDiff}`);
      // The torch-trained weights are not SeqLab's: the comparison above is not trivially true.
      assert.ok(compare(ref, seqlabLogits(back, tokens)).maxDiff > 1e-2);
    }
  });

  const s2sCases: [string, Seq2SeqConfig][] = [
    ['seq2seq_lstm_additive', {
      srcVocab: 12, tgtVocab: 12, embeddingSize: 8, cell: 'lstm', encoder: { hiddenSize: 10, numLayers: 2, bidirectional: true },
      decoder: { hiddenSize: 16, numLayers: 1 }, attention: 'additive', attentionSize: 9,
    }],
    ['seq2seq_gru_general', {
      srcVocab: 12, tgtVocab: 12, embeddingSize: 7, cell: 'gru', encoder: { hiddenSize: 12, numLayers: 1, bidirectional: false },
      decoder: { hiddenSize: 12, numLayers: 2 }, attention: 'general',
    }],
    // The encoder reads each source right to left within its length; location-aware scores chain step to step.
    ['seq2seq_gru_reversed_location', {
      srcVocab: 12, tgtVocab: 12, embeddingSize: 7, cell: 'gru', encoder: { hiddenSize: 8, numLayers: 2, bidirectional: false },
      decoder: { hiddenSize: 10, numLayers: 1 }, attention: 'additive', attentionSize: 6, reverseSource: true, locationKernel: 3,
    }],
  ];

  it('seq2seq with attention: export → model.py reproduces logits and attention; PyTorch-trained weights load back', () => {
    const jobs: object[] = [];
    const refs: { name: string; cfg: Seq2SeqConfig; ref: ReturnType<typeof seq2seqForward> }[] = [];
    const { B, S, T } = S2S;
    for (const [name, cfg] of s2sCases) {
      const model = new Seq2Seq(cfg);
      model.initialize(new Rng(5));
      const step = new TrainStep(model.params, { optimizer: { kind: 'adam' }, schedule: { kind: 'constant', lr: 0.01 }, clipNorm: 1 });
      for (let i = 0; i < 4; i++) {
        step.run(() => {
          model.forward(Int32Array.from(S2S.src.flat()), Int32Array.from(S2S.lengths), B, S, Int32Array.from(S2S.decIn.flat()), T, {});
          return model.lossAndBackward(Int32Array.from(S2S.targets.flat()), 'mean');
        });
      }
      const exportDir = path.join(tmp, `${name}-export`);
      const task = new Seq2SeqTask(model, buildTokenizer('char', 'abcdefgh'), { kind: 'seq2seq', config: cfg, maxTargetLength: 8 }, 5);
      if (name.includes('lstm')) {
        // The CLI path: a checkpoint as `seqlab train` writes it (engine/tasks), then `seqlab export`.
        writeFilesAtomic(path.join(tmp, `${name}-ck`), checkpointFilesRecord(taskCheckpoint(task)));
        assert.match(exportModel(path.join(tmp, `${name}-ck`), { format: 'pytorch', out: exportDir }).architecture, /^seq2seq: lstm encoder 2×10 \(bidirectional\), decoder 1×16, attention additive$/);
        assert.equal(JSON.parse(fs.readFileSync(path.join(exportDir, 'seqlab.json'), 'utf8')).architecture.maxTargetLength, 8);
      } else {
        // The engine path: the same checkpoint read back by the one reader, then its PyTorch export files.
        writeFilesAtomic(exportDir, pytorchExportFiles(readCheckpoint(taskCheckpoint(task), name)));
      }
      refs.push({ name, cfg, ref: seq2seqForward(model) });
      const inputs = { src: S2S.src, lengths: S2S.lengths, dec_in: S2S.decIn };
      jobs.push({ op: 'forward', export: exportDir, ...inputs, out: path.join(tmp, `${name}-fwd.json`) });
      jobs.push({ op: 'train', export: exportDir, ...inputs, targets: S2S.targets, steps: 2, seed: 13, save: path.join(tmp, `${name}-torch`), out: path.join(tmp, `${name}-torch.json`) });
    }
    python(jobs, tmp);
    for (const { name, cfg, ref } of refs) {
      const py = readLogits(path.join(tmp, `${name}-fwd.json`));
      assert.deepEqual(py.shape, [B, T, cfg.tgtVocab]);
      const fwd = compare(ref.logits, py.logits);
      const att = compare(ref.attention!, py.attention!);
      // Reverse: torch's weights by name into a fresh SeqLab model.
      const back = new Seq2Seq(cfg);
      const tensors = decodeSafetensors(new Uint8Array(fs.readFileSync(path.join(tmp, `${name}-torch`, 'weights.safetensors')))).tensors;
      assert.deepEqual([...tensors.keys()].sort(), back.params.entries.map((e) => e.name).sort(), 'PyTorch state_dict names = SeqLab names');
      for (const e of back.params.entries) assert.deepEqual(tensors.get(e.name)!.shape, [...e.shape], e.name);
      if (name.includes('lstm')) {
        // `seqlab import` with the export's seqlab.json, then the task loader the CLI uses for translate/eval.
        const imported = importModel(path.join(tmp, `${name}-torch`, 'weights.safetensors'), { meta: path.join(tmp, `${name}-export`), out: path.join(tmp, `${name}-imported`) });
        const task = loadTask(readCheckpointFiles(imported.dir), imported.dir);
        assert.equal(task.kind, 'seq2seq');
        back.params.load(Object.fromEntries(task.params.entries.map((e) => [e.name, task.params.value(e.name)])));
      } else {
        back.params.load(Object.fromEntries([...tensors].map(([k, v]) => [k, v.data])));
      }
      const torchOut = readLogits(path.join(tmp, `${name}-torch.json`));
      const rev = compare(torchOut.logits, seq2seqForward(back).logits);
      console.log(`      ${name}: export max |Δlogit| ${fwd.maxDiff.toExponential(2)} (attention ${att.maxDiff.toExponential(2)}), import max |Δlogit| ${rev.maxDiff.toExponential(2)}`);
      assert.ok(fwd.ok && att.ok, `${name}: exported logits/attention differ by up to ${fwd.maxDiff} / ${att.maxDiff}`);
      assert.ok(rev.ok, `${name}: imported logits differ by up to ${rev.maxDiff}`);
      assert.ok(compare(ref.logits, torchOut.logits).maxDiff > 1e-2, 'the torch-trained weights differ from SeqLab\'s');
    }
  });

  it('import infers the architecture from PyTorch shapes when given only a tokenizer', () => {
    const ck = loadCheckpointDir(path.join(tmp, 'lstm_l2-ck'));
    const tokFile = path.join(tmp, 'tok.json');
    fs.writeFileSync(tokFile, JSON.stringify(ck.meta.tokenizer));
    const r = importModel(path.join(tmp, 'lstm_l2-torch', 'weights.safetensors'), { tokenizer: tokFile, out: path.join(tmp, 'inferred') });
    assert.equal(r.architecture, 'lm: 2-layer lstm, hidden 16');
  });

  it('refuses weights of the wrong shape or vocabulary, naming the tensor, and writes nothing', () => {
    const weights = path.join(tmp, 'lstm_l2-torch', 'weights.safetensors');
    const out = path.join(tmp, 'never');
    assert.throws(() => importModel(weights, { meta: path.join(tmp, 'gru_l2-export'), out }),
      (e: Error) => e instanceof CheckpointError && /tensor rnn\.weight_ih_l0 has shape \[64, 10\], the architecture needs \[48, 10\]/.test(e.message));
    const badTok = path.join(tmp, 'badtok.json');
    fs.writeFileSync(badTok, JSON.stringify({ kind: 'char', version: 1, symbols: ['a', 'b'] }));
    assert.throws(() => importModel(weights, { tokenizer: badTok, out }), /vocabulary mismatch: the tokenizer has 6 tokens, the model was built for \d+ \(architecture\.config\.vocabSize\)/);
    assert.throws(() => exportModel(path.join(tmp, 'nowhere'), { format: 'pytorch', out }), /is not a checkpoint directory/);
    assert.equal(fs.existsSync(out), false);
  });
});
