// One frame of the live attention view: a source decoded greedily with the run's CURRENT weights, and the
// attention weights of every output step over the source tokens. It runs on the task's inference twin (the
// step decoder's own state; no backward, no generator), so training continues unchanged (validation.ts says why).
// Sizes are held to the protocol's limits: ≤ 512 source and output tokens, token text ≤ 256 characters.
import type { ParallelPair } from '../data/readers';
import type { Seq2SeqTask } from '../tasks/seq2seqTask';
import { EOS } from '../tokenize/tokenizer';
import type { AttentionFrame } from './report';

export const ATTENTION_FRAME_LIMITS = { tokens: 512, tokenChars: 256 } as const;

export function attentionFrame(task: Seq2SeqTask, source: string, pairs: readonly ParallelPair[], seqLen: number): AttentionFrame | null {
  const L = ATTENTION_FRAME_LIMITS;
  const src = task.tokenizer.encode(source).slice(0, Math.min(seqLen, L.tokens));
  if (src.length === 0) return null;
  const r = task.decodeIds(task.inferenceModel(src.length, 1), src, 1);
  const steps = r.steps.slice(0, L.tokens);
  const text = (s: string): string => (s.length > L.tokenChars ? `${s.slice(0, L.tokenChars - 1)}…` : s);
  const reference = pairs.find((p) => p.source === source)?.target;
  return {
    source: source.length > 64 * L.tokenChars ? source.slice(0, 64 * L.tokenChars) : source,
    ...(reference !== undefined ? { reference: reference.length > 64 * L.tokenChars ? reference.slice(0, 64 * L.tokenChars) : reference } : {}),
    sourceTokens: src.map((id) => text(task.tokenizer.tokenText(id))),
    outputTokens: steps.map((s) => (s.token === EOS ? '<eos>' : text(task.tokenizer.tokenText(s.token)))),
    weights: steps.map((s) => Array.from(s.attention ?? new Float32Array(src.length), (w) => Math.min(1, Math.max(0, Number.isFinite(w) ? w : 0)))),
  };
}
