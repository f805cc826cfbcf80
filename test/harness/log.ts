// Timestamped harness log lines, so slow steps show in CI output.
const t0 = Date.now();

export function log(...args: unknown[]): void {
  const s = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  console.log(`[harness ${s}s]`, ...args);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
