// Checkpoint integrity with real files and real processes (node dist/cli.js; run `npm run build` first):
// a NaN or ±Inf weight is refused on load, import and export for every kind of model, naming the tensor and
// the first bad index; a flipped byte anywhere in a safetensors file is caught by the CRC-32 that seqlab.json
// records; a checkpoint written before checksums existed still loads.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { CheckpointError, readCheckpoint, writeCheckpoint } from '../../src/engine/checkpoint';
import { crc32 } from '../../src/engine/checkpoint/integrity';
import { LanguageModel } from '../../src/engine/lm';
import { Rng } from '../../src/engine/rng';
import { CharTokenizer } from '../../src/engine/tokenize/tokenizer';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** Overwrites value `index` of tensor `name` in DIR/model.safetensors; `keepChecksum` false recomputes nothing and drops it. */
function poke(dir: string, name: string, index: number, value: number, dropChecksums = true): void {
  const file = path.join(dir, 'model.safetensors'), b = fs.readFileSync(file);
  const n = Number(b.readBigUInt64LE(0)), header = JSON.parse(b.subarray(8, 8 + n).toString());
  assert.ok(header[name], `no tensor ${name}`);
  b.writeFloatLE(value, 8 + n + header[name].data_offsets[0] + 4 * index);
  fs.writeFileSync(file, b);
  if (dropChecksums) {
    const metaFile = path.join(dir, 'seqlab.json'), meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    delete meta.checksums; // as a PyTorch-written file or an older SeqLab would have it: only finiteness can catch the value
    fs.writeFileSync(metaFile, JSON.stringify(meta));
  }
}

describe('checkpoint integrity: non-finite weights, checksums', function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-integrity-'));
  const copy = (from: string, name: string): string => {
    const to = path.join(tmp, name);
    fs.rmSync(to, { recursive: true, force: true });
    fs.cpSync(from, to, { recursive: true });
    return to;
  };
  const tiny = ['--hidden', '8', '--embedding', '4', '--steps', '2', '--batch', '2'];
  // kind → [checkpoint dir, a command that loads it, a tensor of that kind's model]
  const models: Record<string, { dir: string; use: (dir: string) => string[]; tensor: string }> = {};

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`);
    const lm = path.join(tmp, 'lm.txt'), pairs = path.join(tmp, 'pairs.tsv'), cls = path.join(tmp, 'cls.tsv'), tags = path.join(tmp, 'tags.conll');
    fs.writeFileSync(lm, 'the cat sat on the mat. '.repeat(20));
    fs.writeFileSync(pairs, 'abc\tcba\nabd\tdba\nbcd\tdcb\n'.repeat(4));
    fs.writeFileSync(cls, 'A\tapple\nZ\tzebra\nA\tamber\nZ\tzinc\n'.repeat(3));
    fs.writeFileSync(tags, 'the\tDET\ncat\tNOUN\n\na\tDET\ndog\tNOUN\n\n'.repeat(3));
    const train = (task: string, data: string, extra: string[] = []): string => {
      const dir = path.join(tmp, `ck-${task}`);
      const r = cli('train', '--task', task, '--data', data, '--out', dir, ...tiny, ...extra);
      assert.equal(r.status, 0, r.stderr);
      return dir;
    };
    models.lm = { dir: train('lm', lm, ['--seq-len', '8']), use: (d) => ['generate', d, '--prompt', 'the', '--max', '5'], tensor: 'head.bias' };
    models.seq2seq = { dir: train('seq2seq', pairs, ['--attention', 'additive']), use: (d) => ['translate', d, '--input', 'abc'], tensor: 'decoder.weight_hh_l0' };
    models.classify = { dir: train('classify', cls), use: (d) => ['classify', d, '--input', 'amp'], tensor: 'head.weight' };
    models.tag = { dir: train('tag', tags), use: (d) => ['classify', d, '--input', 'the dog'], tensor: 'embedding.weight' };
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('CRC-32 is zlib\'s (the check value of "123456789" is cbf43926)', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
    // And on real checkpoint files, against Node's own zlib binding where it has one (Node ≥ 20.15).
    const zlibCrc = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
    for (const m of Object.values(models)) {
      const bytes = new Uint8Array(fs.readFileSync(path.join(m.dir, 'model.safetensors')));
      const recorded = JSON.parse(fs.readFileSync(path.join(m.dir, 'seqlab.json'), 'utf8')).checksums['model.safetensors'];
      assert.equal(recorded, `crc32:${crc32(bytes).toString(16).padStart(8, '0')}`);
      if (zlibCrc) assert.equal(crc32(bytes), zlibCrc(bytes));
    }
  });

  for (const kind of ['lm', 'seq2seq', 'classify', 'tag']) {
    for (const [label, value] of [['NaN', NaN], ['+Inf', Infinity], ['-Inf', -Infinity]] as const) {
      it(`${kind}: a ${label} weight is refused on load${kind === 'lm' || kind === 'seq2seq' ? ' and on export' : ''}, naming the tensor and index`, () => {
        const m = models[kind], dir = copy(m.dir, `bad-${kind}`);
        poke(dir, m.tensor, 1, value);
        const shown = label === 'NaN' ? 'NaN' : label === '+Inf' ? 'Infinity' : '-Infinity';
        const want = `seqlab: ${dir}/model.safetensors: tensor ${m.tensor} holds ${shown} at index 1 `;
        const exportable = kind === 'lm' || kind === 'seq2seq'; // PyTorch export covers these two kinds
        for (const args of [m.use(dir), ['eval', dir, '--data', path.join(tmp, 'lm.txt')], ...(exportable ? [['export', dir, '--out', path.join(tmp, `exp-${kind}`)]] : [])]) {
          const r = cli(...args);
          assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
          assert.equal(r.stdout, '');
          assert.ok(r.stderr.startsWith(want) && r.stderr.endsWith('\n') && r.stderr.split('\n').length === 2, `${args[0]}: ${r.stderr}`);
        }
        assert.ok(!fs.existsSync(path.join(tmp, `exp-${kind}`)), 'export wrote files for a bad model');
      });
    }
  }

  it('import refuses non-finite weights (architecture inferred, or from a seqlab.json), naming the tensor', () => {
    const lm = copy(models.lm.dir, 'imp-lm');
    poke(lm, 'rnn.weight_ih_l0', 5, NaN);
    const tok = path.join(tmp, 'tok.json');
    fs.writeFileSync(tok, JSON.stringify(JSON.parse(fs.readFileSync(path.join(lm, 'seqlab.json'), 'utf8')).tokenizer));
    let r = cli('import', path.join(lm, 'model.safetensors'), '--tokenizer', tok, '--out', path.join(tmp, 'imp-lm-out'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^seqlab: cannot import .*model\.safetensors: tensor rnn\.weight_ih_l0 holds NaN at index 5 \(of \d+\)[^\n]*\n$/);
    const s2s = copy(models.seq2seq.dir, 'imp-s2s');
    poke(s2s, 'encoder.weight_ih_l0', 0, -Infinity, false); // the seqlab.json's checksum is not the weights' (import drops it)
    r = cli('import', path.join(s2s, 'model.safetensors'), '--meta', s2s, '--out', path.join(tmp, 'imp-s2s-out'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^seqlab: .*model\.safetensors: tensor encoder\.weight_ih_l0 holds -Infinity at index 0 /);
    assert.ok(!fs.existsSync(path.join(tmp, 'imp-lm-out')) && !fs.existsSync(path.join(tmp, 'imp-s2s-out')));
  });

  it('a flipped byte in model.safetensors (data or header) is caught by the checksum, for every kind', () => {
    for (const kind of Object.keys(models)) {
      for (const where of ['data', 'header']) {
        const dir = copy(models[kind].dir, `flip-${kind}`);
        const file = path.join(dir, 'model.safetensors'), b = fs.readFileSync(file);
        const at = where === 'data' ? b.length - 3 : 9 + (b.readUInt32LE(0) >> 1);
        b[at] ^= 0x10;
        fs.writeFileSync(file, b);
        const r = cli(...models[kind].use(dir));
        assert.equal(r.status, 1, `${kind} ${where}: ${r.stderr}`);
        assert.match(r.stderr, /^seqlab: .*flip-\w+\/model\.safetensors is corrupt: its CRC-32 is [0-9a-f]{8}, seqlab\.json recorded [0-9a-f]{8} \(changed bytes or an incomplete copy\)\n$/);
      }
    }
  });

  it('seqlab.json edits that keep it valid JSON are caught by its own checksum, for every kind; re-indenting is not an edit', () => {
    // Each edit changes what the model answers (or what it claims) without breaking any field check.
    const edits: Record<string, (m: Record<string, any>) => string> = {
      'a tokenizer entry': (m) => JSON.stringify(m).replace(/("(?:symbols|tokens)":\s*\[\s*)"[^"]*"/, '$1"\u00e9"'),
      'info.steps': (m) => JSON.stringify({ ...m, info: { ...m.info, steps: Number(m.info.steps) + 1 } }),
      'an extra field': (m) => JSON.stringify({ ...m, note: 'hand-edited' }),
      'a duplicate key whose last value differs': (m) => JSON.stringify(m).replace('"seed":', `"seed": ${m.seed},"seed": ${m.seed + 1},"ignored":`),
      'labels reordered': (m) => JSON.stringify(m.architecture.labels ? { ...m, architecture: { ...m.architecture, labels: [...m.architecture.labels].reverse() } } : { ...m, seed: m.seed + 2 }),
    };
    for (const kind of Object.keys(models)) {
      const original = JSON.parse(fs.readFileSync(path.join(models[kind].dir, 'seqlab.json'), 'utf8'));
      assert.match(original.checksums['seqlab.json'], /^crc32:[0-9a-f]{8}$/, `${kind}: seqlab.json records its own checksum`);
      for (const [label, edit] of Object.entries(edits)) {
        const dir = copy(models[kind].dir, `meta-${kind}`);
        const text = edit(JSON.parse(fs.readFileSync(path.join(dir, 'seqlab.json'), 'utf8')));
        assert.ok(JSON.parse(text), 'still valid JSON');
        fs.writeFileSync(path.join(dir, 'seqlab.json'), text);
        const r = cli(...models[kind].use(dir));
        assert.equal(r.status, 1, `${kind}, ${label}: ${r.stderr}`);
        assert.match(r.stderr, /^seqlab: .*meta-\w+\/seqlab\.json was changed after it was saved: the CRC-32 of its content is [0-9a-f]{8}, checksums\.seqlab\.json recorded [0-9a-f]{8} \(delete that entry to load an edit made on purpose\)\n$/, `${kind}, ${label}`);
      }
      // Re-indented with keys sorted: the same content, so it loads; without its entry an edit made on purpose loads.
      const dir = copy(models[kind].dir, `meta-${kind}`), file = path.join(dir, 'seqlab.json');
      const sortKeys = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().reverse().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v);
      fs.writeFileSync(file, JSON.stringify(sortKeys(original), null, 7));
      assert.equal(cli(...models[kind].use(dir)).status, 0, `${kind}: re-indented and keys reordered`);
      fs.writeFileSync(file, JSON.stringify({ ...original, seed: original.seed + 1, checksums: { 'model.safetensors': original.checksums['model.safetensors'] } }));
      assert.equal(cli(...models[kind].use(dir)).status, 0, `${kind}: an edit with the seqlab.json entry removed`);
    }
  });

  it('an export folder\'s seqlab.json (lm and seq2seq) records its own checksum too: loads as written, refused once edited', () => {
    for (const kind of ['lm', 'seq2seq']) {
      const out = path.join(tmp, `export-${kind}`);
      fs.rmSync(out, { recursive: true, force: true });
      assert.equal(cli('export', models[kind].dir, '--out', out).status, 0);
      const file = path.join(out, 'seqlab.json'), meta = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.match(meta.checksums['seqlab.json'], /^crc32:[0-9a-f]{8}$/, kind);
      assert.equal(cli(...models[kind].use(out)).status, 0, `${kind}: the export loads`);
      fs.writeFileSync(file, JSON.stringify({ ...meta, seed: meta.seed + 1 }));
      const r = cli(...models[kind].use(out));
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /seqlab\.json was changed after it was saved/, kind);
    }
  });

  it('a seqlab.json nesting a value too deeply to serialise is refused in one line, not a stack overflow', () => {
    for (const kind of ['lm', 'classify']) {
      const dir = copy(models[kind].dir, `deep-${kind}`), file = path.join(dir, 'seqlab.json');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"info":', `"deep": ${'['.repeat(200_000)}${']'.repeat(200_000)}, "info":`));
      const r = cli(...models[kind].use(dir));
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^seqlab: .*deep-\w+\/seqlab\.json: a value nests too deeply to check the file's checksum\n$/);
    }
  });

  it('a checkpoint without checksums (older SeqLab) still loads; a malformed checksum is named', () => {
    const dir = copy(models.classify.dir, 'old-format');
    const metaFile = path.join(dir, 'seqlab.json'), meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    assert.match(meta.checksums['model.safetensors'], /^crc32:[0-9a-f]{8}$/);
    delete meta.checksums;
    fs.writeFileSync(metaFile, JSON.stringify(meta));
    assert.equal(cli(...models.classify.use(dir)).status, 0);
    meta.checksums = { 'model.safetensors': 'md5:abc' };
    fs.writeFileSync(metaFile, JSON.stringify(meta));
    assert.match(cli(...models.classify.use(dir)).stderr, /checksums\.model\.safetensors must be "crc32:<8 hex digits>", got "md5:abc"/);
  });

  it('training.safetensors: checksummed, and a non-finite optimizer moment is refused by name', () => {
    const tok = CharTokenizer.build('abcdef');
    const arch = { kind: 'lm' as const, config: { vocabSize: tok.vocabSize, embeddingSize: 3, rnn: { cell: 'gru' as const, hiddenSize: 4, numLayers: 1, bidirectional: false, merge: 'concat' as const, dropout: 0 } } };
    const model = new LanguageModel(arch.config);
    model.initialize(new Rng(1));
    const m = new Float32Array(model.params.size), v = new Float32Array(model.params.size);
    const training = { optimizer: { kind: 'adam' as const }, optimizerState: { kind: 'adam' as const, stepCount: 3, moments: { m, v } }, rng: [1, 2, 3, 4] as [number, number, number, number], extra: {}, buffers: {} };
    const files = writeCheckpoint({ architecture: arch, params: model.params, tokenizer: tok, seed: 1, training });
    assert.ok(readCheckpoint(files).training);
    const flipped = { ...files, state: files.state!.slice() };
    flipped.state[flipped.state.length - 1] ^= 1;
    assert.throws(() => readCheckpoint(flipped, 'ck'), /^CheckpointError: ck\/training\.safetensors is corrupt: its CRC-32 is/);
    v[7] = NaN;
    assert.throws(() => writeCheckpoint({ architecture: arch, params: model.params, tokenizer: tok, seed: 1, training }), /tensor optim\.v\.\S+ holds NaN/, 'the writer refuses it');
    // So the file is crafted: a finite marker value written, its four bytes turned into a NaN, the CRC re-recorded.
    v[7] = 12345.5;
    const good = writeCheckpoint({ architecture: arch, params: model.params, tokenizer: tok, seed: 1, training });
    const state = good.state!.slice(), marker = Buffer.from(Float32Array.of(12345.5).buffer), at = Buffer.from(state).indexOf(marker);
    assert.ok(at > 0, 'the marker is in training.safetensors');
    state.set(new Uint8Array(Float32Array.of(NaN).buffer), at);
    const meta = JSON.parse(good.meta);
    meta.checksums['training.safetensors'] = `crc32:${crc32(state).toString(16).padStart(8, '0')}`;
    const nan = { ...good, state, meta: JSON.stringify(meta) };
    assert.throws(() => readCheckpoint(nan, 'ck'), (e: Error) => e instanceof CheckpointError && /^ck\/training\.safetensors: tensor optim\.v\.\S+ holds NaN at index \d+/.test(e.message));
  });
});
