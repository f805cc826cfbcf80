'use strict';
// Plain-JS bootstrap shared by `npm test` and `npm start`. It runs before node_modules exists, so it
// uses only Node's standard library: installs the Debian packages listed in debian-packages.txt (as
// root; otherwise it prints the one command to run), installs npm dependencies when node_modules is
// missing or stale, and builds (esbuild bundles + tsc, which also compiles this harness to out/).
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');

function step(msg) {
  console.log(`[seqlab] ${msg}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status === null ? 1 : r.status;
}

function mustRun(cmd, args, what) {
  const rc = run(cmd, args);
  if (rc !== 0) {
    console.error(`[seqlab] ${what} failed (exit ${rc})`);
    process.exit(rc || 1);
  }
}

function debianPackages() {
  return fs.readFileSync(path.join(__dirname, 'debian-packages.txt'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** Returns true when every listed Debian package is installed (or this is not a Debian system). */
function ensureDebianPackages() {
  if (spawnSync('dpkg', ['--version'], { stdio: 'ignore' }).status !== 0) {
    step('not a Debian system: skipping the Debian package check (chromium must be installed; set CHROMIUM_PATH)');
    return true;
  }
  const missing = debianPackages().filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !/install ok installed/.test(r.stdout);
  });
  if (missing.length === 0) return true;
  const cmd = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid && process.getuid() === 0) {
    step(`installing Debian packages: ${missing.join(' ')}`);
    mustRun('bash', ['-c', cmd], 'apt-get install');
    return true;
  }
  console.error(`[seqlab] missing Debian packages: ${missing.join(' ')}. Run this once, then retry:\n\n  sudo bash -c '${cmd}'\n`);
  return false;
}

/** node_modules is stale when a top-level dependency is missing or not at the locked version. */
function staleDependencies() {
  const pj = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const lockFile = path.join(ROOT, 'package-lock.json');
  const lock = fs.existsSync(lockFile) ? JSON.parse(fs.readFileSync(lockFile, 'utf8')) : { packages: {} };
  const names = Object.keys({ ...pj.dependencies, ...pj.devDependencies });
  return names.filter((name) => {
    const installed = path.join(ROOT, 'node_modules', name, 'package.json');
    if (!fs.existsSync(installed)) return true;
    const locked = lock.packages && lock.packages[`node_modules/${name}`];
    return locked && locked.version && JSON.parse(fs.readFileSync(installed, 'utf8')).version !== locked.version;
  });
}

function ensureNodeModules() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const flags = ['--no-audit', '--no-fund', '--loglevel=error'];
  if (!fs.existsSync(path.join(ROOT, 'node_modules'))) {
    step('installing npm dependencies (npm ci)');
    mustRun(npm, [fs.existsSync(path.join(ROOT, 'package-lock.json')) ? 'ci' : 'install', ...flags], 'npm ci');
    return;
  }
  const stale = staleDependencies();
  if (stale.length > 0) {
    step(`node_modules is stale (${stale.join(', ')}): npm install`);
    mustRun(npm, ['install', ...flags], 'npm install');
  }
}

/** esbuild bundles, then tsc (type-check of everything + compiled tests and harness in out/). */
function build() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  step('building (esbuild bundles)');
  mustRun(npm, ['run', '--silent', 'build'], 'npm run build');
  step('type-checking and compiling tests (tsc -p .)');
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  mustRun(process.execPath, [tsc, '-p', '.'], 'type-check (tsc -p .)');
}

/** Everything a fresh clone needs before the compiled harness in out/ can run. */
function prepare() {
  const t0 = Date.now();
  if (!ensureDebianPackages()) process.exit(1);
  ensureNodeModules();
  build();
  step(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/** Runs a compiled harness module (out/test/harness/<name>.js) and passes its exit code through. */
function runCompiled(name, args) {
  const { spawn } = require('child_process');
  const child = spawn(process.execPath, [path.join(ROOT, 'out', 'test', 'harness', `${name}.js`), ...args], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  // The child owns cleanup (it stops what it started); forward signals to it and wait.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code === null ? (signal === 'SIGINT' ? 130 : 1) : code));
}

module.exports = { ROOT, prepare, runCompiled, debianPackages };
