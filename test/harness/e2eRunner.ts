// Runs the e2e layer (test/e2e/*.test.ts, compiled) in Node with mocha; the tests drive a real
// workbench through playwright-core. `node e2eRunner.js <resultFile>`.
import * as path from 'node:path';
import { closeWorkbench } from './e2eContext';
import { findTestFiles, runMocha } from './mochaRun';
import { OUT_TEST } from './paths';
import { cleanupOnSignals } from './processes';

async function main(): Promise<number> {
  const resultFile = process.argv[2];
  cleanupOnSignals(closeWorkbench);
  try {
    const r = await runMocha({
      layer: 'e2e',
      files: findTestFiles(path.join(OUT_TEST, 'e2e')),
      timeoutMs: 120_000,
      resultFile,
      grep: process.env['SEQLAB_TEST_GREP'],
    });
    return r.ok ? 0 : 1;
  } finally {
    await closeWorkbench();
  }
}

main().then((rc) => process.exit(rc), (e) => { console.error(e); process.exit(2); });
