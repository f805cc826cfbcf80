// What the dashboard says about whether to trust a run (issue #14 items 1–2), apart from the charts' plumbing:
//   - the banner: "interrupted at step N (last checkpoint M)" with Resume after a reload, the memorising notice
//     with "Stop and keep best weights", and how an early-stopped run ended;
//   - the best validation as a marker on the loss chart;
//   - an ETA that is true: time to the step limit at the rate steps actually arrive here, otherwise the epochs
//     done and steps per second (a run without a step limit has no end to estimate);
//   - the host is the truth about what trains: a run it does not know is not running (after a reload).
// Everything is set through textContent: host strings are never parsed as HTML.
import type { MetricPoint, RunStatus, RunSummary } from '../../src/protocol/dashboard';

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`dashboard markup lacks #${id}`);
  return el;
}

const LIVE: readonly RunStatus[] = ['starting', 'running', 'paused', 'stopping'];

/** A run the host does not know after `init` has no worker training it: it was interrupted with its window. */
export function unknownToHost(summary: RunSummary): RunSummary {
  return LIVE.includes(summary.state) ? { ...summary, state: 'interrupted' } : summary;
}

/** Steps per second of each run, measured on this clock as its points arrive (every task kind counts steps). */
const WINDOW_MS = 30_000;
const samples = new Map<string, { t: number; step: number }[]>();

export function noteProgress(runId: string, step: number, now = performance.now()): void {
  const list = samples.get(runId) ?? [];
  const last = list.at(-1);
  if (last && step <= last.step) {
    if (step < last.step) list.length = 0; // a resumed run went back to its checkpoint
    else return;
  }
  list.push({ t: now, step });
  while (list.length > 2 && now - list[0]!.t > WINDOW_MS) list.shift();
  samples.set(runId, list);
}

export function stepsPerSecond(runId: string): number {
  const list = samples.get(runId);
  if (!list || list.length < 2) return 0;
  const a = list[0]!, b = list.at(-1)!;
  return b.t > a.t ? ((b.step - a.step) * 1000) / (b.t - a.t) : 0;
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The ETA row: time to the step limit, or (no limit) epochs done and the rate; '–' while nothing trains. */
export function etaText(s: RunSummary, points: readonly MetricPoint[]): string {
  if (s.state !== 'running') return '–';
  const rate = stepsPerSecond(s.id), last = points.at(-1), step = last?.step ?? 0;
  const perSecond = rate > 0 ? `${rate < 10 ? rate.toFixed(1) : Math.round(rate)} steps/s` : 'measuring steps/s';
  if (s.maxSteps > 0) return rate > 0 ? `${duration(Math.max(0, s.maxSteps - step) / rate)} to step ${s.maxSteps.toLocaleString('en-US')} (${perSecond})` : `to step ${s.maxSteps.toLocaleString('en-US')} (${perSecond})`;
  const epochs = last?.epoch;
  const done = epochs === undefined ? '' : `${epochs} epoch${epochs === 1 ? '' : 's'} done · `;
  const until = s.trust?.patience ? `until validation stops improving (patience ${s.trust.patience})` : 'no step limit: runs until stopped';
  return `${done}${perSecond} · ${until}`;
}

/** The best validation of a run as one point for the loss chart, or null. */
export function bestMarker(s: RunSummary | undefined): { x: number; y: number } | null {
  const b = s?.trust?.best;
  return b ? { x: b.step, y: b.validLoss } : null;
}

/** Resume continues an interrupted or crashed run from its last checkpoint (the host's "Resume Training"). */
export function canResume(s: RunSummary | null): boolean {
  if (!s) return false;
  if (s.state === 'paused') return s.nonFinite === null;
  return (s.state === 'interrupted' || s.state === 'crashed') && (s.trust?.lastCheckpointStep ?? null) !== null;
}

const fmt = (x: number): string => x.toPrecision(4);

/** The banner above the numbers: one of interrupted, memorising, stopped early; hidden otherwise. */
export function renderTrust(s: RunSummary | null, connected: boolean): void {
  const box = byId('trust'), title = byId('trust-title'), text = byId('trust-message');
  const resume = byId('trust-resume'), keep = byId('trust-keep-best');
  const t = s?.trust;
  let show: 'interrupted' | 'memorising' | 'early' | null = null;
  if (s && connected && (s.state === 'interrupted' || s.state === 'crashed') && t) show = 'interrupted';
  else if (s && (s.state === 'running' || s.state === 'paused') && t?.memorisingSince !== null && t?.memorisingSince !== undefined) show = 'memorising';
  else if (s && s.state === 'stopped' && t?.ending?.keptBest) show = 'early';
  box.hidden = show === null;
  box.dataset['kind'] = show ?? '';
  resume.hidden = show !== 'interrupted' || !canResume(s);
  keep.hidden = show !== 'memorising' || !t?.best;
  if (!s || !t || show === null) return;
  const best = t.best ? `The best validation loss was ${fmt(t.best.validLoss)} at step ${t.best.step}.` : '';
  if (show === 'interrupted') {
    const from = t.lastCheckpointStep !== null ? ` (last checkpoint ${t.lastCheckpointStep})` : ' (no checkpoint was saved)';
    title.textContent = `${s.state === 'crashed' ? 'Crashed' : 'Interrupted'} at step ${t.step}${from}`;
    text.textContent = s.state === 'crashed'
      ? `${s.message ?? 'The training worker stopped.'}`
      : `"${s.name}" was training when the window went away. ${t.lastCheckpointStep !== null ? `Resume continues from step ${t.lastCheckpointStep}; meanwhile its checkpoint serves suggestions and Translate.` : ''} ${best}`.trim();
  } else if (show === 'memorising') {
    title.textContent = `Memorising since step ${t.memorisingSince}`;
    text.textContent = `Validation loss has risen at every validation while training loss fell: the model is learning its training text by heart, not the patterns that carry over. ${best}` +
      (t.patience ? ` Early stopping will end the run after ${t.patience} validations without improvement.` : '');
  } else {
    title.textContent = t.ending?.early ? 'Stopped early' : 'Stopped with the best weights';
    text.textContent = `${t.ending?.early ? `Validation loss had not improved for ${t.patience ?? '?'} validations. ` : ''}The model keeps the best weights. ${best}`.trim();
  }
}

/** The interrupted run's step line for the status and the stats (N = how far it got, M = where Resume starts). */
export function stateText(s: RunSummary): string {
  if (s.nonFinite) return `paused: non-finite value at step ${s.nonFinite.step}`;
  if (s.state === 'interrupted') {
    const m = s.trust?.lastCheckpointStep;
    return `interrupted at step ${s.trust?.step ?? '?'} (last checkpoint ${m ?? 'none'})`;
  }
  if (s.state === 'stopped' && s.trust?.ending?.early) return 'stopped early (best weights kept)';
  if (s.state === 'imported') return 'imported (trained outside this editor)';
  return s.state;
}
