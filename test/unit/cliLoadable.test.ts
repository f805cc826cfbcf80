// `seqlab train` refuses, before its first step, data that would make a model its own loader refuses: the
// checkpoint field limits (engine/checkpoint/fields.ts) apply to what train writes, not only to what load reads.
// Before, 100,001 distinct labels trained and saved (exit 0) a checkpoint every later command refused.
// Real files, the real CLI process.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('seqlab train never trains a model it could not load again', function () {
  this.timeout(240_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-loadable-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const tiny = ['--hidden', '4', '--embedding', '2', '--steps', '1', '--batch', '2'];

  const cases: [name: string, task: string, data: string, field: RegExp][] = [
    ['100,001 distinct labels', 'classify', Array.from({ length: 100_001 }, (_, i) => `L${i}\tab`).join('\n'), /architecture\.config\.numClasses must be between 1 and 100000, got 100001/],
    ['a 20,000-character label', 'classify', `${'x'.repeat(20_000)}\tab\ny\tba\n`, /architecture\.labels\[\d\] is 20000 characters long, at most 10000/],
    ['100,001 distinct tags', 'tag', Array.from({ length: 100_001 }, (_, i) => `w\tT${i}\n`).join('\n'), /architecture\.config\.numTags must be between 1 and 100000, got 100001/],
  ];
  for (const [name, task, text, field] of cases) {
    it(`${task}: ${name} is refused before training, naming the field, and nothing is written`, () => {
      const data = path.join(tmp, `${task}.txt`), out = path.join(tmp, `out-${task}`);
      fs.writeFileSync(data, text);
      const r = cli('train', '--task', task, '--data', data, '--out', out, ...tiny);
      assert.equal(r.status, 1, r.stderr);
      // 100,001 labels in as many lines also look like swapped label<TAB>text columns: that is a warning, the
      // refusal is the one error line.
      const errors = r.stderr.trim().split('\n').filter((l) => !l.startsWith('seqlab: warning: '));
      assert.match(errors[0], /^seqlab: this model could not be loaded again, so it is not trained: its seqlab\.json would be refused: /);
      assert.match(errors[0], field);
      assert.equal(errors.length, 1, 'one line');
      assert.ok(!fs.existsSync(out), 'no checkpoint folder');
    });
  }

  it('at the limits themselves the model trains and loads', () => {
    const data = path.join(tmp, 'edge.tsv'), out = path.join(tmp, 'edge');
    fs.writeFileSync(data, `${'x'.repeat(10_000)}\tab\ny\tba\n`);
    assert.equal(cli('train', '--task', 'classify', '--data', data, '--out', out, ...tiny).status, 0);
    const r = cli('classify', out, '--input', 'ab', '--json');
    assert.equal(r.status, 0, r.stderr);
  });
});
