// The architectures of the seq2seq, classify, tag and one-to-many tasks as untrusted JSON (a seqlab.json from
// disk) → typed configs, every field type- and range-checked (fields.ts LIMITS) BEFORE a model is built; and a
// cheap lower bound on the weights any architecture holds, compared with what model.safetensors actually holds,
// so a config describing a far larger model than the file (a corrupt or crafted seqlab.json) allocates nothing.
import { CELL_KINDS, type CellKind } from '../cells/cell';
import type { ClassifierConfig } from '../classifier';
import type { OneToManyConfig } from '../oneToMany';
import type { Seq2SeqConfig } from '../seq2seq/config';
import type { OneToManyArchitecture } from '../tasks/oneToManyTask';
import type { Seq2SeqArchitecture } from '../tasks/seq2seqTask';
import type { SequenceArchitecture } from '../tasks/sequenceTask';
import { bool, FieldError, int, labelList, LIMITS, num, object, oneOf, recurrentFields } from './fields';

const ATTENTION_KINDS = ['none', 'dot', 'general', 'additive'] as const;

export function parseSeq2SeqArchitecture(value: unknown): Seq2SeqArchitecture {
  const a = object(value, 'architecture');
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

export function parseSequenceArchitecture(value: unknown): SequenceArchitecture {
  const a = object(value, 'architecture');
  const kind = oneOf(a.kind, 'architecture.kind', ['classify', 'tag'] as const);
  const c = object(a.config, 'architecture.config');
  const countField = kind === 'classify' ? 'numClasses' : 'numTags';
  const count = int(c[countField], `architecture.config.${countField}`, LIMITS.labels);
  const labels = labelList(a.labels, 'architecture.labels');
  if (labels.length !== count) throw new FieldError(`architecture.labels has ${labels.length} entries, architecture.config.${countField} says ${count}`);
  const base = {
    vocabSize: int(c.vocabSize, 'architecture.config.vocabSize', LIMITS.vocabSize),
    embeddingSize: int(c.embeddingSize, 'architecture.config.embeddingSize', LIMITS.embeddingSize),
    rnn: recurrentFields(c.rnn, 'architecture.config.rnn'),
  };
  return kind === 'classify'
    ? { kind, config: { ...base, numClasses: count } satisfies ClassifierConfig, labels }
    : { kind, config: { ...base, numTags: count }, labels };
}

/** One-to-many: a label-conditioned generator; its stack is unidirectional and has no merge (it writes left to right). */
export function parseOneToManyArchitecture(value: unknown): OneToManyArchitecture {
  const a = object(value, 'architecture');
  oneOf(a.kind, 'architecture.kind', ['one-to-many'] as const);
  const c = object(a.config, 'architecture.config');
  const cond = object(c.condition, 'architecture.config.condition');
  oneOf(cond.kind, 'architecture.config.condition.kind', ['label'] as const);
  const numLabels = int(cond.numLabels, 'architecture.config.condition.numLabels', LIMITS.labels);
  const labels = labelList(a.labels, 'architecture.labels');
  if (labels.length !== numLabels) throw new FieldError(`architecture.labels has ${labels.length} entries, architecture.config.condition.numLabels says ${numLabels}`);
  // recurrentFields reads the stack of an LM or classifier, which names its directions; a one-to-many stack has
  // one direction and no merge, so neither field may appear (a file that says otherwise is not this model).
  const r = object(c.rnn, 'architecture.config.rnn');
  for (const f of ['bidirectional', 'merge']) if (r[f] !== undefined) throw new FieldError(`architecture.config.rnn.${f} does not apply to a one-to-many model (it writes left to right)`);
  const { bidirectional: _b, merge: _m, ...rnn } = recurrentFields({ ...r, bidirectional: false }, 'architecture.config.rnn');
  const config: OneToManyConfig = {
    vocabSize: int(c.vocabSize, 'architecture.config.vocabSize', LIMITS.vocabSize),
    embeddingSize: int(c.embeddingSize, 'architecture.config.embeddingSize', LIMITS.embeddingSize),
    condition: { kind: 'label', numLabels, size: int(cond.size, 'architecture.config.condition.size', LIMITS.embeddingSize) },
    rnn,
  };
  return { kind: 'one-to-many', config, labels, maxTargetLength: int(a.maxTargetLength, 'architecture.maxTargetLength', LIMITS.maxTargetLength) };
}

const GATES: Record<CellKind, number> = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 };

/** W_ih of layer 0 (G·H·I) and every W_hh (G·H² per layer and direction): a lower bound of a stack's weights. */
function stackWeights(cell: CellKind, input: number, hidden: number, layers: number, bidirectional: boolean): number {
  return (bidirectional ? 2 : 1) * GATES[cell] * hidden * (input + layers * hidden);
}

export type AnyArchitecture =
  | { kind: 'lm'; config: { vocabSize: number; embeddingSize: number; rnn: { cell: CellKind; hiddenSize: number; numLayers: number; bidirectional: boolean } } }
  | Seq2SeqArchitecture
  | SequenceArchitecture
  | OneToManyArchitecture;

/**
 * At least this many weights: embeddings (V·E), the first layer's W_ih (G·H·E), every W_hh (G·H² per layer and
 * direction) and the output layer (outputs × H, as its input is at least H wide). What this leaves out (deeper
 * W_ih, biases, a wider head, attention) is at most about twice as much again, so checking it against the file
 * bounds what building the model allocates by the size of the file.
 */
export function minimumWeights(arch: AnyArchitecture): number {
  if (arch.kind === 'seq2seq') {
    const c = arch.config;
    return (c.srcVocab + c.tgtVocab) * c.embeddingSize + stackWeights(c.cell, c.embeddingSize, c.encoder.hiddenSize, c.encoder.numLayers, c.encoder.bidirectional)
      + stackWeights(c.cell, c.embeddingSize, c.decoder.hiddenSize, c.decoder.numLayers, false) + c.tgtVocab * c.decoder.hiddenSize;
  }
  if (arch.kind === 'one-to-many') {
    const c = arch.config, r = c.rnn;
    return c.vocabSize * c.embeddingSize + arch.labels.length * c.condition.size + stackWeights(r.cell, c.embeddingSize, r.hiddenSize, r.numLayers, false) + c.vocabSize * r.hiddenSize;
  }
  const c = arch.config, r = c.rnn;
  const outputs = arch.kind === 'lm' ? c.vocabSize : arch.labels.length;
  return c.vocabSize * c.embeddingSize + stackWeights(r.cell, c.embeddingSize, r.hiddenSize, r.numLayers, r.bidirectional) + outputs * r.hiddenSize;
}

/**
 * Error text when the architecture needs far more weights than the file holds, else null. Small mismatches are
 * left to the per-tensor checks after the build, whose message names the tensor (hence the slack: 2× + 4096).
 */
export function weightCountProblem(arch: AnyArchitecture, tensors: ReadonlyMap<string, { data: ArrayLike<number> }>, file: string): string | null {
  let held = 0;
  for (const t of tensors.values()) held += t.data.length;
  const needed = minimumWeights(arch);
  return needed > 2 * held + 4096 ? `the architecture needs at least ${needed} weights but ${file} holds ${held}: seqlab.json does not describe these weights` : null;
}
