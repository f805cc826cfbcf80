// The language model as a StepDecoder (sample.ts): generation feeds each output token back as the next input,
// carrying the recurrent state from one T = 1 forward to the next. The prompt (all but its last token) is read
// once at construction, in fixed-size chunks (promptFeed.ts: caches never grow with the prompt); its last
// token is the first step's input, so the first distribution is P(· | prompt).
// Legend: K hypotheses, L layers, H hidden, V vocabulary.
import { hasCellState } from './cells/cell';
import type { LanguageModel } from './lm';
import { PromptReader } from './promptFeed';
import type { StepDecoder } from './sample';
import { StepState } from './stepState';
import type { Floats } from './tensor';

export class LmStepDecoder implements StepDecoder {
  readonly vocabSize: number;
  readonly startToken: number;
  private readonly state: StepState;
  private readonly h1: Floats; // (L, 1, H) state after the prompt's first n − 1 tokens
  private readonly c1: Floats | null;

  /** read: the prompt's first n − 1 tokens already read (a done PromptReader's state); absent: read them here. */
  constructor(private readonly lm: LanguageModel, prompt: ArrayLike<number>, read?: StepState) {
    const rnn = lm.rnn;
    if (rnn.D !== 1) throw new Error('a bidirectional language model cannot generate (it reads the future)');
    if (prompt.length === 0) throw new Error('generation needs a prompt of at least one token');
    this.vocabSize = lm.V;
    this.startToken = prompt[prompt.length - 1];
    const cellState = hasCellState(rnn.cfg.cell);
    this.state = new StepState(rnn.cfg.numLayers, rnn.cfg.hiddenSize, cellState, lm.params.ctor);
    if (!read) {
      const reader = new PromptReader(lm, prompt, prompt.length - 1);
      while (!reader.readChunk());
      read = reader.state;
    }
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
