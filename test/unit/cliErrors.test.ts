// The real `seqlab` process (node dist/cli.js, built by `npm run build`) on what a shell and a careless user do
// to it: a closed pipe, --help, flag combinations that would be silently ignored, vocabularies that map the
// data to <unk>, and files that are missing, directories or not what they should be. Every failure must be
// ONE line "seqlab: …" on stderr naming the flag or file, exit 2 for usage and 1 for files and data.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from '../../src/cli/args';
import { commandHelp, commandSpec } from '../../src/cli/help';
import { scratchDir } from './scratchDir';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface Proc {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Proc {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A failure: the status, nothing on stdout, one "seqlab: …" line on stderr matching `message`. */
function fails(p: Proc, status: number, message: RegExp): void {
  assert.match(p.stderr, /^seqlab: [^\n]+\n$/, `not one line: ${JSON.stringify(p.stderr)}`);
  assert.match(p.stderr, message);
  assert.equal(p.status, status, p.stderr);
  assert.equal(p.stdout, '');
}

const { dir: tmp, file } = scratchDir('seqlab-cli-errors-');

describe('seqlab process: pipes, help, refused combinations, file errors', function () {
  this.timeout(60_000);
  before(() => assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a reader that closes the pipe early (| head -1): no stack trace, status 0 or the closed-pipe 141', () => {
    // A shell pipeline, as a user types it; PIPESTATUS[0] is seqlab's own status.
    const script = `node ${JSON.stringify(CLI)} data dates --n 100000 | head -1; echo "status=\${PIPESTATUS[0]}" >&2`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.stdout.split('\n').length, 2, r.stdout); // one line, then the final newline
    assert.match(r.stdout, /^.+\t\d{4}-\d{2}-\d{2}\n$/);
    const status = Number(/status=(\d+)/.exec(r.stderr)?.[1]);
    assert.ok(status === 0 || status === 141, `status ${status}`);
    assert.equal(r.stderr.replace(/status=\d+\n/, ''), '', 'something besides the status on stderr');
  });

  it('JSON output into a closed pipe (data --json, generate-style one-object commands) ends the same quiet way', () => {
    const r = spawnSync('bash', ['-c', `node ${JSON.stringify(CLI)} data reverse --n 200000 --json | head -c 10 >/dev/null; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', timeout: 60_000 });
    assert.match(r.stderr, /^status=(0|141)\n$/);
  });

  it('a full disk behind stdout is one line naming standard output, exit 1', function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    const r = spawnSync('bash', ['-c', `node ${JSON.stringify(CLI)} data dates --n 20000 > /dev/full`], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.stderr, 'seqlab: cannot write to standard output: no space left on the device\n');
    assert.equal(r.status, 1);
  });

  it('a word vocabulary over what a model holds: refused before training (exit 1, nothing written); a capped one never suggests such a size', () => {
    // 1.3 million distinct words (1.17 million in the training part once a tenth is held out for validation);
    // seqlab.json readers refuse a vocabulary over 1,114,116 (every code point + 4 specials), and train used to
    // save such a model anyway, which no command could then load.
    const words: string[] = [];
    for (let i = 0; i < 1_300_000; i++) words.push(`w${i.toString(36)}`);
    const data = file('many-words.txt', words.join(' ') + '\n');
    const tiny = ['--steps', '1', '--hidden', '2', '--embedding', '2', '--batch', '1', '--seq-len', '4'];
    const out = path.join(tmp, 'many-words');
    fails(cli('train', '--task', 'lm', '--tokenizer', 'word', '--data', data, '--out', out, ...tiny), 1,
      /the word tokenizer found 1,1[5-9]\d,\d{3} tokens \(specials included\) in the training text, more than the 1,114,116 a SeqLab model can hold; cap the vocabulary size or use the bpe tokenizer/);
    assert.ok(!fs.existsSync(out), 'nothing written');
    const capped = cli('train', '--task', 'lm', '--tokenizer', 'word', '--vocab-size', '50000', '--data', data, '--out', out, ...tiny);
    assert.equal(capped.status, 0, capped.stderr);
    assert.match(capped.stderr, /^seqlab: warning: [\d.]+% of the training tokens are <unk> .*; keeping <unk> at or under 1\.0% needs \d+ tokens, over the 1114116 a model can hold; use --tokenizer bpe\n$/);
    assert.equal(cli('generate', out, '--prompt', 'w1', '--max', '3').status, 0, 'the capped model loads');
  });

  describe('--help is derived from the flags each command parses', () => {
    const commands = /commands: ([a-z, ]+) \(/.exec(cli('frobnicate').stderr)?.[1].split(', ') ?? [];
    const top = cli('--help');

    it('the command list is known', () => assert.ok(commands.length >= 9, `commands: ${commands.join(' ')}`));

    for (const command of ['train', 'eval', 'generate', 'complete', 'translate', 'classify', 'data', 'export', 'import']) {
      it(`${command}: every flag the parser accepts appears in \`seqlab ${command} --help\` and \`seqlab --help\`, each with a description`, () => {
        assert.ok(commands.includes(command));
        // The parser's own list of what it accepts, from its unknown-option error.
        const refused = cli(command, '--no-such-flag-xyz');
        const accepted = /\(options: ([^)]*)\)/.exec(refused.stderr)?.[1].split(' ') ?? [];
        assert.ok(accepted.length > 0, refused.stderr);
        const h = cli(command, '--help');
        assert.equal(h.status, 0, h.stderr);
        assert.match(h.stdout, new RegExp(`^usage: seqlab ${command} `));
        const lines = h.stdout.split('\n');
        for (const flag of accepted) {
          const i = lines.findIndex((l) => l.startsWith(`  ${flag} `) || l === `  ${flag}`);
          assert.ok(i >= 0, `${command} --help does not list ${flag}`);
          const continued = lines[i + 1]?.startsWith('      ') ? lines[i + 1] : '';
          const description = (lines[i].replace(/^ {2}--\S+( \S+)?/, '') + continued).trim();
          assert.ok(description.length >= 8, `${command} ${flag} has no description: ${JSON.stringify(lines[i])}`);
          assert.ok(top.stdout.includes(lines[i]), `seqlab --help lacks ${command} ${flag}`);
        }
        // `-h` and `seqlab help COMMAND` print the same text.
        assert.equal(cli(command, '-h').stdout, h.stdout);
        assert.equal(cli('help', command).stdout, h.stdout);
      });
    }

    it('an async command (its --help a rejection, not a throw) still gives its spec to the full help', async () => {
      const asyncCommand = async (argv: readonly string[]): Promise<number> => {
        parseArgs(argv, { 'max-data-mb': { type: 'number', min: 0 }, json: { type: 'bool' } }, 0, 'demo');
        await Promise.resolve();
        return 0;
      };
      const spec = commandSpec('demo', asyncCommand).spec;
      assert.deepEqual(Object.keys(spec), ['max-data-mb', 'json']);
      assert.match(commandHelp('demo', spec), /^ {2}--max-data-mb X +\[≥ 0\]$/m); // listed even before it has a description
      await assert.rejects(asyncCommand(['--help']), /seqlab demo --help/);
    });

    it('ranges and defaults come from the specs: --hidden shows 1..4096 and the default 128', () => {
      const h = cli('train', '--help').stdout;
      assert.match(h, /--hidden N .*default 128.*\[1\.\.4096\]/);
      assert.match(h, /--vocab-size N .*\[0\.\.1114116\]/);
      assert.match(h, /--cell lstm\|gru\|rnn_tanh\|rnn_relu\|rnn-tanh\|rnn-relu\n/);
    });
  });

  describe('fixtures trained by the real process', () => {
    const lmText = file('lm.txt', 'the cat sat on the mat. the dog sat on the log. a bird flew over the house. '.repeat(30));
    const pairs = file('rev.tsv', ['abc\tcba', 'hello\tolleh', 'dog\tgod', 'stressed\tdesserts', 'ab\tba', 'reward\tdrawer'].join('\n').concat('\n').repeat(5));
    const conll = file('tags.conll', 'the\tDET\ncat\tNOUN\nsat\tVERB\n\na\tDET\ndog\tNOUN\nran\tVERB\n\n'.repeat(4));
    const cls = file('cls.tsv', 'A\tapple\nA\tamber\nZ\tzebra\nZ\tzinc\n'.repeat(4));
    const dir = (name: string): string => path.join(tmp, name);
    const tiny = ['--hidden', '8', '--embedding', '4', '--steps', '2', '--seed', '1'];
    const trainOk = (...args: string[]): Proc => {
      const r = cli('train', ...args, ...tiny);
      assert.equal(r.status, 0, r.stderr);
      return r;
    };
    const notDir = dir('not-a-dir');
    const emptyDir = dir('empty');

    before(() => {
      trainOk('--task', 'lm', '--data', lmText, '--out', dir('lm'));
      trainOk('--task', 'seq2seq', '--data', pairs, '--out', dir('s2s'), '--attention', 'none');
      trainOk('--task', 'tag', '--data', conll, '--out', dir('tag'));
      trainOk('--task', 'classify', '--data', cls, '--out', dir('cls'));
      const exp = cli('export', dir('lm'), '--out', dir('lm-export'));
      assert.equal(exp.status, 0, exp.stderr);
      fs.mkdirSync(emptyDir);
      fs.writeFileSync(notDir, 'a file\n');
    });

    it('every command that writes to stdout ends quietly into a closed pipe (status 141 or 0, no stack trace)', () => {
      const q = (a: string): string => JSON.stringify(a);
      const commands: [string, string[]][] = [
        ['generate', ['generate', dir('lm'), '--prompt', 'the', '--max', '2000']],
        ['generate --beam', ['generate', dir('lm'), '--prompt', 'the', '--max', '200', '--beam', '3']],
        ['complete --json', ['complete', dir('lm'), '--prompt', 'the c', '--json']],
        ['eval --json', ['eval', dir('lm'), '--data', lmText, '--json']],
        ['eval (tag)', ['eval', dir('tag'), '--data', conll]],
        ['translate --json', ['translate', dir('s2s'), '--input', 'hello', '--json']],
        ['classify --top', ['classify', dir('cls'), '--input', 'apple', '--top', '2']],
        ['export', ['export', dir('lm'), '--out', dir('pipe-export')]],
        ['import', ['import', path.join(dir('lm-export'), 'model.safetensors'), '--out', dir('pipe-import')]],
        ['train --json', ['train', '--task', 'classify', '--data', cls, '--out', dir('pipe-train'), '--json', ...tiny]],
        ['--help', ['--help']],
        ['help train', ['help', 'train']],
      ];
      for (const [name, args] of commands) {
        // `head -c 0` has exited before node starts writing, so the first write meets a closed pipe.
        const script = `node ${q(CLI)} ${args.map(q).join(' ')} | head -c 0; echo "status=\${PIPESTATUS[0]}" >&2`;
        const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
        const status = Number(/status=(\d+)\n$/.exec(r.stderr)?.[1]);
        assert.ok(status === 0 || status === 141, `${name}: status ${status}; ${r.stderr}`);
        const rest = r.stderr.replace(/status=\d+\n$/, '');
        // train saves what it has before ending (as on Ctrl-C) and says so; nothing else writes to stderr.
        if (name === 'train --json') assert.match(rest, /^(|seqlab: interrupted by a closed output pipe \(SIGPIPE\) after \d+ steps; saved the weights to .*\n)$/, name);
        else assert.equal(rest, '', `${name} wrote to stderr`);
      }
    });

    describe('a flag the task, model or decoder would ignore is refused: one line, exit 2', () => {
      const cases: [string, () => string[], RegExp][] = [
        ['--bidirectional language model', () => ['train', '--task', 'lm', '--data', lmText, '--out', dir('x'), '--bidirectional'], /--bidirectional is read by --task seq2seq, classify or tag, not by lm/],
        ['--merge without --bidirectional', () => ['train', '--task', 'classify', '--data', cls, '--out', dir('x'), '--merge', 'sum'], /--merge .* without --bidirectional there is nothing to merge/],
        ['--merge on a seq2seq encoder (always concatenated)', () => ['train', '--task', 'seq2seq', '--data', pairs, '--out', dir('x'), '--bidirectional', '--merge', 'concat'], /--merge is read by --task classify or tag, not by seq2seq/],
        ['--teacher-forcing on a classifier', () => ['train', '--task', 'classify', '--data', cls, '--out', dir('x'), '--teacher-forcing', '0.5'], /--teacher-forcing is read by --task seq2seq, not by classify/],
        ['--tokenizer for tagging (it reads the words of the file)', () => ['train', '--task', 'tag', '--data', conll, '--out', dir('x'), '--tokenizer', 'word'], /--tokenizer is read by --task lm, seq2seq, classify or one-to-many, not by tag/],
        ['--vocab-size below the byte-level bpe base', () => ['train', '--task', 'lm', '--data', lmText, '--out', dir('x'), '--tokenizer', 'bpe', '--vocab-size', '200'], /--vocab-size: with BPE tokens must be at least 260/],
        ['--vocab-size no larger than the special tokens', () => ['train', '--task', 'lm', '--data', lmText, '--out', dir('x'), '--tokenizer', 'word', '--vocab-size', '4'], /--vocab-size: must leave room for a real token beside the 4 special ones \(at least 5\), got 4/],
        ['--attention-location without additive attention', () => ['train', '--task', 'seq2seq', '--data', pairs, '--out', dir('x'), '--attention', 'general', '--attention-location', '3'], /--attention-location: takes an odd kernel width with additive attention, got 3 with general/],
        ['--dropout with one layer', () => ['train', '--task', 'lm', '--data', lmText, '--out', dir('x'), '--dropout', '0.3'], /--dropout: dropout applies between stacked layers; use it with 2 or more layers/],
        ['--lr-schedule cosine over one step', () => ['train', '--task', 'lm', '--data', lmText, '--out', dir('x'), '--lr-schedule', 'cosine', '--steps', '1'], /--lr-schedule: the cosine schedule runs over the run's budget/],
        ['eval --words on a seq2seq model', () => ['eval', dir('s2s'), '--data', pairs, '--words', '10'], /--words counts next-word accuracy of a language model; .*s2s holds a seq2seq model/],
        ['eval --limit on a language model', () => ['eval', dir('lm'), '--data', lmText, '--limit', '3'], /--limit counts examples; a language model is evaluated on the whole text/],
        ['eval --mirror on a tagger', () => ['eval', dir('tag'), '--data', conll, '--mirror'], /--mirror measures seq2seq attention; .*tag holds a tag model/],
        ['eval --mirror on a seq2seq model without attention', () => ['eval', dir('s2s'), '--data', pairs, '--mirror'], /--mirror measures attention, and the seq2seq model in .*s2s has none/],
        ['generate --top-k with --temperature 0', () => ['generate', dir('lm'), '--prompt', 'the', '--temperature', '0', '--top-k', '3'], /--top-k only matters when sampling; --temperature 0 decodes greedily/],
        ['generate --seed with --beam 3', () => ['generate', dir('lm'), '--prompt', 'the', '--beam', '3', '--seed', '5'], /--seed only matters when sampling; --beam 3 searches deterministically/],
        ['classify --top on a tagger', () => ['classify', dir('tag'), '--input', 'the cat', '--top', '1'], /--top ranks a classifier's labels; .*tag holds a tagger/],
        ['data languages --exclude', () => ['data', 'languages', '--n', '4', '--exclude', pairs], /--exclude does not apply to languages/],
        ['data dates --min-len', () => ['data', 'dates', '--n', '4', '--min-len', '3'], /--min-len does not apply to dates/],
        ['data copy --dict', () => ['data', 'copy', '--n', '4', '--dict', emptyDir], /--dict does not apply to copy/],
        ['data dates --max-data-mb without --exclude (no file is read)', () => ['data', 'dates', '--n', '4', '--max-data-mb', '2'], /--max-data-mb does not apply to dates without --exclude/],
        ['import --rnn-nonlinearity with a seqlab.json', () => ['import', path.join(dir('lm-export'), 'model.safetensors'), '--out', dir('x'), '--rnn-nonlinearity', 'relu'], /--rnn-nonlinearity is for weights whose architecture is inferred.*seqlab\.json already names the cell/],
        ['import --rnn-nonlinearity for LSTM weights', () => {
          const tok = JSON.parse(fs.readFileSync(path.join(dir('lm'), 'seqlab.json'), 'utf8')).tokenizer;
          return ['import', path.join(dir('lm'), 'model.safetensors'), '--tokenizer', file('tok.json', JSON.stringify(tok)), '--out', dir('x'), '--rnn-nonlinearity', 'relu'];
        }, /--rnn-nonlinearity applies to plain RNN weights; .* holds lstm weights/],
        ['an empty --meta= (it used to fall back to the seqlab.json beside the weights)', () => ['import', path.join(dir('lm-export'), 'model.safetensors'), '--meta=', '--out', dir('x')], /import: --meta is empty/],
        ['an empty positional (an unset shell variable)', () => ['eval', '', '--data', lmText], /eval: an argument is empty/],
        ['an empty file in a list flag', () => ['train', '--task', 'lm', '--data', lmText, '', '--out', dir('x')], /--data is given an empty value/],
        ['a seed past 32 bits (it would repeat seed 0)', () => ['data', 'copy', '--n', '2', '--seed', String(2 ** 32)], /--seed must be at most 4294967295/],
        ['a sampling seed past 32 bits', () => ['generate', dir('lm'), '--prompt', 'a', '--seed', String(2 ** 32)], /--seed must be at most 4294967295/],
      ];
      for (const [name, args, message] of cases) it(name, () => {
        fails(cli(...args()), 2, message);
        assert.ok(!fs.existsSync(dir('x')), 'a refused command wrote its output');
      });

      it('the same flags are accepted where they do something', () => {
        trainOk('--task', 'classify', '--data', cls, '--out', dir('ok1'), '--bidirectional', '--merge', 'sum');
        trainOk('--task', 'seq2seq', '--data', pairs, '--out', dir('ok2'), '--bidirectional', '--teacher-forcing', '0.5');
        trainOk('--task', 'tag', '--data', conll, '--out', dir('ok3'), '--bidirectional', '--merge', 'mean');
        assert.equal(cli('classify', dir('cls'), '--input', 'zoo', '--top', '1').stdout.split('\n').length, 2);
        assert.equal(cli('generate', dir('lm'), '--prompt', 'the', '--temperature', '0.5', '--top-k', '3', '--seed', '2', '--max', '4').status, 0);
        assert.equal(cli('data', 'reverse', '--n', '2', '--min-len', '3', '--max-len', '4').status, 0);
      });
    });

    describe('a vocabulary that maps the training data to <unk> is reported', () => {
      it('--vocab-size 6 on word tokens: a warning with the share and a size that fixes it; the run still trains', () => {
        const r = trainOk('--task', 'lm', '--data', lmText, '--out', dir('v6'), '--tokenizer', 'word', '--vocab-size', '6');
        const m = /^seqlab: warning: (\d+\.\d)% of the training tokens are <unk> with a vocabulary of 6 \(the data has (\d+) distinct tokens\); --vocab-size (\d+) would keep <unk> at or under 1\.0%\n$/.exec(r.stderr);
        assert.ok(m, r.stderr);
        assert.ok(Number(m[1]) > 30, `share ${m[1]}`);
        // Following the suggestion silences the warning.
        const again = trainOk('--task', 'lm', '--data', lmText, '--out', dir('v-ok'), '--tokenizer', 'word', '--vocab-size', m[3]);
        assert.equal(again.stderr, '');
        assert.ok(Number(m[3]) <= Number(m[2]) + 4);
      });

      it('the same for characters, seq2seq pairs and tagged words; no warning without a cap', () => {
        assert.match(trainOk('--task', 'lm', '--data', lmText, '--out', dir('c8'), '--vocab-size', '8').stderr, /^seqlab: warning: .* <unk> with a vocabulary of 8 /);
        assert.match(trainOk('--task', 'seq2seq', '--data', pairs, '--out', dir('s8'), '--vocab-size', '8').stderr, /^seqlab: warning: .*<unk>/);
        assert.match(trainOk('--task', 'tag', '--data', conll, '--out', dir('t5'), '--vocab-size', '5').stderr, /^seqlab: warning: .*<unk>/);
        assert.equal(trainOk('--task', 'lm', '--data', lmText, '--out', dir('c-all'), '--tokenizer', 'word').stderr, '');
      });
    });

    describe('every file error names the file and what is wrong: one line, exit 1', () => {
      const missing = (): string => path.join(tmp, 'no-such-file.txt');
      const cases: [string, () => string[], RegExp][] = [
        ['import: missing weights', () => ['import', missing(), '--out', dir('x')], /cannot read .*no-such-file\.txt: no such file/],
        // A folder is read as a PyTorch training project, its train.py's output or a checkpoint folder: an empty one is none of them.
        ['import: weights are an empty directory', () => ['import', emptyDir, '--out', dir('x')], /import: .*empty is neither a SeqLab training project, the --out folder of its train\.py, nor a checkpoint folder/],
        ['import: weights are not safetensors', () => ['import', lmText, '--out', dir('x')], /lm\.txt is not a safetensors file/],
        ['import: --meta directory without seqlab.json', () => ['import', path.join(dir('lm'), 'model.safetensors'), '--meta', emptyDir, '--out', dir('x')], /cannot read .*empty\/seqlab\.json: no such file/],
        ['import: --meta is not JSON', () => ['import', path.join(dir('lm'), 'model.safetensors'), '--meta', lmText, '--out', dir('x')], /lm\.txt is not a seqlab\.json: it is not valid JSON/],
        ['import: --meta is JSON but not a seqlab.json', () => ['import', path.join(dir('lm'), 'model.safetensors'), '--meta', file('list.json', '[1, 2]'), '--out', dir('x')], /list\.json is not a seqlab\.json: it has no "architecture" object/],
        ['import: --tokenizer is JSON but not a tokenizer', () => ['import', path.join(dir('lm'), 'model.safetensors'), '--tokenizer', file('kind.json', '{"kind": "word"}'), '--out', dir('x')], /kind\.json is not a SeqLab tokenizer: word tokenizer JSON has unsupported version/],
        ['import: --tokenizer is a directory', () => ['import', path.join(dir('lm'), 'model.safetensors'), '--tokenizer', emptyDir, '--out', dir('x')], /cannot read .*empty: it is a directory/],
        ['import: --out under a file', () => ['import', path.join(dir('lm-export'), 'model.safetensors'), '--out', path.join(notDir, 'sub')], /import: cannot write to --out .*not-a-dir\/sub: a part of the path is a file \(.*not-a-dir\)/],
        ['export: missing checkpoint', () => ['export', missing(), '--out', dir('x')], /no-such-file\.txt is not a checkpoint directory: no such file/],
        ['export: a file, not a checkpoint', () => ['export', lmText, '--out', dir('x')], /lm\.txt is not a checkpoint directory: it is a file/],
        ['export: --out is a file', () => ['export', dir('lm'), '--out', notDir], /export: --out .*not-a-dir is a file, not a folder/],
        ['export: a classifier or tagger (no PyTorch export; it used to be called an unknown kind)', () => ['export', dir('cls'), '--out', dir('x')], /export: .*cls holds a classify model; PyTorch export covers lm and seq2seq models/],
        ['eval: --data missing', () => ['eval', dir('lm'), '--data', missing()], /cannot read .*no-such-file\.txt: no such file/],
        ['eval: --data a directory', () => ['eval', dir('lm'), '--data', emptyDir], /cannot read .*empty: it is a directory/],
        ['eval: an empty directory as the checkpoint', () => ['eval', emptyDir, '--data', lmText], /empty is not a SeqLab checkpoint: seqlab\.json is missing/],
        ['generate: missing checkpoint', () => ['generate', missing(), '--prompt', 'a'], /no-such-file\.txt is not a checkpoint directory/],
        ['complete: a file as the checkpoint', () => ['complete', lmText, '--prompt', 'a'], /lm\.txt is not a checkpoint directory: it is a file/],
        ['translate: missing checkpoint', () => ['translate', missing(), '--input', 'ab'], /no-such-file\.txt is not a checkpoint directory/],
        ['classify: an empty directory', () => ['classify', emptyDir, '--input', 'ab'], /empty is not a SeqLab checkpoint/],
        ['a checkpoint whose model.safetensors is a directory', () => {
          const bad = dir('bad-ck');
          fs.mkdirSync(path.join(bad, 'model.safetensors'), { recursive: true });
          fs.copyFileSync(path.join(dir('lm'), 'seqlab.json'), path.join(bad, 'seqlab.json'));
          return ['generate', bad, '--prompt', 'a'];
        }, /cannot read .*bad-ck\/model\.safetensors: it is a directory/],
        ['data --exclude missing', () => ['data', 'reverse', '--n', '3', '--exclude', missing()], /cannot read .*no-such-file\.txt: no such file/],
        ['data --exclude a directory', () => ['data', 'reverse', '--n', '3', '--exclude', emptyDir], /cannot read .*empty: it is a directory/],
        ['data --dict missing', () => ['data', 'languages', '--n', '3', '--dict', missing()], /--dict .*no-such-file\.txt: no such directory/],
        ['data --dict a file', () => ['data', 'languages', '--n', '3', '--dict', notDir], /--dict .*not-a-dir is a file/],
        ['data --dict without the word lists', () => ['data', 'languages', '--n', '3', '--dict', emptyDir], /--dict .*empty has no american-english word list/],
        ['train --data a directory', () => ['train', '--task', 'lm', '--data', emptyDir, '--out', dir('x')], /cannot read .*empty: it is a directory/],
        ['train --data under a file', () => ['train', '--task', 'lm', '--data', path.join(notDir, 'a.txt'), '--out', dir('x')], /cannot read .*not-a-dir\/a\.txt: a part of the path is a file/],
        ['train --valid missing', () => ['train', '--task', 'lm', '--data', lmText, '--valid', missing(), '--out', dir('x')], /cannot read .*no-such-file\.txt: no such file/],
        ['train --out under a file', () => ['train', '--task', 'lm', '--data', lmText, '--out', path.join(notDir, 'ck'), ...tiny], /train: cannot write to --out .*not-a-dir\/ck: a part of the path is a file \(.*not-a-dir\)/],
      ];
      it('an --out where no folder can be created (/proc, /sys) is refused before training, not after it', function () {
        if (!fs.existsSync('/proc/self')) this.skip();
        for (const [command, args] of [
          ['train', ['train', '--task', 'lm', '--data', lmText, '--out', '/proc/seqlab-nope/m', '--time', '30']],
          ['import', ['import', path.join(dir('lm-export'), 'model.safetensors'), '--out', '/proc/seqlab-nope']],
          ['export', ['export', dir('lm'), '--out', '/sys/seqlab-nope']],
        ] as const) {
          const t0 = Date.now();
          fails(cli(...args), 1, new RegExp(`^seqlab: ${command}: cannot write to --out /(proc|sys)/seqlab-nope[/m]*: cannot create a folder in /(proc|sys): `));
          assert.ok(Date.now() - t0 < 15_000, `${command} answered at once (train used to run its --time 30 first)`);
        }
      });

      for (const [name, args, message] of cases) it(name, () => {
        const r = cli(...args());
        fails(r, 1, message);
        assert.doesNotMatch(r.stderr, /\bE[A-Z]{3,}\b|illegal operation/, 'a raw errno code');
        assert.ok(!fs.existsSync(dir('x')));
      });
    });
  });
});
