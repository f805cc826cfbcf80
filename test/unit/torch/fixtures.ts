// Loading PyTorch reference fixtures (shared/fixtures/torch/README.md) and comparing against them with the
// float32 tolerance |ours − ref| ≤ 1e-4 + 1e-3·|ref|. Fixtures come from test/fixtures/torch/ and, when the
// environment variable SEQLAB_TORCH_FIXTURES names a folder, from every *.json file there too.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Fixture {
  kind: string;
  name: string;
  file: string;
  config: Record<string, unknown>;
  params: Record<string, unknown>;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  loss?: Record<string, unknown>;
  grads: Record<string, unknown>;
  [key: string]: unknown;
}

export const BUNDLED_FIXTURES = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'torch');

export function fixtureFolders(): string[] {
  const folders = [BUNDLED_FIXTURES];
  const extra = process.env.SEQLAB_TORCH_FIXTURES;
  if (extra) folders.push(path.resolve(extra));
  return folders;
}

export function loadFixtures(folder: string): Fixture[] {
  if (!fs.existsSync(folder)) throw new Error(`fixture folder ${folder} does not exist`);
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
  return files.map((f) => {
    const file = path.join(folder, f);
    const fx = JSON.parse(fs.readFileSync(file, 'utf8')) as Fixture;
    fx.file = file;
    fx.name = fx.name ?? f.replace(/\.json$/, '');
    return fx;
  });
}

/** Nested list → flat numbers (null, PyTorch's marker for masked scores, becomes NaN). */
export function flat(x: unknown): number[] {
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(v === null ? NaN : Number(v));
  };
  walk(x);
  return out;
}

export function shapeOf(x: unknown): number[] {
  const s: number[] = [];
  let v = x;
  while (Array.isArray(v)) {
    s.push(v.length);
    v = v[0];
  }
  return s;
}

/** A per-tensor comparison report line. */
export interface TensorReport {
  tensor: string;
  maxDiff: number;
  ok: boolean;
}

/** Compares ours to ref element-wise with the fixture tolerance; NaN in ref (masked) must be skipped by caller. */
export function compare(tensor: string, ours: ArrayLike<number>, ref: unknown): TensorReport {
  const r = flat(ref);
  if (ours.length !== r.length) throw new Error(`${tensor}: ${ours.length} values, reference has ${r.length}`);
  let maxDiff = 0;
  let ok = true;
  for (let i = 0; i < r.length; i++) {
    if (Number.isNaN(r[i])) continue;
    const d = Math.abs(ours[i] - r[i]);
    if (!(d <= 1e-4 + 1e-3 * Math.abs(r[i]))) ok = false;
    if (!(d <= maxDiff)) maxDiff = d; // NaN-safe: a NaN difference becomes the max
  }
  return { tensor, maxDiff, ok };
}
