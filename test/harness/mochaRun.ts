// One programmatic mocha runner for every layer: unit and e2e (in Node) and the integration suite
// (inside the extension host, through @vscode/test-electron's `run()` contract). It writes the
// counts from mocha's own stats to a result file, so `npm test`'s total line is the runners' word.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface LayerResult {
  readonly layer: string;
  readonly ok: boolean;
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly durationMs: number;
  /** Node version of the process the tests ran in (the extension host's, for integration). */
  readonly node: string;
  readonly electron: string | null;
  readonly files: readonly string[];
  readonly error?: string;
}

/** *.test.js files under `dir`, recursively, sorted (deterministic order). */
export function findTestFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTestFiles(p));
    else if (entry.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

export function writeResult(file: string | undefined, result: LayerResult): void {
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
}

export function readResult(file: string): LayerResult | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LayerResult;
  } catch {
    return null;
  }
}

export interface MochaRunOptions {
  readonly layer: string;
  readonly files: readonly string[];
  readonly timeoutMs: number;
  readonly resultFile?: string | undefined;
  readonly grep?: string | undefined;
}

/** Runs the files; resolves with the result (never rejects on test failures). */
export function runMocha(opts: MochaRunOptions): Promise<LayerResult> {
  const mocha = new Mocha({ ui: 'bdd', color: process.stdout.isTTY === true, timeout: opts.timeoutMs, reporter: 'spec' });
  if (opts.grep) mocha.grep(opts.grep);
  for (const f of opts.files) mocha.addFile(f);
  const began = Date.now();
  const rel = opts.files.map((f) => path.basename(f));
  console.log(`[harness] BEGIN ${JSON.stringify({ layer: opts.layer, files: rel, node: process.versions.node })}`);
  const base = {
    layer: opts.layer,
    node: process.versions.node,
    electron: process.versions['electron'] ?? null,
    files: rel,
  };
  return new Promise((resolve) => {
    const finish = (r: LayerResult): void => {
      writeResult(opts.resultFile, r);
      console.log(`[harness] RESULT ${JSON.stringify(r)}`);
      resolve(r);
    };
    try {
      const runner = mocha.run((failures) => {
        const s = runner.stats;
        finish({
          ...base,
          ok: failures === 0,
          passes: s?.passes ?? 0,
          failures,
          pending: s?.pending ?? 0,
          durationMs: Date.now() - began,
        });
      });
    } catch (e) {
      // A test file that throws while loading: count it as one failure, never as green.
      console.error(e);
      finish({ ...base, ok: false, passes: 0, failures: 1, pending: 0, durationMs: Date.now() - began, error: String(e) });
    }
  });
}
