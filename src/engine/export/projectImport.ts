// The way back from a training project (project.ts): which checkpoint a folder the user picks stands for, and the
// training history up to it. Pure: the caller reads files (Node's fs in the CLI, workspace.fs in the editor)
// through `read`, which returns a file's text or null when it is absent. Accepted folders:
//   OUT of train.py        OUT/latest names the newest checkpoint folder; OUT/metrics.jsonl its steps
//   the project itself     config.json says PROJECT_FORMAT; runs/latest when train.py ran with its default
//                          --out, else checkpoint/ (the export's own, SeqLab's step)
// The history is SeqLab's steps (history.jsonl, when the export had them) followed by PyTorch's (metrics.jsonl),
// one point per step (a step taken again after a restart counts once, its last line), up to the checkpoint's step.
import {
  PROJECT_CHECKPOINT_DIR, PROJECT_CONFIG_FILE, PROJECT_FORMAT, PROJECT_HISTORY_FILE, PROJECT_LATEST_FILE, PROJECT_METRICS_FILE, PROJECT_RUNS_DIR,
  type HistoryPoint,
} from './project';

export type ReadText = (relativePath: string) => Promise<string | null>;

export interface ProjectCheckpoint {
  /** The checkpoint folder, relative to the folder given ('step-00000040', 'runs/step-00000040', 'checkpoint'). */
  checkpoint: string;
  /** Where the history lives, relative to the folder given (null: none). */
  metrics: string | null;
  history: string | null;
}

/** The checkpoint a project or train.py output folder stands for; null when the folder is neither. */
export async function projectCheckpoint(read: ReadText): Promise<ProjectCheckpoint | null> {
  const latest = await latestName(read, PROJECT_LATEST_FILE);
  if (latest) return { checkpoint: latest, metrics: PROJECT_METRICS_FILE, history: `../${PROJECT_HISTORY_FILE}` };
  const config = await read(PROJECT_CONFIG_FILE);
  if (config === null || !isProjectConfig(config)) return null;
  const run = await latestName(read, `${PROJECT_RUNS_DIR}/${PROJECT_LATEST_FILE}`);
  if (run) return { checkpoint: `${PROJECT_RUNS_DIR}/${run}`, metrics: `${PROJECT_RUNS_DIR}/${PROJECT_METRICS_FILE}`, history: PROJECT_HISTORY_FILE };
  return { checkpoint: PROJECT_CHECKPOINT_DIR, metrics: null, history: PROJECT_HISTORY_FILE };
}

/** `latest` holds one folder name written by train.py ("step-" and digits); anything else is not ours. */
async function latestName(read: ReadText, file: string): Promise<string | null> {
  const text = await read(file);
  if (text === null) return null;
  const name = text.trim();
  if (!/^step-\d{1,12}$/.test(name)) throw new Error(`${file} should name a checkpoint folder (step-NNNNNNNN), got ${JSON.stringify(name.slice(0, 40))}`);
  return name;
}

function isProjectConfig(text: string): boolean {
  try {
    const v = JSON.parse(text) as { format?: unknown };
    return typeof v === 'object' && v !== null && v.format === PROJECT_FORMAT;
  } catch {
    return false;
  }
}

/**
 * The history up to `upTo` (the checkpoint's step), ordered by step, one point per step: the SeqLab part, then
 * the PyTorch part (a later line for the same step replaces an earlier one). Lines that are not step records
 * (blank, or without a finite step, loss and grad_norm) are skipped: the history is informative, never a reason to refuse.
 */
export async function projectHistory(read: ReadText, where: ProjectCheckpoint, upTo: number): Promise<HistoryPoint[]> {
  const byStep = new Map<number, HistoryPoint>();
  for (const file of [where.history, where.metrics]) {
    const text = file ? await read(file) : null;
    if (!text) continue;
    for (const line of text.split('\n')) {
      const p = parsePoint(line);
      if (p && p.step <= upTo) byStep.set(p.step, p);
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function parsePoint(line: string): HistoryPoint | null {
  if (!line.trim().startsWith('{')) return null;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  const step = num(v.step), loss = num(v.loss), gradNorm = num(v.grad_norm);
  if (step === undefined || !Number.isInteger(step) || step < 1 || loss === undefined || gradNorm === undefined || v.nonFinite) return null;
  const p: HistoryPoint = { step, loss, grad_norm: gradNorm };
  const lr = num(v.lr), epoch = num(v.epoch);
  if (lr !== undefined) p.lr = lr;
  if (epoch !== undefined) p.epoch = epoch;
  return p;
}
