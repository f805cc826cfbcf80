// The training session as the dashboard feed and the live attention view read it (FeedSource), and the text
// sampler of language-model runs. The session's records carry the one run's shapes (RunConfig, RunInfo with its
// stacks, TrainMetric); the feed reads a narrower view of them (dashboardModel.ts FeedRun), made here, so the
// feed and its tests do not depend on the session's worker plumbing.
import type { TextSample } from '../../protocol/dashboard';
import type { TrainMetric } from '../../protocol/training';
import type { ExperimentsClient } from '../experiments/client';
import type { RunRecord, SessionEvent, TrainingSession } from '../training/session';
import type { FeedRun, LivePoint } from './dashboardModel';
import type { FeedEvent, FeedSource } from './dashboardFeed';

export function feedSource(session: TrainingSession): FeedSource {
  return {
    get runs() {
      const m = new Map<string, FeedRun>();
      for (const [id, r] of session.runs) m.set(id, feedRun(r));
      return m;
    },
    get current() {
      const r = session.current;
      return r ? feedRun(r) : undefined;
    },
    onEvent: (listener) => session.onEvent((e) => listener(feedEvent(e))),
    requestSnapshot: () => session.requestSnapshot(),
  };
}

function feedEvent(e: SessionEvent): FeedEvent {
  if (e.type === 'metrics') return { type: 'metrics', run: feedRun(e.run), points: e.points.map(livePoint) };
  // A new best or the memorising notice changes what the run's summary says (its trust line): a state update.
  return { type: e.type === 'best' || e.type === 'memorising' ? 'state' : e.type, run: feedRun(e.run) };
}

/** A session record as the feed reads it. */
export function feedRun(r: RunRecord): FeedRun {
  const info = r.info;
  return {
    id: r.id, name: r.name, state: r.state, config: r.config, message: r.message, nonFinite: r.nonFinite, hidden: r.hidden === true,
    step: r.step, best: r.best ?? null, memorisingSince: r.memorisingSince ?? null, lastCheckpointStep: r.lastCheckpointStep, ending: r.ending ?? null,
    info: info && { task: info.task, paramCount: info.paramCount, trainExamples: info.trainExamples, groups: info.groups, stacks: info.stacks },
    // Mapped only when read (a replay): events pass the record on every metrics batch.
    get history() {
      return r.history.map(livePoint);
    },
  };
}

function livePoint(p: TrainMetric): LivePoint {
  return p as LivePoint;
}

/** Samples text from a language-model run's latest snapshot in the experiments worker (its training text read once). */
export function textSampler(session: TrainingSession, experiments: ExperimentsClient): (runId: string) => Promise<TextSample | null> {
  const trainTexts = new Map<string, Promise<string | null>>();
  return async (runId) => {
    const run = session.runs.get(runId), snap = run?.snapshot;
    if (!run || !snap) return null;
    let text = trainTexts.get(runId);
    if (!text) {
      text = session.store.loadRun(runId).then((s) => s?.train ?? null, () => null);
      trainTexts.set(runId, text);
    }
    const train = await text;
    return train ? experiments.sample(runId, snap.step, run.config, train, snap.data) : null;
  };
}
