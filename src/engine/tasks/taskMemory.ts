// Memory estimates of each task's model, checked before the model is built (modelMemory.ts explains the parts):
// parameters counted by constructing the real model with a counting ctor, activations per batch position from
// the recurrent caches plus embeddings and output layer. Every task's create() calls these (loading a checkpoint
// is checked by the architecture registry: checkpoint/architecture.ts checkLoadingMemory). `threads`: the run's
// training threads (the limit's, set by TrainingRun.create): a data-parallel run's helper replicas count too.
// Legend: B batch, T target/sequence steps, S source steps, V vocabulary, C classes or tags, E embedding, H hidden.
import { SequenceClassifier, type ClassifierConfig } from '../classifier';
import { LanguageModel, type LmConfig } from '../lm';
import {
  checkMemory, countParams, describeRnn, recurrentPositionFloats, trainingMemory, type MemoryEstimate, type MemoryLimit,
} from '../modelMemory';
import { OneToMany, type OneToManyConfig } from '../oneToMany';
import type { OptimizerConfig } from '../optim';
import { Seq2Seq, type Seq2SeqConfig } from '../seq2seq/model';
import { SequenceTagger, type TaggerConfig } from '../tagger';

/** Refuses (ModelMemoryError) to train a language model on (B, T) batches that would not fit in `limit`. */
export function checkLmTraining(cfg: LmConfig, B: number, T: number, optimizer: OptimizerConfig, limit: MemoryLimit | null | undefined): void {
  if (limit) checkMemory(lmTrainingMemory(cfg, B, T, optimizer, limit.threads), limit, 'train');
}

export function lmTrainingMemory(cfg: LmConfig, B: number, T: number, optimizer: OptimizerConfig, threads = 1): MemoryEstimate {
  const P = countParams((ctor) => new LanguageModel(cfg, ctor));
  const { vocabSize: V, embeddingSize: E } = cfg, H = cfg.rnn.hiddenSize;
  // Per position: logits, softmax, dLogits (3V); embedding out/in/grad (3E); head input gradient (H); the stack.
  // Plus the carried states: h, c and their copies per layer and row (8·L·D·B·H).
  const acts = B * T * (3 * V + 3 * E + H + recurrentPositionFloats(cfg.rnn)) + 8 * cfg.rnn.numLayers * B * H;
  return trainingMemory(describeRnn(cfg.rnn), P, optimizer, acts, `${B} × ${T}`, { rows: B, threads });
}

/** Refuses to train a seq2seq model on batches of B pairs of at most S source and T target tokens. */
export function checkSeq2SeqTraining(cfg: Seq2SeqConfig, B: number, S: number, T: number, optimizer: OptimizerConfig, limit: MemoryLimit | null | undefined): void {
  if (limit) checkMemory(seq2seqTrainingMemory(cfg, B, S, T, optimizer, limit.threads), limit, 'train');
}

export function seq2seqTrainingMemory(cfg: Seq2SeqConfig, B: number, S: number, T: number, optimizer: OptimizerConfig, threads = 1): MemoryEstimate {
  const P = countParams((ctor) => new Seq2Seq(cfg, ctor));
  const E = cfg.embeddingSize, He = cfg.encoder.hiddenSize, Hd = cfg.decoder.hiddenSize, Ce = (cfg.encoder.bidirectional ? 2 : 1) * He;
  const enc = recurrentPositionFloats({ cell: cfg.cell, ...cfg.encoder });
  const dec = recurrentPositionFloats({ cell: cfg.cell, ...cfg.decoder });
  // Encoder positions: embeddings, the stack, annotations, their gradients and reversed copies (3·Ce). Decoder
  // positions: logits (3V), embeddings, the stack, [h; ctx], features, queries with gradients (4·(Hd + Ce)),
  // attention scores, weights and their gradients (4S).
  const acts = B * S * (3 * E + enc + 3 * Ce) + B * T * (3 * cfg.tgtVocab + 3 * E + dec + 4 * (Hd + Ce) + 4 * S);
  const model = `encoder ${describeRnn({ cell: cfg.cell, ...cfg.encoder })}, decoder hidden ${Hd}`;
  return trainingMemory(model, P, optimizer, acts, `${B} × ${S} → ${T}`, { rows: B, threads });
}

/** Refuses to train a classifier or tagger on batches of B sequences of at most T tokens. */
export function checkSequenceTraining(
  kind: 'classify' | 'tag', cfg: ClassifierConfig | TaggerConfig, B: number, T: number, optimizer: OptimizerConfig, limit: MemoryLimit | null | undefined,
): void {
  if (limit) checkMemory(sequenceTrainingMemory(kind, cfg, B, T, optimizer, limit.threads), limit, 'train');
}

export function sequenceTrainingMemory(
  kind: 'classify' | 'tag', cfg: ClassifierConfig | TaggerConfig, B: number, T: number, optimizer: OptimizerConfig, threads = 1,
): MemoryEstimate {
  const P = countParams((ctor) => (kind === 'classify' ? new SequenceClassifier(cfg as ClassifierConfig, ctor) : new SequenceTagger(cfg as TaggerConfig, ctor)));
  const C = 'numClasses' in cfg ? cfg.numClasses : cfg.numTags;
  const O = (cfg.rnn.bidirectional && cfg.rnn.merge === 'concat' ? 2 : 1) * cfg.rnn.hiddenSize;
  const perPos = 3 * cfg.embeddingSize + recurrentPositionFloats(cfg.rnn) + (kind === 'tag' ? 3 * C + 2 * O : 0);
  const acts = B * T * perPos + (kind === 'classify' ? B * (3 * C + 2 * O) : 0);
  return trainingMemory(describeRnn(cfg.rnn), P, optimizer, acts, `${B} × ${T}`, { rows: B, threads });
}

/** Refuses to train a one-to-many model on batches of B texts of at most T steps (BOS + text, text + EOS). */
export function checkOneToManyTraining(cfg: OneToManyConfig, B: number, T: number, optimizer: OptimizerConfig, limit: MemoryLimit | null | undefined): void {
  if (limit) checkMemory(oneToManyTrainingMemory(cfg, B, T, optimizer, limit.threads), limit, 'train');
}

export function oneToManyTrainingMemory(cfg: OneToManyConfig, B: number, T: number, optimizer: OptimizerConfig, threads = 1): MemoryEstimate {
  const P = countParams((ctor) => new OneToMany(cfg, ctor));
  const { vocabSize: V, embeddingSize: E } = cfg, H = cfg.rnn.hiddenSize, K = cfg.condition.size, LH = cfg.rnn.numLayers * H;
  // Per position: logits, softmax, dLogits (3V); embedding out (E); head input gradient (H); the stack. Per row:
  // the condition and its gradient (2K), the pre-activations and initial states h0, c0 (3·L·H).
  const acts = B * T * (3 * V + E + H + recurrentPositionFloats(cfg.rnn)) + B * (2 * K + 3 * LH);
  return trainingMemory(describeRnn(cfg.rnn), P, optimizer, acts, `${B} × ${T}`, { rows: B, threads });
}

