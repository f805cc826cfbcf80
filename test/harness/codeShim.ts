// The "VS Code executable" that test/harness/code-shim hands to @vscode/test-electron's
// runTests({ vscodeExecutablePath }). It maps the Electron-style command line runTests builds onto
// runExtensionTests (code-server + chromium) and passes the exit code through, so runTests resolves
// on success and rejects with TestRunFailedError otherwise.
import * as path from 'node:path';
import { ARTIFACTS } from './paths';
import { runExtensionTests } from './runExtensionTests';

function parse(argv: readonly string[]): { dev: string[]; tests?: string; workspace?: string; disableExtensions: boolean } {
  const dev: string[] = [];
  let tests: string | undefined;
  let workspace: string | undefined;
  let disableExtensions = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      workspace ??= a; // the first positional argument is the folder to open
      continue;
    }
    const key = m[1];
    const value = (): string => m[2] ?? (argv[++i] as string);
    switch (key) {
      case 'extensionDevelopmentPath':
        dev.push(value());
        break;
      case 'extensionTestsPath':
        tests = value();
        break;
      case 'disable-extensions':
        disableExtensions = true;
        break;
      case 'user-data-dir':
      case 'extensions-dir':
        value(); // the harness uses fresh directories of its own
        break;
      default:
        break; // --no-sandbox, --disable-gpu-sandbox, --skip-welcome, ...: Electron-only
    }
  }
  return { dev, disableExtensions, ...(tests ? { tests } : {}), ...(workspace ? { workspace } : {}) };
}

async function main(): Promise<number> {
  const a = parse(process.argv.slice(2));
  if (a.dev.length === 0 || !a.tests) {
    console.error('code-shim: need --extensionDevelopmentPath and --extensionTestsPath');
    return 2;
  }
  return runExtensionTests({
    extensionDevelopmentPaths: a.dev.map((p) => path.resolve(p)),
    extensionTestsPath: path.resolve(a.tests),
    workspace: a.workspace ? path.resolve(a.workspace) : undefined,
    disableExtensions: a.disableExtensions,
    artifacts: process.env['VSCODE_HARNESS_ARTIFACTS'] ?? path.join(ARTIFACTS, 'integration'),
    timeoutMs: Number(process.env['VSCODE_HARNESS_TIMEOUT'] ?? 240) * 1000,
    verbose: process.env['VSCODE_HARNESS_VERBOSE'] === '1',
  });
}

main().then(
  (rc) => process.exit(rc),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
