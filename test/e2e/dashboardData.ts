// Reads what the dashboard webview's charts hold, inside the webview (window.seqlabDashboard, set by
// webview/dashboard/main.ts): per chart, each dataset's label, raw point count and values.
import type { FrameLocator } from 'playwright-core';
import type { ExperimentView } from '../../src/protocol/dashboard';

export interface ChartSeries {
  label: string;
  n: number;
  ys: number[];
}

export interface DashboardData {
  charts: Record<'loss' | 'grad' | 'layers' | 'gtt' | 'bpc' | 'task' | 'speed' | 'expGtt' | 'expLoss', ChartSeries[]>;
  runs: { id: string; name: string; state: string; task: string; points: number }[];
  experiment: ExperimentView | null;
}

export function dashboardData(frame: FrameLocator): Promise<DashboardData> {
  return frame.locator('body').evaluate(() => {
    const d = (window as unknown as { seqlabDashboard: { charts(): unknown; runs(): unknown; experiment(): unknown } }).seqlabDashboard;
    return { charts: d.charts(), runs: d.runs(), experiment: d.experiment() } as DashboardData;
  });
}

/** Points of the dataset with this label (0 when absent). */
export function pointsOf(series: ChartSeries[], label: string): number {
  return series.find((s) => s.label === label)?.n ?? 0;
}
