// Gate saturation for the dashboard (no 'vscode'): a worker point's shares (engine/inspect/gateSaturation.ts,
// carried on TrainMetric.gateSaturation) named with the run's stacks and its cell's gates, cut to the channel's
// limits (protocol/saturation.ts) so one oversized value never makes the webview drop a whole batch.
import { saturationGates } from '../../engine/inspect/gateSaturation';
import { SATURATION_LIMITS, type GateSaturationView, type StackSaturationView } from '../../protocol/saturation';
import type { FeedRun, LivePoint } from './dashboardModel';

const S = SATURATION_LIMITS;
const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/** The saturation point `p` carries, as the dashboard draws it; null when it has none or the run has no gates. */
export function saturationView(p: LivePoint, run: FeedRun): GateSaturationView | null {
  const g = p.gateSaturation, info = run.info;
  if (!g || !info) return null;
  const gates = saturationGates(run.config.cell).names;
  const K = gates.length;
  if (K === 0 || K > S.gates) return null;
  const stacks: StackSaturationView[] = [];
  for (let k = 0; k < g.length && k < info.stacks.length && stacks.length < S.stacks; k++) {
    const { name, rows } = info.stacks[k]!;
    const { low, high } = g[k]!;
    if (rows < 1 || rows > S.rows || low.length !== rows * K || high.length !== rows * K) continue;
    stacks.push({ name: name.slice(0, S.nameChars) || 'rnn', rows, low: low.map(clamp01), high: high.map(clamp01) });
  }
  return stacks.length ? { step: p.step, gates, stacks } : null;
}

/** The newest saturation of `run`'s history, or null. */
export function latestSaturation(run: FeedRun): GateSaturationView | null {
  for (let i = run.history.length - 1; i >= 0; i--) {
    const p = run.history[i];
    if (p?.gateSaturation) return saturationView(p, run);
  }
  return null;
}
