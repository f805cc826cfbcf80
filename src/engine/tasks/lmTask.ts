// The language-model task (one-to-one, autoregressive): plain text → tokenizer → LanguageModel, trained with
// truncated BPTT (LmTrainer) on LmBatcher chunks; evaluated by cross-entropy, bits per character and next-word
// accuracy through the SAME Completer the editor uses; decoded by greedy / sampling / beam over LmStepDecoder.
// Legend: B batch rows, T BPTT steps, V vocabulary, L layers, H hidden.
import type { Architecture } from '../checkpoint/architecture';
import { Completer, partialWord } from '../complete';
import { LmBatcher } from '../data/batch';
import { sizedHeapCtor } from '../sizing/alloc';
import { LanguageModel } from '../lm';
import { LmStepDecoder } from '../lmDecoder';
import { PROMPT_CHUNK } from '../promptFeed';
import { inferenceTwin } from '../sizing/inferenceTwin';
import { Rng } from '../rng';
import { decode, type DecodeOptions, type DecodeResult } from '../sample';
import type { MemoryLimit } from '../modelMemory';
import { LmTrainer, type StepStats } from '../trainer';
import type { FloatArrayCtor } from '../tensor';
import { buildTokenizer, type DecodeOptions as TokenizerDecodeOptions, type Tokenizer } from '../tokenize/tokenizer';
import type { RunConfig } from '../run/config';
import { clipNorm, optimizerConfig, schedule, tokenizerOptions } from '../runDerived';
import { checkLmTraining } from './taskMemory';

const LN2 = Math.log(2);
const WORD = /[\p{L}\p{M}\p{N}_]+(?:['\u2019][\p{L}\p{M}\p{N}_]+)*/gu;

export interface LmEval {
  task: 'lm';
  tokens: number;
  loss: number;
  bits_per_char: number;
  next_word_top1: number;
  next_word_top3: number;
  /** Word positions the next-word accuracies are measured on. */
  words: number;
}

export class LmTask {
  readonly kind = 'lm' as const;
  /** The BPTT chunks and the trainer that carries the state between them; null for a loaded (inference) task. */
  batcher: LmBatcher | null = null;
  trainer: LmTrainer | null = null;
  /** The one generator of the run (initialisation, then dropout); null for a loaded task. */
  rng: Rng | null = null;
  epoch = 0;

  constructor(readonly model: LanguageModel, readonly tokenizer: Tokenizer, readonly architecture: Extract<Architecture, { kind: 'lm' }>, readonly seed: number) {}

  /** A fresh model whose tokenizer learns `text`, ready to train on it; refused (ModelMemoryError) before it is
   *  built if training it would need more memory than `memoryLimit` (taskMemory.ts). */
  static create(o: RunConfig, text: string, memoryLimit?: MemoryLimit | null): LmTask {
    if (o.bidirectional) throw new Error('a language model cannot be bidirectional: it predicts the next token from the past only');
    const tokenizer = buildTokenizer(o.tokenizer, text, tokenizerOptions(o));
    const architecture: Extract<Architecture, { kind: 'lm' }> = {
      kind: 'lm',
      config: {
        vocabSize: tokenizer.vocabSize, embeddingSize: o.embedding,
        rnn: { cell: o.cell, hiddenSize: o.hidden, numLayers: o.layers, bidirectional: false, merge: o.merge, dropout: o.dropout },
      },
    };
    const rng = new Rng(o.seed);
    const tokens = tokenizer.encode(text);
    if (tokens.length < 2) throw new Error(`the training text gives ${tokens.length} token(s): a language model needs at least two, one to read and one to predict`);
    const B = Math.max(1, Math.min(o.batch, Math.floor(tokens.length / (o.seqLen + 1))));
    checkLmTraining(architecture.config, B, o.seqLen, optimizerConfig(o), memoryLimit);
    // Everything a training step touches, allocated up front: run once on a counting ctor to size the WasmHeap
    // (sizing/alloc.ts), then for real on that heap, so the heap holds exactly this.
    const stepConfig = { optimizer: optimizerConfig(o), schedule: schedule(o), clipNorm: clipNorm(o), classes: tokenizer.vocabSize };
    const setup = (ctor: FloatArrayCtor) => {
      const m = new LanguageModel(architecture.config, ctor);
      m.reserve(B, o.seqLen);
      const t = new LmTrainer(m, stepConfig, 'mean', rng);
      t.reserve(B);
      return { model: m, trainer: t };
    };
    const { model, trainer } = setup(sizedHeapCtor(setup));
    model.initialize(rng);
    const task = new LmTask(model, tokenizer, architecture, o.seed);
    task.batcher = new LmBatcher(tokens, B, o.seqLen);
    task.rng = rng;
    task.trainer = trainer;
    return task;
  }

  get params() {
    return this.model.params;
  }

  /** One optimizer step on the next chunk; a new epoch starts (state reset) when the streams run out. */
  trainStep(): StepStats {
    const b = this.batcher!, tr = this.trainer!;
    if (!b.next()) {
      b.reset();
      b.next();
      this.epoch++;
    }
    return tr.step({ inputs: b.inputs, targets: b.targets, B: b.batchSize, T: b.steps, resetState: b.chunk === 0 });
  }

  /** Held-out loss (nats per token), bits per character, and next-word top-1 / top-3 over the first `words` words. */
  evaluate(text: string, opts: { words?: number } = {}): LmEval {
    const ids = this.tokenizer.encode(text);
    if (ids.length < 2) throw new Error(`the evaluation text gives ${ids.length} token(s); at least 2 are needed`);
    const chars = Array.from(text).length;
    // Loss: the text as one stream, read in order with the state carried (B = 1 keeps every token's full context).
    // On the inference twin (as generate): zero-copy products, and the training model's heap and caches untouched.
    const T = PROMPT_CHUNK, m = inferenceTwin(this.model, T, 1) ?? this.model, rnn = m.rnn;
    const LH = rnn.cfg.numLayers * rnn.cfg.hiddenSize;
    // Carried from chunk to chunk by copying (recurrent.ts): plain arrays of the model's dtype, outside any heap.
    const plain = m.params.ctor.BYTES_PER_ELEMENT === 8 ? Float64Array : Float32Array;
    const h = new plain(LH), c = new plain(LH);
    let sum = 0, count = 0;
    for (let s = 0; s + 1 < ids.length; s += T) {
      const n = Math.min(T, ids.length - 1 - s);
      const inp = Int32Array.from(ids.slice(s, s + n)), tgt = Int32Array.from(ids.slice(s + 1, s + 1 + n));
      m.forward(inp, 1, n, { h0: s > 0 ? h : null, c0: s > 0 ? c : null });
      const r = m.loss(tgt, 'sum');
      sum += r.loss;
      count += r.count;
      h.set(rnn.hN.subarray(0, LH));
      if (rnn.cN.length >= LH) c.set(rnn.cN.subarray(0, LH));
    }
    const loss = sum / count;
    // Bits per char: the total code length of the predicted tokens over the characters they cover.
    const bitsPerChar = (sum / LN2) / (chars * (count / ids.length));
    const { top1, top3, words } = this.nextWordAccuracy(text, opts.words ?? 1000);
    return { task: 'lm', tokens: count, loss, bits_per_char: bitsPerChar, next_word_top1: top1, next_word_top3: top3, words };
  }

  /** For each word start (after the first), does completion from the text before it rank the word 1st / top 3? */
  nextWordAccuracy(text: string, maxWords: number): { top1: number; top3: number; words: number } {
    const completer = new Completer(inferenceTwin(this.model, PROMPT_CHUNK, 8) ?? this.model, this.tokenizer); // beam ≤ 8: suggest's default
    let n = 0, top1 = 0, top3 = 0;
    for (const m of text.matchAll(WORD)) {
      if (n >= maxWords) break;
      const at = m.index!;
      if (at === 0 || partialWord(text.slice(0, at)) !== '') continue;
      completer.setPrefix(text.slice(0, at));
      const s = completer.suggest({ count: 3 });
      n++;
      if (s[0]?.word === m[0]) top1++;
      if (s.some((x) => x.word === m[0])) top3++;
    }
    return { top1: n ? top1 / n : 0, top3: n ? top3 / n : 0, words: n };
  }

  /** Continues `prompt` (greedy, sampled or beam), returning the generated text and the decoding details. */
  generate(prompt: string, opts: DecodeOptions, text: TokenizerDecodeOptions = {}): { text: string; result: DecodeResult } {
    const ids = this.tokenizer.encode(prompt);
    if (ids.length === 0) throw new Error('the prompt is empty: give at least one character');
    // On the inference twin (a WasmHeap copy) every product, batch-1 prompt steps included, runs zero-copy on
    // the SIMD kernels; its caches hold one prompt chunk and one step of the widest beam.
    const width = opts.strategy === 'beam' ? Math.max(1, opts.beamWidth ?? 4) : 1;
    const model = inferenceTwin(this.model, PROMPT_CHUNK, width) ?? this.model;
    const result = decode(new LmStepDecoder(model, ids), opts);
    return { text: this.tokenizer.decode(result.tokens, text), result };
  }

  /** A Completer for `seqlab complete`, on the inference twin when WASM SIMD is there (as generate), sized for
   *  one prompt chunk and beams up to `maxBeam` wide. */
  completer(opts: { maxContext?: number; allowSpecial?: boolean; maxBeam?: number } = {}): Completer {
    const model = inferenceTwin(this.model, PROMPT_CHUNK, opts.maxBeam ?? 8) ?? this.model;
    return new Completer(model, this.tokenizer, opts.maxContext, opts.allowSpecial);
  }
}
