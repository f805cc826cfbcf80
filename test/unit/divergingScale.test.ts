// The inspection views' colour scale (src/extension/inspect/divergingScale.ts): sign picks the hue, magnitude the
// bucket, zero and non-finite values are not painted, and every bucket's opacity stays low enough to read through.
import * as assert from 'node:assert/strict';
import { BUCKETS, bucketColor, bucketOf, symmetricScale } from '../../src/extension/inspect/divergingScale';

describe('neuron view colour scale', () => {
  it('maps −scale…scale onto −BUCKETS…BUCKETS, 0 and NaN to "not painted", and clamps beyond the scale', () => {
    assert.equal(bucketOf(0, 1), 0);
    assert.equal(bucketOf(Number.NaN, 1), 0);
    assert.equal(bucketOf(1, 1), BUCKETS);
    assert.equal(bucketOf(-1, 1), -BUCKETS);
    assert.equal(bucketOf(5, 1), BUCKETS);
    assert.equal(bucketOf(1e-6, 1), 1);
    assert.equal(bucketOf(-0.5, 2), -Math.ceil(BUCKETS / 4));
    for (let b = 1; b <= BUCKETS; b++) assert.ok(bucketOf(b / BUCKETS, 1) === b);
  });

  it('negative is blue, positive red, opacity grows with the bucket and stays below 0.65', () => {
    const alpha = (c: string): number => Number(/,\s*([\d.]+)\)$/.exec(c)![1]);
    assert.match(bucketColor(-1), /^rgba\(33, 102, 172,/);
    assert.match(bucketColor(1), /^rgba\(214, 47, 39,/);
    for (let b = 1; b < BUCKETS; b++) assert.ok(alpha(bucketColor(b + 1)) > alpha(bucketColor(b)));
    assert.ok(alpha(bucketColor(BUCKETS)) < 0.65);
    assert.equal(symmetricScale([0.2, -3, 1]), 3);
    assert.ok(symmetricScale([0, 0]) > 0);
  });
});
