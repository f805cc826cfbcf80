// Checkpoints: the safetensors layout byte for byte (against a hand-built file), round trips of weights,
// optimizer moments and RNG, and every bad-checkpoint case with the message the user sees. Loading a bad
// checkpoint must throw before touching the live model.
import * as assert from 'node:assert/strict';
import {
  CheckpointError, loadWeights, modelFromCheckpoint, readCheckpoint, writeCheckpoint, type CheckpointFiles,
} from '../../src/engine/checkpoint';
import { decodeSafetensors, encodeSafetensors } from '../../src/engine/safetensors';
import { parseTaskData } from '../../src/engine/run/data';
import { TrainingRun } from '../../src/engine/run/run';
import type { LmTask } from '../../src/engine/tasks/lmTask';
import { smallConfig } from './worker.test';

const TEXT = 'abcabcabd the cat sat on the mat\n'.repeat(20);

const DATA = parseTaskData('lm', [{ source: 'text', text: TEXT }]);

function trained(): { run: TrainingRun; task: LmTask; files: CheckpointFiles } {
  const run = TrainingRun.create(smallConfig({ validEvery: 0 }), DATA);
  for (let i = 0; i < 3; i++) run.trainStep();
  return { run, task: run.task as LmTask, files: run.checkpoint({ name: 'test' }) };
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CheckpointError, `expected a CheckpointError, got ${(e as Error).name}: ${(e as Error).message}`);
    return e.message;
  }
  return assert.fail('no error thrown');
}

/** The files as an older SeqLab (or an import) wrote them: no checksums, so the decoder's own checks are reached. */
function unchecked(files: CheckpointFiles): CheckpointFiles {
  return patchMeta(files, (m) => { delete m.checksums; });
}

function patchMeta(files: CheckpointFiles, edit: (m: Record<string, any>) => void): CheckpointFiles {
  const m = JSON.parse(files.meta) as Record<string, any>;
  edit(m);
  return { ...files, meta: JSON.stringify(m) };
}

describe('checkpoints', () => {
  it('writes the safetensors layout exactly: u64 LE header length, space-padded JSON, F32 LE data', () => {
    const bytes = encodeSafetensors([{ name: 'a', shape: [2], data: [1, -2] }, { name: 'b', shape: [1, 1], data: [0.5] }], { format: 'pt' });
    const json = '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}';
    const padded = json + ' '.repeat((8 - (json.length % 8)) % 8);
    const expected = Buffer.concat([
      (() => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(padded.length)); return b; })(),
      Buffer.from(padded), (() => { const b = Buffer.alloc(12); b.writeFloatLE(1, 0); b.writeFloatLE(-2, 4); b.writeFloatLE(0.5, 8); return b; })(),
    ]);
    assert.deepEqual(Buffer.from(bytes), expected);
    const back = decodeSafetensors(bytes);
    assert.deepEqual(back.metadata, { format: 'pt' });
    assert.deepEqual([...back.tensors.get('b')!.data], [0.5]);
  });

  it('reads F64, F16 and BF16 tensors that other writers produce', () => {
    const json = '{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"g":{"dtype":"BF16","shape":[1],"data_offsets":[12,14]}}';
    const head = Buffer.alloc(8);
    head.writeBigUInt64LE(BigInt(json.length));
    const data = Buffer.alloc(14);
    data.writeDoubleLE(0.1, 0);
    data.writeUInt16LE(0x3c00, 8); // 1.0
    data.writeUInt16LE(0xc000, 10); // -2.0
    data.writeUInt16LE(0x3fc0, 12); // bf16 1.5
    const t = decodeSafetensors(new Uint8Array(Buffer.concat([head, Buffer.from(json), data]))).tensors;
    assert.equal(t.get('x')!.data[0], Math.fround(0.1));
    assert.deepEqual([...t.get('h')!.data], [1, -2]);
    assert.deepEqual([...t.get('g')!.data], [1.5]);
  });

  it('round-trips weights, optimizer moments, RNG state and the tokenizer', () => {
    const { run, task, files } = trained();
    const ck = readCheckpoint(files);
    assert.equal(ck.meta.engineVersion, '0.1.0');
    assert.equal(ck.meta.info['name'], 'test');
    assert.deepEqual([...modelFromCheckpoint(ck).params.data], [...task.model.params.data]);
    const st = run.parts.core.optimizer.state();
    assert.equal(ck.training!.optimizerState.stepCount, 3);
    for (const m of Object.keys(st.moments)) assert.deepEqual([...ck.training!.optimizerState.moments[m]], [...st.moments[m]]);
    assert.deepEqual(ck.training!.rng, run.parts.rng.getState());
    assert.equal(ck.tokenizer.decode(ck.tokenizer.encode('the cat')), 'the cat');
    assert.deepEqual(Object.keys(ck.meta.tensors).slice(0, 2), ['embedding.weight', 'rnn.weight_ih_l0']);
  });

  describe('bad checkpoints get a clear error', () => {
    const { files } = trained();
    const cases: [string, () => CheckpointFiles, RegExp][] = [
      ['a truncated model.safetensors (caught by its checksum)', () => ({ ...files, model: files.model.subarray(0, files.model.length - 10) }), /runs\/r1\/ck\/model\.safetensors is corrupt: its CRC-32 is [0-9a-f]{8}, seqlab\.json recorded/],
      ['a truncated model.safetensors', () => unchecked({ ...files, model: files.model.subarray(0, files.model.length - 10) }), /model\.safetensors is truncated: tensor head\.bias ends at byte \d+ of a \d+-byte data block/],
      ['a model.safetensors cut inside its header', () => unchecked({ ...files, model: files.model.subarray(0, 40) }), /truncated: the header needs \d+ bytes/],
      ['a file that is not safetensors', () => unchecked({ ...files, model: new TextEncoder().encode('PK\u0003\u0004 zip data here') }), /is not a safetensors file/],
      ['a corrupt header', () => { const m = files.model.slice(); m[9] = 0x7d; return unchecked({ ...files, model: m }); }, /has a corrupt header/],
      ['seqlab.json that is not JSON', () => ({ ...files, meta: files.meta.slice(0, 50) }), /seqlab\.json is not valid JSON \(truncated or corrupt\)/],
      ['the wrong magic', () => patchMeta(files, (m) => { m.format = 'keras'; }), /is not a SeqLab checkpoint \(no "format": "seqlab-checkpoint"\)/],
      ['a newer version', () => patchMeta(files, (m) => { m.version = 99; }), /checkpoint version 99; this SeqLab \(engine 0\.1\.0\) reads version 1: update SeqLab/],
      ['a bad architecture', () => patchMeta(files, (m) => { m.architecture.config.rnn.cell = 'transformer'; }), /rnn\.cell must be one of lstm, gru, rnn_tanh, rnn_relu/],
      ['a shape mismatch', () => patchMeta(files, (m) => { m.architecture.config.rnn.hiddenSize = 13; }), /tensor rnn\.weight_ih_l0 has shape \[48, 8\], the architecture needs \[52, 8\]/],
      ['a vocabulary mismatch', () => patchMeta(files, (m) => { m.tokenizer.symbols.pop(); }), /vocabulary mismatch: the tokenizer has \d+ tokens, the model was built for \d+/],
      ['a broken tokenizer', () => patchMeta(files, (m) => { m.tokenizer.kind = 'sentencepiece'; }), /tokenizer JSON has unknown kind "sentencepiece"/],
      ['a missing training state', () => ({ model: files.model, meta: files.meta }), /training\.safetensors is missing/],
      ['missing optimizer moments', () => unchecked({ ...files, state: encodeSafetensors([]) }), /tensor optim\.exp_avg\.embedding\.weight is missing/],
      ['an extra tensor', () => {
        const t = decodeSafetensors(files.model).tensors;
        return unchecked({ ...files, model: encodeSafetensors([...[...t].map(([name, v]) => ({ name, ...v })), { name: 'decoder.weight', shape: [1], data: [0] }]) });
      }, /unexpected tensor decoder\.weight \(not part of this architecture\)/],
    ];
    for (const [what, make, message] of cases) {
      it(what, () => {
        const msg = errorOf(() => readCheckpoint(make(), 'runs/r1/ck'));
        assert.match(msg, message);
        assert.ok(msg.includes('runs/r1/ck'), `the message names the checkpoint: ${msg}`);
      });
    }
  });

  it('overwrites nothing when the weights do not fit: the live model keeps its values', () => {
    const { run, task } = trained();
    const before = Float32Array.from(task.model.params.data);
    const weights = new Map<string, Float32Array>();
    for (const e of task.model.params.entries) weights.set(e.name, new Float32Array(e.size).fill(9));
    weights.set('head.bias', new Float32Array(3)); // the last tensor is wrong: nothing may be written before it is checked
    assert.throws(() => loadWeights(task.model.params, weights), /head\.bias is 3 values, expected \d+/);
    assert.deepEqual(task.model.params.data, before);
    const bad = patchMeta(run.checkpoint(), (m) => { m.version = 2; });
    assert.throws(() => TrainingRun.resume(bad, DATA), CheckpointError);
  });

  it('a checkpoint without training state (an export) cannot resume, and says why', () => {
    const { task } = trained();
    const files = writeCheckpoint({ architecture: task.architecture, params: task.model.params, tokenizer: task.tokenizer, seed: 1 });
    assert.throws(() => TrainingRun.resume(files, DATA), /holds no training state \(it was exported or imported\)/);
  });
});
