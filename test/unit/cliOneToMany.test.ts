// `seqlab train --task one-to-many`, `seqlab generate DIR --label L --n N` and `seqlab eval` as real processes
// (node dist/cli.js; run `npm run build` first): a model trained on label<TAB>text lines where each label's words
// share a first letter writes words with its label's letter; eval reports loss and label accuracy; every misuse is
// one line with the documented exit status (2 bad usage, 1 bad files or data).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scratchDir } from './scratchDir';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const { dir: tmp, file } = scratchDir('seqlab-one-to-many-');

function cli(...argv: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...argv], { encoding: 'utf8', cwd: tmp, timeout: 120000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Label-first lines: "north" words start with n, "south" words with s; a fixed, varied pattern (no RNG needed). */
function lines(n: number, offset: number): string {
  const mid = ['ar', 'ol', 'ek', 'um', 'ip', 'av', 'ot', 'ez'];
  let out = '';
  for (let i = 0; i < n; i++) {
    const k = i + offset, label = k % 2 ? 'south' : 'north';
    out += `${label}\t${label[0]}${mid[k % 8]}${mid[(k * 5 + 3) % 8].slice(0, 1 + (k % 2))}${'aeiou'[k % 5]}\n`;
  }
  return out;
}

describe('seqlab one-to-many as a process', function () {
  this.timeout(180000);
  const model = path.join(tmp, 'm');

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`);
    file('words.tsv', lines(200, 0));
    file('valid.tsv', lines(40, 1000));
    const r = cli('train', '--task', 'one-to-many', '--data', 'words.tsv', '--valid', 'valid.tsv', '--out', model,
      '--steps', '250', '--hidden', '32', '--embedding', '16', '--lr', '0.01', '--batch', '16', '--json');
    assert.equal(r.code, 0, r.err);
    const done = JSON.parse(r.out.trim().split('\n').pop()!) as { type: string; task: string; valid: { task: string; label_accuracy: number; loss: number } };
    assert.equal(done.type, 'done');
    assert.equal(done.valid.task, 'one-to-many');
    assert.ok(done.valid.label_accuracy >= 0.9, JSON.stringify(done.valid));
  });

  it('generate --label writes --n texts in the style of that label, reproducibly by --seed', () => {
    for (const label of ['north', 'south']) {
      const r = cli('generate', model, '--label', label, '--n', '10', '--seed', '4');
      assert.equal(r.code, 0, r.err);
      const texts = r.out.trimEnd().split('\n');
      assert.equal(texts.length, 10);
      const own = texts.filter((t) => t.startsWith(label[0])).length;
      assert.ok(own >= 9, `${label}: ${texts.join(' ')}`);
      assert.equal(cli('generate', model, '--label', label, '--n', '10', '--seed', '4').out, r.out);
    }
    const greedy = cli('generate', model, '--label', 'south', '--temperature', '0', '--json');
    assert.equal(greedy.code, 0, greedy.err);
    const j = JSON.parse(greedy.out) as { label: string; samples: { text: string; log_prob: number; finished: boolean }[] };
    assert.equal(j.label, 'south');
    assert.equal(j.samples.length, 1);
    assert.ok(j.samples[0].text.startsWith('s') && j.samples[0].finished && j.samples[0].log_prob < 0, greedy.out);
  });

  it('eval reports loss and label accuracy on label<TAB>text data', () => {
    const r = cli('eval', model, '--data', 'valid.tsv', '--json', '--limit', '10');
    assert.equal(r.code, 0, r.err);
    const e = JSON.parse(r.out) as Record<string, number | string>;
    assert.deepEqual(Object.keys(e), ['task', 'examples', 'tokens', 'loss', 'label_accuracy']);
    assert.equal(e.task, 'one-to-many');
    assert.equal(e.examples, 10);
    assert.ok((e.label_accuracy as number) >= 0.9 && (e.loss as number) > 0, r.out);
  });

  it('import takes the weights back with their seqlab.json, and the imported model writes the same text', () => {
    const imported = path.join(tmp, 'imported');
    const r = cli('import', path.join(model, 'model.safetensors'), '--out', imported);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^imported one-to-many: 1-layer lstm, hidden 32, 2 labels into /);
    const greedy = (dir: string): string => cli('generate', dir, '--label', 'north', '--temperature', '0').out;
    assert.equal(greedy(imported), greedy(model));
  });

  it('misuse is one line with exit 2 (usage) or 1 (files, data, models)', () => {
    file('bad.tsv', 'north\tnaro\nno tab on this line\n');
    file('gamma.tsv', 'north\tnaro\ngamma\tgo\n');
    const cases: [string[], number, RegExp][] = [
      [['train', '--task', 'one-to-many', '--data', 'bad.tsv', '--out', 'x'], 1, /^seqlab: bad\.tsv:2: expected "label<TAB>text" but found no tab in "no tab on this line"$/],
      [['train', '--task', 'one-to-many', '--data', 'words.tsv', '--out', 'x', '--bidirectional'], 2, /^seqlab: train: --bidirectional is read by --task seq2seq, classify or tag, not by one-to-many/],
      [['train', '--task', 'one-to-many', '--data', 'words.tsv', '--out', 'x', '--attention', 'dot'], 2, /^seqlab: train: --attention is read by --task seq2seq, not by one-to-many$/],
      // The held-out file is checked before training, not after it.
      [['train', '--task', 'one-to-many', '--data', 'words.tsv', '--valid', 'gamma.tsv', '--out', 'x'], 1, /^seqlab: gamma\.tsv: label "gamma" is not one the model was trained on \(it knows north, south\)$/],
      [['eval', model, '--data', 'gamma.tsv'], 1, /^seqlab: gamma\.tsv: label "gamma" is not one the model was trained on/],
      [['eval', model, '--data', 'valid.tsv', '--words', '5'], 2, /^seqlab: eval: --words counts next-word accuracy of a language model; \S+ holds a one-to-many model$/],
      [['generate', model, '--label', 'east'], 2, /^seqlab: generate: --label "east" is not a label of the model in \S+; it knows "north", "south"$/],
      [['generate', model, '--prompt', 'no'], 2, /^seqlab: generate: \S+ holds a one-to-many model, which writes from a label: give --label \(one of "north", "south"\) instead of --prompt$/],
      [['generate', model, '--label', 'north', '--prompt', 'no'], 2, /^seqlab: generate: give --label .* or --prompt .*, not both$/],
      [['generate', model, '--label', 'north', '--n', '3', '--temperature', '0'], 2, /^seqlab: generate: --n 3 asks for 3 samples, but --temperature 0 decodes deterministically/],
      [['generate', model, '--label', 'north', '--n', '3', '--beam', '2'], 2, /^seqlab: generate: --n 3 asks for 3 samples, but --beam 2 decodes deterministically/],
      [['generate', model, '--n', '3', '--prompt', 'no'], 2, /^seqlab: generate: --n draws several texts from a one-to-many model and needs --label/],
      [['translate', model, '--input', 'no'], 2, /^seqlab: translate: \S+ holds a one-to-many model; translate needs a seq2seq model$/],
      [['export', model, '--out', 'ex'], 1, /^seqlab: export: \S+ holds a one-to-many model; PyTorch export covers lm and seq2seq models$/],
    ];
    for (const [argv, code, re] of cases) {
      const r = cli(...argv);
      assert.equal(r.code, code, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err.trimEnd(), re, argv.join(' '));
      assert.equal(r.err.trimEnd().split('\n').length, 1, r.err);
    }
    assert.ok(!fs.existsSync(path.join(tmp, 'x')), 'a refused run wrote no model');
    // Columns the other way round (text<TAB>label) still train, with a one-line warning naming the file.
    file('swapped.tsv', lines(40, 0).split('\n').filter(Boolean).map((l) => l.split('\t').reverse().join('\t')).join('\n'));
    const r = cli('train', '--task', 'one-to-many', '--data', 'swapped.tsv', '--out', 'sw', '--steps', '1');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err.trimEnd(), /^seqlab: warning: swapped\.tsv: \d+ distinct labels in 40 lines; each line is read as label<TAB>text, the label first: is the file written text<TAB>label\?$/);
  });
});
