// Every system file that code names (a test, the demo, the CLI's data generators, the bench) must come from a
// package in test/harness/debian-packages.txt, the one list `npm test` and `npm start` install from. A fresh
// machine once failed `npm test` because `seqlab data languages` read /usr/share/dict/ngerman and the list
// lacked wngerman: this scan finds every quoted absolute path under the system trees, asks dpkg which package
// owns it, and fails unless that package is listed, is pulled in by a listed one, or is Essential.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
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

const ROOTS = '(?:usr|etc|opt|lib|lib64|bin|sbin|var/lib)';
const IS_SYSTEM = new RegExp(`^/${ROOTS}/`);
const NAME = '[A-Za-z_$][\\w$]*';
// `const DICT = '/usr/share/dict'` (optionally typed): a name later joined with file names.
const SYSTEM_CONST = new RegExp(`\\b(?:const|let|var)\\s+(${NAME})\\s*(?::\\s*string\\s*)?=\\s*(['"\`])(\\/${ROOTS}\\/?[^'"\`\\s\${}*]*)\\2`, 'g');
// path.join(A, 'b', …) / path.resolve / posix.join / a bare join(…) imported from node:path: flat arguments only.
const JOIN_CALL = /\b(?:path\.|posix\.|nodePath\.)?(?:join|resolve)\(([^()]*)\)/g;
// A template that starts with a system path or a name: `/usr/share/dict/${lang}`, `${DICT}/ngerman` (anchored on the
// opening backtick and its first characters, so backticks in comments cannot shift the pairing).
const TEMPLATE = new RegExp(`\`((?:/${ROOTS}/|\\$\\{\\s*${NAME}\\s*\\}/)[^\`]*)\``, 'g');
// DICT + '/ngerman'
const CONCAT = new RegExp(`\\b(${NAME})\\s*\\+\\s*(['"\`])(/[^'"\`\${}]*)\\2`, 'g');

/** The directory part of a path whose tail is computed at run time (the directory is then what is named). */
const dirOf = (prefix: string): string => prefix.slice(0, prefix.lastIndexOf('/')) || '/';

/** System paths a file builds: path.join/resolve of a literal (or a const holding one) and file names, and
 *  template strings such as `${DICT}/ngerman` or `/usr/share/dict/${lang}` (the directory, when the tail varies). */
function builtSystemPaths(text: string): string[] {
  const consts = new Map<string, string>();
  for (const m of text.matchAll(SYSTEM_CONST)) consts.set(m[1] as string, (m[3] as string).replace(/\/+$/, ''));
  const found: string[] = [];
  for (const m of text.matchAll(JOIN_CALL)) {
    const args = (m[1] as string).split(',').map((a) => a.trim()).filter(Boolean);
    const literal = (a: string): string | null => /^(['"`])([^'"`${}]*)\1$/.exec(a)?.[2] ?? consts.get(a) ?? null;
    const first = args.length ? literal(args[0] as string) : null;
    if (first === null || !IS_SYSTEM.test(`${first}/`)) continue;
    let p = first;
    for (const a of args.slice(1)) {
      const part = literal(a);
      if (part === null) break; // a computed name: the directory built so far is what the code names
      p = part.startsWith('/') ? part : `${p.replace(/\/+$/, '')}/${part}`;
    }
    found.push(p);
  }
  for (const m of text.matchAll(CONCAT)) {
    const dir = consts.get(m[1] as string);
    if (dir !== undefined) found.push(dir + (m[3] as string));
  }
  for (const m of text.matchAll(TEMPLATE)) {
    const t = (m[1] as string).replace(new RegExp(`\\$\\{\\s*(${NAME})\\s*\\}`, 'g'), (whole, n: string) => consts.get(n) ?? whole);
    if (!IS_SYSTEM.test(t)) continue;
    const dyn = t.search(/\$\{|[\s*]/);
    found.push(dyn < 0 ? t : dirOf(t.slice(0, dyn)));
  }
  return found;
}

/** Every system path the tree names (quoted, joined or templated), with the first file that names it. */
export function namedSystemPaths(root: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const top of SCANNED) {
    const p = path.join(root, top);
    if (!fs.existsSync(p)) continue;
    for (const file of sourceFiles(p)) {
      const text = fs.readFileSync(file, 'utf8');
      const quoted = [...text.matchAll(SYSTEM_PATH)].map((m) => m[1] as string);
      for (const named of [...quoted, ...builtSystemPaths(text)]) {
        const sys = named.replace(/\/+$/, '');
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
  // "pkg1, pkg2:amd64: /path" (one line per match; a directory may list many packages, each with its
  // architecture); "diversion by pkg from: /path" lines name no owner.
  const out = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const end = line.indexOf(': /');
    if (end < 0 || line.startsWith('diversion by ')) continue;
    for (const p of line.slice(0, end).split(',')) out.add(p.trim().replace(/:.*$/, ''));
  }
  return [...out];
}

/** One line per system file the tree names that no listed package (or a dependency, or an Essential one) provides. */
function systemFileProblems(root: string, listed: readonly string[]): string[] {
  const provided = providedPackages(listed);
  const problems: string[] = [];
  for (const [file, namedIn] of namedSystemPaths(root)) {
    const own = owners(file);
    if (own.length === 0) {
      problems.push(`${file} (named in ${namedIn}) belongs to no installed package: add the package that provides it to test/harness/debian-packages.txt`);
      continue;
    }
    if (own.some((p) => provided.has(p))) continue;
    // One query for all owners (a shared directory can have hundreds).
    const essential = dpkgQuery('${Essential}\n', own).split('\n').includes('yes');
    if (!essential) {
      problems.push(`${file} (named in ${namedIn}) comes from ${own.join(' or ')}, which test/harness/debian-packages.txt does not list`);
    }
  }
  return problems;
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
    assert.deepEqual(systemFileProblems(ROOT, listedPackages()), []);
  });

  it('sees paths built with path.join, a const, a template or +, in src, test/harness and test/bench', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-sysfiles-'));
    try {
      const put = (rel: string, text: string): void => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
      };
      put('src/cli/words.ts', "import * as path from 'node:path';\nconst DICT = '/usr/share/dict';\nexport const de = path.join(DICT, 'ngerman');\n" +
        "export const fr = path.join('/usr/share/dict', \"french\");\nexport const es = `${DICT}/spanish`;\nexport const en = DICT + '/american-english';\n");
      put('test/harness/demo.ts', "// a `comment` with `backticks` before the template\nconst GAMES: string = '/usr/share/games';\nconst dir = path.resolve(GAMES, 'fortunes', name);\n");
      // A template whose tail is computed names its directory (a listed package's, so the fixture itself passes
      // the check it tests).
      put('test/bench/corpus.ts', 'export const words = (lang: string) => `/usr/share/dict/${lang}/words`;\nconst py = `/usr/bin/python3`;\n');
      const named = namedSystemPaths(root);
      assert.deepEqual([...named.keys()].sort(), [
        '/usr/bin/python3', '/usr/share/dict', '/usr/share/dict/american-english', '/usr/share/dict/french', '/usr/share/dict/ngerman',
        '/usr/share/dict/spanish', '/usr/share/games', '/usr/share/games/fortunes',
      ]);
      assert.equal(named.get('/usr/share/games/fortunes'), path.join('test', 'harness', 'demo.ts'));
      // '/usr/share/dict' is named first by src/cli/words.ts; alone, the template names it from the bench file.
      fs.rmSync(path.join(root, 'src'), { recursive: true });
      assert.equal(namedSystemPaths(root).get('/usr/share/dict'), path.join('test', 'bench', 'corpus.ts'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a joined path from an unlisted package is reported, naming the file that builds it', function () {
    if (!isDebian) this.skip();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-sysfiles-'));
    try {
      fs.mkdirSync(path.join(root, 'test', 'bench'), { recursive: true });
      fs.writeFileSync(path.join(root, 'test', 'bench', 'lists.ts'), "const DICT = '/usr/share/dict';\nexport const lists = [path.join(DICT, 'american-english'), `${DICT}/ngerman`];\n");
      const problems = systemFileProblems(root, ['wamerican']);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] as string, /^\/usr\/share\/dict\/ngerman \(named in test\/bench\/lists\.ts\) (comes from wngerman|belongs to no installed package)/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('fails for a file from an unlisted package (the check can fail)', function () {
    if (!isDebian) this.skip();
    const provided = providedPackages(['wamerican']);
    assert.ok(!provided.has('wngerman'), 'wamerican does not pull in wngerman');
    const own = owners('/usr/share/dict/american-english');
    assert.ok(own.includes('wamerican'), `dpkg -S names wamerican for american-english, got ${own.join(',')}`);
  });
});
