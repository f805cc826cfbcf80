// Decoding: greedy, temperature / top-k / top-p sampling (seeded), and beam search with length normalisation,
// over any model that can take one step for K hypotheses at once (StepDecoder: the language model, seq2seq,
// one-to-many). Every strategy returns the tokens, the model's probability of each, the top alternatives with
// their probabilities at each step and, for attention models, the attention weights over the source per step.
//   temperature τ:  p ∝ exp(z / τ)                       (τ → 0 is greedy)
//   top-k:          keep the k most probable tokens      (Fan et al. 2018)
//   top-p:          keep the smallest set whose mass ≥ p (nucleus sampling, Holtzman et al. 2020)
//   beam score:     log P(y) / |y|^α                      (α = 0: raw log-probability; α = 1: per-token average)
// Reported probabilities are the model's own softmax (τ = 1), whatever distribution a token was drawn from,
// renormalised over the tokens allowed at that step: a TokenConstraint (tokenFilter.ts: no <pad>/<bos>/<unk>,
// control bytes or invalid UTF-8) and minLength (no EOS before it) set logits to −∞ BEFORE the softmax.
// Legend: K hypotheses, V vocabulary, S source length, W beam width.
import type { BeamTree } from './beamTree';
import type { Rng } from './rng';
import type { Floats } from './tensor';

export interface StepDecoder {
  readonly vocabSize: number;
  /** Input of the first step: BOS for seq2seq and one-to-many, the prompt's last token for a language model. */
  readonly startToken: number;
  /** K hypotheses, all at the initial state. */
  reset(K: number): void;
  /** Feeds one token per hypothesis; returns logits (K, V), valid until the next call. */
  step(tokens: Int32Array, K: number): Floats;
  /** Hypothesis k continues old hypothesis parents[k] (k < K). */
  reorder(parents: Int32Array, K: number): void;
  /** Attention weights (K, S) of the last step, or null for models without attention. */
  attention(): { weights: Floats; sourceLength: number } | null;
}

/** Tokens each hypothesis may emit next, with per-hypothesis state (tokenFilter.ts is the implementation). */
export interface TokenConstraint {
  /** K hypotheses, all at the start. */
  reset(K: number): void;
  /** Sets row[v] = −∞ for every token hypothesis k may not emit now; `remaining` tokens are left, this one included. */
  mask(row: Float64Array, k: number, remaining: number): void;
  /** New hypothesis k is old hypothesis parents[k] followed by tokens[k] (k < K). */
  commit(parents: Int32Array, tokens: Int32Array, K: number): void;
}

export interface DecodeOptions {
  /** Length cap: at most this many tokens are generated (EOS included). */
  maxLength: number;
  /** Stop token; −1 or absent: generate maxLength tokens. */
  eos?: number;
  strategy?: 'greedy' | 'sample' | 'beam';
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Required to sample. */
  rng?: Rng;
  beamWidth?: number;
  /** α of the length normalisation (beam only; default 0). */
  lengthPenalty?: number;
  /** Alternatives reported per step (default 5). */
  alternatives?: number;
  /** EOS is not allowed before this many tokens (default 0). 1 forbids the empty result (fairseq's --min-len,
   *  Hugging Face's min_new_tokens: EOS's log-probability is set to −∞ while the output is shorter). */
  minLength?: number;
  /** Tokens that must not be emitted (special tokens, control bytes, invalid UTF-8); none when absent. */
  constraint?: TokenConstraint;
  /** Beam only: records every hypothesis the beam keeps, as it runs (beamTree.ts). */
  tree?: BeamTree;
}

export interface Alternative {
  token: number;
  prob: number;
}

export interface DecodeStep {
  token: number;
  prob: number;
  alternatives: Alternative[];
  /** Attention over the source (S) at this step, or null. */
  attention: Float32Array | null;
}

export interface DecodeResult {
  /** Generated tokens, without the final EOS. */
  tokens: number[];
  /** One entry per generated token, the EOS included. */
  steps: DecodeStep[];
  logProb: number;
  /** logProb / steps.length^α (beam search's ranking; equals logProb for α = 0). */
  score: number;
  /** True when the sequence ended with EOS (false: the length cap stopped it). */
  finished: boolean;
}

/** out[v] = log softmax(logits row) (V). */
export function logSoftmaxRow(out: Float64Array, logits: Floats, off: number, V: number): void {
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (logits[off + v] > max) max = logits[off + v];
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[off + v] - max);
  const lse = max + Math.log(sum);
  for (let v = 0; v < V; v++) out[v] = logits[off + v] - lse;
}

/**
 * out (V) ← log-probabilities of hypothesis k's token at step t: its logits row, disallowed tokens at −∞ (EOS
 * before minLength, then the constraint's mask), log-softmaxed, so the allowed tokens' probabilities sum to 1.
 */
export function stepLogProbs(out: Float64Array, logits: Floats, k: number, V: number, t: number, opts: DecodeOptions): void {
  const off = k * V, eos = opts.eos ?? -1;
  for (let v = 0; v < V; v++) out[v] = logits[off + v];
  if (eos >= 0 && t < (opts.minLength ?? 0)) out[eos] = -Infinity;
  opts.constraint?.mask(out, k, opts.maxLength - t);
  let any = false;
  for (let v = 0; v < V && !any; v++) any = out[v] > -Infinity;
  if (!any) throw new Error('decoding: every token of the vocabulary is masked at this step (specials, control bytes); nothing can be emitted');
  logSoftmaxRow(out, out, 0, V);
}

/** The n most probable tokens of a log-probability row, most probable first (ties: lower id first); tokens
 *  masked to −∞ are never listed. */
export function topAlternatives(logp: Float64Array, V: number, n: number): Alternative[] {
  const out: Alternative[] = [];
  for (let v = 0; v < V; v++) {
    if (logp[v] === -Infinity) continue;
    if (out.length === n && logp[v] <= Math.log(out[n - 1].prob)) continue;
    let i = out.length;
    while (i > 0 && Math.log(out[i - 1].prob) < logp[v]) i--;
    out.splice(i, 0, { token: v, prob: Math.exp(logp[v]) });
    if (out.length > n) out.pop();
  }
  return out;
}

/**
 * The distribution sampling draws from, into dist (V): softmax(logp / τ), cut to the top-k and to the top-p
 * nucleus, renormalised. Tokens outside get exactly 0.
 */
export function samplingDistribution(
  dist: Float64Array, logp: Float64Array, V: number, opts: Pick<DecodeOptions, 'temperature' | 'topK' | 'topP'>,
): void {
  const tau = opts.temperature ?? 1;
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logp[v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += (dist[v] = Math.exp((logp[v] - max) / tau));
  for (let v = 0; v < V; v++) dist[v] /= sum;
  const k = opts.topK !== undefined && opts.topK > 0 ? Math.min(opts.topK, V) : V;
  const p = opts.topP !== undefined && opts.topP > 0 && opts.topP < 1 ? opts.topP : 1;
  if (k === V && p === 1) return;
  const order = Array.from({ length: V }, (_, v) => v).sort((a, b) => dist[b] - dist[a] || a - b);
  let keep = 0, mass = 0;
  while (keep < k && (keep === 0 || mass < p)) mass += dist[order[keep++]];
  for (let i = keep; i < V; i++) dist[order[i]] = 0;
  for (let i = 0; i < keep; i++) dist[order[i]] /= mass;
}

/** Draws a token from dist (V) with one uniform number; exact zeros are never drawn. */
export function drawToken(dist: Float64Array, V: number, rng: Rng): number {
  const u = rng.next();
  let acc = 0, last = -1;
  for (let v = 0; v < V; v++) {
    if (dist[v] === 0) continue;
    acc += dist[v];
    last = v;
    if (u < acc) return v;
  }
  return last; // rounding left u ≥ Σ: the last allowed token
}

function argmax(a: Float64Array, V: number): number {
  let best = 0;
  for (let v = 1; v < V; v++) if (a[v] > a[best]) best = v;
  return best;
}

function attentionRow(dec: StepDecoder, k: number): Float32Array | null {
  const a = dec.attention();
  if (!a) return null;
  const S = a.sourceLength;
  return Float32Array.from(a.weights.subarray(k * S, (k + 1) * S));
}

/** Greedy decoding (temperature 0) or sampling, one hypothesis. */
export function sampleSequence(dec: StepDecoder, opts: DecodeOptions): DecodeResult {
  const V = dec.vocabSize, eos = opts.eos ?? -1, nAlt = opts.alternatives ?? 5;
  const greedy = (opts.strategy ?? 'greedy') === 'greedy' || (opts.temperature ?? 1) <= 0;
  if (!greedy && !opts.rng) throw new Error('sampling needs an rng (pass a seeded Rng)');
  const logp = new Float64Array(V), dist = new Float64Array(V), input = new Int32Array(1), only = Int32Array.of(0);
  const res: DecodeResult = { tokens: [], steps: [], logProb: 0, score: 0, finished: false };
  dec.reset(1);
  opts.constraint?.reset(1);
  input[0] = dec.startToken;
  for (let t = 0; t < opts.maxLength; t++) {
    stepLogProbs(logp, dec.step(input, 1), 0, V, t, opts);
    let tok: number;
    if (greedy) tok = argmax(logp, V);
    else {
      samplingDistribution(dist, logp, V, opts);
      tok = drawToken(dist, V, opts.rng!);
    }
    res.logProb += logp[tok];
    res.steps.push({ token: tok, prob: Math.exp(logp[tok]), alternatives: topAlternatives(logp, V, nAlt), attention: attentionRow(dec, 0) });
    if (tok === eos) {
      res.finished = true;
      break;
    }
    res.tokens.push(tok);
    input[0] = tok;
    opts.constraint?.commit(only, input, 1);
  }
  res.score = res.logProb;
  return res;
}

/** Dispatches on opts.strategy (default: greedy). */
export function decode(dec: StepDecoder, opts: DecodeOptions): DecodeResult {
  return opts.strategy === 'beam' ? beamSearch(dec, opts)[0] : sampleSequence(dec, opts);
}

interface Node {
  step: DecodeStep;
  logProb: number;
  /** Tokens from the start to this node, EOS included (kept, so length normalisation never walks the path). */
  length: number;
  parent: Node | null;
  /** Its id in opts.tree, when a tree is recorded. */
  id: number;
}

const scoreOf = (n: Node, alpha: number): number => n.logProb / Math.pow(n.length, alpha);

function toResult(node: Node, finished: boolean, alpha: number): DecodeResult {
  const steps: DecodeStep[] = [];
  for (let n: Node | null = node; n; n = n.parent) steps.push(n.step);
  steps.reverse();
  const tokens = steps.map((s) => s.token);
  if (finished) tokens.pop();
  return { tokens, steps, logProb: node.logProb, score: scoreOf(node, alpha), finished };
}

/**
 * Beam search (width W): at every step the 2W best one-token extensions of the live hypotheses are ranked by
 * log-probability; EOS extensions ranked within the first W become finished hypotheses, the others refill the
 * W live ones (the fairseq scheme, so a finished hypothesis never shrinks the beam). Stops at the length cap, or
 * once W hypotheses are finished and no live one can still beat the W-th best of them (stopping at the first W
 * finished let unlikely early EOS extensions end the search before the best hypothesis reached its EOS).
 * Returns up to W results, best score first (finished ones if any exist).
 * Cost is linear in the length: one K-row step per token on the carried states, only the W best finished
 * hypotheses kept, lengths stored in the nodes. opts.minLength = 1 keeps the EOS-only hypothesis (the empty
 * output, which with α = 0 outscores every longer one) out of the beam; opts.constraint masks per hypothesis.
 * Width 1 is exactly greedy decoding.
 */
export function beamSearch(dec: StepDecoder, opts: DecodeOptions): DecodeResult[] {
  const V = dec.vocabSize, eos = opts.eos ?? -1, W = Math.max(1, opts.beamWidth ?? 4);
  const alpha = opts.lengthPenalty ?? 0, nAlt = opts.alternatives ?? 5;
  let K = 1;
  let alive: Node[] = [];
  let inputs = Int32Array.of(dec.startToken);
  let finished: Node[] = [];
  const logp = new Float64Array(W * V);
  const row = new Float64Array(V);
  dec.reset(1);
  opts.constraint?.reset(1);
  // Best score a live hypothesis could still reach: log-probabilities only fall as tokens are added, and with
  // α > 0 the longest length (the cap) divides most (logP ≤ 0), so logP / cap^α bounds every continuation.
  const bound = (n: Node): number => n.logProb / Math.pow(opts.maxLength, alpha);
  for (let t = 0; t < opts.maxLength; t++) {
    if (finished.length >= W && t > 0) {
      // Stop only when no live hypothesis can still enter the W best finished ones: unlikely hypotheses that
      // end early must not close the search while a far better one is still being written.
      let best = -Infinity;
      for (const n of alive) best = Math.max(best, bound(n));
      if (best <= scoreOf(finished[W - 1], alpha)) break;
    }
    const logits = dec.step(inputs, K);
    for (let k = 0; k < K; k++) {
      stepLogProbs(row, logits, k, V, t, opts);
      logp.set(row, k * V);
    }
    // The 2W best (k, v) by total log-probability; ties go to the lower (k, v), matching greedy's argmax.
    const base = (k: number): number => (t === 0 ? 0 : alive[k].logProb);
    const cands: { k: number; v: number; s: number }[] = [];
    const M = Math.min(2 * W, K * V);
    for (let k = 0; k < K; k++)
      for (let v = 0; v < V; v++) {
        const s = base(k) + logp[k * V + v];
        if (s === -Infinity || (cands.length === M && s <= cands[M - 1].s)) continue; // −∞: masked
        let i = cands.length;
        while (i > 0 && cands[i - 1].s < s) i--;
        cands.splice(i, 0, { k, v, s });
        if (cands.length > M) cands.pop();
      }
    const next: Node[] = [];
    const parents = new Int32Array(W), tokens = new Int32Array(W);
    for (let r = 0; r < cands.length && next.length < W; r++) {
      const { k, v, s } = cands[r];
      if (v === eos && r >= W) continue;
      const rowOff = k * V;
      for (let i = 0; i < V; i++) row[i] = logp[rowOff + i];
      const node: Node = {
        step: { token: v, prob: Math.exp(row[v]), alternatives: topAlternatives(row, V, nAlt), attention: attentionRow(dec, k) },
        logProb: s,
        length: t + 1,
        parent: t === 0 ? null : alive[k],
        id: -1,
      };
      if (opts.tree) {
        node.id = opts.tree.add({
          parent: node.parent?.id ?? -1, step: t, token: v, logProb: s, score: scoreOf(node, alpha), finished: v === eos, attention: node.step.attention,
        });
      }
      if (v === eos) finished.push(node);
      else {
        parents[next.length] = k;
        tokens[next.length] = v;
        next.push(node);
      }
    }
    // Only the W best finished hypotheses can be returned or decide the stop: keep just those.
    if (finished.length > W) finished = finished.sort((a, b) => scoreOf(b, alpha) - scoreOf(a, alpha)).slice(0, W);
    else finished.sort((a, b) => scoreOf(b, alpha) - scoreOf(a, alpha));
    if (next.length === 0) break;
    dec.reorder(parents, next.length);
    opts.constraint?.commit(parents, tokens, next.length);
    K = next.length;
    alive = next;
    inputs = tokens.slice(0, K);
  }
  const pool = finished.length > 0 ? finished : alive;
  const ranked = pool.map((n) => ({ n, r: toResult(n, finished.length > 0, alpha) })).sort((a, b) => b.r.score - a.r.score);
  if (opts.tree && ranked.length > 0) opts.tree.choose(ranked[0].n.id);
  return ranked.slice(0, W).map((x) => x.r);
}
