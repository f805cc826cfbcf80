// The dependency rule of docs/architecture.md, checked by scanning import specifiers:
//   engine   → engine only (pure: no 'vscode', no 'node:*', no packages, no DOM entry points)
//   protocol → protocol, and engine only through `import type`, except the run config schema
//              (src/engine/run/config.ts: a data table and its validator, importing only types), which the
//              training protocol validates `start.config` with, so the channel and the CLI accept the same configs
//   'vscode' → only from src/extension/** and src/extension.ts
//   webview  → webview, protocol, chart.js
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface ImportRef {
  readonly file: string; // relative to ROOT, '/'-separated
  readonly specifier: string;
  readonly typeOnly: boolean;
  /** Target relative to ROOT for relative specifiers, else null (a package or builtin). */
  readonly target: string | null;
}

// import … from 'x' | import 'x' | export … from 'x' | import('x') | require('x')
const IMPORT_RE =
  /(?:^|[;\n])\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Import references of one source text (comments stripped first, so examples in them don't count). */
export function scanImports(file: string, source: string): ImportRef[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const refs: ImportRef[] = [];
  for (const m of code.matchAll(IMPORT_RE)) {
    const specifier = (m[3] ?? m[4] ?? m[5]) as string;
    const typeOnly = m[2] !== undefined;
    const target = specifier.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)) : null;
    refs.push({ file, specifier, typeOnly, target });
  }
  return refs;
}

/** Violations of the dependency rule for the given references. */
export function checkLayering(refs: readonly ImportRef[]): string[] {
  const bad: string[] = [];
  const under = (p: string | null, dir: string): boolean => p !== null && (p === dir || p.startsWith(dir + '/'));
  for (const r of refs) {
    const where = `${r.file}: '${r.specifier}'`;
    const isExtensionSide = under(r.file, 'src/extension') || r.file === 'src/extension.ts';
    if (r.specifier === 'vscode' && !isExtensionSide) bad.push(`${where}: only src/extension imports 'vscode'`);
    if (under(r.file, 'src/engine') && !under(r.target, 'src/engine')) {
      bad.push(`${where}: src/engine imports only engine files`);
    }
    if (under(r.file, 'src/protocol')) {
      const ok = under(r.target, 'src/protocol') || (under(r.target, 'src/engine') && r.typeOnly) || r.target === 'src/engine/run/config';
      if (!ok) bad.push(`${where}: src/protocol imports protocol files, and engine only with 'import type'`);
    }
    if (under(r.file, 'webview')) {
      const ok = under(r.target, 'webview') || under(r.target, 'src/protocol') || r.specifier === 'chart.js' || r.specifier.startsWith('chart.js/');
      if (!ok) bad.push(`${where}: webview imports only webview, src/protocol and chart.js`);
    }
  }
  return bad;
}

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|tsx|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

describe('layering (import rules of the architecture)', () => {
  it('the scanner finds every import form and flags each kind of violation', () => {
    const refs = [
      ...scanImports('src/engine/a.ts', "import { x } from './b';\nimport * as fs from 'node:fs';\n// import 'vscode'\n"),
      ...scanImports('src/protocol/p.ts', "import type { T } from '../engine/tensor';\nimport { rng } from '../engine/rng';"),
      ...scanImports('src/cli/main.ts', "const v = require('vscode');"),
      ...scanImports('webview/dashboard/main.ts', "import { Chart } from 'chart.js';\nexport { y } from '../../src/engine/tensor';\nconst m = import('lodash');"),
      ...scanImports('src/extension/x.ts', "import * as vscode from 'vscode';\nimport type {\n  A,\n  B,\n} from '../protocol/dashboard';"),
    ];
    assert.deepEqual(
      refs.map((r) => `${r.specifier}${r.typeOnly ? ' (type)' : ''}`),
      ['./b', 'node:fs', '../engine/tensor (type)', '../engine/rng', 'vscode', 'chart.js', '../../src/engine/tensor', 'lodash', 'vscode', '../protocol/dashboard (type)'],
    );
    assert.deepEqual(checkLayering(refs), [
      "src/engine/a.ts: 'node:fs': src/engine imports only engine files",
      "src/protocol/p.ts: '../engine/rng': src/protocol imports protocol files, and engine only with 'import type'",
      "src/cli/main.ts: 'vscode': only src/extension imports 'vscode'",
      "webview/dashboard/main.ts: '../../src/engine/tensor': webview imports only webview, src/protocol and chart.js",
      "webview/dashboard/main.ts: 'lodash': webview imports only webview, src/protocol and chart.js",
    ]);
  });

  it('the sources follow the rules', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('webview')];
    assert.ok(files.includes('src/extension.ts') && files.some((f) => f.startsWith('src/engine/')), 'sources not found');
    const refs = files.flatMap((f) => scanImports(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    assert.ok(refs.length > 10, `only ${refs.length} imports found: the scanner is broken`);
    assert.deepEqual(checkLayering(refs), []);
  });

  it('no unit test imports vscode', () => {
    // This file is left out: its scanner examples above name 'vscode' inside string literals.
    const files = sourceFiles('test/unit').filter((f) => f !== 'test/unit/layering.test.ts');
    assert.ok(files.length > 0, 'no unit tests found');
    const refs = files.flatMap((f) => scanImports(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    assert.deepEqual(refs.filter((r) => r.specifier === 'vscode').map((r) => r.file), []);
  });
});
