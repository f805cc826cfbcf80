// The seq2seq model (encoder, bridge, decoder, optional attention: engine/seq2seq/model.ts) as a checkpoint
// architecture: { kind: 'seq2seq', config: Seq2SeqConfig, maxTargetLength }. One tokenizer serves both sides
// (shared ids, so a copy task can copy), so it must match srcVocab and tgtVocab alike.
import { CELL_KINDS, type CellKind } from '../../cells/cell';
import { describeRnn } from '../../modelMemory';
import { Seq2Seq } from '../../seq2seq/model';
import type { Seq2SeqConfig } from '../../seq2seq/config';
import { bool, FieldError, int, LIMITS, num, object, oneOf } from '../fields';
import type { ArchitectureEntry } from './entry';

export interface Seq2SeqArchitecture {
  kind: 'seq2seq';
  config: Seq2SeqConfig;
  /** Longest training target in tokens: decoding stops at 2× this (plus slack) if EOS never comes. */
  maxTargetLength: number;
}

const ATTENTION_KINDS = ['none', 'dot', 'general', 'additive'] as const;

export const SEQ2SEQ_ENTRY: ArchitectureEntry<Seq2SeqArchitecture, Seq2Seq> = {
  parse: parseSeq2SeqArchitecture,
  build: (a, ctor) => new Seq2Seq(a.config, ctor),
  vocabularies: (a) => [
    { field: 'architecture.config.tgtVocab', size: a.config.tgtVocab },
    { field: 'architecture.config.srcVocab', size: a.config.srcVocab },
  ],
  describe: (a) => `encoder ${describeRnn({ cell: a.config.cell, ...a.config.encoder })}, decoder hidden ${a.config.decoder.hiddenSize}`,
};

function parseSeq2SeqArchitecture(a: Record<string, unknown>): Seq2SeqArchitecture {
  const c = object(a.config, 'architecture.config');
  const e = object(c.encoder, 'architecture.config.encoder'), d = object(c.decoder, 'architecture.config.decoder');
  const config: Seq2SeqConfig = {
    srcVocab: int(c.srcVocab, 'architecture.config.srcVocab', LIMITS.vocabSize),
    tgtVocab: int(c.tgtVocab, 'architecture.config.tgtVocab', LIMITS.vocabSize),
    embeddingSize: int(c.embeddingSize, 'architecture.config.embeddingSize', LIMITS.embeddingSize),
    cell: oneOf<CellKind>(c.cell, 'architecture.config.cell', CELL_KINDS),
    encoder: {
      hiddenSize: int(e.hiddenSize, 'architecture.config.encoder.hiddenSize', LIMITS.hiddenSize),
      numLayers: int(e.numLayers, 'architecture.config.encoder.numLayers', LIMITS.numLayers),
      bidirectional: bool(e.bidirectional, 'architecture.config.encoder.bidirectional'),
    },
    decoder: {
      hiddenSize: int(d.hiddenSize, 'architecture.config.decoder.hiddenSize', LIMITS.hiddenSize),
      numLayers: int(d.numLayers, 'architecture.config.decoder.numLayers', LIMITS.numLayers),
    },
    attention: oneOf(c.attention, 'architecture.config.attention', ATTENTION_KINDS),
  };
  // Optional fields stay absent when absent, so a loaded checkpoint saves back to the same JSON.
  if (e.dropout !== undefined) config.encoder.dropout = num(e.dropout, 'architecture.config.encoder.dropout', 0, 1, true);
  if (d.dropout !== undefined) config.decoder.dropout = num(d.dropout, 'architecture.config.decoder.dropout', 0, 1, true);
  if (c.attentionSize !== undefined) config.attentionSize = int(c.attentionSize, 'architecture.config.attentionSize', LIMITS.attentionSize);
  if (c.bridge !== undefined) config.bridge = oneOf(c.bridge, 'architecture.config.bridge', ['auto', 'always'] as const);
  if (c.attentionQuery !== undefined) config.attentionQuery = oneOf(c.attentionQuery, 'architecture.config.attentionQuery', ['previous', 'output'] as const);
  if (c.reverseSource !== undefined) {
    config.reverseSource = bool(c.reverseSource, 'architecture.config.reverseSource');
    if (config.reverseSource && config.encoder.bidirectional) throw new FieldError('architecture.config.reverseSource needs a unidirectional encoder (encoder.bidirectional is true)');
  }
  if (c.locationKernel !== undefined) {
    const k = int(c.locationKernel, 'architecture.config.locationKernel', LIMITS.locationKernel);
    if (k > 0 && (k % 2 === 0 || config.attention !== 'additive')) throw new FieldError(`architecture.config.locationKernel must be odd and needs additive attention, got ${k} with ${config.attention}`);
    if (k > 0) config.locationKernel = k;
  }
  return { kind: 'seq2seq', config, maxTargetLength: int(a.maxTargetLength, 'architecture.maxTargetLength', LIMITS.maxTargetLength) };
}
