// test/bench/lmBudget.ts (npm run bench:lm): W1's model on a fixed step budget against the 5-gram, run as a real
// process on a real text (the project's README): it trains exactly the steps asked, scores both models on the same
// held-out characters, and reports keystrokes saved and calibration within their ranges; bad input is one line.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const SCRIPT = path.join(ROOT, 'out/test/bench/lmBudget.js');
const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('bench:lm, W1\'s model on a step budget vs the 5-gram', function () {
  this.timeout(150_000);

  it('trains the steps asked and reports bits/char, keystrokes saved and calibration for both models', () => {
    const r = run('--text', path.join(ROOT, 'README.md'), '--steps', '12', '--batch', '4', '--chars', '120', '--json');
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.steps, 12);
    assert.equal(o.tokens, 12 * 4 * 64);
    assert.equal(o.lrSchedule, 'auto');
    assert.equal(o.typedChars, 120);
    assert.ok(o.bitsPerChar.chars > 0 && o.bitsPerChar.chars % 64 === 0, `${o.bitsPerChar.chars} scored chars`);
    for (const m of ['seqlab', 'ngram-5']) {
      // Both between a perfect model (0) and far worse than uniform over the README's ~90 characters.
      assert.ok(o.bitsPerChar[m] > 0 && o.bitsPerChar[m] < 12, `${m}: ${o.bitsPerChar[m]} bits/char`);
      for (const [policy, pct] of Object.entries(o.keystrokesSaved[m] as Record<string, number>)) assert.ok(pct >= 0 && pct < 100, `${m} ${policy}: ${pct}`);
      const offered = (o.calibration[m] as Array<{ n: number; right: number }>).reduce((n, b) => n + b.n, 0);
      assert.ok(offered <= 120, `${m}: ${offered} suggestions over 120 positions`);
    }
    // 12 steps is far too few for the LSTM to beat a 5-gram on its own training text's register.
    assert.ok(o.bitsPerChar.seqlab > o.bitsPerChar['ngram-5']);
  });

  it('a missing text, or one whose held-out 5 % is shorter than one window, is refused in one line naming it', () => {
    const missing = run('--text', path.join(ROOT, 'no-such-text.txt'), '--steps', '2');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr.trim(), /^bench:lm: .*no-such-text\.txt: no such file or directory$/);
    const short = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lmbudget-')), 'short.txt');
    fs.writeFileSync(short, 'the cat sat on the mat. '.repeat(40)); // 960 chars: 48 held out
    const r = run('--text', short, '--steps', '2', '--seq-len', '8', '--batch', '2', '--chars', '10');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr.trim().split('\n').pop()!, /^bench:lm: the held-out 5 % of .*short\.txt is shorter than one 64-character window$/);
  });
});
