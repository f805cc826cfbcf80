// Where a benchmark's time goes: the functions with the most self time in V8 CPU profiles (.cpuprofile, as
// `node --cpu-prof` writes them; each worker thread of the bench writes its own). The WebAssembly kernels carry
// a name section (src/wasm/build.mjs), so they appear by name: src/wasm/matmul/ntRow, src/wasm/cells/lstmCell.
//   node --cpu-prof --cpu-prof-dir=prof out/bench/main.js --only W4 --skip tfjs-cpu,tfjs-wasm
//   npm run -s bench:profile -- prof [top N, default 15]
import * as fs from 'node:fs';
import * as path from 'node:path';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Self time (ms) per function of one profile, largest first, and the profile's total (ms, idle excluded). */
export function selfTimes(p: Profile): { total: number; rows: Array<{ name: string; ms: number }> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]);
    if (!n || n.callFrame.functionName === '(idle)' || n.callFrame.functionName === '(program)') continue;
    const f = n.callFrame, dt = (p.timeDeltas[i] ?? 0) / 1000;
    const name = `${f.functionName || '(anonymous)'} ${path.basename(f.url) || ''}${f.url ? `:${f.lineNumber + 1}` : ''}`.trim();
    ms.set(name, (ms.get(name) ?? 0) + dt);
    total += dt;
  }
  return { total, rows: [...ms].map(([name, t]) => ({ name, ms: t })).sort((a, b) => b.ms - a.ms) };
}

if (require.main === module) {
  const dir = process.argv[2], top = Number(process.argv[3] ?? 15);
  if (!dir) { process.stderr.write('usage: profileSummary <folder of .cpuprofile files> [top N]\n'); process.exit(2); }
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
    const { total, rows } = selfTimes(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Profile);
    process.stdout.write(`${f}: ${(total / 1000).toFixed(1)} s busy\n`);
    for (const r of rows.slice(0, top)) process.stdout.write(`  ${r.ms.toFixed(0).padStart(8)} ms ${((100 * r.ms) / total).toFixed(1).padStart(5)} %  ${r.name}\n`);
  }
}
