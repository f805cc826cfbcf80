import * as assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(Array.from({ length: 5 }, () => b.next()), xs);
    assert.notDeepEqual(Array.from({ length: 5 }, () => c.next()), xs);
  });

  it('restores its state', () => {
    const a = new Rng(3);
    a.next();
    const s = a.getState();
    const x = a.next();
    a.setState(s);
    assert.equal(a.next(), x);
  });

  it('gives a standard normal with mean ~0 and variance ~1', () => {
    const r = new Rng(1);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    assert.ok(Math.abs(s / n) < 0.03, `mean ${s / n}`);
    assert.ok(Math.abs(s2 / n - 1) < 0.05, `var ${s2 / n}`);
  });
});
