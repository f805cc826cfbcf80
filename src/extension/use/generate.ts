// Generate Text: continue a prompt with the active language model, streaming the text into an untitled editor
// as it is sampled. One token per model step on the carried state (LmStepDecoder), drawn from softmax(z / τ)
// cut to the top-k and the top-p nucleus (engine/sample.ts); text is appended about 20 times a second and the
// loop yields between chunks, so the editor stays responsive and Cancel is honoured within one chunk.
import * as vscode from 'vscode';
import { LmStepDecoder } from '../../engine/lmDecoder';
import { Rng } from '../../engine/rng';
import { drawToken, logSoftmaxRow, samplingDistribution } from '../../engine/sample';
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
  const dec = new LmStepDecoder(lm.model, ids);
  const V = dec.vocabSize, logp = new Float64Array(V), dist = new Float64Array(V), input = new Int32Array(1);
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
    logSoftmaxRow(logp, dec.step(input, 1), 0, V);
    let tok = 0;
    if (s.temperature <= 0) {
      for (let v = 1; v < V; v++) if (logp[v] > logp[tok]) tok = v;
    } else {
      samplingDistribution(dist, logp, V, { temperature: s.temperature, topK: s.topK, topP: s.topP });
      tok = drawToken(dist, V, rng);
    }
    if (tok === EOS) break;
    out.push(tok);
    input[0] = tok;
    if (performance.now() - last >= FLUSH_MS) {
      await flush();
      await new Promise((r) => setTimeout(r, 0));
      last = performance.now();
    }
  }
  if (!document.isClosed) await flush();
  return { document, text: emitted, tokens: out.length, cancelled };
}
