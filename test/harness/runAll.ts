// `npm test` after the bootstrap: unit → integration → e2e, then ONE closing line totalling the
// three layers, `N passed, N failed[, N skipped]`, from the runners' own result files. A layer that
// produced no result (crashed, timed out) counts as one failure, never as silence.
// Select layers with SEQLAB_LAYERS=unit,integration,e2e (all by default).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCodeServer } from './install';
import { runIntegration } from './integration';
import { log } from './log';
import { readResult, type LayerResult } from './mochaRun';
import { ARTIFACTS, OUT_TEST } from './paths';
import { descendants, startTime } from './processes';

type Layer = 'unit' | 'integration' | 'e2e';
const ALL: readonly Layer[] = ['unit', 'integration', 'e2e'];

let child: ReturnType<typeof spawn> | null = null;
let signalled = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (signalled) return;
    signalled = true;
    // Each layer's process stops what it started: hand the signal to our direct children (the
    // unit/e2e runner, or the code-shim that runTests spawned) and wait for them, at most 15 s.
    const kids = descendants(process.pid).filter((pid) => parentOf(pid) === process.pid);
    for (const pid of kids) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
    const until = Date.now() + 15_000;
    const poll = setInterval(() => {
      if (Date.now() > until || kids.every((pid) => startTime(pid) === null)) {
        clearInterval(poll);
        process.exit(sig === 'SIGINT' ? 130 : 2);
      }
    }, 100);
  });
}

function parentOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

function runNode(script: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    child = spawn(process.execPath, [path.join(__dirname, script), ...args], { stdio: 'inherit' });
    child.on('exit', (code) => {
      child = null;
      resolve(code ?? 2);
    });
  });
}

async function runLayer(layer: Layer): Promise<LayerResult | null> {
  const resultFile = path.join(ARTIFACTS, layer, 'test-result.json');
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  fs.rmSync(resultFile, { force: true });
  switch (layer) {
    case 'unit':
      await runNode('mochaCli.js', ['unit', path.join(OUT_TEST, 'unit'), resultFile]);
      return readResult(resultFile);
    case 'integration':
      return runIntegration();
    case 'e2e':
      await runNode('e2eRunner.js', [resultFile]);
      return readResult(resultFile);
  }
}

async function main(): Promise<number> {
  const wanted = (process.env['SEQLAB_LAYERS'] ?? ALL.join(',')).split(',').map((s) => s.trim()) as Layer[];
  const layers = ALL.filter((l) => wanted.includes(l));
  if (layers.some((l) => l !== 'unit')) ensureCodeServer();
  const rows: { layer: Layer; r: LayerResult | null; seconds: number }[] = [];
  for (const layer of layers) {
    log(`── ${layer} ──`);
    const began = Date.now();
    const r = await runLayer(layer);
    rows.push({ layer, r, seconds: (Date.now() - began) / 1000 });
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  console.log('');
  for (const { layer, r, seconds } of rows) {
    if (r) {
      passed += r.passes;
      failed += r.failures;
      skipped += r.pending;
      const where = layer === 'integration' ? ` (extension host node ${r.node})` : '';
      console.log(`  ${layer.padEnd(12)} ${r.passes} passed, ${r.failures} failed, ${r.pending} skipped in ${seconds.toFixed(1)}s${where}`);
    } else {
      failed += 1;
      console.log(`  ${layer.padEnd(12)} NO RESULT (the runner crashed or timed out; see .vscode-test/artifacts/${layer}) in ${seconds.toFixed(1)}s`);
    }
  }
  console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return failed === 0 && rows.every((x) => x.r?.ok) ? 0 : 1;
}

main().then((rc) => process.exit(rc), (e) => { console.error(e); console.log('0 passed, 1 failed'); process.exit(1); });
