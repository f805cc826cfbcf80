// Translate Selection's model side (no 'vscode'): decode the source with the seq2seq model (greedy, or beam
// search of the configured width) through the engine's StepDecoder, keeping per step the token's probability,
// the top alternatives and the attention over the source; and find where each source token sits in the
// source text, so the editor can paint those characters.
// Legend: S source tokens, T decoded steps (EOS included).
import { BeamTree } from '../../engine/beamTree';
import { decode } from '../../engine/sample';
import { BEAM_TREE_MAX_NODES, type BeamTreeView } from '../../protocol/beamTree';
import { Seq2SeqStepDecoder } from '../../engine/seq2seq/step';
import { TokenFilter } from '../../engine/tokenFilter';
import type { Seq2SeqTask } from '../../engine/tasks/seq2seqTask';
import { EOS, NUM_SPECIAL, type Tokenizer } from '../../engine/tokenize/types';
import { ATTENTION_LIMITS, type AttentionView } from '../../protocol/attention';

/** Alternatives reported per step. */
export const ALTERNATIVES = 5;

export interface TranslationResult {
  view: AttentionView;
  /** [start, end) of each source token in the source text (UTF-16 offsets), or null where it cannot be placed. */
  spans: ([number, number] | null)[];
}

export function translateForView(task: Seq2SeqTask, model: string, source: string, beamWidth: number, fromEditor: boolean): TranslationResult {
  const tok = task.tokenizer;
  const src = tok.encode(source);
  if (src.length === 0) throw new Error('There is nothing to translate: the selection gives no tokens.');
  // The attention view draws at most ATTENTION_LIMITS source tokens and characters and refuses a larger view:
  // say so before decoding, which on a long selection would hold the extension host for seconds to minutes
  // (the encoder over the whole source, then W × T attention rows of S floats) only to be refused.
  if (src.length > ATTENTION_LIMITS.tokens || source.length > ATTENTION_LIMITS.textChars) {
    throw new Error(`The selection is ${src.length} tokens (${source.length} characters); Translate Selection shows at most ${ATTENTION_LIMITS.tokens} tokens and ${ATTENTION_LIMITS.textChars} characters: select less.`);
  }
  const maxLength = 2 * task.architecture.maxTargetLength + 10;
  const dec = new Seq2SeqStepDecoder(task.model, src);
  // Never the empty translation (EOS first) nor <pad>/<bos>/<unk>/control bytes/invalid UTF-8 (tokenFilter.ts).
  const shared = { eos: EOS, maxLength, alternatives: ALTERNATIVES, minLength: 1, constraint: new TokenFilter(tok) };
  // The beam records its tree as it searches (engine/beamTree.ts): no second search for the view.
  const tree = beamWidth > 1 ? new BeamTree() : null;
  const r = decode(dec, tree ? { strategy: 'beam', beamWidth, tree, ...shared } : { strategy: 'greedy', ...shared });
  const text = (id: number): string => (id === EOS ? '<eos>' : tok.tokenText(id));
  const view: AttentionView = {
    model, beamWidth, source, output: tok.decode(r.tokens), fromEditor, finished: r.finished,
    sourceTokens: src.map(text),
    outputTokens: r.steps.map((s) => text(s.token)),
    weights: task.model.attention ? r.steps.map((s) => Array.from(s.attention ?? new Float32Array(src.length))) : null,
    probs: r.steps.map((s) => s.prob),
    alternatives: r.steps.map((s) => s.alternatives.map((a) => ({ token: text(a.token), prob: a.prob }))),
    ...(tree && tree.nodes.length <= BEAM_TREE_MAX_NODES ? { beamTree: beamTreeView(tree, text, task.model.attention !== null) } : {}),
  };
  return { view, spans: sourceSpans(source, src, tok) };
}

/**
 * Places each token in the text: a token's text is looked for at the current position (after skipping
 * whitespace, which word tokenizers drop); an unknown token (UNK) covers one code point (char tokenizer) or up
 * to the next whitespace (word / BPE). A token that cannot be placed gets null and the walk continues.
 */
export function sourceSpans(text: string, ids: readonly number[], tok: Tokenizer): ([number, number] | null)[] {
  let pos = 0;
  return ids.map((id) => {
    const t = tok.tokenText(id);
    if (id >= NUM_SPECIAL && text.startsWith(t, pos)) return [pos, (pos += t.length)] as [number, number];
    let at = pos;
    while (at < text.length && /\s/.test(text[at]) && !(id >= NUM_SPECIAL && text.startsWith(t, at))) at++;
    if (id >= NUM_SPECIAL && text.startsWith(t, at)) {
      pos = at + t.length;
      return [at, pos] as [number, number];
    }
    if (id >= NUM_SPECIAL || at >= text.length) return null;
    let end = at + (text.codePointAt(at)! > 0xffff ? 2 : 1);
    if (tok.kind !== 'char') while (end < text.length && !/\s/.test(text[end])) end++;
    pos = end;
    return [at, end] as [number, number];
  });
}

/** The recorded tree as the attention view draws it: token texts, attention rows as plain arrays. */
export function beamTreeView(tree: BeamTree, text: (id: number) => string, attention: boolean): BeamTreeView {
  return {
    nodes: tree.nodes.map((n) => ({
      parent: n.parent, step: n.step, token: text(n.token), logProb: n.logProb, score: n.score, finished: n.finished,
      attention: attention && n.attention ? Array.from(n.attention) : null,
    })),
    chosen: tree.chosen,
  };
}
