// Demo-task generators for seq2seq: each draws n {source, target} string pairs from an explicit Rng, so the
// same seed gives the same data. Strings are meant for a char tokenizer. Tasks:
//   copy      "cabdj"            -> "cabdj"
//   reverse   "cabdj"            -> "jdbac"       (the classic attention demo: alignment is the anti-diagonal)
//   sort      "cabdj"            -> "abcdj"       (by code point)
//   dates     "24 November 2026" -> "2026-11-24"  (9 input styles, see calendar.ts; weekdays are correct)
//   addition  "123+45"           -> "168"
// Symbol tasks use lengths uniform in [minLen, maxLen] over a small alphabet (default 5-20 over a-j).

import { Rng } from '../rng';
import { civilFromDays, DATE_STYLES, daysFromCivil, isoDate, weekdayOf } from './calendar';
import { ParallelPair } from './readers';

export const DEMO_TASKS = ['copy', 'reverse', 'sort', 'dates', 'addition'] as const;
export type DemoTask = (typeof DEMO_TASKS)[number];

export interface GeneratorOptions {
  /** Symbol tasks: shortest and longest sequence (default 5 and 20) and the symbols used (default "abcdefghij"). */
  minLen?: number;
  maxLen?: number;
  alphabet?: string;
  /** Dates: first and last year (default 1950 and 2050); styles to use, as indices into DATE_STYLES (default all). */
  minYear?: number;
  maxYear?: number;
  styles?: readonly number[];
  /** Addition: most digits per operand (default 3). */
  maxDigits?: number;
  /** Sources to avoid (e.g. the training set's, when drawing a held-out set). */
  exclude?: ReadonlySet<string>;
  /** Never return the same source twice. */
  unique?: boolean;
}

/** Draws `n` pairs of a demo task. Throws if `exclude`/`unique` leave too few distinct sources. */
export function generateTask(task: DemoTask, rng: Rng, n: number, options: GeneratorOptions = {}): ParallelPair[] {
  const draw = drawer(task, options);
  const seen = options.unique ? new Set<string>() : null;
  const out: ParallelPair[] = [];
  let attempts = 0;
  while (out.length < n) {
    if (++attempts > 100 * n + 1000) {
      throw new Error(`${task}: could not draw ${n} distinct examples (only ${out.length}); widen the ranges`);
    }
    const pair = draw(rng);
    if (options.exclude?.has(pair.source) || seen?.has(pair.source)) continue;
    seen?.add(pair.source);
    out.push(pair);
  }
  return out;
}

function drawer(task: DemoTask, o: GeneratorOptions): (rng: Rng) => ParallelPair {
  switch (task) {
    case 'copy':
      return symbolTask(o, (s) => s.join(''));
    case 'reverse':
      return symbolTask(o, (s) => s.slice().reverse().join(''));
    case 'sort':
      return symbolTask(o, (s) => s.slice().sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!).join(''));
    case 'dates':
      return dateTask(o);
    case 'addition':
      return additionTask(o);
    default:
      throw new Error(`unknown demo task ${JSON.stringify(task)}; expected one of ${DEMO_TASKS.join(', ')}`);
  }
}

function symbolTask(o: GeneratorOptions, target: (symbols: string[]) => string): (rng: Rng) => ParallelPair {
  const minLen = o.minLen ?? 5;
  const maxLen = o.maxLen ?? 20;
  const alphabet = Array.from(o.alphabet ?? 'abcdefghij');
  if (!(Number.isInteger(minLen) && Number.isInteger(maxLen) && minLen >= 1 && minLen <= maxLen)) {
    throw new Error(`lengths must satisfy 1 <= minLen <= maxLen, got ${minLen}..${maxLen}`);
  }
  if (alphabet.length === 0) throw new Error('the alphabet is empty');
  return (rng) => {
    const len = minLen + rng.int(maxLen - minLen + 1);
    const s: string[] = [];
    for (let i = 0; i < len; i++) s.push(alphabet[rng.int(alphabet.length)]);
    return { source: s.join(''), target: target(s) };
  };
}

function dateTask(o: GeneratorOptions): (rng: Rng) => ParallelPair {
  const minYear = o.minYear ?? 1950;
  const maxYear = o.maxYear ?? 2050;
  if (!(minYear >= 1 && minYear <= maxYear && maxYear <= 9999)) throw new Error(`years must satisfy 1 <= minYear <= maxYear <= 9999, got ${minYear}..${maxYear}`);
  const styles = o.styles ?? DATE_STYLES.map((_, i) => i);
  for (const s of styles) if (!DATE_STYLES[s]) throw new Error(`unknown date style ${s}; there are ${DATE_STYLES.length}`);
  if (styles.length === 0) throw new Error('no date styles selected');
  const first = daysFromCivil(minYear, 1, 1);
  const span = daysFromCivil(maxYear, 12, 31) - first + 1;
  return (rng) => {
    const days = first + rng.int(span);
    const [y, m, d] = civilFromDays(days);
    const style = DATE_STYLES[styles[rng.int(styles.length)]];
    return { source: style.format(y, m, d, weekdayOf(days)), target: isoDate(y, m, d) };
  };
}

function additionTask(o: GeneratorOptions): (rng: Rng) => ParallelPair {
  const maxDigits = o.maxDigits ?? 3;
  if (!(Number.isInteger(maxDigits) && maxDigits >= 1 && maxDigits <= 9)) throw new Error(`maxDigits must be an integer in 1..9 (Rng.next has 32 bits), got ${maxDigits}`);
  // Digit count first, then the value: otherwise almost every operand would have maxDigits digits.
  const operand = (rng: Rng) => {
    const digits = 1 + rng.int(maxDigits);
    const lo = digits === 1 ? 0 : 10 ** (digits - 1);
    return lo + Math.floor(rng.next() * (10 ** digits - lo));
  };
  return (rng) => {
    const a = operand(rng);
    const b = operand(rng);
    return { source: `${a}+${b}`, target: String(a + b) };
  };
}

export function isDemoTask(name: string): name is DemoTask {
  return (DEMO_TASKS as readonly string[]).includes(name);
}
