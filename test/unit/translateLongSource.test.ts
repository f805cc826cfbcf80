// Translation of long inputs stays bounded: every seq2seq decoding path (the engine's StepDecoder, hence the CLI's
// translate with greedy or beam search) refuses a source over MAX_SOURCE_TOKENS before encoding it, and the
// editor's Translate Selection refuses a selection its attention view cannot draw BEFORE decoding it (it used to
// decode the whole selection on the extension host, seconds to minutes and GBs for beam 64, only to be refused).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { translateForView } from '../../src/extension/use/translate';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import { MAX_SOURCE_TOKENS } from '../../src/engine/seq2seq/step';
import { Seq2SeqTask } from '../../src/engine/tasks/seq2seqTask';
import { TASK_TEST_CONFIG } from './taskConfig';
import { ATTENTION_LIMITS } from '../../src/protocol/attention';
import { saveTaskDir } from '../../src/cli/io';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

describe('translation of long sources is bounded', function () {
  this.timeout(60_000);
  const task = Seq2SeqTask.create({ ...TASK_TEST_CONFIG, hidden: 8, embedding: 4, batch: 4, seqLen: 8, lr: 0.01, seed: 7, attention: 'dot' }, generateTask('reverse', new Rng(1), 40, { minLen: 3, maxLen: 5 }));
  const letters = (n: number): string => 'abcde'.repeat(Math.ceil(n / 5)).slice(0, n);

  it('Translate Selection refuses a selection past the attention view\'s limits before encoding it', () => {
    let encoded = 0;
    const encode = task.model.encode.bind(task.model);
    task.model.encode = (...a: Parameters<typeof encode>) => (encoded++, encode(...a));
    try {
      for (const beam of [1, 64]) {
        const t0 = Date.now();
        assert.throws(() => translateForView(task, 'm', letters(ATTENTION_LIMITS.tokens + 1), beam, true),
          new RegExp(`The selection is ${ATTENTION_LIMITS.tokens + 1} tokens .*shows at most ${ATTENTION_LIMITS.tokens} tokens.*select less`));
        assert.ok(Date.now() - t0 < 1000);
      }
      assert.equal(encoded, 0, 'nothing was encoded');
      // At the limit it translates, and the view is one the panel accepts.
      const { view } = translateForView(task, 'm', letters(ATTENTION_LIMITS.tokens), 4, true);
      assert.equal(view.sourceTokens.length, ATTENTION_LIMITS.tokens);
      assert.equal(encoded, 1);
    } finally {
      task.model.encode = encode;
    }
  });

  it('the engine refuses a source over MAX_SOURCE_TOKENS, greedy and beam; the real CLI says so in one line (exit 1) at once', () => {
    for (const beam of [1, 64]) assert.throws(() => task.translate(letters(MAX_SOURCE_TOKENS + 1), beam), new RegExp(`the source is ${MAX_SOURCE_TOKENS + 1} tokens; a seq2seq model reads at most ${MAX_SOURCE_TOKENS}`));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-longsrc-'));
    try {
      saveTaskDir(task, path.join(dir, 'm'), {});
      const input = path.join(dir, 'long.txt');
      fs.writeFileSync(input, letters(20 * MAX_SOURCE_TOKENS)); // 2 M tokens: 25 GB of beam-64 attention rows before
      for (const flags of [[], ['--beam', '64'], ['--json']]) {
        const t0 = Date.now();
        const r = spawnSync(process.execPath, [CLI, 'translate', path.join(dir, 'm'), '--input-file', input, ...flags], { encoding: 'utf8', timeout: 30_000 });
        assert.equal(r.status, 1, `exit ${r.status} ${r.stderr.slice(0, 200)}`);
        assert.equal(r.stderr, `seqlab: the source is ${20 * MAX_SOURCE_TOKENS} tokens; a seq2seq model reads at most ${MAX_SOURCE_TOKENS} (the longest sequence training keeps): translate a shorter text\n`);
        assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
      }
      // --json writes its attention matrix a row at a time: still one JSON object, rows T × S.
      fs.writeFileSync(input, letters(5000));
      const r = spawnSync(process.execPath, [CLI, 'translate', path.join(dir, 'm'), '--input-file', input, '--json', '--beam', '4'], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { output_tokens: string[]; source_tokens: string[]; attention: number[][]; finished: boolean; log_prob: number };
      assert.deepEqual(Object.keys(out), ['input', 'output', 'source_tokens', 'output_tokens', 'attention', 'log_prob', 'finished']);
      assert.equal(out.attention.length, out.output_tokens.length);
      for (const row of out.attention) assert.equal(row.length, 5000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
