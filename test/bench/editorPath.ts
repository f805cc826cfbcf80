// W4-editor: the latency of an inline suggestion on the editor's own code path, as issue 7 asks ("p95 ≤ 5 ms
// per suggestion for the default model; the performance benchmark reports it"). What runs is exactly what the
// inline completion provider runs once its debounce has passed (src/extension/completion/provider.ts):
//   window   document text from windowStart(offset) to the cursor
//   suggest  Suggester.suggest(model, τ = 1, window, 1): the shared engine Completer (carried state, beam 4)
// on a model built the way the extension builds one (use/models.ts: `new LanguageModel(cfg)`, plain
// Float32Array parameters, no WasmHeap), holding the bench-trained weights, with a char tokenizer.
// Only `vscode` is absent: the Suggester is the vscode-free half of the provider for this reason.
// Vocabulary: the bench's ids are the sorted corpus characters; a CharTokenizer over the same symbol list gives
// id NUM_SPECIAL + benchId, so the weights are copied with their rows shifted past the four special tokens.
import { LanguageModel } from '../../src/engine/lm';
import { CharTokenizer } from '../../src/engine/tokenize/char';
import { NUM_SPECIAL } from '../../src/engine/tokenize/types';
import { Suggester, windowStart, type SuggestModel } from '../../src/extension/completion/suggester';
import type { EditorTyping } from './sides';

/** Rows of these (V, ·) parameters are per-token: they move with the tokenizer's id shift. */
const PER_TOKEN = new Set(['embedding.weight', 'head.weight', 'head.bias']);
/** Logit bias of the special tokens: the trained model never saw them, so it never predicts them. */
const NEVER = -30;

/** The trained model's weights in an editor-built model whose vocabulary starts with the special tokens. */
export function editorModel(trained: LanguageModel, vocab: readonly string[]): SuggestModel {
  const tokenizer = new CharTokenizer([...vocab]);
  const model = new LanguageModel({ ...trained.cfg, vocabSize: tokenizer.vocabSize });
  for (const e of model.params.entries) {
    const dst = model.params.value(e.name);
    const src = trained.params.value(e.name);
    if (!PER_TOKEN.has(e.name)) { dst.set(src); continue; }
    const row = e.shape.length > 1 ? e.shape[1] : 1;
    dst.fill(0);
    dst.set(src, NUM_SPECIAL * row);
    if (e.name === 'head.bias') dst.fill(NEVER, 0, NUM_SPECIAL);
  }
  return { model, tokenizer, version: 0 };
}

export function editorTyping(m: SuggestModel): EditorTyping {
  const suggester = new Suggester();
  let chars = 0, calls = 0;
  return {
    type(before, text) {
      const times: number[] = [];
      let doc = before;
      for (const ch of text) {
        doc += ch;
        const offset = doc.length;
        const t0 = performance.now();
        const best = suggester.suggest(m, 1, doc.slice(windowStart(offset), offset), 1)[0];
        times.push(performance.now() - t0);
        chars += best ? best.completion.length : 0;
        calls++;
      }
      return times;
    },
    note: () => `editor path: Suggester (beam 4, τ 1) over a model built as the extension builds it (plain Float32Array), run on its WasmHeap inference twin; ${(chars / Math.max(1, calls)).toFixed(1)} chars suggested on average`,
  };
}
