// Runs you can compare (issue #14 item 3) and first contact (item 6), the pure parts: the run palette is readable
// on dark and light themes and its colours are told apart; a run keeps its colour; the runs table finds the fields
// that differ and each run's final and best validation loss; log-axis ticks are evenly spaced; the scalar export
// writes CSV (quoted where needed) and JSON Lines that parse back to one row per step — from a real worker's run;
// the store renames, hides and deletes a run on disk; the context keys offer Pause / Resume / Stop only when they act.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUN_CONFIG_FIELDS, runConfig } from '../../src/engine/run/config';
import type { TrainMetric } from '../../src/engine/run/report';
import { configEntries, summarize, type FeedRun } from '../../src/extension/panels/dashboardModel';
import { csvField, formatOfFile, scalarColumns, scalarsCsv, scalarsJsonLines } from '../../src/extension/runs/scalarsExport';
import { TrainingSession, type RunRecord } from '../../src/extension/training/session';
import { FileRunStore, nodeFiles } from '../../src/extension/training/store';
import { trainingContext } from '../../src/extension/trainingContextValues';
import { parseDashboardToHost, parseHostToDashboard, type MetricPoint } from '../../src/protocol/dashboard';
import { logTicks } from '../../webview/dashboard/logTicks';
import { RUN_PALETTE, assignRunColors } from '../../webview/dashboard/runColors';
import { differingKeys, validationSummary } from '../../webview/dashboard/runsCompare';
import { parseCsv } from '../harness/csv'; // an RFC 4180 reader, independent of the writer under test
import { until } from './until';
import { smallConfig } from './worker.test';

// --- colour science for the palette test (WCAG 2.1 relative luminance; CIE 1976 L*a*b* under D65) ---
const linear = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const rgb = (hex: string): [number, number, number] => {
  const n = parseInt(hex.slice(1), 16);
  return [linear((n >> 16) / 255), linear(((n >> 8) & 255) / 255), linear((n & 255) / 255)];
};
const luminance = (hex: string): number => {
  const [r, g, b] = rgb(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: string, b: string): number => {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
};
const lab = (hex: string): [number, number, number] => {
  const [r, g, b] = rgb(hex);
  const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const X = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, Y = 0.2126 * r + 0.7152 * g + 0.0722 * b, Z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
};
const deltaE = (a: string, b: string): number => {
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
};

const metric = (step: number, over: Partial<TrainMetric> = {}): TrainMetric => ({
  step, epoch: 0, loss: 3 / step, lr: 0.002, tokensPerSecond: 1000, gradNorm: 1.5, gradNormAfterClip: 1, clipped: true, groupNorms: [0.5, 0.25], elapsed: step / 10, ...over,
});

describe('runs to compare: palette and colours', () => {
  it('every run colour is readable on the dark and the light editor background, and any two are far apart', () => {
    assert.ok(RUN_PALETTE.length >= 6, 'enough colours for the runs people overlay');
    for (const c of RUN_PALETTE) {
      for (const bg of ['#1e1e1e', '#1f1f1f', '#ffffff']) {
        const r = contrast(c, bg);
        assert.ok(r >= 3, `${c} on ${bg}: contrast ${r.toFixed(2)} < 3 (WCAG 1.4.11 for graphics)`);
      }
    }
    let min = Infinity, pair = '';
    for (let i = 0; i < RUN_PALETTE.length; i++) {
      for (let j = i + 1; j < RUN_PALETTE.length; j++) {
        const d = deltaE(RUN_PALETTE[i]!, RUN_PALETTE[j]!);
        if (d < min) (min = d), (pair = `${RUN_PALETTE[i]} / ${RUN_PALETTE[j]}`);
      }
    }
    console.log(`      closest pair ${pair}: ΔE*76 ${min.toFixed(1)}`);
    assert.ok(min >= 25, `colours ${pair} are only ΔE ${min.toFixed(1)} apart`);
  });

  it('a run keeps its colour when runs are added or deleted; new runs take unused colours first', () => {
    const first = assignRunColors(['a', 'b', 'c'], {});
    assert.deepEqual(first, { a: 0, b: 1, c: 2 });
    // b is deleted, d and e arrive: a and c keep theirs, d takes b's freed colour, e the next unused.
    const second = assignRunColors(['a', 'c', 'd', 'e'], first);
    assert.deepEqual(second, { a: 0, c: 2, d: 1, e: 3 });
    // More runs than colours: all stay distinct up to the palette size, then the least used is shared.
    const many = Array.from({ length: RUN_PALETTE.length + 3 }, (_, i) => `r${i}`);
    const m = assignRunColors(many, {});
    assert.equal(new Set(many.slice(0, RUN_PALETTE.length).map((id) => m[id])).size, RUN_PALETTE.length);
    const counts = new Array(RUN_PALETTE.length).fill(0) as number[];
    for (const id of many) counts[m[id]!]!++;
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `colours shared unevenly: ${counts}`);
    // A saved index outside the palette (another version's state) is not trusted.
    assert.deepEqual(assignRunColors(['x'], { x: 99 }), { x: 0 });
  });
});

describe('runs to compare: the runs table', () => {
  const entries = (over: Record<string, unknown>) => configEntries(runConfig(over as never));
  it('marks exactly the RunConfig fields whose values differ between runs', () => {
    const a = entries({ hidden: 64 }), b = entries({ hidden: 128 }), c = entries({ hidden: 64, lr: 0.01 });
    assert.equal(a.length, RUN_CONFIG_FIELDS.length, 'every field of the table is listed');
    assert.deepEqual([...differingKeys([a, b, c])].sort(), ['hidden', 'lr']);
    assert.deepEqual([...differingKeys([a, entries({ hidden: 64 })])], [], 'equal runs differ in nothing');
    assert.deepEqual([...differingKeys([a])], [], 'one run has nothing to differ from');
    // A run still starting (no config yet) is not compared; an older run.json lacking a field differs on it.
    assert.deepEqual([...differingKeys([a, undefined, b])], ['hidden']);
    assert.deepEqual([...differingKeys([a, a.filter((e) => e.key !== 'seed')])], ['seed']);
  });

  it('final and best validation loss come from the metric history (the minimum seen)', () => {
    const pts: MetricPoint[] = [
      { step: 1, loss: 3 }, { step: 5, loss: 2.5, validLoss: 2.7 }, { step: 10, loss: 1, validLoss: 2.1 }, { step: 15, loss: 0.5, validLoss: 2.1 },
      { step: 20, loss: 0.1, validLoss: 4.2 }, { step: 21, loss: 0.1 },
    ];
    assert.deepEqual(validationSummary(pts), { final: { step: 20, loss: 4.2 }, best: { step: 10, loss: 2.1 } });
    assert.deepEqual(validationSummary([{ step: 1, loss: 1 }]), { final: null, best: null });
  });

  it('the host sends every field with the run, hidden runs say so, and the webview accepts it', () => {
    const run: FeedRun = {
      id: 'r1', name: 'small, lr 0.01', state: 'stopped', config: runConfig({ hidden: 32, lr: 0.01 }), info: null, history: [], message: null, nonFinite: null, hidden: true,
    };
    const s = summarize(run);
    assert.equal(s.hidden, true);
    assert.equal(s.config?.find((e) => e.key === 'hidden')?.value, '32');
    assert.equal(s.config?.find((e) => e.key === 'lr')?.value, '0.01');
    assert.deepEqual(parseHostToDashboard({ type: 'run', summary: s }), { type: 'run', summary: s });
    assert.deepEqual(parseHostToDashboard({ type: 'runRemoved', runId: 'r1' }), { type: 'runRemoved', runId: 'r1' });
    assert.deepEqual(parseDashboardToHost({ type: 'runAction', runId: 'r1', action: 'exportCsv' }), { type: 'runAction', runId: 'r1', action: 'exportCsv' });
    assert.throws(() => parseDashboardToHost({ type: 'runAction', runId: 'r1', action: 'format disk' }), /action/);
    assert.throws(() => parseDashboardToHost({ type: 'runAction', runId: '', action: 'delete' }), /runId/);
    assert.throws(() => parseHostToDashboard({ type: 'run', summary: { ...s, config: [{ key: 'hidden', value: 32 }] } }), /config/);
  });
});

describe('log-axis ticks', () => {
  const logSteps = (t: number[]): number[] => t.slice(1).map((v, i) => Math.log10(v) - Math.log10(t[i]!));
  it('are whole decades, evenly spaced, over a wide range (the vanishing experiment: 1e-23 … 1e-1)', () => {
    for (const [lo, hi] of [[3e-23, 0.4], [1e-6, 1e3], [2.5e-9, 7e-2], [1.2e-30, 5e10], [0.5, 40_000]] as const) {
      const t = logTicks(lo, hi, 8)!;
      const steps = logSteps(t.ticks);
      assert.ok(t.ticks.length >= 2 && t.ticks.length <= 8, `${lo}…${hi}: ${t.ticks.length} ticks`);
      assert.ok(t.min <= lo && t.max >= hi, `${lo}…${hi}: the ticks ${t.ticks} do not cover the data`);
      for (const s of steps) assert.ok(Math.abs(s - steps[0]!) < 1e-9 && Number.isInteger(Math.round(s)) && Math.abs(s - Math.round(s)) < 1e-9, `${lo}…${hi}: uneven ticks ${t.ticks}`);
      for (const v of t.ticks) assert.equal(v, parseFloat(v.toExponential(0)), `${v} is not a round power of ten`);
    }
  });

  it('are 1-2-5 within each decade when the range spans at most two decades', () => {
    assert.deepEqual(logTicks(0.13, 4.2, 8)!.ticks, [0.1, 0.2, 0.5, 1, 2, 5]);
    assert.deepEqual(logTicks(0.004, 0.0079, 8)!.ticks, [0.002, 0.005, 0.01]);
    // Too many for 1-2-5 under the limit: decades instead.
    assert.deepEqual(logTicks(0.13, 4.2, 4)!.ticks, [0.1, 1, 10]);
  });

  it('refuse what is not a positive range', () => {
    assert.equal(logTicks(0, 1), null);
    assert.equal(logTicks(-1, 1), null);
    assert.equal(logTicks(1, Infinity), null);
    assert.deepEqual(logTicks(0.5, 0.5)!.ticks.length >= 2, true);
  });
});

describe('scalar export (CSV and JSON Lines)', () => {
  it('quotes CSV fields holding commas, quotes and line breaks, and they parse back', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    const groups = ['rnn, layer 1', 'head "out"', 'rnn, layer 1'];
    const csv = scalarsCsv([metric(1), metric(2, { validLoss: 2.5, validMetrics: { accuracy: 0.5 } })], groups);
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0], scalarColumns(groups));
    assert.equal(new Set(rows[0]).size, rows[0]!.length, 'column names are unique');
    assert.ok(rows[0]!.includes('grad_norm[head "out"]'));
    assert.equal(rows.length, 3);
    const col = (name: string) => rows[0]!.indexOf(name);
    assert.equal(rows[1]![col('valid_loss')], '', 'no validation at step 1: an empty field');
    assert.equal(Number(rows[2]![col('valid_loss')]), 2.5);
    assert.equal(Number(rows[2]![col('valid_accuracy')]), 0.5);
    assert.equal(Number(rows[2]![col('loss')]), 1.5);
    assert.equal(Number(rows[2]![col('elapsed_s')]), 0.2);
    assert.equal(rows[2]![col('clipped')], 'true');
  });

  it('writes one row per step, in step order, the last report of a re-taken step winning', () => {
    const pts = [metric(1), metric(2), metric(3, { loss: 9 }), metric(2, { loss: 7 }), metric(3, { loss: 5 })];
    const lines = scalarsJsonLines(pts, ['g0', 'g1']).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((o) => o['step']), [1, 2, 3]);
    assert.deepEqual(lines.map((o) => o['loss']), [3, 7, 5]);
    assert.equal(lines[0]!['valid_loss'], null);
    assert.equal(lines[0]!['grad_norm[g1]'], 0.25);
    assert.equal(parseCsv(scalarsCsv(pts, [])).length, 4);
    assert.equal(formatOfFile('/x/run.JSONL'), 'jsonl');
    assert.equal(formatOfFile('/x/run.csv'), 'csv');
  });

  describe('from a real worker run', function () {
    this.timeout(60_000);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-runs-'));
    const session = new TrainingSession(path.resolve(__dirname, '../../src/extension/training/worker.js'), new FileRunStore(nodeFiles(root)));
    after(() => {
      session.dispose();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('points carry elapsed seconds that never go back, and the files hold one row per step', async () => {
      const text = 'the quick brown fox jumps over the lazy dog.\n'.repeat(40);
      const run = await session.start({ name: 'fox', config: smallConfig({ steps: 12, validEvery: 4 }), train: text.slice(0, 1500), valid: text.slice(1500) });
      await until('the run to finish', () => run.state === 'stopped', 50_000);
      const elapsed = run.history.map((p) => p.elapsed);
      assert.ok(elapsed.every((e) => typeof e === 'number' && e >= 0), `every point is timed: ${elapsed}`);
      assert.ok(elapsed.every((e, i) => i === 0 || e! >= elapsed[i - 1]!), `time never goes back: ${elapsed}`);
      const rows = parseCsv(scalarsCsv(run.history, run.info!.groups));
      assert.equal(rows.length, 1 + 12, 'a header and one row per step');
      assert.deepEqual(rows.slice(1).map((r) => Number(r[0])), Array.from({ length: 12 }, (_, i) => i + 1));
      const validCol = rows[0]!.indexOf('valid_loss');
      assert.deepEqual(rows.slice(1).filter((r) => r[validCol] !== '').map((r) => Number(r[0])), [4, 8, 12], 'validation where it ran');
      const json = scalarsJsonLines(run.history, run.info!.groups).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(json.length, 12);
      for (const g of run.info!.groups) assert.equal(typeof json[0]![`grad_norm[${g}]`], 'number');
    });

    it('the store renames and hides a run in run.json (a new session reads them back) and deletes its folder', async () => {
      const [id] = [...session.runs.keys()];
      await session.store.updateRun(id!, { name: 'fox, renamed' });
      await session.store.updateRun(id!, { hidden: true });
      const reloaded = new TrainingSession('unused', new FileRunStore(nodeFiles(root)));
      const [again] = await reloaded.loadStoredRuns();
      assert.equal(again!.name, 'fox, renamed');
      assert.equal(again!.hidden, true);
      await session.store.updateRun(id!, { hidden: false });
      assert.equal((await session.store.loadRun(id!))!.hidden, undefined);
      assert.ok(fs.existsSync(path.join(root, 'runs', id!, 'latest.json')));
      await session.store.deleteRun(id!);
      assert.equal(fs.existsSync(path.join(root, 'runs', id!)), false, 'the run folder is gone, checkpoints and all');
      assert.deepEqual(await session.store.listRuns(), []);
      await assert.rejects(session.store.updateRun(id!, { name: 'x' }), /no run\.json/);
    });
  });
});

describe('context keys: menus offer what can act', () => {
  const rec = (state: RunRecord['state'], lastCheckpointStep: number | null = 10): RunRecord =>
    ({ id: state, name: state, state, lastCheckpointStep } as unknown as RunRecord);
  it('Pause only while running, Stop while running or paused, Resume when paused or a run can continue', () => {
    assert.deepEqual(trainingContext([], null), { training: 'none', canResume: false, hasRuns: false });
    const running = rec('running');
    assert.deepEqual(trainingContext([rec('stopped'), running], running), { training: 'running', canResume: false, hasRuns: true });
    const paused = rec('paused');
    assert.deepEqual(trainingContext([paused], paused), { training: 'paused', canResume: true, hasRuns: true });
    assert.deepEqual(trainingContext([rec('interrupted')], null), { training: 'none', canResume: true, hasRuns: true });
    assert.deepEqual(trainingContext([rec('crashed', null), rec('failed')], null), { training: 'none', canResume: false, hasRuns: true });
    const stopping = rec('stopping');
    assert.deepEqual(trainingContext([rec('crashed'), stopping], stopping), { training: 'none', canResume: false, hasRuns: true });
  });
});
