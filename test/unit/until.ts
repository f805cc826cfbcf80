// Polls `f` until it holds, failing the test with `what` after `ms` (tests that wait on a real worker thread).
import * as assert from 'node:assert/strict';

export async function until(what: string, f: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
