// The benchmark corpus: the text of Debian's `fortunes` package (installed by the bench setup when missing and
// running as root), else SeqLab's own TypeScript sources (shipped with the project). Character vocabulary,
// and seeded batches / contexts that every side receives identically.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../../src/engine/rng';

const FORTUNES = '/usr/share/games/fortunes';

export interface Corpus { text: string; source: string }

/** Reads the fortunes text files (not the .dat indexes, not the .u8 duplicates); installs them if possible. */
export function loadCorpus(root: string, log: (s: string) => void): Corpus {
  if (!fs.existsSync(FORTUNES) && process.getuid?.() === 0) {
    log('fortunes missing: apt-get install -y fortunes');
    let r = spawnSync('apt-get', ['install', '-y', 'fortunes'], { stdio: 'ignore', timeout: 300_000 });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: 300_000 });
      r = spawnSync('apt-get', ['install', '-y', 'fortunes'], { stdio: 'ignore', timeout: 300_000 });
    }
  }
  if (fs.existsSync(FORTUNES)) {
    const files = fs.readdirSync(FORTUNES).filter((f) => !f.includes('.')).sort();
    const parts = files.map((f) => fs.readFileSync(path.join(FORTUNES, f), 'utf8'));
    const text = parts.join('\n').replace(/\r/g, '');
    if (text.length > 100_000) return { text, source: `Debian fortunes (${FORTUNES}, ${files.length} files)` };
  }
  const srcFiles: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('Binary.ts')) srcFiles.push(p);
    }
  };
  walk(path.join(root, 'src'));
  return { text: srcFiles.map((f) => fs.readFileSync(f, 'utf8')).join('\n'), source: 'SeqLab TypeScript sources (fortunes not installed)' };
}

/** Character vocabulary (sorted code points) and the corpus as ids. */
export function encodeChars(text: string): { vocab: string[]; ids: Int32Array } {
  const chars = Array.from(new Set(Array.from(text))).sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  const cps = Array.from(text);
  const ids = new Int32Array(cps.length);
  for (let i = 0; i < cps.length; i++) ids[i] = index.get(cps[i])!;
  return { vocab: chars, ids };
}

/** Batch r of B random windows: x (B,T), y (B,T) = x shifted by one. Same seed + r → same batch everywhere. */
export function lmBatch(ids: Int32Array, B: number, T: number, seed: number, r: number): { x: Int32Array; y: Int32Array } {
  const rng = new Rng(seed * 1_000_003 + r);
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const s = rng.int(ids.length - T - 1);
    for (let t = 0; t < T; t++) { x[b * T + t] = ids[s + t]; y[b * T + t] = ids[s + t + 1]; }
  }
  return { x, y };
}

/** n contexts of length L (ids), from seeded positions. */
export function contexts(ids: Int32Array, n: number, L: number, seed: number): Int32Array[] {
  const rng = new Rng(seed);
  const out: Int32Array[] = [];
  for (let i = 0; i < n; i++) { const s = rng.int(ids.length - L); out.push(ids.slice(s, s + L)); }
  return out;
}

/** The corpus ids split for W5: the first 95 % to train on, the last 5 % held out. */
export function splitValidation(ids: Int32Array): { train: Int32Array; valid: Int32Array } {
  const cut = Math.floor(ids.length * 0.95);
  return { train: ids.subarray(0, cut), valid: ids.subarray(cut) };
}

/** n batches of B consecutive, non-overlapping windows of the held-out ids (every side scores the same text). */
export function validationBatches(valid: Int32Array, B: number, T: number, n: number): Array<{ x: Int32Array; y: Int32Array }> {
  const fit = Math.floor((valid.length - 1) / (B * T));
  if (fit < n) throw new Error(`held-out text has room for ${fit} validation batches, ${n} asked`);
  return Array.from({ length: n }, (_, k) => {
    const x = new Int32Array(B * T), y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const s = (k * B + b) * T;
      for (let t = 0; t < T; t++) { x[b * T + t] = valid[s + t]; y[b * T + t] = valid[s + t + 1]; }
    }
    return { x, y };
  });
}
