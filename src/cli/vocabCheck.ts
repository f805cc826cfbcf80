// After the tokenizer is built: how much of the TRAINING data it maps to <unk>, and a warning with a better
// --vocab-size when that is too much (`--vocab-size 5` used to turn almost every word into <unk> in silence).
//
// The tokenizer is learned from this very data, so without a cap no training token is unknown: every <unk>
// counted here is the cap's doing. Threshold 2%: a word-level cap always drops the long tail of rare words,
// but past one token in fifty the model spends a visible share of its loss predicting "<unk>" and reading
// inputs that carry no identity. The suggested size keeps <unk> at or under 1%, half the threshold.
import { LIMITS } from '../engine/checkpoint/fields';
import type { AnyTask } from '../engine/tasks/checkpoint';
import { learnTokenizer } from '../engine/tokenize/tokenizer';
import { byCountThenText, NUM_SPECIAL, UNK, type TokenizerKind } from '../engine/tokenize/types';
import type { TaskData } from './io';

export const UNK_WARNING_SHARE = 0.02;
const SUGGESTED_UNK_SHARE = 0.01;

/** The training data as the tokenizer's input: whole texts, or (tagging) ready-made word tokens. */
function texts(data: TaskData): string[] {
  switch (data.kind) {
    case 'lm':
      return [data.text];
    case 'classify':
    case 'one-to-many':
      return data.examples.map((e) => e.text);
    case 'seq2seq':
      return data.pairs.flatMap((p) => [p.source, p.target]);
    case 'tag':
      return [];
  }
}

/** Training token ids under the task's own tokenizer. */
function trainingIds(task: AnyTask, data: TaskData): number[][] {
  if (data.kind === 'tag' && task.kind === 'tag') return data.sentences.map((s) => task.encodeTokens(s.tokens));
  return texts(data).map((t) => task.tokenizer.encode(t));
}

/** Counts of each distinct token without any cap, most frequent first: the order a capped tokenizer keeps. */
function rankedCounts(kind: TokenizerKind, data: TaskData): number[] {
  if (data.kind === 'tag') {
    const counts = new Map<string, number>();
    for (const s of data.sentences) for (const t of s.tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    return [...counts].sort(byCountThenText).map((e) => e[1]);
  }
  const corpus = texts(data);
  const full = learnTokenizer(kind, corpus); // uncapped, only to count: it may exceed what a model holds
  const byId = new Map<number, number>();
  for (const t of corpus) for (const id of full.encode(t)) byId.set(id, (byId.get(id) ?? 0) + 1);
  return [...byId.values()].sort((a, b) => b - a);
}

/** The smallest vocabulary size (specials included) whose dropped tail is at most `share` of the tokens. */
function sizeFor(counts: readonly number[], share: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  let tail = total, kept = 0;
  while (kept < counts.length && tail > share * total) tail -= counts[kept++];
  return NUM_SPECIAL + kept;
}

/** A one-line warning when more than UNK_WARNING_SHARE of the training tokens are <unk>; null otherwise. */
export function unknownTokenWarning(task: AnyTask, data: TaskData, kind: TokenizerKind): string | null {
  let unk = 0, total = 0;
  for (const ids of trainingIds(task, data)) {
    total += ids.length;
    for (const id of ids) if (id === UNK) unk++;
  }
  if (total === 0 || unk / total <= UNK_WARNING_SHARE) return null;
  const counts = rankedCounts(data.kind === 'tag' ? 'word' : kind, data);
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const size = sizeFor(counts, SUGGESTED_UNK_SHARE);
  // Never suggest a size the vocabulary limit refuses (a model of it could not be saved and loaded).
  const advice = size <= LIMITS.vocabSize.max
    ? `--vocab-size ${size} would keep <unk> at or under ${pct(SUGGESTED_UNK_SHARE)}`
    : `keeping <unk> at or under ${pct(SUGGESTED_UNK_SHARE)} needs ${size} tokens, over the ${LIMITS.vocabSize.max} a model can hold; use --tokenizer bpe`;
  return `${pct(unk / total)} of the training tokens are <unk> with a vocabulary of ${task.tokenizer.vocabSize} (the data has ${counts.length} distinct tokens); ${advice}`;
}
