// `npm start` after the bootstrap: SeqLab on the demo workspace in a real VS Code. Desktop
// `code --extensionDevelopmentPath` when `code` is on the PATH (and SEQLAB_CODE_SERVER is not 1);
// otherwise code-server on 127.0.0.1 with SeqLab installed, printing the URL and staying up until
// Ctrl-C. Port: SEQLAB_PORT, else 8080 when free, else any free port.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, portIsFree, startCodeServer } from './codeServer';
import { makeDemoWorkspace } from './demoWorkspace';
import { ensureCodeServer } from './install';
import { ROOT } from './paths';
import { cleanupOnSignals } from './processes';

function hasDesktopCode(): boolean {
  if (process.env['SEQLAB_CODE_SERVER'] === '1') return false;
  return spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
}

async function main(): Promise<number> {
  const workspace = makeDemoWorkspace();
  if (hasDesktopCode()) {
    console.log(`[seqlab] opening desktop VS Code on ${workspace}`);
    const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${ROOT}`, workspace], { stdio: 'inherit' });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  }
  ensureCodeServer();
  const wanted = Number(process.env['SEQLAB_PORT'] ?? 8080);
  const port = (await portIsFree(wanted)) ? wanted : await freePort();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-start-'));
  // A first start, as a new user sees it: the Getting Started walkthrough opens once.
  const server = await startCodeServer({ workDir, folder: workspace, installExtensions: [ROOT], port, settings: { 'seqlab.openWalkthroughOnFirstStart': true } });
  const stop = async (): Promise<void> => {
    await server.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  cleanupOnSignals(stop);
  console.log('');
  console.log(`  SeqLab is running in VS Code (code-server) at:  ${server.url()}`);
  console.log(`  Open it in a browser; the command palette (F1) lists the "SeqLab:" commands.`);
  console.log(`  Workspace: ${workspace}`);
  console.log('  Press Ctrl-C to stop.');
  console.log('');
  return new Promise<number>(() => undefined); // runs until a signal; cleanupOnSignals exits
}

main().then((rc) => process.exit(rc), (e) => { console.error(e); process.exit(1); });
