// The `seqlab` CLI end to end through main(argv, io) (the function dist/cli.js runs): train a few steps of
// every task on tiny seeded data into temp dirs, then eval / generate / complete / translate / classify / data,
// and every bad-argument and bad-file case: one line "seqlab: …" on stderr, nothing on stdout, exit ≠ 0.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(...argv: string[]): Promise<Run> {
  const r = { out: '', err: '' };
  const io: CliIO = { out: (t) => void (r.out += t), err: (t) => void (r.err += t), tty: false, now: () => performance.now() };
  const code = await main(argv, io);
  return { code, ...r };
}

async function ok(...argv: string[]): Promise<string> {
  const r = await run(...argv);
  assert.equal(r.code, 0, `seqlab ${argv.join(' ')} failed: ${r.err}`);
  return r.out;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-cli-'));
const file = (name: string, text: string | Buffer): string => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
};
const LN2 = Math.log(2);

describe('seqlab CLI', function () {
  this.timeout(20000);
  const tiny = ['--hidden', '24', '--embedding', '8', '--seed', '3'];
  const lmText = file('lm.txt', 'the cat sat on the mat. the dog sat on the log. '.repeat(40));
  const lmDir = path.join(tmp, 'lm');
  const s2sDir = path.join(tmp, 's2s');
  const clsDir = path.join(tmp, 'cls');
  const tagDir = path.join(tmp, 'tag');
  let revTrain = '';

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('data: seeded demo pairs, one source<TAB>target line each, reproducible', async () => {
    const a = await ok('data', 'reverse', '--n', '6', '--seed', '5');
    assert.equal(a, await ok('data', 'reverse', '--n', '6', '--seed', '5'));
    assert.notEqual(a, await ok('data', 'reverse', '--n', '6', '--seed', '6'));
    const lines = a.trim().split('\n');
    assert.equal(lines.length, 6);
    for (const l of lines) {
      const [s, t] = l.split('\t');
      assert.equal(t, [...s].reverse().join(''));
      assert.ok(s.length >= 5 && s.length <= 20);
    }
    const d = (await ok('data', 'dates', '--n', '3', '--seed', '1')).trim().split('\n');
    for (const l of d) assert.match(l.split('\t')[1], /^\d{4}-\d{2}-\d{2}$/);
    revTrain = file('rev.tsv', await ok('data', 'reverse', '--n', '300', '--seed', '1', '--min-len', '3', '--max-len', '6'));
    const held = (await ok('data', 'reverse', '--n', '20', '--seed', '2', '--min-len', '3', '--max-len', '6', '--exclude', revTrain)).trim().split('\n');
    const train = new Set(fs.readFileSync(revTrain, 'utf8').trim().split('\n').map((l) => l.split('\t')[0]));
    for (const l of held) assert.ok(!train.has(l.split('\t')[0]), 'a held-out source is in the training set');
  });

  it('train lm: JSON progress lines, loss falls, checkpoint files written', async () => {
    const out = await ok('train', '--task', 'lm', '--data', lmText, '--out', lmDir, '--steps', '60', '--seq-len', '16', '--batch', '4', '--lr', '0.01', ...tiny, '--json');
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].type, 'start');
    const steps = lines.filter((l) => l.type === 'step');
    const done = lines[lines.length - 1];
    assert.equal(done.type, 'done');
    assert.equal(done.steps, 60);
    assert.ok(steps[0].lastLoss > 2 && done.loss < steps[0].lastLoss * 0.7, `loss ${steps[0].lastLoss} → ${done.loss}`);
    for (const f of ['model.safetensors', 'seqlab.json']) assert.ok(fs.existsSync(path.join(lmDir, f)), f);
  });

  it('eval lm --json: the issue\'s fields; bits per char = loss / ln 2 for a char model', async () => {
    const e = JSON.parse(await ok('eval', lmDir, '--data', lmText, '--json', '--words', '50'));
    assert.deepEqual(Object.keys(e).slice(0, 6), ['task', 'tokens', 'loss', 'bits_per_char', 'next_word_top1', 'next_word_top3']);
    assert.equal(e.task, 'lm');
    assert.equal(e.tokens, fs.readFileSync(lmText, 'utf8').length - 1);
    assert.ok(Math.abs(e.bits_per_char - e.loss / LN2) < 1e-9);
    assert.ok(e.loss > 0 && e.loss < 2.5, `loss ${e.loss}`);
    assert.ok(e.next_word_top1 >= 0 && e.next_word_top1 <= e.next_word_top3 && e.next_word_top3 <= 1);
    assert.equal(e.words, 50);
  });

  it('generate: greedy continues the prompt deterministically; sampling is seeded', async () => {
    const g = await ok('generate', lmDir, '--prompt', 'the c', '--max', '12', '--temperature', '0');
    assert.ok(g.startsWith('the c'));
    assert.equal(g.length, 'the c'.length + 12 + 1);
    assert.equal(g, await ok('generate', lmDir, '--prompt', 'the c', '--max', '12', '--temperature', '0'));
    const s1 = await ok('generate', lmDir, '--prompt', 'the', '--max', '30', '--seed', '9', '--top-k', '5');
    assert.equal(s1, await ok('generate', lmDir, '--prompt', 'the', '--max', '30', '--seed', '9', '--top-k', '5'));
    const j = JSON.parse(await ok('generate', lmDir, '--prompt', 'the', '--max', '5', '--temperature', '0', '--json'));
    assert.equal(j.steps.length, 5);
    for (const s of j.steps) assert.equal(s.alternatives[0].token, s.token); // greedy takes the top alternative
  });

  it('complete --json: whole-word suggestions, most probable first, probabilities summing to ≤ 1', async () => {
    const j = JSON.parse(await ok('complete', lmDir, '--prompt', 'the cat sat on the m', '--json', '--count', '3'));
    assert.ok(j.suggestions.length >= 1);
    let sum = 0;
    j.suggestions.forEach((s: { word: string; completion: string; prob: number }, i: number) => {
      assert.ok(s.word.startsWith('m') && s.word === 'm' + s.completion);
      assert.ok(s.prob > 0 && s.prob <= 1);
      if (i > 0) assert.ok(s.prob <= j.suggestions[i - 1].prob);
      sum += s.prob;
    });
    assert.ok(sum <= 1 + 1e-9);
    const plain = await ok('complete', lmDir, '--prompt', 'the dog sat on the ');
    assert.match(plain, /^\S+\t\d\.\d{4}\n/);
  });

  it('train seq2seq with attention; translate --json gives the output and a (steps × source) attention matrix', async () => {
    await ok('train', '--task', 'seq2seq', '--data', revTrain, '--out', s2sDir, '--attention', 'additive', '--steps', '25', '--batch', '16', ...tiny);
    const j = JSON.parse(await ok('translate', s2sDir, '--input', 'abcd', '--json'));
    assert.deepEqual(j.source_tokens, ['a', 'b', 'c', 'd']);
    assert.equal(j.attention.length, j.output_tokens.length);
    for (const row of j.attention) {
      assert.equal(row.length, 4);
      assert.ok(Math.abs(row.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-5);
    }
    assert.equal(j.output, j.output_tokens.filter((t: string) => t !== '<eos>').join(''));
    const beam = JSON.parse(await ok('translate', s2sDir, '--input', 'abcd', '--json', '--beam', '3'));
    assert.ok(beam.log_prob >= j.log_prob - 1e-6 || !j.finished, 'a width-3 beam scored worse than greedy');
    const text = await ok('translate', s2sDir, '--input', 'abcd');
    assert.equal(text.split('\n')[0], j.output);
    const e = JSON.parse(await ok('eval', s2sDir, '--data', revTrain, '--json', '--limit', '20', '--mirror'));
    assert.deepEqual(Object.keys(e).slice(0, 4), ['task', 'examples', 'exact_match', 'token_accuracy']);
    assert.equal(e.examples, 20);
    assert.ok(e.token_accuracy >= 0 && e.token_accuracy <= 1 && e.attention_mirrored >= 0 && e.attention_mirrored <= 1);
  });

  it('train seq2seq --reverse-source --attention-location 3: the options survive the checkpoint and translate decodes', async () => {
    const dir = path.join(tmp, 's2s-loc');
    await ok('train', '--task', 'seq2seq', '--data', revTrain, '--out', dir, '--attention', 'additive', '--attention-location', '3', '--reverse-source', '--bidirectional=false', '--steps', '10', '--batch', '16', ...tiny);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'seqlab.json'), 'utf8'));
    const arch = JSON.stringify(meta.architecture);
    assert.match(arch, /"reverseSource":true/);
    assert.match(arch, /"locationKernel":3/);
    const j = JSON.parse(await ok('translate', dir, '--input', 'abcd', '--json', '--beam', '2'));
    assert.equal(j.attention[0].length, 4);
  });

  it('train classify (bidirectional, weighted merge) and tag; eval accuracy; classify prints labels / tags', async () => {
    const words = ['apple', 'amber', 'atlas', 'arrow', 'zebra', 'zinc', 'zone', 'zeal'];
    const cls = file('cls.tsv', words.map((w) => `${w[0] === 'a' ? 'A' : 'Z'}\t${w}`).join('\n').concat('\n').repeat(4));
    await ok('train', '--task', 'classify', '--data', cls, '--out', clsDir, '--bidirectional', '--merge', 'weighted', '--steps', '40', '--batch', '8', '--lr', '0.02', ...tiny);
    const e = JSON.parse(await ok('eval', clsDir, '--data', cls, '--json'));
    assert.deepEqual(Object.keys(e), ['task', 'examples', 'accuracy']);
    assert.equal(e.examples, 32);
    assert.equal(e.accuracy, 1);
    const c = JSON.parse(await ok('classify', clsDir, '--input', 'zoo', '--json'));
    assert.equal(c.label, 'Z');
    assert.ok(Math.abs(c.probs.reduce((a: number, p: { prob: number }) => a + p.prob, 0) - 1) < 1e-5);
    const conll = file('tags.conll', 'the\tDET\ncat\tNOUN\nsat\tVERB\n\na\tDET\ndog\tNOUN\nran\tVERB\n\n'.repeat(6));
    await ok('train', '--task', 'tag', '--data', conll, '--out', tagDir, '--bidirectional', '--steps', '40', '--batch', '4', '--lr', '0.02', ...tiny);
    const t = JSON.parse(await ok('eval', tagDir, '--data', conll, '--json'));
    assert.deepEqual(t, { task: 'tag', examples: 12, accuracy: 1 });
    assert.equal(await ok('classify', tagDir, '--input', 'the dog sat'), 'the/DET dog/NOUN sat/VERB\n');
  });

  describe('bad arguments and bad files: one line, non-zero exit, no stack trace', async () => {
    const bin = file('bin.txt', Buffer.from([0x00, 0xff, 0x10, 0x00]));
    const noTab = file('notab.tsv', 'no tab here\n');
    const corrupt = path.join(tmp, 'corrupt');
    const cases: [string, () => string[], RegExp][] = [
      ['unknown command', () => ['frobnicate'], /unknown command "frobnicate"/],
      ['train without --task', () => ['train', '--out', 'x', '--data', lmText], /--task is required/],
      ['train without --data', () => ['train', '--task', 'lm', '--out', 'x'], /--data is required/],
      ['unknown task', () => ['train', '--task', 'gan', '--out', 'x', '--data', lmText], /--task must be one of lm\|seq2seq\|classify\|tag/],
      ['unknown cell', () => ['train', '--task', 'lm', '--cell', 'transformer', '--out', 'x', '--data', lmText], /--cell must be one of/],
      ['non-numeric hidden', () => ['train', '--task', 'lm', '--hidden', 'big', '--out', 'x', '--data', lmText], /--hidden must be a number/],
      ['negative steps', () => ['train', '--task', 'lm', '--steps', '-3', '--out', 'x', '--data', lmText], /--steps must be at least 0/],
      ['zero lr', () => ['train', '--task', 'lm', '--lr', '0', '--out', 'x', '--data', lmText], /--lr must be greater than 0/],
      ['steps and time', () => ['train', '--task', 'lm', '--steps', '3', '--time', '2', '--out', 'x', '--data', lmText], /--steps or --time, not both/],
      ['unknown option', () => ['train', '--task', 'lm', '--colour', 'red'], /unknown option --colour/],
      ['value missing', () => ['train', '--task', 'lm', '--out'], /--out needs a value/],
      ['attention on an lm', () => ['train', '--task', 'lm', '--attention', 'dot', '--out', 'x', '--data', lmText], /--attention is read by --task seq2seq, not by lm/],
      ['bidirectional lm', () => ['train', '--task', 'lm', '--bidirectional', '--steps', '1', '--out', path.join(tmp, 'bi'), '--data', lmText], /--bidirectional is read by --task seq2seq, classify or tag, not by lm/],
      ['dot attention with a bidirectional encoder', () => ['train', '--task', 'seq2seq', '--attention', 'dot', '--bidirectional', '--steps', '1', '--out', path.join(tmp, 'd'), '--data', revTrain], /dot attention needs equal/],
      ['--reverse-source on an lm', () => ['train', '--task', 'lm', '--reverse-source', '--steps', '1', '--out', path.join(tmp, 'r1'), '--data', lmText], /--reverse-source is read by --task seq2seq, not by lm/],
      ['--reverse-source with --bidirectional', () => ['train', '--task', 'seq2seq', '--reverse-source', '--bidirectional', '--steps', '1', '--out', path.join(tmp, 'r2'), '--data', revTrain], /needs a unidirectional encoder/],
      ['--attention-location without additive attention', () => ['train', '--task', 'seq2seq', '--attention', 'dot', '--attention-location', '3', '--steps', '1', '--out', path.join(tmp, 'r3'), '--data', revTrain], /--attention-location: takes an odd kernel width with additive attention/],
      ['--attention-location of even width', () => ['train', '--task', 'seq2seq', '--attention', 'additive', '--attention-location', '4', '--steps', '1', '--out', path.join(tmp, 'r4'), '--data', revTrain], /odd kernel width/],
      ['missing data file', () => ['train', '--task', 'lm', '--out', 'x', '--data', path.join(tmp, 'nope.txt')], /cannot read .*nope\.txt: no such file/],
      ['binary data file', () => ['train', '--task', 'lm', '--out', 'x', '--data', bin], /binary file/],
      ['seq2seq data without a tab', () => ['train', '--task', 'seq2seq', '--out', 'x', '--data', noTab], /notab\.tsv:1: expected "source<TAB>target"/],
      ['eval of a missing dir', () => ['eval', path.join(tmp, 'none'), '--data', lmText], /not a checkpoint directory/],
      ['eval of a corrupt checkpoint', () => {
        fs.mkdirSync(corrupt, { recursive: true });
        fs.writeFileSync(path.join(corrupt, 'seqlab.json'), '{"format": "seqlab-checkpoint", "architec');
        fs.writeFileSync(path.join(corrupt, 'model.safetensors'), 'x');
        return ['eval', corrupt, '--data', lmText];
      }, /seqlab\.json is not valid JSON/],
      ['eval with no --data', () => ['eval', lmDir], /--data is required/],
      ['generate on a seq2seq model', () => ['generate', s2sDir, '--prompt', 'ab'], /holds a seq2seq model; generate needs a language model/],
      ['translate on an lm', () => ['translate', lmDir, '--input', 'ab'], /holds a lm model; translate needs a seq2seq model/],
      ['classify on an lm', () => ['classify', lmDir, '--input', 'ab'], /needs a classifier or a tagger/],
      ['empty prompt', () => ['complete', lmDir, '--prompt', ''], /--prompt is empty/],
      ['top-p above 1', () => ['generate', lmDir, '--prompt', 'a', '--top-p', '1.5'], /--top-p must be at most 1/],
      ['unknown data task', () => ['data', 'poetry', '--n', '3'], /unknown task "poetry"/],
      ['data without --n', () => ['data', 'copy'], /--n is required/],
      ['export without --out', () => ['export', lmDir], /--out is required/],
      ['import of a missing file', () => ['import', path.join(tmp, 'w.safetensors'), '--out', path.join(tmp, 'imp')], /cannot read .*w\.safetensors: no such file/],
    ];
    for (const [name, argv, message] of cases) {
      it(name, async () => {
        const r = await run(...argv());
        assert.notEqual(r.code, 0);
        assert.equal(r.out, '');
        assert.match(r.err, /^seqlab: [^\n]+\n$/, `not one line: ${JSON.stringify(r.err)}`);
        assert.doesNotMatch(r.err, /\n\s+at /);
        assert.match(r.err, message);
      });
    }
  });
});
