// Generate Text: continue a prompt with the active language model, streaming the text into an untitled editor
// as it is sampled. One token per model step on the carried state (LmStepDecoder), drawn from softmax(z / τ)
// cut to the top-k and the top-p nucleus (engine/sample.ts); text is appended about 20 times a second and the
// loop yields between chunks, so the editor stays responsive and Cancel is honoured within one chunk.
// The prompt (any length: the selection may be a whole file) is read in fixed-size chunks (engine/promptFeed);
// <pad>, <bos>, <unk>, control bytes and invalid UTF-8 are masked before the softmax (engine/tokenFilter),
// and EOS is not allowed as the first token, so the continuation is never empty.
import * as vscode from 'vscode';
import { LmStepDecoder } from '../../engine/lmDecoder';
import { PromptReader } from '../../engine/promptFeed';
import { Rng } from '../../engine/rng';
import { drawToken, samplingDistribution, stepLogProbs, type DecodeOptions } from '../../engine/sample';
import { TokenFilter } from '../../engine/tokenFilter';
import { EOS } from '../../engine/tokenize/types';
import type { ActiveLm } from './models';
import type { GenerateSettings } from './settings';

const FLUSH_MS = 50;

export interface GenerateOutcome {
  document: vscode.TextDocument;
  /** The generated text (without the prompt). */
  text: string;
  tokens: number;
  cancelled: boolean;
}

let draws = 0;

export async function generateInto(lm: ActiveLm, prompt: string, s: GenerateSettings, token?: vscode.CancellationToken): Promise<GenerateOutcome> {
  const ids = lm.tokenizer.encode(prompt);
  if (ids.length === 0) throw new Error('The prompt gives no tokens for this model: type at least one character it knows.');
  const document = await vscode.workspace.openTextDocument({ language: 'plaintext', content: prompt });
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  // Read the prompt a chunk at a time, yielding between chunks: a long selection neither freezes the extension
  // host nor ignores Cancel.
  const reader = new PromptReader(lm.model, ids, ids.length - 1);
  while (!reader.readChunk()) {
    if (token?.isCancellationRequested || document.isClosed) return { document, text: '', tokens: 0, cancelled: true };
    await new Promise((r) => setTimeout(r, 0));
  }
  const dec = new LmStepDecoder(lm.model, ids, reader.state);
  const V = dec.vocabSize, logp = new Float64Array(V), dist = new Float64Array(V), input = new Int32Array(1), only = Int32Array.of(0);
  const filter = new TokenFilter(lm.tokenizer);
  const mask: DecodeOptions = { maxLength: s.maxTokens, eos: EOS, minLength: 1, constraint: filter };
  filter.reset(1);
  const rng = new Rng((Date.now() + 7919 * ++draws) >>> 0);
  dec.reset(1);
  input[0] = dec.startToken;
  const out: number[] = [];
  let emitted = '';
  let last = performance.now();
  let cancelled = false;
  const flush = async (): Promise<void> => {
    const text = lm.tokenizer.decode(out);
    // Tokenizers may change earlier text as tokens arrive (a word tokenizer's spacing); append only new text.
    const add = text.startsWith(emitted) ? text.slice(emitted.length) : '';
    if (!add) return;
    emitted += add;
    const end = document.lineAt(document.lineCount - 1).range.end;
    await editor.edit((b) => b.insert(end, add), { undoStopBefore: false, undoStopAfter: false });
  };
  for (let t = 0; t < s.maxTokens; t++) {
    if (token?.isCancellationRequested || document.isClosed) {
      cancelled = true;
      break;
    }
    stepLogProbs(logp, dec.step(input, 1), 0, V, t, mask);
    let tok = 0;
    if (s.temperature <= 0) {
      for (let v = 1; v < V; v++) if (logp[v] > logp[tok]) tok = v; // masked tokens are −∞: never picked
    } else {
      samplingDistribution(dist, logp, V, { temperature: s.temperature, topK: s.topK, topP: s.topP });
      tok = drawToken(dist, V, rng);
    }
    if (tok === EOS) break;
    out.push(tok);
    input[0] = tok;
    filter.commit(only, input, 1);
    if (performance.now() - last >= FLUSH_MS) {
      await flush();
      await new Promise((r) => setTimeout(r, 0));
      last = performance.now();
    }
  }
  if (!document.isClosed) await flush();
  return { document, text: emitted, tokens: out.length, cancelled };
}
