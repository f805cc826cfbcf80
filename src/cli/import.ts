// `seqlab import WEIGHTS.safetensors [--meta seqlab.json | --tokenizer tok.json] --out DIR`: weights trained
// in PyTorch (under SeqLab's state_dict names) → a SeqLab checkpoint directory that every SeqLab command
// loads. Without --meta the architecture is inferred from the tensor shapes. Nothing is written unless the
// weights, the architecture and the tokenizer all check out.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { META_FILE } from '../engine/checkpoint';
import type { Architecture } from '../engine/checkpoint/architecture';
import { importPytorchWeights } from '../engine/checkpoint/interop';
import { checkOutputDir } from './checkpointDir';
import { DataBudget, DEFAULT_MAX_DATA_MB, readDataBytes } from './dataFiles';
import { tokenizerFromJSON } from '../engine/tokenize/tokenizer';
import { UsageError } from './args';
import { checkpointFilesRecord, writeFilesAtomic } from './exportIo';
import { FileError } from './files';
import { readText } from './io';

export interface ImportOptions {
  out: string;
  /** A seqlab.json (or a directory holding one) for the architecture and tokenizer. */
  meta?: string;
  /** A tokenizer JSON file, when there is no seqlab.json. */
  tokenizer?: string;
  rnnNonlinearity?: 'tanh' | 'relu';
  /** Replace a model (or write into a non-empty folder) at `out`. */
  force?: boolean;
}

export interface ImportResult {
  dir: string;
  files: string[];
  architecture: string;
}

export function importModel(weightsPath: string, opts: ImportOptions): ImportResult {
  checkOutputDir(opts.out, Boolean(opts.force), 'import');
  const weights = readWeights(weightsPath);
  let meta: string | undefined, metaFile = '';
  if (opts.meta) {
    metaFile = fs.existsSync(opts.meta) && fs.statSync(opts.meta).isDirectory() ? path.join(opts.meta, META_FILE) : opts.meta;
    meta = readJsonText(metaFile, 'a seqlab.json');
  } else if (!opts.tokenizer) {
    // An export directory holds its seqlab.json next to the weights.
    metaFile = path.join(path.dirname(weightsPath), META_FILE);
    if (fs.existsSync(metaFile)) meta = readJsonText(metaFile, 'a seqlab.json');
  }
  // A seqlab.json names the cell (and, for seq2seq, carries the tokenizer): refuse options it would override.
  if (opts.rnnNonlinearity && meta !== undefined) throw new UsageError(`import: --rnn-nonlinearity is for weights whose architecture is inferred from their shapes; ${metaFile} already names the cell`);
  if (meta !== undefined && !isObject(JSON.parse(meta).architecture)) throw new FileError(`${metaFile} is not a seqlab.json: it has no "architecture" object`);
  const tokenizer: unknown = opts.tokenizer ? JSON.parse(readJsonText(opts.tokenizer, 'a tokenizer JSON file')) : undefined;
  if (opts.tokenizer) {
    try {
      tokenizerFromJSON(tokenizer); // validated here so that the message names the tokenizer file, not the weights
    } catch (e) {
      throw new FileError(`${opts.tokenizer} is not a SeqLab tokenizer: ${(e as Error).message}`);
    }
  }
  const seq2seq = meta !== undefined && /"kind":\s*"seq2seq"/.test(meta);
  if (seq2seq && opts.tokenizer) throw new UsageError(`import: --tokenizer does not apply to a seq2seq model; its tokenizer comes from ${metaFile}`);
  // Every kind goes through the one import (engine/checkpoint/interop.ts), checked like every checkpoint.
  const { files, checkpoint } = importPytorchWeights(weights, {
    meta, tokenizer, rnnNonlinearity: opts.rnnNonlinearity, what: weightsPath,
  });
  const a = checkpoint.architecture;
  const cell = a.kind === 'seq2seq' ? a.config.cell : a.config.rnn.cell;
  if (opts.rnnNonlinearity && !cell.startsWith('rnn')) throw new UsageError(`import: --rnn-nonlinearity applies to plain RNN weights; ${weightsPath} holds ${cell} weights`);
  const written = writeFilesAtomic(opts.out, checkpointFilesRecord(files));
  return { dir: opts.out, files: written, architecture: describe(a) };
}

/** "lm: 2-layer lstm, hidden 16", "seq2seq: gru, attention additive", "classify: 1-layer lstm, hidden 8, 3 labels". */
function describe(a: Architecture): string {
  if (a.kind === 'seq2seq') return `seq2seq: ${a.config.cell}, attention ${a.config.attention}`;
  const r = a.config.rnn;
  const labels = 'labels' in a && a.labels ? `, ${a.labels.length} labels` : '';
  return `${a.kind}: ${r.numLayers}-layer ${r.cell}, hidden ${r.hiddenSize}${labels}`;
}

/** A weights file, read as untrusted input: a regular file (not a device or FIFO, which never end), at most
 *  2 GB (Node reads no larger file into one buffer), in a bounded read loop (dataFiles.ts). */
function readWeights(file: string): Uint8Array {
  const budget = new DataBudget(2 ** 31 - 1, '', 'SeqLab imports weights files of at most 2 GB');
  return new Uint8Array(readDataBytes(file, budget));
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The text of a JSON file, checked to parse, or a FileError naming the file and what it should have been. */
function readJsonText(file: string, what: string): string {
  // import has no --max-data-mb: the over-cap message names the fixed cap instead of a flag it would refuse.
  const text = readText(file, { budget: new DataBudget(DEFAULT_MAX_DATA_MB * 2 ** 20, '', `SeqLab reads ${what} of at most ${DEFAULT_MAX_DATA_MB} MB`) });
  try {
    JSON.parse(text);
  } catch (e) {
    throw new FileError(`${file} is not ${what}: it is not valid JSON (${(e as Error).message})`);
  }
  return text;
}
