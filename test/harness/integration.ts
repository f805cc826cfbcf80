// The integration layer's runner, built on @vscode/test-electron's runTests. It launches a desktop
// VS Code when one is given (VSCODE_EXECUTABLE_PATH) or may be downloaded (SEQLAB_DOWNLOAD_VSCODE=1);
// otherwise test/harness/code-shim, which runs the same suite in code-server's Node extension host.
// Counts come from the result file mochaRun writes inside the extension host.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { log } from './log';
import { readResult, type LayerResult } from './mochaRun';
import { ARTIFACTS, OUT_TEST, ROOT, VSCODE_TEST } from './paths';

export async function runIntegration(): Promise<LayerResult | null> {
  const artifacts = path.join(ARTIFACTS, 'integration');
  fs.mkdirSync(artifacts, { recursive: true });
  const resultFile = path.join(artifacts, 'test-result.json');
  fs.rmSync(resultFile, { force: true });
  const workspace = path.join(VSCODE_TEST, 'workspaces', 'integration');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'sample.txt'), 'the quick brown fox jumps over the lazy dog\n');

  const desktop = process.env['VSCODE_EXECUTABLE_PATH'];
  const download = process.env['SEQLAB_DOWNLOAD_VSCODE'] === '1';
  const shim = path.join(ROOT, 'test', 'harness', 'code-shim');
  const executable = desktop ?? (download ? undefined : shim);
  log(`integration: runTests with ${desktop ? `desktop VS Code ${desktop}` : download ? 'a downloaded VS Code' : 'code-shim (code-server)'}`);
  try {
    await runTests({
      ...(executable ? { vscodeExecutablePath: executable } : {}),
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(OUT_TEST, 'integration', 'index.js'),
      launchArgs: [workspace, '--disable-extensions'],
      // Seen by the shim and, through code-server or Electron, by the extension host.
      extensionTestsEnv: {
        HARNESS_RESULT_FILE: resultFile,
        SEQLAB_HARNESS_NODE: process.execPath,
        VSCODE_HARNESS_ARTIFACTS: artifacts,
      },
    });
  } catch (e) {
    log(`integration: runTests failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return readResult(resultFile);
}
