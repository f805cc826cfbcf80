// Type and range checks for untrusted JSON (a seqlab.json from disk, a tokenizer file), run BEFORE a model is
// built, so a hostile or damaged file costs no memory and no time: `numLayers: 1000000` or `hiddenSize: "16"`
// is refused in microseconds with a message naming the field, instead of spinning for minutes or failing far
// from the cause. Each error names the field by its JSON path (e.g. architecture.config.rnn.numLayers).
//
// LIMITS are the largest values SeqLab itself ever writes or can train with (the `seqlab train` flag ranges),
// with room above them; anything beyond is a corrupt or foreign file, not a model.
import { MAX_VOCAB } from '../tokenize/types';
import { CELL_KINDS, type CellKind } from '../cells/cell';
import type { RecurrentConfig } from '../layers/recurrent';

export const LIMITS = {
  /** Tokens in a vocabulary, specials included: a char vocabulary of every Unicode code point fits (0x110000). */
  vocabSize: { min: 4, max: MAX_VOCAB },
  /** --embedding and --hidden go to 4096. */
  embeddingSize: { min: 1, max: 4096 },
  hiddenSize: { min: 1, max: 4096 },
  attentionSize: { min: 1, max: 4096 },
  /** --layers goes to 16. */
  numLayers: { min: 1, max: 16 },
  /** Classes of a classifier, tags of a tagger. */
  labels: { min: 1, max: 100_000 },
  /** Characters of one label or tag: a class name, not a document (a 10 MB "label" is a broken file). */
  labelChars: { min: 0, max: 10_000 },
  /** --seq-len goes to 100000, and targets are cut to it; decoding stops after 2× this + 10 steps. */
  maxTargetLength: { min: 1, max: 100_000 },
  /** --attention-location goes to 31 (odd). */
  locationKernel: { min: 0, max: 31 },
  /** Dimensions of a tensor shape in seqlab.json (a safetensors file of this rank would be foreign). */
  tensorRank: { max: 4 },
} as const;

export const MERGE_MODES = ['concat', 'sum', 'mean', 'weighted'] as const;
export const WEIGHT_INITS = ['default', 'xavier', 'orthogonal'] as const;

export class FieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldError';
  }
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

export function object(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FieldError(`${what} must be an object, got ${Array.isArray(v) ? 'an array' : show(v)}`);
  return v as Record<string, unknown>;
}

/** An integer in [min, max] (a JSON number, not a numeric string). */
export function int(v: unknown, what: string, range: { min: number; max: number }): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new FieldError(`${what} must be an integer, got ${show(v)}`);
  if (v < range.min || v > range.max) throw new FieldError(`${what} must be between ${range.min} and ${range.max}, got ${v}`);
  return v;
}

/** A finite number in [min, max) when `maxExclusive`, else [min, max]. */
export function num(v: unknown, what: string, min: number, max: number, maxExclusive = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FieldError(`${what} must be a number, got ${show(v)}`);
  if (v < min || (maxExclusive ? v >= max : v > max)) throw new FieldError(`${what} must be in [${min}, ${max}${maxExclusive ? ')' : ']'}, got ${v}`);
  return v;
}

export function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new FieldError(`${what} must be true or false, got ${show(v)}`);
  return v;
}

export function oneOf<T extends string>(v: unknown, what: string, choices: readonly T[]): T {
  if (!choices.includes(v as T)) throw new FieldError(`${what} must be one of ${choices.join(', ')}, got ${show(v)}`);
  return v as T;
}

/** A list of 1..max distinct strings (labels, tags). */
export function labelList(v: unknown, what: string): string[] {
  if (!Array.isArray(v)) throw new FieldError(`${what} must be a list of strings, got ${show(v)}`);
  int(v.length, `${what} (its length)`, LIMITS.labels);
  v.forEach((s, i) => {
    if (typeof s !== 'string') throw new FieldError(`${what}[${i}] must be a string, got ${show(s)}`);
    if (s.length > LIMITS.labelChars.max) throw new FieldError(`${what}[${i}] is ${s.length} characters long, at most ${LIMITS.labelChars.max}`);
  });
  if (new Set(v).size !== v.length) throw new FieldError(`${what} lists a label twice`);
  return v as string[];
}

/** The recurrent stack of an LM, classifier or tagger (`rnn` in their configs). */
export function recurrentFields(value: unknown, what: string): Omit<RecurrentConfig, 'inputSize'> {
  const r = object(value, what);
  const out: Omit<RecurrentConfig, 'inputSize'> = {
    cell: oneOf<CellKind>(r.cell, `${what}.cell`, CELL_KINDS),
    hiddenSize: int(r.hiddenSize, `${what}.hiddenSize`, LIMITS.hiddenSize),
    numLayers: int(r.numLayers, `${what}.numLayers`, LIMITS.numLayers),
    bidirectional: bool(r.bidirectional, `${what}.bidirectional`),
    merge: oneOf(r.merge ?? 'concat', `${what}.merge`, MERGE_MODES),
    dropout: num(r.dropout ?? 0, `${what}.dropout`, 0, 1, true),
  };
  if (r.weightInit !== undefined) out.weightInit = oneOf(r.weightInit, `${what}.weightInit`, WEIGHT_INITS);
  if (r.forgetBias !== undefined) out.forgetBias = num(r.forgetBias, `${what}.forgetBias`, -100, 100);
  return out;
}
