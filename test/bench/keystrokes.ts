// W8 "keystrokes saved" (issue 16): how much typing the ghost text saves. A simulated user types held-out text
// character by character; after every keystroke (and after every accepted suggestion) the editor offers its ghost
// text, and the user accepts it (Tab) whenever it is exactly what they were about to type. The figure is the share
// of the text's characters they did not type.
//   SeqLab  W1's model (char LSTM 1×128) trained on the bench corpus for 120 s through TrainingRun (its schedule
//           following the clock), suggesting through the editor's own Suggester (src/extension/completion/
//           suggester.ts → engine/complete.ts): the best word, completing the word being typed or the next one,
//           shown when P(word, then a boundary | text) ≥ the editor's minConfidence (package.json, 0.2) for a
//           begun word, ≥ nextWordConfidence (0.5) for a next word, as the provider's ghostText rule
//   ngram-5 a character 5-gram with interpolated Kneser–Ney (ngram.ts) on the same training text in the same run,
//           under the SAME length policy (one word, beam GHOST_BEAM, at most MAX_WORD_CHARS characters, the
//           probability of the word then a boundary), the same threshold and the same acceptance rule.
// Accepting costs one key (Tab); the figure counts the characters not typed, and `tabs` is reported beside it.
import { boundaryIndex, partialWord } from '../../src/engine/complete';
import { runConfig } from '../../src/engine/run/config';
import { TrainingRun } from '../../src/engine/run/run';
import type { LmTask } from '../../src/engine/tasks/lmTask';
import { GHOST_BEAM, Suggester, windowStart } from '../../src/extension/completion/suggester';
import { CharNgram } from './ngram';
import { threadHost } from './threads';

/** The editor's default seqlab.completions.minConfidence (package.json): a begun word's threshold. */
export const MIN_CONFIDENCE = 0.2;
/** The editor's default seqlab.completions.nextWordConfidence (package.json): the threshold of a next word, nothing of
 *  it typed yet (after a space or punctuation), as the provider applies it (suggester.ts ghostText). */
export const NEXT_WORD_CONFIDENCE = 0.5;
/** Longest word the ghost text completes, in characters (the Suggester's MAX_WORD_TOKENS for a char model). */
export const MAX_WORD_CHARS = 16;

/** Ghost text for the text before the cursor: what to insert and its probability, or null for none. */
export type GhostText = (textBefore: string) => { completion: string; prob: number } | null;

export interface Saved {
  chars: number;
  /** Characters inserted by accepting suggestions. */
  saved: number;
  /** Suggestions accepted (each one Tab). */
  tabs: number;
  /** Suggestions shown. */
  shown: number;
}

/**
 * Types `text` after `before` (context the user had already written) one character at a time, accepting the ghost
 * text whenever it is non-empty, likely enough under the editor's rule (a begun word: `minConfidence`; a next word,
 * nothing of it typed: `nextWordConfidence`, 1 = never), and exactly the characters that come next.
 */
export function simulateTyping(text: string, ghost: GhostText, before = '', minConfidence = MIN_CONFIDENCE, nextWordConfidence = NEXT_WORD_CONFIDENCE): Saved {
  const r: Saved = { chars: text.length, saved: 0, tabs: 0, shown: 0 };
  let i = 0;
  while (i < text.length) {
    const textBefore = before + text.slice(0, i);
    const g = ghost(textBefore);
    const next = partialWord(textBefore) === '';
    const least = next ? nextWordConfidence : minConfidence;
    const offered = g !== null && g.completion.length > 0 && g.prob >= least && !(next && nextWordConfidence >= 1);
    if (offered) r.shown++;
    if (offered && text.startsWith(g.completion, i)) {
      i += g.completion.length;
      r.saved += g.completion.length;
      r.tabs++;
    } else i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  return r;
}

/**
 * The n-gram's ghost text under the Completer's word policy (engine/complete.ts suggest): a beam of `beam`
 * hypotheses extended one character at a time; a hypothesis whose next character is not a word character ends
 * a word, whose probability (the word, then that boundary) adds up over the hypotheses reaching it; the search
 * stops when no live hypothesis can beat the best word found.
 */
export function ngramGhost(m: CharNgram, beam = GHOST_BEAM, maxChars = MAX_WORD_CHARS): GhostText {
  const V = m.vocab.length, dist = new Float64Array(V);
  return (textBefore) => {
    if (textBefore.length === 0) return null; // as the Completer: nothing before any text
    const partial = partialWord(textBefore);
    // Only the last order − 1 characters matter to the model (sliced generously: a character may be 2 units).
    const tail = m.order > 1 ? Array.from(textBefore.slice(-2 * m.order)).slice(-(m.order - 1)).join('') : '';
    const found = new Map<string, number>();
    let live: { s: string; logp: number }[] = [{ s: '', logp: 0 }];
    for (let t = 0; t < maxChars && live.length > 0; t++) {
      const cands: { k: number; v: number; logp: number }[] = [];
      for (let k = 0; k < live.length; k++) {
        m.distribution(tail + live[k].s, dist);
        for (let v = 0; v < V; v++) if (dist[v] > 0) cands.push({ k, v, logp: live[k].logp + Math.log(dist[v]) });
      }
      cands.sort((a, b) => b.logp - a.logp);
      const next: { s: string; logp: number }[] = [];
      for (const c of cands) {
        if (next.length >= beam) break;
        const s = live[c.k].s + m.vocab[c.v];
        if (boundaryIndex(s) < 0) { next.push({ s, logp: c.logp }); continue; }
        const word = partial + live[c.k].s;
        if (word.length > 0) found.set(word, (found.get(word) ?? 0) + Math.exp(c.logp));
      }
      const best = Math.max(0, ...found.values());
      if (next.length === 0 || (found.size > 0 && Math.exp(next[0].logp) < best)) break;
      live = next;
    }
    let word = '', prob = 0;
    for (const [w, p] of found) if (p > prob || (p === prob && w < word)) { word = w; prob = p; }
    return prob > 0 ? { completion: word.slice(partial.length), prob } : null;
  };
}

/** SeqLab's ghost text: the editor's Suggester (window from windowStart, τ = 1, one word) on a trained lm task. */
export function seqlabGhost(task: LmTask): GhostText {
  const suggester = new Suggester();
  const m = { model: task.model, tokenizer: task.tokenizer, version: 0 };
  return (textBefore) => suggester.suggest(m, 1, textBefore.slice(windowStart(textBefore.length)), 1)[0] ?? null;
}

export interface KeystrokesResult {
  seqlab: Saved;
  ngram: Saved;
  steps: number;
  trainChars: number;
  heldOutChars: number;
}

/**
 * W8: trains W1's model on `train` for `seconds` through TrainingRun and the n-gram on the same text, then types
 * `typed` (held-out text, after `before` as context) with each. `lm` is W1's configuration.
 */
export function keystrokesSaved(train: string, before: string, typed: string, seconds: number,
  lm: { cell: 'lstm' | 'gru'; layers: number; hidden: number; embed: number; seqLen: number; batch: number; lr: number; clipNorm: number; seed: number; threads?: number }): KeystrokesResult {
  const threads = lm.threads ?? 1;
  const config = runConfig({
    task: 'lm', tokenizer: 'char', cell: lm.cell, layers: lm.layers, hidden: lm.hidden, embedding: lm.embed, seqLen: lm.seqLen, batch: lm.batch,
    lr: lm.lr, clip: lm.clipNorm, seed: lm.seed, time: seconds, validEvery: 0, validBatches: 0, checkpointEvery: 0, snapshotEvery: 0, threads,
  });
  const run = TrainingRun.create(config, { kind: 'lm', text: train }, { kind: 'lm', text: before + typed }, null, threads > 1 ? threadHost(threads) : null);
  while (!run.budgetSpent()) {
    const s = run.trainStep();
    if (s.nonFinite !== null) throw new Error(`W8: training diverged at step ${s.step} (${s.nonFinite})`);
  }
  const ngram = new CharNgram(train, 5);
  return {
    seqlab: simulateTyping(typed, seqlabGhost(run.task as LmTask), before),
    ngram: simulateTyping(typed, ngramGhost(ngram), before),
    steps: run.step, trainChars: train.length, heldOutChars: typed.length,
  };
}
