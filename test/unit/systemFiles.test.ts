// Every system file that code names (a test, the demo, the CLI's data generators, the bench) must come from a
// package in test/harness/debian-packages.txt, the one list `npm test` and `npm start` install from. A fresh
// machine once failed `npm test` because `seqlab data languages` read /usr/share/dict/ngerman and the list
// lacked wngerman: this scan finds every quoted absolute path under the system trees, asks dpkg which package
// owns it, and fails unless that package is listed, is pulled in by a listed one, or is Essential.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCANNED = ['src', 'test', 'webview', 'package.json', '.ci'];
const SOURCE_EXT = /\.(ts|js|mjs|cjs|json|py|sh)$|^run$/;
// Quoted absolute paths under the trees Debian packages install into. /dev, /proc, /sys and /tmp are not
// package files (tests use /dev/zero on purpose, as a hostile corpus).
const SYSTEM_PATH = /['"`](\/(?:usr|etc|opt|lib|lib64|bin|sbin|var\/lib)\/[^'"`\s${}*]+)['"`]/g;

function* sourceFiles(p: string): Generator<string> {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(p)) if (name !== 'node_modules' && name !== 'fixtures') yield* sourceFiles(path.join(p, name));
  } else if (SOURCE_EXT.test(path.basename(p))) yield p;
}

/** Every quoted system path in the tree, with the first file that names it. */
export function namedSystemPaths(root: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const top of SCANNED) {
    const p = path.join(root, top);
    if (!fs.existsSync(p)) continue;
    for (const file of sourceFiles(p)) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(SYSTEM_PATH)) {
        const sys = (m[1] as string).replace(/\/+$/, '');
        if (!found.has(sys)) found.set(sys, path.relative(root, file));
      }
    }
  }
  return found;
}

function listedPackages(): string[] {
  return fs.readFileSync(path.join(ROOT, 'test', 'harness', 'debian-packages.txt'), 'utf8')
    .split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
}

function dpkgQuery(format: string, pkgs: readonly string[]): string {
  const r = spawnSync('dpkg-query', ['-W', `-f=${format}`, ...pkgs], { encoding: 'utf8' });
  return r.stdout;
}

/** The listed packages and everything their Depends/Pre-Depends pull in (as installed here). */
function providedPackages(listed: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...listed];
  while (queue.length > 0) {
    const pkg = (queue.pop() as string).replace(/:.*$/, '');
    if (seen.has(pkg)) continue;
    seen.add(pkg);
    const deps = dpkgQuery('${Pre-Depends}, ${Depends}', [pkg]);
    for (const alt of deps.split(',')) {
      for (const choice of alt.split('|')) {
        const name = choice.trim().split(/[\s(]/)[0];
        if (name) queue.push(name);
      }
    }
  }
  return seen;
}

function owners(file: string): string[] {
  const r = spawnSync('dpkg', ['-S', file], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  // "pkg1, pkg2: /path" (one line per match; a directory may list several packages)
  const out = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^([^:]+(?::[a-z0-9-]+)?(?:,\s*[^:]+)*): /.exec(line);
    if (!m) continue;
    for (const p of (m[1] as string).split(',')) out.add(p.trim().replace(/:.*$/, ''));
  }
  return [...out];
}

const isDebian = spawnSync('dpkg', ['--version'], { stdio: 'ignore' }).status === 0;

describe('system files come from test/harness/debian-packages.txt', function () {
  it('the scan finds the system paths the code names (the word lists and fortunes among them)', function () {
    const named = namedSystemPaths(ROOT);
    for (const must of ['/usr/share/dict/ngerman', '/usr/share/games/fortunes', '/usr/bin/python3']) {
      assert.ok(named.has(must), `the scan should see ${must}; it found ${[...named.keys()].join(', ')}`);
    }
  });

  it('every named system file is owned by a listed package, a dependency of one, or an Essential package', function () {
    if (!isDebian) this.skip(); // the list is a Debian package list; elsewhere there is nothing to check against
    const listed = listedPackages();
    const provided = providedPackages(listed);
    const problems: string[] = [];
    for (const [file, namedIn] of namedSystemPaths(ROOT)) {
      const own = owners(file);
      if (own.length === 0) {
        problems.push(`${file} (named in ${namedIn}) belongs to no installed package: add the package that provides it to test/harness/debian-packages.txt`);
        continue;
      }
      const essential = own.some((p) => dpkgQuery('${Essential}', [p]).trim() === 'yes');
      if (!essential && !own.some((p) => provided.has(p))) {
        problems.push(`${file} (named in ${namedIn}) comes from ${own.join(' or ')}, which test/harness/debian-packages.txt does not list`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('fails for a file from an unlisted package (the check can fail)', function () {
    if (!isDebian) this.skip();
    const provided = providedPackages(['wamerican']);
    assert.ok(!provided.has('wngerman'), 'wamerican does not pull in wngerman');
    const own = owners('/usr/share/dict/american-english');
    assert.ok(own.includes('wamerican'), `dpkg -S names wamerican for american-english, got ${own.join(',')}`);
  });
});
