// What the dashboard draws, derived from a run as the training session keeps it, for EVERY task kind: the run's
// summary (task, model line, layer groups, recurrent stacks), its points (loss, validation loss, bits per character
// for language models, the task's validation scores otherwise, gradient norms) and ‖∂L/∂h_t‖ per recurrent stack.
// Everything is cut to DASHBOARD_LIMITS here, on the host, so one oversized value never makes the webview reject a
// whole replay. No 'vscode' import: unit tests drive it with runs shaped like the training protocol's.
import { RUN_CONFIG_FIELDS, type RunConfig, type TaskKind } from '../../engine/run/config';
import {
  DASHBOARD_LIMITS, type ConfigEntry, type FieldInfo, type GradThroughTime, type MetricPoint, type RunStatus, type RunSummary, type StackGradThroughTime, type TaskScores,
} from '../../protocol/dashboard';
import { runTrust } from './runTrust';

/** One training step as the worker reports it: the fields of the training protocol's TrainMetric the dashboard reads. */
export interface LivePoint {
  readonly step: number;
  readonly loss: number;
  readonly bitsPerChar?: number;
  readonly lr: number;
  readonly tokensPerSecond: number;
  readonly gradNorm: number;
  readonly gradNormAfterClip: number;
  readonly clipped: boolean;
  readonly groupNorms: readonly number[];
  /** Only on some points: one entry per stack of the run's `info.stacks`, same order. */
  readonly gradThroughTime?: readonly { readonly values: readonly number[] }[];
  /** Every few steps, LSTM/GRU only: gate saturation shares per stack (dashboardSaturation.ts reads them). */
  readonly gateSaturation?: readonly { readonly low: readonly number[]; readonly high: readonly number[] }[];
  readonly validLoss?: number;
  readonly validBitsPerChar?: number;
  readonly validMetrics?: TaskScores;
  readonly epoch?: number;
  readonly elapsed?: number;
}

/** The fields of the training protocol's RunInfo the dashboard reads. */
export interface LiveRunInfo {
  readonly task: TaskKind;
  readonly paramCount: number;
  /** Training examples: tokens for lm, pairs / texts / sentences for the others. */
  readonly trainExamples: number;
  readonly groups: readonly string[];
  /** The recurrent stacks whose ‖∂L/∂h_t‖ is charted: 'rnn'; for seq2seq 'encoder' and 'decoder'. */
  readonly stacks: readonly { readonly name: string; readonly rows: number }[];
}

/** A run as the session keeps it (its RunRecord satisfies this). */
export interface FeedRun {
  readonly id: string;
  readonly name: string;
  readonly state: RunStatus;
  readonly config: RunConfig;
  readonly info: LiveRunInfo | null;
  readonly history: readonly LivePoint[];
  readonly message: string | null;
  readonly nonFinite: { readonly tensor: string; readonly step: number } | null;
  /** The step reached, best validation, memorising, ending and last checkpoint (runTrust.ts reads them). */
  readonly step?: number;
  readonly best?: { readonly step: number; readonly validLoss: number } | null;
  readonly memorisingSince?: number | null;
  readonly lastCheckpointStep?: number | null;
  readonly ending?: { readonly early: boolean; readonly keptBest: boolean } | null;
  readonly hidden?: boolean;
}

const L = DASHBOARD_LIMITS;
const CELL_NAMES = { lstm: 'LSTM', gru: 'GRU', rnn_tanh: 'tanh RNN', rnn_relu: 'ReLU RNN' } as const;
const TASK_NAMES: Record<TaskKind, string> = { lm: 'language model', seq2seq: 'seq2seq', classify: 'classifier', tag: 'tagger', 'one-to-many': 'one-to-many generator' };

export function summarize(run: FeedRun): RunSummary {
  const c = run.config, info = run.info;
  const task = info?.task ?? c.task;
  const shape = `${c.bidirectional && task !== 'lm' ? 'bidirectional ' : ''}${CELL_NAMES[c.cell]} ${c.layers}×${c.hidden}`;
  const attention = task === 'seq2seq' ? (c.attention === 'none' ? ', no attention' : `, ${c.attention} attention`) : '';
  const params = info ? `, ${info.paramCount.toLocaleString('en-US')} parameters` : '';
  const examples = info?.trainExamples ?? 0;
  // The ETA needs positions per step and per epoch: known for lm (batch × seqLen tokens) and classify (batch texts);
  // a seq2seq or tagger step counts as many target tokens as its batch happens to hold.
  const perStep = task === 'lm' ? c.batch * c.seqLen : task === 'classify' ? c.batch : 0;
  return {
    id: run.id, name: cut(run.name, L.nameChars), state: run.state, task,
    model: cut(`${TASK_NAMES[task]}: ${shape}${attention}, ${c.tokenizer} tokens${params}`, L.nameChars),
    layers: within(c.layers, 1, L.layers),
    groups: (info?.groups ?? []).slice(0, L.groups).map((g) => cut(g, L.nameChars)),
    maxSteps: within(c.steps, 0, L.steps), tokensPerStep: within(perStep, 0, L.size * L.size),
    trainTokens: within(perStep > 0 ? examples : 0, 0, L.tokens), trainExamples: within(examples, 0, L.tokens),
    nonFinite: run.nonFinite ? { tensor: cut(run.nonFinite.tensor, L.nameChars), step: run.nonFinite.step, message: cut(run.message ?? '', L.messageChars) } : null,
    message: run.message === null ? null : cut(run.message, L.messageChars),
    trust: runTrust(run),
    ...(run.hidden ? { hidden: true } : {}),
    config: configEntries(c),
  };
}

/** Every RunConfig field of `c` as text, in the table's order (a field a stored config lacks shows as –). */
export function configEntries(c: RunConfig): ConfigEntry[] {
  return RUN_CONFIG_FIELDS.slice(0, L.configFields).map((f) => {
    const v = (c as unknown as Record<string, unknown>)[f.key];
    return { key: f.key, value: cut(v === undefined || v === null ? '–' : String(v), L.nameChars) };
  });
}

/** The RunConfig fields with their descriptions (sent once, in `init`). */
export function configFieldInfo(): FieldInfo[] {
  return RUN_CONFIG_FIELDS.slice(0, L.configFields).map((f) => ({ key: f.key, description: cut(f.description, L.messageChars) }));
}

/** A worker point as the dashboard plots it; bits per character only for language models. */
export function toPoint(p: LivePoint, task: TaskKind): MetricPoint {
  const lm = task === 'lm';
  return {
    step: p.step, loss: p.loss, gradNorm: p.gradNorm, gradNormAfterClip: p.gradNormAfterClip, clipped: p.clipped,
    groupNorms: p.groupNorms.length <= L.groups ? p.groupNorms : p.groupNorms.slice(0, L.groups), lr: p.lr, tokensPerSecond: p.tokensPerSecond,
    ...(p.epoch !== undefined && Number.isInteger(p.epoch) && p.epoch >= 0 && p.epoch <= L.steps ? { epoch: p.epoch } : {}),
    ...(p.elapsed !== undefined && p.elapsed >= 0 && Number.isFinite(p.elapsed) ? { elapsed: p.elapsed } : {}),
    ...(p.validLoss !== undefined ? { validLoss: p.validLoss } : {}),
    ...(lm && p.bitsPerChar !== undefined ? { bitsPerChar: p.bitsPerChar } : {}),
    ...(lm && p.validBitsPerChar !== undefined ? { validBitsPerChar: p.validBitsPerChar } : {}),
    ...(!lm && p.validMetrics ? { validMetrics: scores(p.validMetrics) } : {}),
  };
}

/** Only the scores that are shares in [0, 1] (a value outside would make the webview drop the whole batch). */
function scores(m: TaskScores): TaskScores {
  const ok = (v: number | undefined): v is number => v !== undefined && v >= 0 && v <= 1;
  return {
    ...(ok(m.exactMatch) ? { exactMatch: m.exactMatch } : {}),
    ...(ok(m.tokenAccuracy) ? { tokenAccuracy: m.tokenAccuracy } : {}),
    ...(ok(m.accuracy) ? { accuracy: m.accuracy } : {}),
  };
}

/**
 * ‖∂L/∂h_t‖ of point `p`, one entry per recurrent stack of the run (named from `info.stacks`), each `rows` rows of
 * T values; rows longer than the channel's gttT are cut to their first gttT steps. Null when the point has none.
 */
export function gradThroughTime(p: LivePoint, info: LiveRunInfo | null): GradThroughTime | null {
  const g = p.gradThroughTime;
  if (!g || !info) return null;
  const stacks: StackGradThroughTime[] = [];
  for (let k = 0; k < g.length && k < info.stacks.length && stacks.length < L.gttStacks; k++) {
    const { name, rows } = info.stacks[k]!;
    const values = g[k]!.values;
    const T = Math.floor(values.length / rows);
    if (rows < 1 || rows > L.gttRows || T === 0) continue;
    const keep = Math.min(T, L.gttT);
    let kept: readonly number[] = values;
    if (keep < T || values.length !== rows * T) {
      const out: number[] = [];
      for (let r = 0; r < rows; r++) for (let t = 0; t < keep; t++) out.push(values[r * T + t]!);
      kept = out;
    }
    stacks.push({ name: cut(name, L.nameChars) || 'rnn', rows, T: keep, values: kept });
  }
  return stacks.length ? { step: p.step, stacks } : null;
}

/** The newest point of `run` that carries ‖∂L/∂h_t‖, converted; null when none does. */
export function latestGradThroughTime(run: FeedRun): GradThroughTime | null {
  for (let i = run.history.length - 1; i >= 0; i--) {
    const p = run.history[i];
    if (p?.gradThroughTime) return gradThroughTime(p, run.info);
  }
  return null;
}

/** At most `max` items, evenly spaced, always keeping the last (the run's latest step). */
export function thinned<T>(a: readonly T[], max: number): readonly T[] {
  if (a.length <= max) return a;
  const out: T[] = [];
  const k = (a.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(a[Math.round(i * k)] as T);
  return out;
}

/**
 * A number as the dashboard shows it, inside the channel's range: settings.json can hold any value, and one
 * out-of-range number must not make the webview reject the whole replay (training itself rejects it loudly).
 */
export function within(v: number, min: number, max: number): number {
  return Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : min;
}

/** A string cut to the channel's length limit (names and messages are shown, never parsed). */
export function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
