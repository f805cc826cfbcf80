// When the "run stopped … Save Model As…" notification is due, and what it says. Pure (no 'vscode' import), so
// unit tests check it. It is due only when a run that was live in this window (starting, running, paused,
// stopping) becomes 'stopped': Stop, its step limit, early stopping. Not for
//   - an imported run (a PyTorch training project loaded back, state 'imported'): it never trained here;
//   - a run restored from an earlier window's store (it arrives already 'stopped', announced once at
//     activation): it had its notification in the window where it stopped.
import type { RunRecord } from '../training/session';

const LIVE: ReadonlySet<string> = new Set(['starting', 'running', 'paused', 'stopping']);

export type NoticeRun = Pick<RunRecord, 'id' | 'name' | 'state' | 'step' | 'message' | 'ending'>;

/** Follows each run's state changes (feed it every 'state' event) and says when one stopped here. */
export class StopNotices {
  private readonly seen = new Map<string, string>();

  /** The notification's text when this state change is a stop of a run that was live here, else null. */
  next(run: NoticeRun): string | null {
    const before = this.seen.get(run.id);
    this.seen.set(run.id, run.state);
    if (run.state !== 'stopped' || before === undefined || !LIVE.has(before)) return null;
    // An early stop says why it stopped and which weights it kept (session.ts wrote that in run.message).
    return run.ending?.early && run.message ? `Training run "${run.name}": ${run.message}` : `Training run "${run.name}" stopped at step ${run.step}.`;
  }
}
