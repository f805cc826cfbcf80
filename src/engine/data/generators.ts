// Demo-task generators for seq2seq: each draws n {source, target} string pairs from an explicit Rng, so the
// same seed gives the same data. Strings are meant for a char tokenizer. Tasks:
//   copy      "cabdj"            -> "cabdj"
//   reverse   "cabdj"            -> "jdbac"       (the classic attention demo: alignment is the anti-diagonal)
//   sort      "cabdj"            -> "abcdj"       (by code point)
//   dates     "24 November 2026" -> "2026-11-24"  (9 input styles, see calendar.ts; weekdays are correct)
//   addition  "123+45"           -> "168"
// Symbol tasks use lengths uniform in [minLen, maxLen] over a small alphabet (default 5-20 over a-j).
// And one tagging task (generateTaggedSentences, at the end): sentences of a small English grammar whose words are
// often ambiguous between noun and verb, each token tagged with its part of speech (CoNLL `token<TAB>tag`).

import { Rng } from '../rng';
import { civilFromDays, DATE_STYLES, daysFromCivil, isoDate, weekdayOf } from './calendar';
import type { ParallelPair, TaggedSentence } from './readers';

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

// ---- Tagging: part of speech in a toy grammar where the word alone does not tell the tag -----------------------
// Tags are Universal Dependencies' UPOS names. About half the nouns and verbs drawn are words that are both
// ("watch", "fish", "saw", "train"...), so a tagger that looks only at the word is right on them about half the
// time, while the neighbours always decide (checked over samples in test/unit/dataGenerators.test.ts):
//   after DET or ADJ             -> NOUN   "the old watch"      (a noun phrase is always DET (ADJ) NOUN)
//   after PRON or AUX            -> VERB   "we watch", "can fish" (a noun subject always takes an AUX, so no
//                                                                   verb needs an inflection that would give it away)
//   first word, next is AUX      -> NOUN   "fish can swim"      (a bare subject)
//   first word, next is DET      -> VERB   "fish the river"     (an imperative): only the RIGHT neighbour tells,
//                                                                   which is what a bidirectional tagger is for.
// Grammar:  S -> PRON [AUX] PRED [PP] | DET [ADJ] NOUN AUX PRED [PP] | BARE AUX PRED [PP] | VT NP [PP]
//           PRED -> VT NP | VI        NP -> DET [ADJ] NOUN        PP -> ADP NP

const LEXICON = {
  DET: ['the', 'my', 'our', 'every', 'this'],
  ADJ: ['small', 'old', 'red', 'quiet', 'brave'],
  PRON: ['I', 'we', 'they', 'you'],
  AUX: ['can', 'will', 'must', 'should'],
  ADP: ['near', 'with', 'by', 'under'],
  noun: ['dog', 'girl', 'boy', 'river', 'city', 'teacher'],
  bare: ['fish', 'people', 'birds', 'children'], // nouns that read well with no determiner ("fish can swim")
  transitive: ['see', 'like', 'find', 'follow', 'help'],
  intransitive: ['swim', 'sleep', 'wait', 'laugh'],
  ambiguousTransitive: ['watch', 'saw', 'train', 'park', 'ring', 'plant', 'cook', 'paint', 'fish'],
  ambiguousIntransitive: ['fish', 'duck', 'fly', 'dance'],
} as const;
/** Nouns that are also verbs ("fish" is in both verb lists, once here). */
const AMBIGUOUS_NOUNS = [...new Set([...LEXICON.ambiguousTransitive, ...LEXICON.ambiguousIntransitive])];

/** The tags generateTaggedSentences uses, sorted (the order readConll reports them in). */
export const POS_TAGS = ['ADJ', 'ADP', 'AUX', 'DET', 'NOUN', 'PRON', 'VERB'] as const;

/** Draws `n` tagged sentences of the grammar above (2 to 12 tokens each). Same Rng state, same sentences. */
export function generateTaggedSentences(rng: Rng, n: number): TaggedSentence[] {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`the number of sentences must be a whole number ≥ 0, got ${n}`);
  const out: TaggedSentence[] = [];
  for (let i = 0; i < n; i++) out.push(taggedSentence(rng));
  return out;
}

function taggedSentence(rng: Rng): TaggedSentence {
  const s: TaggedSentence = { tokens: [], tags: [] };
  const add = (tag: string, words: readonly string[]): void => {
    s.tokens.push(words[rng.int(words.length)]);
    s.tags.push(tag);
  };
  const pick = <T>(a: readonly T[], b: readonly T[]): readonly T[] => (rng.next() < 0.5 ? a : b);
  const nounPhrase = (): void => {
    add('DET', LEXICON.DET);
    if (rng.next() < 0.4) add('ADJ', LEXICON.ADJ);
    add('NOUN', pick(LEXICON.noun, AMBIGUOUS_NOUNS));
  };
  const predicate = (): void => {
    if (rng.next() < 0.6) {
      add('VERB', pick(LEXICON.transitive, LEXICON.ambiguousTransitive));
      nounPhrase();
    } else add('VERB', pick(LEXICON.intransitive, LEXICON.ambiguousIntransitive));
  };
  const subject = rng.int(4);
  if (subject === 3) {
    add('VERB', pick(LEXICON.transitive, LEXICON.ambiguousTransitive)); // imperative: "watch the river"
    nounPhrase();
  } else {
    if (subject === 0) add('PRON', LEXICON.PRON);
    else if (subject === 1) nounPhrase();
    else add('NOUN', LEXICON.bare);
    if (subject !== 0 || rng.next() < 0.5) add('AUX', LEXICON.AUX);
    predicate();
  }
  if (rng.next() < 0.3) {
    add('ADP', LEXICON.ADP);
    nounPhrase();
  }
  return s;
}

/** Sentences as CoNLL text, the format readConll reads: `token<TAB>tag` lines, a blank line after each sentence. */
export function formatConll(sentences: readonly TaggedSentence[]): string {
  return sentences.map((s) => s.tokens.map((t, i) => `${t}\t${s.tags[i]}\n`).join('') + '\n').join('');
}
