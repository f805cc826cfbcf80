// Learning byte-pair-encoding merges (Sennrich et al. 2016, "Neural Machine Translation of Rare Words with
// Subword Units", Algorithm 1), made fast with incremental pair counts as in HuggingFace tokenizers' BpeTrainer:
//   - the corpus is reduced to unique chunks with their counts (a chunk never spans a pre-tokenizer boundary);
//   - pair counts are kept in a map, plus, for each pair, the set of chunks containing it;
//   - each merge rewrites only the chunks that contain the pair and applies the count changes as a delta;
//   - the best pair comes from a max-heap with lazy deletion (an entry is stale when its count no longer
//     matches the map; every count change pushes a fresh entry).
// Ties go to the smallest (left id, right id), so the merges are a pure function of the corpus.
// Legend: a, b = left/right symbol ids of a pair; key = a * KEY + b; f = a chunk's corpus count.

/** Pair key multiplier: ids stay below 2^21, so a * KEY + b is an exact double (< 2^53). */
export const KEY = 2097152;

export interface LearnedMerges {
  /** Flat [a0, b0, a1, b1, ...]; merge r produced id firstNewId + r. */
  merges: number[];
}

/** Max-heap of (count, key): larger count first, then smaller key. Parallel arrays, no per-entry objects. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  private above(i: number, j: number): boolean {
    const ci = this.counts[i];
    const cj = this.counts[j];
    return ci > cj || (ci === cj && this.keys[i] < this.keys[j]);
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i];
    this.counts[i] = this.counts[j];
    this.counts[j] = c;
    const k = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = k;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  topCount(): number {
    return this.counts[0];
  }

  topKey(): number {
    return this.keys[0];
  }

  pop(): void {
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    const n = this.counts.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.above(l, m)) m = l;
      if (r < n && this.above(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}

/**
 * Learns up to `numMerges` merges over chunks given as base-symbol id sequences with counts.
 * Stops early when the best pair occurs fewer than `minFrequency` times. `firstNewId` is the id of the first
 * merged token. `chunks` are consumed (rewritten in place).
 */
export function learnMerges(
  chunks: number[][], counts: number[], firstNewId: number, numMerges: number, minFrequency = 2,
): LearnedMerges {
  if (firstNewId + numMerges >= KEY) throw new Error(`bpe: vocabulary larger than ${KEY} is not supported`);
  const pairCount = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  for (let w = 0; w < chunks.length; w++) {
    const s = chunks[w];
    for (let i = 0; i + 1 < s.length; i++) {
      const key = s[i] * KEY + s[i + 1];
      pairCount.set(key, (pairCount.get(key) ?? 0) + counts[w]);
      let set = where.get(key);
      if (!set) where.set(key, (set = new Set()));
      set.add(w);
    }
  }
  const heap = new PairHeap();
  for (const [key, c] of pairCount) heap.push(c, key);

  const merges: number[] = [];
  const delta = new Map<number, number>();
  for (let r = 0; r < numMerges; r++) {
    // Drop stale entries: their count no longer matches the live count.
    while (heap.size > 0 && pairCount.get(heap.topKey()) !== heap.topCount()) heap.pop();
    if (heap.size === 0 || heap.topCount() < minFrequency) break;
    const key = heap.topKey();
    heap.pop();
    const a = Math.floor(key / KEY);
    const b = key - a * KEY;
    const z = firstNewId + r;
    merges.push(a, b);
    delta.clear();
    for (const w of where.get(key) ?? []) {
      const s = chunks[w];
      const f = counts[w];
      let found = false;
      for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) found = true;
      if (!found) continue; // a stale membership: the pair was merged away by an earlier merge
      for (let i = 0; i + 1 < s.length; i++) addDelta(delta, s[i] * KEY + s[i + 1], -f);
      let n = 0;
      for (let i = 0; i < s.length; n++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          s[n] = z;
          i += 2;
        } else {
          s[n] = s[i++];
        }
      }
      s.length = n;
      for (let i = 0; i + 1 < n; i++) {
        const k = s[i] * KEY + s[i + 1];
        addDelta(delta, k, f);
        if (s[i] === z || s[i + 1] === z) {
          let set = where.get(k);
          if (!set) where.set(k, (set = new Set()));
          set.add(w);
        }
      }
    }
    where.delete(key);
    for (const [k, d] of delta) {
      if (d === 0) continue;
      const c = (pairCount.get(k) ?? 0) + d;
      if (c > 0) {
        pairCount.set(k, c);
        heap.push(c, k);
      } else {
        pairCount.delete(k);
      }
    }
  }
  return { merges };
}

function addDelta(delta: Map<number, number>, key: number, d: number): void {
  delta.set(key, (delta.get(key) ?? 0) + d);
}
