// The language model as a StepDecoder (sample.ts): generation feeds each output token back as the next input,
// carrying the recurrent state from one T = 1 forward to the next. The prompt (all but its last token) is read
// once at construction, in fixed-size chunks (promptFeed.ts: caches never grow with the prompt); its last
// token is the first step's input, so the first distribution is P(· | prompt).
// Legend: K hypotheses, L layers, H hidden, V vocabulary.
import { hasCellState } from './cells/cell';
import type { LanguageModel } from './lm';
import { feedPrompt } from './promptFeed';
import type { StepDecoder } from './sample';
import { StepState } from './stepState';
import type { Floats } from './tensor';

export class LmStepDecoder implements StepDecoder {
  readonly vocabSize: number;
  readonly startToken: number;
  private readonly state: StepState;
  private readonly h1: Floats; // (L, 1, H) state after the prompt's first n − 1 tokens
  private readonly c1: Floats | null;

  constructor(private readonly lm: LanguageModel, prompt: ArrayLike<number>) {
    const rnn = lm.rnn;
    if (rnn.D !== 1) throw new Error('a bidirectional language model cannot generate (it reads the future)');
    if (prompt.length === 0) throw new Error('generation needs a prompt of at least one token');
    this.vocabSize = lm.V;
    this.startToken = prompt[prompt.length - 1];
    const cellState = hasCellState(rnn.cfg.cell);
    this.state = new StepState(rnn.cfg.numLayers, rnn.cfg.hiddenSize, cellState, lm.params.ctor);
    // Plain arrays, not params.ctor: a model on a WasmHeap would spend heap (which never frees) on every decoder.
    const plain = lm.params.data instanceof Float64Array ? Float64Array : Float32Array;
    const read = new StepState(rnn.cfg.numLayers, rnn.cfg.hiddenSize, cellState, plain);
    read.replicate(null, null, 1);
    feedPrompt(lm, prompt, 0, prompt.length - 1, read);
    const LH = rnn.cfg.numLayers * rnn.cfg.hiddenSize;
    this.h1 = read.h.slice(0, LH);
    this.c1 = cellState ? read.c.slice(0, LH) : null;
  }

  reset(K: number): void {
    this.state.replicate(this.h1, this.c1, K);
  }

  step(tokens: Int32Array, K: number): Floats {
    const s = this.state;
    this.lm.forward(tokens, K, 1, { h0: s.h, c0: s.cellState ? s.c : null });
    s.update(this.lm.rnn.hN, this.lm.rnn.cN);
    return this.lm.logits;
  }

  reorder(parents: Int32Array, K: number): void {
    this.state.reorder(parents, K);
  }

  attention(): null {
    return null;
  }
}
