// Runs an extension's integration suite (extensionTestsPath, the @vscode/test-electron contract:
// a module exporting run(): Promise) inside code-server's real Node extension host, with headless
// chromium rendering the workbench. The test parameters travel in the workbench URL's ?payload=,
// which the built workbench honours only with the smoke-test driver on.
//
// The outcome arrives through window.codeAutomationExit(code) (exposed before the page loads); the
// result file written by mochaRun inside the extension host is the cross-check. Everything the
// extension host logs arrives through window.codeAutomationLog and goes to workbench-console.log;
// the test's own output (between the [harness] BEGIN/RESULT markers) is echoed to stdout.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchBrowser, type Browser } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { log } from './log';
import { readResult } from './mochaRun';
import { cleanupOnSignals } from './processes';

export interface ExtensionTestOptions {
  readonly extensionDevelopmentPaths: readonly string[];
  readonly extensionTestsPath: string;
  readonly workspace?: string | undefined;
  readonly artifacts: string;
  /** Bound on the whole run: server, browser, workbench and tests. */
  readonly timeoutMs: number;
  readonly disableExtensions?: boolean;
  readonly verbose?: boolean;
}

/** Exit code: 0 passed, 1 a test failed (or run() threw), 2 deadline or harness problem. */
export async function runExtensionTests(o: ExtensionTestOptions): Promise<number> {
  const artifacts = path.resolve(o.artifacts);
  fs.mkdirSync(artifacts, { recursive: true });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-cs-'));
  // Reuse the result file given by the caller (through the environment), or our own.
  const resultFile = process.env['HARNESS_RESULT_FILE'] ?? path.join(artifacts, 'test-result.json');
  fs.rmSync(resultFile, { force: true });
  const consoleLog = fs.createWriteStream(path.join(artifacts, 'workbench-console.log'));

  let cs: CodeServer | null = null;
  let browser: Browser | null = null;
  let timer: NodeJS.Timeout | undefined;
  let cleaning: Promise<void> | null = null;
  // Shared by a signal handler and the normal path, so neither exits while the other is stopping.
  const cleanup = (): Promise<void> => (cleaning ??= doCleanup());
  const doCleanup = async (): Promise<void> => {
    clearTimeout(timer);
    await browser?.close();
    await cs?.stop();
    consoleLog.end();
    if (cs) {
      fs.cpSync(path.join(cs.userDataDir, 'logs'), path.join(artifacts, 'vscode-logs'), { recursive: true, force: true });
      fs.copyFileSync(cs.logFile, path.join(artifacts, 'code-server.log'));
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  cleanupOnSignals(cleanup);

  const began = Date.now();
  type Outcome = { kind: 'exit'; code: number } | { kind: 'timeout' } | { kind: 'error'; error: unknown };
  let outcome: Outcome;
  try {
    cs = await startCodeServer({
      workDir,
      folder: o.workspace ?? path.join(workDir, 'workspace'),
      smokeTestDriver: true,
      env: { HARNESS_RESULT_FILE: resultFile }, // the extension host inherits the server's environment
    });
    browser = await launchBrowser(workDir);
    const page = browser.page;
    let inside = false;
    const exit = new Promise<Outcome>((resolve) => {
      void page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
        const text = format(...(Array.isArray(args) ? args : [args]));
        consoleLog.write(`[${type}] ${text}\n`);
        if (text.includes('[harness] BEGIN')) inside = true;
        if (o.verbose || inside) (type === 'error' ? console.error : console.log)(text);
        if (text.includes('[harness] RESULT')) inside = false;
      });
      void page.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
        for (const l of logs ?? []) {
          const dest = path.join(artifacts, 'window-logs', l.relativePath);
          fs.mkdirSync(path.dirname(dest), { recursive: true });
          fs.writeFileSync(dest, l.contents);
        }
        resolve({ kind: 'exit', code });
      });
      page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? String(e)}\n`));
      timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.max(1000, began + o.timeoutMs - Date.now()));
    });
    const url = cs.url([
      ...o.extensionDevelopmentPaths.map((p) => ['extensionDevelopmentPath', cs!.remoteUri(p)] as const),
      ['extensionTestsPath', cs.remoteUri(o.extensionTestsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
      ...(o.disableExtensions ? [['disableExtensions', 'true'] as const] : []),
    ]);
    log(`opening ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    log('workbench loaded; waiting for the extension host to run the tests');
    outcome = await exit;
    if (outcome.kind === 'timeout') await page.screenshot({ path: path.join(artifacts, 'timeout.png') }).catch(() => undefined);
  } catch (e) {
    outcome = { kind: 'error', error: e };
  }

  const result = readResult(resultFile);
  let rc: number;
  if (outcome.kind === 'exit') {
    rc = outcome.code === 0 ? 0 : 1;
    log(`extension host reported exit code ${outcome.code}`);
  } else if (outcome.kind === 'timeout') {
    log(`TIMEOUT after ${o.timeoutMs / 1000}s without an exit code from the workbench`);
    rc = result ? (result.ok ? 0 : 1) : 2;
  } else {
    log(`harness error: ${outcome.error instanceof Error ? outcome.error.stack : String(outcome.error)}`);
    rc = 2;
  }
  if (result && rc === 0 && !result.ok) rc = 1; // never green on a red result file
  if (rc === 0 && !result) {
    log('the workbench reported success but the suite wrote no result file: treating as a failure');
    rc = 1;
  }
  await cleanup();
  if (rc !== 0) printErrors(path.join(artifacts, 'workbench-console.log'));
  log(`extension tests done in ${((Date.now() - began) / 1000).toFixed(1)}s, exit ${rc}; artifacts in ${artifacts}`);
  return rc;
}

/** Shows the last errors the workbench logged (e.g. the stack of a test entry that threw at load). */
function printErrors(file: string): void {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const errors = text.split(/\n(?=\[)/).filter((l) => l.startsWith('[error]'));
  if (errors.length === 0) return;
  log(`${errors.length} error(s) logged by the workbench (full log: ${file}); the last ones:`);
  for (const e of errors.slice(-8)) console.log('  ' + e.split('\n').slice(0, 4).join('\n    '));
}
