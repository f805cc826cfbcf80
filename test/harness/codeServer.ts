// Starts code-server (a real VS Code server: web workbench + Node extension host) on a free
// 127.0.0.1 port, isolated in a work directory, as its own process group so that stop() ends
// exactly the tree we started. Nothing here talks to the internet.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { ensureCodeServer } from './install';
import { log, sleep } from './log';
import { stopProcessTree } from './processes';

/** User settings that keep an offline run quiet and fast; callers add their own. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden', // an empty chat side bar otherwise
  'git.autoRepositoryDetection': false,
  'git.openRepositoryInParentFolders': 'never',
  // Tests start on a clean editor area (a walkthrough opening mid-test would take the focus); the walkthrough's
  // own e2e test and `npm start` (a user's first start) turn it back on.
  'seqlab.openWalkthroughOnFirstStart': false,
};

export interface CodeServerOptions {
  /** Fresh directory for user data, extensions, temp files and logs. */
  readonly workDir: string;
  /** Folder the workbench opens. */
  readonly folder: string;
  /** Unpacked extensions copied into the extensions dir as <publisher>.<name>-<version> (a user install). */
  readonly installExtensions?: readonly string[];
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Needed for ?payload= (extensionDevelopmentPath / extensionTestsPath); it also hides toasts. */
  readonly smokeTestDriver?: boolean;
  /** Extra environment for the server, which its extension host inherits. */
  readonly env?: Readonly<Record<string, string>>;
  /** Fixed port (npm start); a free one otherwise. */
  readonly port?: number;
  readonly extraArgs?: readonly string[];
}

export interface CodeServer {
  readonly port: number;
  /** host:port the browser uses; also the authority of vscode-remote:// URIs. */
  readonly authority: string;
  readonly folder: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly logFile: string;
  /** Workbench URL, optionally with a test payload ([key, value] pairs read by the web workbench). */
  url(payload?: readonly (readonly [string, string])[]): string;
  /** vscode-remote:// URI of a local path (runs in the Node extension host). */
  remoteUri(p: string): string;
  /** Writes a user setting; the workbench picks up the file change live. */
  writeSettings(settings: Readonly<Record<string, unknown>>): void;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address() as net.AddressInfo;
      srv.close(() => resolve(addr.port));
    });
  });
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(0);
    });
  });
}

/** Copies an extension folder the way an install lays it out (only what a .vsix would ship). */
export function installUnpacked(extensionPath: string, extensionsDir: string): string {
  const pj = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
  const dest = path.join(extensionsDir, `${pj.publisher}.${pj.name}-${pj.version}`.toLowerCase());
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  for (const item of ['package.json', 'dist', 'media', 'README.md', 'LICENSE']) {
    const src = path.join(extensionPath, item);
    if (fs.existsSync(src)) fs.cpSync(src, path.join(dest, item), { recursive: true });
  }
  return dest;
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const { entry, node } = ensureCodeServer();
  const workDir = path.resolve(opts.workDir);
  const userDataDir = path.join(workDir, 'user-data');
  const extensionsDir = path.join(workDir, 'extensions');
  const folder = path.resolve(opts.folder);
  for (const d of [path.join(userDataDir, 'User'), extensionsDir, folder]) fs.mkdirSync(d, { recursive: true });
  for (const ext of opts.installExtensions ?? []) installUnpacked(ext, extensionsDir);

  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  let settings: Record<string, unknown> = { ...QUIET_SETTINGS, ...opts.settings };
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  // Our own config file: otherwise code-server creates ~/.config/code-server/config.yaml.
  const configFile = path.join(workDir, 'code-server-config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  const port = opts.port ?? (await freePort());
  const args = [
    entry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    // The built web workbench reads ?payload= only with the smoke-test driver on.
    ...(opts.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(opts.extraArgs ?? []),
    folder,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  env['PATH'] = `${path.dirname(node)}${path.delimiter}${env['PATH'] ?? ''}`; // server + extension host on Node 24
  delete env['VSCODE_IPC_HOOK_CLI']; // never talk to an outer VS Code
  // Sockets (vscode-ipc-*.sock), heartbeat and caches stay inside workDir instead of /tmp and ~.
  for (const [k, d] of [['TMPDIR', 'tmp'], ['XDG_DATA_HOME', 'xdg-data'], ['XDG_CONFIG_HOME', 'xdg-config'], ['XDG_CACHE_HOME', 'xdg-cache']] as const) {
    env[k] = path.join(workDir, d);
    fs.mkdirSync(env[k] as string, { recursive: true });
  }
  // No marketplace offline: an empty gallery stops open-vsx.org lookups and their errors.
  env['EXTENSIONS_GALLERY'] ??= '{}';

  const logFile = path.join(workDir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const began = Date.now();
  const proc = spawn(node, args, { cwd: workDir, env, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  let exited: string | null = null;
  proc.on('exit', (code, sig) => {
    exited = `code ${code}, signal ${sig}`;
  });
  log(`code-server pid ${proc.pid} on 127.0.0.1:${port} (log ${logFile})`);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= stopProcessTree(proc).then((n) => log(`code-server pid ${proc.pid} stopped (${n} process(es) checked)`)));

  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`code-server exited early (${exited}); see ${logFile}`);
      if ((await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 200) break;
      if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz within 60 s; see ${logFile}`);
      await sleep(200);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  log(`code-server ready in ${Date.now() - began} ms`);

  const authority = `127.0.0.1:${port}`;
  return {
    port,
    authority,
    folder,
    userDataDir,
    extensionsDir,
    logFile,
    url(payload = []) {
      let url = `http://${authority}/?folder=${encodeURIComponent(folder)}`;
      if (payload.length > 0) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return url;
    },
    remoteUri: (p) => `vscode-remote://${authority}${path.resolve(p)}`,
    writeSettings(more) {
      settings = { ...settings, ...more };
      fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    },
    stop,
  };
}
