// Where things live. The harness runs compiled from out/test/harness/, so the project root is
// found by walking up to SeqLab's package.json rather than by a fixed number of '..'.
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'seqlab') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no SeqLab package.json above ${start}`);
  }
}

export const ROOT = findRoot(__dirname);
/** Everything the harness downloads or generates (git-ignored). */
export const VSCODE_TEST = path.join(ROOT, '.vscode-test');
export const ARTIFACTS = path.join(VSCODE_TEST, 'artifacts');
/** Screenshots the e2e tests take (git-ignored). */
export const TEST_RESULTS = path.join(ROOT, 'test-results');
export const CODE_SERVER_ROOT = process.env['CODE_SERVER_ROOT'] ?? path.join(VSCODE_TEST, 'code-server');
export const OUT_TEST = path.join(ROOT, 'out', 'test');
