// W4-editor: the latency of an inline suggestion on the editor's own code path, as issue 7 asks ("p95 ≤ 5 ms
// per suggestion for the default model; the performance benchmark reports it"). What runs is exactly what the
// inline completion provider runs once its debounce has passed (src/extension/completion/provider.ts):
//   window   document text from windowStart(offset) to the cursor
//   suggest  Suggester.suggest(model, τ = 1, window, 1): the shared engine Completer (carried state, beam 4)
// on the model the extension builds for a training run: `loadTask` of the run's checkpoint (use/models.ts),
// holding the bench-trained weights and the run's own tokenizer. Only `vscode` is absent: the Suggester is the
// vscode-free half of the provider for this reason.
import type { LanguageModel } from '../../src/engine/lm';
import type { TrainingRun } from '../../src/engine/run/run';
import { loadTask } from '../../src/engine/tasks/checkpoint';
import { Suggester, windowStart, type SuggestModel } from '../../src/extension/completion/suggester';
import type { EditorTyping } from './sides';

/** The run's current weights in the model the editor builds from a run checkpoint. */
export function editorModel(run: TrainingRun): SuggestModel {
  const task = loadTask(run.checkpoint(), 'bench run checkpoint');
  if (task.kind !== 'lm') throw new Error(`the editor path suggests with a language model, not a ${task.kind} model`);
  return { model: task.model as LanguageModel, tokenizer: task.tokenizer, version: 0 };
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
