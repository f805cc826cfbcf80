// A real VS Code workbench for UI tests and `npm start`: code-server with SeqLab installed the way a
// user installs it (copied into the extensions dir, no smoke-test driver, so toasts show and the UI
// behaves like a user's), opened in headless chromium. One per e2e run, shared by all e2e tests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { log } from './log';
import { ARTIFACTS, ROOT, TEST_RESULTS } from './paths';
import { waitForWorkbench } from './ui';

export interface Workbench {
  readonly page: Page;
  readonly server: CodeServer;
  /** Saves a screenshot of the whole window to test-results/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  stop(): Promise<void>;
}

export interface WorkbenchOptions {
  /** Folder to open; a small scratch workspace by default. */
  readonly folder?: string;
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Extension folders to install; SeqLab itself by default. */
  readonly extensions?: readonly string[];
}

export async function openWorkbench(opts: WorkbenchOptions = {}): Promise<Workbench> {
  // In the system temp dir: code-server puts unix sockets under it, and socket paths are short.
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-wb-'));
  const artifacts = path.join(ARTIFACTS, 'e2e');
  fs.mkdirSync(artifacts, { recursive: true });
  const folder = opts.folder ?? path.join(workDir, 'workspace');
  let server: CodeServer | null = null;
  let browser: Browser | null = null;
  const consoleLog = fs.createWriteStream(path.join(artifacts, 'browser-console.log'));
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await browser?.close();
      await server?.stop();
      consoleLog.end();
      if (server) fs.copyFileSync(server.logFile, path.join(artifacts, 'code-server.log'));
      fs.rmSync(workDir, { recursive: true, force: true });
    })());
  try {
    server = await startCodeServer({
      workDir,
      folder,
      installExtensions: opts.extensions ?? [ROOT],
      settings: { 'workbench.colorTheme': 'Default Dark Modern', ...opts.settings },
    });
    browser = await launchBrowser(workDir);
    const page = browser.page;
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? String(e)}\n`));
    await page.goto(server.url(), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await waitForWorkbench(page);
    log('workbench painted');
    const s = server;
    return {
      page,
      server: s,
      async screenshot(name) {
        fs.mkdirSync(TEST_RESULTS, { recursive: true });
        const file = path.join(TEST_RESULTS, `${name}.png`);
        // Let running CSS animations end first (the quick pick fades in: shot at once, the editor shows through).
        // Endless ones (progress spinners) never finish and are not waited for.
        await page.evaluate(() => Promise.race([
          Promise.all(document.getAnimations()
            .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
            .map((a) => a.finished.catch(() => undefined))),
          new Promise((resolve) => setTimeout(resolve, 2000)),
        ]));
        await page.screenshot({ path: file });
        log(`screenshot ${path.relative(ROOT, file)}`);
        return file;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
