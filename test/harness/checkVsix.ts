// `npm run test:vsix`: installs the packaged seqlab.vsix into a fresh code-server the way a user
// would (`code-server --install-extension seqlab.vsix`), then drives the UI: the palette lists
// SeqLab's commands and the dashboard opens and connects. Exit 0 on success.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchBrowser, type Browser } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { ensureCodeServer } from './install';
import { log } from './log';
import { ROOT, TEST_RESULTS } from './paths';
import { cleanupOnSignals } from './processes';
import { paletteCommands, runCommand, webviewFrame } from './ui';

async function main(): Promise<number> {
  const vsix = path.resolve(process.argv[2] ?? path.join(ROOT, 'seqlab.vsix'));
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} not found: run npm run package first`);
  const { entry, node } = ensureCodeServer();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-vsix-'));
  const extensionsDir = path.join(workDir, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  const install = spawnSync(node, [entry, '--extensions-dir', extensionsDir, '--user-data-dir', path.join(workDir, 'user-data'), '--install-extension', vsix], {
    encoding: 'utf8',
    env: { ...process.env, XDG_DATA_HOME: path.join(workDir, 'xdg-data'), XDG_CONFIG_HOME: path.join(workDir, 'xdg-config') },
  });
  log(`install: ${(install.stdout + install.stderr).trim()}`);
  if (install.status !== 0) return 1;
  log(`installed: ${fs.readdirSync(extensionsDir).filter((d) => !d.startsWith('.')).join(', ')}`);

  let server: CodeServer | null = null;
  let browser: Browser | null = null;
  const cleanup = async (): Promise<void> => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  cleanupOnSignals(cleanup);
  try {
    server = await startCodeServer({ workDir, folder: path.join(workDir, 'workspace') });
    browser = await launchBrowser(workDir);
    await browser.page.goto(server.url(), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const commands = await paletteCommands(browser.page, 'SeqLab:');
    log(`palette: ${JSON.stringify(commands)}`);
    if (!commands.includes('SeqLab: Show Dashboard')) throw new Error('SeqLab: Show Dashboard is not in the palette');
    await runCommand(browser.page, 'SeqLab: Show Dashboard');
    const frame = await webviewFrame(browser.page, { title: 'SeqLab Dashboard' });
    await frame.locator('#status', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    log(`dashboard: ${await frame.locator('#status').innerText()}`);
    fs.mkdirSync(TEST_RESULTS, { recursive: true });
    await browser.page.screenshot({ path: path.join(TEST_RESULTS, 'vsix-dashboard.png') });
    console.log('vsix check passed');
    return 0;
  } finally {
    await cleanup();
  }
}

main().then((rc) => process.exit(rc), (e) => { console.error(e); process.exit(1); });
