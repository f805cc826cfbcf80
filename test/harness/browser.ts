// Debian's chromium, driven over CDP by playwright-core (no browser download: chromium-driver and
// playwright's own browser builds are not needed). A fresh profile per run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { log } from './log';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export function chromiumPath(): string {
  const p = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!fs.existsSync(p)) throw new Error(`chromium not found at ${p} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return p;
}

export async function launchBrowser(workDir: string, viewport = { width: 1280, height: 800 }): Promise<Browser> {
  // playwright rejects --user-data-dir in args: a fresh profile goes through launchPersistentContext.
  const profile = fs.mkdtempSync(path.join(workDir, 'chromium-profile-'));
  const tmp = path.join(profile, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const began = Date.now();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    timeout: 60_000,
    env: { ...process.env, TMPDIR: tmp } as Record<string, string>,
  });
  log(`chromium up in ${Date.now() - began} ms`);
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    async close() {
      if (closed) return;
      closed = true;
      // playwright kills chromium's process group; bound the wait in case the browser hangs.
      await Promise.race([context.close().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}
