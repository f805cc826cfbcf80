// A run's scalars as a file: CSV (RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes
// doubled) or JSON Lines (one JSON object per line). One row per optimizer step, in step order; a step met twice
// (a resumed run re-took it) keeps its last report. Columns: step, elapsed seconds, epoch, training loss,
// validation loss, bits per character, gradient norms before and after clipping, whether clipping scaled,
// learning rate, positions per second, the task's validation scores, then ‖∂L/∂θ‖ of each layer group.
// A value a step did not measure (validation runs every few steps) is an empty CSV field and a JSON null.
// No 'vscode' import: unit tests write and parse the files.
import type { TrainMetric } from '../../protocol/training';

export type ScalarFormat = 'csv' | 'jsonl';

type Value = number | boolean | null;

/** The fixed columns and how each reads a point. */
const COLUMNS: readonly [string, (p: TrainMetric) => Value][] = [
  ['step', (p) => p.step],
  ['elapsed_s', (p) => p.elapsed ?? null],
  ['epoch', (p) => p.epoch],
  ['loss', (p) => p.loss],
  ['valid_loss', (p) => p.validLoss ?? null],
  ['bits_per_char', (p) => p.bitsPerChar ?? null],
  ['valid_bits_per_char', (p) => p.validBitsPerChar ?? null],
  ['grad_norm', (p) => p.gradNorm],
  ['grad_norm_after_clip', (p) => p.gradNormAfterClip],
  ['clipped', (p) => p.clipped],
  ['lr', (p) => p.lr],
  ['positions_per_s', (p) => p.tokensPerSecond],
  ['valid_exact_match', (p) => p.validMetrics?.exactMatch ?? null],
  ['valid_token_accuracy', (p) => p.validMetrics?.tokenAccuracy ?? null],
  ['valid_accuracy', (p) => p.validMetrics?.accuracy ?? null],
];

/** The header: the fixed columns, then grad_norm[<group>] per layer group (names made unique). */
export function scalarColumns(groups: readonly string[]): string[] {
  const names = COLUMNS.map(([n]) => n);
  const seen = new Set(names);
  for (const g of groups) {
    let name = `grad_norm[${g}]`;
    for (let k = 2; seen.has(name); k++) name = `grad_norm[${g}]#${k}`;
    seen.add(name);
    names.push(name);
  }
  return names;
}

/** One row per step, in step order: the last report of each step wins. */
export function oneRowPerStep(points: readonly TrainMetric[]): TrainMetric[] {
  const byStep = new Map<number, TrainMetric>();
  for (const p of points) byStep.set(p.step, p);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function row(p: TrainMetric, groups: number): Value[] {
  const out = COLUMNS.map(([, read]) => read(p));
  for (let k = 0; k < groups; k++) out.push(p.groupNorms[k] ?? null);
  return out;
}

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180 §2.6–2.7). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Numbers as JavaScript prints them (shortest round-trip form); NaN or ±Infinity as text, null as empty. */
function csvValue(v: Value): string {
  return v === null ? '' : typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

export function scalarsCsv(points: readonly TrainMetric[], groups: readonly string[]): string {
  const lines = [scalarColumns(groups).map(csvField).join(',')];
  for (const p of oneRowPerStep(points)) lines.push(row(p, groups.length).map(csvValue).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function scalarsJsonLines(points: readonly TrainMetric[], groups: readonly string[]): string {
  const names = scalarColumns(groups);
  let out = '';
  for (const p of oneRowPerStep(points)) {
    const values = row(p, groups.length);
    const o: Record<string, Value | string> = {};
    // JSON has no NaN or Infinity: a non-finite number is written as its name, a string, rather than a broken line.
    names.forEach((n, i) => (o[n] = typeof values[i] === 'number' && !Number.isFinite(values[i]) ? String(values[i]) : (values[i] as Value)));
    out += `${JSON.stringify(o)}\n`;
  }
  return out;
}

export function scalarsFile(format: ScalarFormat, points: readonly TrainMetric[], groups: readonly string[]): string {
  return format === 'csv' ? scalarsCsv(points, groups) : scalarsJsonLines(points, groups);
}

/** The format a file name asks for: .jsonl / .ndjson / .json → JSON Lines, anything else CSV. */
export function formatOfFile(name: string): ScalarFormat {
  return /\.(jsonl|ndjson|json)$/i.test(name) ? 'jsonl' : 'csv';
}
