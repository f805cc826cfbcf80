import * as assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { BOS, EOS, PAD } from '../../src/engine/tokenize/types';
import { BatchOrder, gatherLabels, LmBatcher, PaddedBatch } from '../../src/engine/data/batch';

describe('LmBatcher (truncated BPTT)', () => {
  // Stream 100, 101, ..., 100 + N - 1: every value says where it came from.
  const N = 47;
  const stream = Array.from({ length: N }, (_, i) => 100 + i);

  it('lays out B contiguous rows; targets are inputs shifted by one and chunks continue each row', () => {
    const B = 3;
    const T = 4;
    const lm = new LmBatcher(stream, B, T);
    const L = Math.floor(N / B); // 15; the last 2 tokens are dropped
    assert.equal(lm.rowLength, L);
    assert.equal(lm.chunksPerEpoch, Math.ceil((L - 1) / T));
    const rows: number[][] = [[], [], []];
    const rowTargets: number[][] = [[], [], []];
    const inputsBuf = lm.inputs;
    let k = 0;
    while (lm.next()) {
      assert.equal(lm.chunk, k++);
      assert.equal(lm.inputs, inputsBuf, 'buffers must be reused, not reallocated');
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < lm.steps; t++) {
          const x = lm.inputs[b * lm.steps + t];
          const y = lm.targets[b * lm.steps + t];
          assert.equal(y, x + 1, 'target is the next token of the same row');
          rows[b].push(x);
          rowTargets[b].push(y);
        }
      }
    }
    assert.equal(k, lm.chunksPerEpoch);
    for (let b = 0; b < B; b++) {
      // Concatenating the chunks of row b gives the contiguous slice b*L .. (b+1)*L - 2 of the stream.
      assert.deepEqual(rows[b], stream.slice(b * L, (b + 1) * L - 1));
      assert.deepEqual(rowTargets[b], stream.slice(b * L + 1, (b + 1) * L));
    }
    assert.equal(lm.next(), false);
    lm.reset();
    assert.ok(lm.next());
    assert.equal(lm.chunk, 0);
    assert.equal(lm.inputs[0], 100);
  });

  it('makes a shorter last chunk and rejects streams too short for the batch', () => {
    const lm = new LmBatcher(stream, 2, 10); // L = 23: chunks of 10, 10, 2
    const steps: number[] = [];
    while (lm.next()) steps.push(lm.steps);
    assert.deepEqual(steps, [10, 10, 2]);
    assert.throws(() => new LmBatcher([1, 2, 3], 2, 4), /3 tokens: too few for 2 rows/);
  });
});

describe('BatchOrder', () => {
  it('visits every example once per epoch, reshuffles deterministically, keeps its buffer', () => {
    const order = new BatchOrder(10, 4, new Rng(3));
    const buf = order.order;
    const epochs: number[][] = [];
    for (let e = 0; e < 2; e++) {
      const seen: number[] = [];
      const counts: number[] = [];
      while (order.next()) {
        counts.push(order.count);
        for (let r = 0; r < order.count; r++) seen.push(order.order[order.start + r]);
      }
      assert.deepEqual(counts, [4, 4, 2]);
      assert.deepEqual(seen.slice().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      epochs.push(seen);
      order.reset();
    }
    assert.equal(order.order, buf);
    assert.notDeepEqual(epochs[0], epochs[1]);
    const again = new BatchOrder(10, 4, new Rng(3));
    const first: number[] = [];
    while (again.next()) for (let r = 0; r < again.count; r++) first.push(again.order[again.start + r]);
    assert.deepEqual(first, epochs[0]);
    const plain = new BatchOrder(10, 4, null, { dropLast: true });
    assert.equal(plain.batchesPerEpoch, 2);
    assert.deepEqual([...plain.order], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('length bucketing reduces padding', () => {
    const rng = new Rng(9);
    const lengths = Array.from({ length: 400 }, () => 1 + rng.int(50));
    const padding = (o: BatchOrder) => {
      let pad = 0;
      while (o.next()) {
        let max = 0;
        for (let r = 0; r < o.count; r++) max = Math.max(max, lengths[o.order[o.start + r]]);
        for (let r = 0; r < o.count; r++) pad += max - lengths[o.order[o.start + r]];
      }
      return pad;
    };
    const plain = padding(new BatchOrder(400, 16, new Rng(1)));
    const bucketed = padding(new BatchOrder(400, 16, new Rng(1), { lengths, bucketBatches: 10 }));
    assert.ok(bucketed < plain / 3, `bucketed padding ${bucketed} vs plain ${plain}`);
  });
});

describe('PaddedBatch', () => {
  const seqs = [[5, 6, 7], [8], [9, 10, 11, 12, 13], []];

  it('pads with PAD = 0, records lengths, masks exactly the real steps', () => {
    const batch = PaddedBatch.forSequences(seqs, 4);
    const order = Int32Array.from([2, 0, 1, 3]);
    batch.fill(seqs, order, 0, 3);
    assert.equal(batch.rows, 3);
    assert.equal(batch.steps, 5);
    assert.deepEqual([...batch.tokens.subarray(0, 15)], [9, 10, 11, 12, 13, 5, 6, 7, PAD, PAD, 8, PAD, PAD, PAD, PAD]);
    assert.deepEqual([...batch.lengths.subarray(0, 3)], [5, 3, 1]);
    assert.deepEqual([...batch.mask.subarray(0, 15)], [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0]);
    // Refill with shorter rows: stale values from the previous batch must not leak in.
    const tokens = batch.tokens;
    batch.fill(seqs, order, 1, 3);
    assert.equal(batch.tokens, tokens);
    assert.equal(batch.steps, 3);
    assert.deepEqual([...batch.tokens.subarray(0, 9)], [5, 6, 7, 8, PAD, PAD, PAD, PAD, PAD]);
    assert.deepEqual([...batch.mask.subarray(0, 9)], [1, 1, 1, 1, 0, 0, 0, 0, 0]);
    assert.deepEqual([...batch.lengths.subarray(0, 3)], [3, 1, 0]);
  });

  it('builds teacher-forcing pairs with BOS prefix / EOS suffix that line up', () => {
    const decIn = PaddedBatch.forSequences(seqs, 2, 1);
    const decOut = PaddedBatch.forSequences(seqs, 2, 1);
    const order = [1, 0];
    decIn.fill(seqs, order, 0, 2, { prefix: BOS });
    decOut.fill(seqs, order, 0, 2, { suffix: EOS });
    assert.equal(decIn.steps, 4);
    assert.deepEqual([...decIn.tokens.subarray(0, 8)], [BOS, 8, PAD, PAD, BOS, 5, 6, 7]);
    assert.deepEqual([...decOut.tokens.subarray(0, 8)], [8, EOS, PAD, PAD, 5, 6, 7, EOS]);
    assert.deepEqual([...decIn.mask.subarray(0, 8)], [...decOut.mask.subarray(0, 8)]);
  });

  it('throws on overlong sequences unless asked to truncate', () => {
    const batch = new PaddedBatch(2, 3);
    assert.throws(() => batch.fill(seqs, [2], 0, 1), /sequence 2 needs 5 steps, more than this batch's 3/);
    batch.fill(seqs, [2], 0, 1, { truncate: true });
    assert.deepEqual([...batch.tokens.subarray(0, 3)], [9, 10, 11]);
    assert.throws(() => batch.fill(seqs, [0, 1, 2], 0, 3), /3 rows does not fit/);
  });

  it('gathers labels in batch order', () => {
    const out = new Int32Array(3);
    gatherLabels([10, 11, 12, 13], [3, 1, 0, 2], 1, 3, out);
    assert.deepEqual([...out], [11, 10, 12]);
  });
});
