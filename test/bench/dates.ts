// W7's data: the date-normalisation task of the architectures issue ("24 November 2026" → "2026-11-24"), from
// the engine's own generator with a fixed seed, so every side trains on identical batches. Characters are ids
// from NUM_SPECIAL up (0 = PAD, 2 = BOS, 3 = EOS as in the engine's tokenizers); sources padded to the longest.
// Legend: B batch, S padded source length, T target steps (BOS + 10 chars in; 10 chars + EOS out).
import { generateTask } from '../../src/engine/data/generators';
import type { ParallelPair } from '../../src/engine/data/readers';
import { Rng } from '../../src/engine/rng';
import { BOS, EOS, NUM_SPECIAL, PAD } from '../../src/engine/tokenize/types';

export interface DateData { pairs: Array<{ src: number[]; tgt: number[] }>; vocab: number; S: number; T: number; text: ParallelPair[] }

export function dateData(n: number, seed: number): DateData {
  const raw = generateTask('dates', new Rng(seed), n);
  const chars = [...new Set(raw.flatMap((p) => [...p.source, ...p.target]))].sort();
  const id = new Map(chars.map((c, i) => [c, NUM_SPECIAL + i]));
  const pairs = raw.map((p) => ({ src: [...p.source].map((c) => id.get(c)!), tgt: [...p.target].map((c) => id.get(c)!) }));
  const T = Math.max(...pairs.map((p) => p.tgt.length)) + 1;
  if (pairs.some((p) => p.tgt.length !== T - 1)) throw new Error('date targets should all have one length');
  return { pairs, vocab: NUM_SPECIAL + chars.length, S: Math.max(...pairs.map((p) => p.src.length)), T, text: raw };
}

/** Batch k (wrapping around the pairs): src (B,S) PAD-padded, srcLen (B), decIn = [BOS, y], targets = [y, EOS]. */
export function dateBatch(d: DateData, B: number, k: number): { src: Int32Array; srcLen: Int32Array; decIn: Int32Array; targets: Int32Array } {
  const { S, T } = d;
  const src = new Int32Array(B * S).fill(PAD), srcLen = new Int32Array(B), decIn = new Int32Array(B * T), targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const p = d.pairs[(k * B + b) % d.pairs.length];
    p.src.forEach((v, s) => { src[b * S + s] = v; });
    srcLen[b] = p.src.length;
    decIn[b * T] = BOS;
    for (let t = 0; t < T - 1; t++) { decIn[b * T + t + 1] = p.tgt[t]; targets[b * T + t] = p.tgt[t]; }
    targets[b * T + T - 1] = EOS;
  }
  return { src, srcLen, decIn, targets };
}
