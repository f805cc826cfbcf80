// The benchmark's UI group (issue #14, item 4; `--only UI`): keydown-to-paint in the real workbench while a
// model trains with the dashboard visible, and the suggester's p95 during training as its status bar hover
// reports it. Each repetition starts its own code-server and headless Chromium (test/harness/workbench.ts),
// runs test/e2e/typingScenario.ts (90 characters at 110 ms gaps: idle, training with the dashboard hidden,
// training with it visible) and stops both by PID. Rows, in ms:
//   UI-typing-p50 / -p90 / -max   training, dashboard visible (seqlab side); the idle figures as peer `idle`
//   UI-suggest-p95                the suggester's p95 from the hover, during training
// The hidden-dashboard figures go into the notes. Needs an installed code-server (CODE_SERVER_ROOT, as the
// e2e layer); without one the rows say so instead of installing anything. SEQLAB_UI_EXTENSION=<folder> measures
// another build of the extension (e.g. an older checkout's, for a before/after comparison) instead of this one.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateCodeServer } from '../harness/install';
import { openWorkbench } from '../harness/workbench';
import { typingScenario, show, type TypingReport } from '../e2e/typingScenario';
import type { SideName } from './protocol';
import { summarize, type Summary } from './stats';

export interface UiRow {
  id: string; label: string; unit: string; better: 'higher' | 'lower';
  stats: Partial<Record<SideName, Summary>>; missing: Partial<Record<SideName, string>>; notes: string[];
}

/** Runs `reps` repetitions of the typing scenario, each in a fresh workbench; the UI rows. */
export async function uiRows(reps: number, log: (s: string) => void): Promise<UiRow[]> {
  const row = (id: string, label: string): UiRow => ({ id, label, unit: 'ms', better: 'lower', stats: {}, missing: {}, notes: [] });
  const rows = {
    p50: row('UI-typing-p50', 'UI keydown-to-paint p50 (training, dashboard visible)'),
    p90: row('UI-typing-p90', 'UI keydown-to-paint p90 (training, dashboard visible)'),
    max: row('UI-typing-max', 'UI keydown-to-paint max (training, dashboard visible)'),
    suggest: row('UI-suggest-p95', 'UI suggester p95 during training (status bar hover)'),
  };
  const all = Object.values(rows);
  if (!fs.existsSync(locateCodeServer().entry)) {
    for (const r of all) r.missing.seqlab = `code-server is not installed at ${locateCodeServer().entry} (set CODE_SERVER_ROOT, or run the e2e layer once)`;
    return all;
  }
  const reports: TypingReport[] = [];
  for (let i = 0; i < reps; i++) {
    log(`UI rep ${i + 1}/${reps}: starting code-server and chromium …`);
    const other = process.env['SEQLAB_UI_EXTENSION'];
    const wb = await openWorkbench(other ? { extensions: [path.resolve(other)] } : {});
    try {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-ui-bench-'));
      reports.push(await typingScenario(wb, dir, (s) => log(`  ${s}`)));
      fs.rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      log(`  UI rep ${i + 1} failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await wb.stop(); // chromium closed, code-server's process group stopped by PID
    }
  }
  if (reports.length === 0) {
    for (const r of all) r.missing.seqlab = 'every repetition failed (see the log above)';
    return all;
  }
  for (const key of ['p50', 'p90', 'max'] as const) {
    rows[key].stats.seqlab = summarize(reports.map((r) => r.visible[key]));
    rows[key].stats.idle = summarize(reports.map((r) => r.idle[key]));
  }
  const p95s = reports.map((r) => r.suggestP95).filter((v): v is number => v !== null);
  if (p95s.length) rows.suggest.stats.seqlab = summarize(p95s);
  else rows.suggest.missing.seqlab = `the hover showed no latency (${reports.map((r) => r.suggestHover).join('; ')})`;
  rows.p50.notes.push('90 characters at 110 ms gaps in code-server + headless Chromium; peer `idle` is the same typing with no training; targets p90 ≤ 50 ms, max ≤ 120 ms');
  reports.forEach((r, i) => rows.p50.notes.push(`rep ${i + 1}: idle ${show(r.idle)}; dashboard hidden ${show(r.hidden)}; visible ${show(r.visible)}; ${r.suggestHover}`));
  rows.suggest.notes.push('target p95 ≤ 10 ms');
  return all;
}
