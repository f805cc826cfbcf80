// `seqlab import WEIGHTS.safetensors [--meta seqlab.json | --tokenizer tok.json] --out DIR`: weights trained
// in PyTorch (under SeqLab's state_dict names) → a SeqLab checkpoint directory that every SeqLab command
// loads. Without --meta the architecture is inferred from the tensor shapes. Nothing is written unless the
// weights, the architecture and the tokenizer all check out.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, META_FILE } from '../engine/checkpoint';
import { decodeSafetensors } from '../engine/safetensors';
import { loadTask, taskCheckpoint } from '../engine/tasks/checkpoint';
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
  // Seq2seq and one-to-many weights come with the seqlab.json that describes them, checked by the task loader.
  const taskKind = meta === undefined ? null : /"kind":\s*"(seq2seq|one-to-many)"/.exec(meta)?.[1] ?? null;
  if (taskKind && opts.tokenizer) throw new UsageError(`import: --tokenizer does not apply to a ${taskKind} model; its tokenizer comes from ${metaFile}`);
  if (taskKind) return importTaskWeights(weightsPath, weights, meta!, opts.out, taskKind);
  const { files, checkpoint } = importPytorchWeights(weights, {
    meta, tokenizer, rnnNonlinearity: opts.rnnNonlinearity, what: weightsPath,
  });
  const r = checkpoint.architecture.config.rnn;
  if (opts.rnnNonlinearity && !r.cell.startsWith('rnn')) throw new UsageError(`import: --rnn-nonlinearity applies to plain RNN weights; ${weightsPath} holds ${r.cell} weights`);
  const written = writeFilesAtomic(opts.out, checkpointFilesRecord(files));
  return { dir: opts.out, files: written, architecture: `${checkpoint.architecture.kind}: ${r.numLayers}-layer ${r.cell}, hidden ${r.hiddenSize}` };
}

/** A weights file, read as untrusted input: a regular file (not a device or FIFO, which never end), at most
 *  2 GB (Node reads no larger file into one buffer), in a bounded read loop (dataFiles.ts). */
function readWeights(file: string): Uint8Array {
  const budget = new DataBudget(2 ** 31 - 1, '', 'SeqLab imports weights files of at most 2 GB');
  return new Uint8Array(readDataBytes(file, budget));
}

/** Seq2seq or one-to-many weights + the seqlab.json of such a checkpoint or export: validated by the task loader, then saved. */
function importTaskWeights(weightsPath: string, bytes: Uint8Array, meta: string, out: string, kind: string): ImportResult {
  let names: string[];
  try {
    names = [...decodeSafetensors(bytes, weightsPath).tensors.keys()];
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  // loadTask checks the architecture, the tokenizer against the vocabulary, and every tensor's name, shape and
  // values. The seqlab.json's checksums describe the file SeqLab exported, not these (PyTorch-written) weights:
  // they are dropped here, and the checkpoint written below records the checksum of what it saves.
  const task = loadTask({ model: bytes, meta: withoutChecksums(meta) }, weightsPath);
  if (task.kind !== kind) throw new CheckpointError(`${weightsPath}: the seqlab.json is not a ${kind} model`);
  const expected = new Set(task.params.entries.map((e) => e.name));
  const extra = names.filter((n) => !expected.has(n));
  if (extra.length) throw new CheckpointError(`cannot import ${weightsPath}: unexpected tensor ${extra[0]}`);
  const written = writeFilesAtomic(out, checkpointFilesRecord(taskCheckpoint(task, { importedFrom: weightsPath })));
  const architecture = task.kind === 'one-to-many'
    ? `one-to-many: ${task.model.cfg.rnn.numLayers}-layer ${task.model.cfg.rnn.cell}, hidden ${task.model.cfg.rnn.hiddenSize}, ${task.labels.length} labels`
    : task.kind === 'seq2seq' ? `seq2seq: ${task.model.cfg.cell}, attention ${task.model.cfg.attention}` : task.kind;
  return { dir: out, files: written, architecture };
}

function withoutChecksums(meta: string): string {
  try {
    const { checksums: _checksums, ...rest } = JSON.parse(meta) as Record<string, unknown>;
    return JSON.stringify(rest);
  } catch {
    return meta; // loadTask reports the JSON error with the file's name
  }
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
