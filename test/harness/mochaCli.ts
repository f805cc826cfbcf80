// Runs one plain-Node mocha layer in its own process: `node mochaCli.js <layer> <dir> <resultFile>`.
// A separate process keeps one layer's leftovers (timers, workers) from holding up the next.
import * as path from 'node:path';
import { findTestFiles, runMocha } from './mochaRun';

async function main(): Promise<number> {
  const [layer, dir, resultFile] = process.argv.slice(2);
  if (!layer || !dir || !resultFile) {
    console.error('usage: mochaCli.js <layer> <dir> <resultFile>');
    return 2;
  }
  const files = findTestFiles(path.resolve(dir));
  const r = await runMocha({ layer, files, timeoutMs: 120_000, resultFile, grep: process.env['SEQLAB_TEST_GREP'] });
  return r.ok ? 0 : 1;
}

// Exit explicitly: a test that leaves a handle open must not hang `npm test`.
main().then((rc) => process.exit(rc), (e) => { console.error(e); process.exit(2); });
