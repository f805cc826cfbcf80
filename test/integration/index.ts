// Entry of the integration suite, loaded by the extension host (the @vscode/test-electron contract:
// export run(): Promise that rejects when a test fails).
import * as path from 'node:path';
import { findTestFiles, runMocha } from '../harness/mochaRun';

export async function run(): Promise<void> {
  const result = await runMocha({
    layer: 'integration',
    files: findTestFiles(path.resolve(__dirname)),
    timeoutMs: 60_000,
    resultFile: process.env['HARNESS_RESULT_FILE'],
    grep: process.env['SEQLAB_TEST_GREP'],
  });
  if (!result.ok) throw new Error(`${result.failures} integration test(s) failed`);
}
