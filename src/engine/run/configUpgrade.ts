// A RunConfig saved by an earlier version (a checkpoint's training.extra.config), brought to today's fields so the
// run resumes exactly as it trained. Only fields whose meaning is known are filled; anything else still goes
// through parseRunConfig, which names what is missing or unknown.
//   decay (boolean, before lrSchedule)  true → lrSchedule 'cosine' over the steps; false → 'constant'
//   time (absent before the time budget moved into the config)  → 0: the old run had no time limit in its config

/** A copy of `saved` with the fields above upgraded; anything that is not an object is returned unchanged. */
export function upgradeSavedConfig(saved: unknown): unknown {
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return saved;
  const c: Record<string, unknown> = { ...saved };
  if ('decay' in c && !('lrSchedule' in c) && typeof c.decay === 'boolean') {
    c.lrSchedule = c.decay ? 'cosine' : 'constant';
    delete c.decay;
  }
  if (!('time' in c)) c.time = 0;
  return c;
}
