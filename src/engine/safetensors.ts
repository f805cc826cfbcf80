// The safetensors file format (huggingface/safetensors, "Format" section of its README), written and read
// in pure TypeScript so the worker, the CLI and the tests share one implementation:
//   bytes [0, 8)          N, the header length, unsigned 64-bit little-endian
//   bytes [8, 8 + N)      UTF-8 JSON: { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] },
//                                      "__metadata__": { "<key>": "<string value>" } }   (metadata optional)
//   bytes [8 + N, end)    the raw tensor data, little-endian, row-major; offsets are relative to this block
// The header is padded with spaces to a multiple of 8 bytes (as the reference writer does) so every F32 tensor
// starts 4-aligned. Reading treats the file as untrusted: the whole header is validated first — header length,
// JSON, tensor count, dtypes, shapes against offsets, offsets inside the file, tensors tiling the data block
// with no overlap and no gap — and only then are tensors decoded; errors are SafetensorsError naming the problem.
import { utf8Decode, utf8Encode } from './tokenize/utf8';
import { sizeOf, type Shape } from './tensor';

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

export interface NamedTensor {
  name: string;
  shape: Shape;
  /** Row-major values; written as F32 (float64 values are rounded). */
  data: ArrayLike<number>;
}

/** A decoded tensor: always F32 values in a fresh (aligned) Float32Array. */
export interface DecodedTensor {
  shape: number[];
  data: Float32Array;
}

export interface Safetensors {
  tensors: Map<string, DecodedTensor>;
  metadata: Record<string, string>;
}

/** Largest header we accept. A SeqLab header is a few KB; a PyTorch checkpoint with thousands of tensors is under
 *  1 MB. The reference reader allows 100 MB, but JSON.parse of that much untrusted text can cost gigabytes,
 *  so 8 MiB (room for MAX_TENSORS entries of ~800 bytes each): a larger N means a corrupt or hostile file. */
export const MAX_HEADER = 8 * 1024 * 1024;

/** Encodes tensors (in the given order) and optional string metadata into one safetensors file. */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || t.name in header) throw new SafetensorsError(`duplicate or reserved tensor name ${t.name}`);
    const n = sizeOf(t.shape);
    if (n !== t.data.length) throw new SafetensorsError(`tensor ${t.name}: shape [${t.shape.join(', ')}] holds ${n} values, got ${t.data.length}`);
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  const json = utf8Encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let p = 8 + padded;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, p += 4) view.setFloat32(p, t.data[i], true);
  }
  return out;
}

/**
 * Decodes a safetensors file; `what` names it in errors (e.g. its path). Only F32, F64, F16 and BF16 load.
 * The header is untrusted: every entry is validated (`validateHeader`) before a single tensor is allocated, so a
 * crafted file cannot make the reader allocate more than its own bytes can hold.
 */
export function decodeSafetensors(bytes: Uint8Array, what = 'safetensors file'): Safetensors {
  const { entries, metadata, dataStart } = validateHeader(bytes, what);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors = new Map<string, DecodedTensor>();
  for (const e of entries) tensors.set(e.name, { shape: e.shape, data: readFloats(view, dataStart + e.begin, e.count, e.dtype) });
  return { tensors, metadata };
}

/** One validated header entry: `count` values of `dtype` in data-block bytes [begin, end). */
export interface SafetensorsEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

/**
 * Parses and checks the header without touching the data, following the reference reader's rules
 * (huggingface/safetensors `Metadata::validate`): each entry has a known dtype, a shape of non-negative integers,
 * integer offsets with begin ≤ end ≤ data length and end − begin = dtype width × ∏ shape; sorted by offset, the
 * spans tile the data block exactly — no overlap, no gap, no trailing bytes. Tiling is what bounds memory: the
 * decoded values then number at most (data bytes / 2), whatever the header claims.
 */
export function validateHeader(bytes: Uint8Array, what = 'safetensors file'): { entries: SafetensorsEntry[]; metadata: Record<string, string>; dataStart: number } {
  if (bytes.length < 8) throw new SafetensorsError(`${what} is truncated: ${bytes.length} bytes, less than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true), hi = view.getUint32(4, true);
  if (hi !== 0 || lo > MAX_HEADER) throw new SafetensorsError(`${what} is not a safetensors file (header length ${hi * 2 ** 32 + lo} is implausible)`);
  if (8 + lo > bytes.length) throw new SafetensorsError(`${what} is truncated: the header needs ${lo} bytes, the file has ${bytes.length - 8}`);
  if (lo < 2 || bytes[8] !== 0x7b) throw new SafetensorsError(`${what} is not a safetensors file (the header is not a JSON object)`);
  const text = utf8Decode(bytes.subarray(8, 8 + lo));
  // The reference reader refuses a header that is not UTF-8 (std::str::from_utf8); decoding it with U+FFFD
  // instead would rename tensors ("a\xff" → "a\ufffd") and could merge two names into one. A replaced sequence
  // shows as re-encoded bytes that differ from the file's (genuine U+FFFD round-trips).
  if (text.includes('\ufffd')) {
    const again = utf8Encode(text);
    const at = again.findIndex((b, i) => b !== bytes[8 + i]);
    if (again.length !== lo || at >= 0) throw new SafetensorsError(`${what} has a corrupt header: it is not valid UTF-8 (at byte ${8 + (at >= 0 ? at : Math.min(again.length, lo))})`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(`${what} has a corrupt header: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError(`${what}: header is not a JSON object`);
  const duplicate = firstDuplicateKey(bytes, 8, 8 + lo);
  if (duplicate !== null) throw new SafetensorsError(`${what}: the header names ${duplicate === '__metadata__' ? '__metadata__' : `tensor ${JSON.stringify(duplicate).slice(1, -1)}`} twice`);
  const dataStart = 8 + lo, dataLen = bytes.length - dataStart;
  const names = Object.keys(header);
  const count = names.length - (names.includes('__metadata__') ? 1 : 0);
  if (count > MAX_TENSORS) throw new SafetensorsError(`${what} lists ${count} tensors; SeqLab reads at most ${MAX_TENSORS}`);
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const name of names) {
    const raw = (header as Record<string, unknown>)[name];
    if (name === '__metadata__') metadata = checkMetadata(raw, what);
    else entries.push(checkEntry(name, raw, dataLen, what));
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0; // the data block is tiled up to here
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (e.begin < covered) throw new SafetensorsError(`${what}: tensors ${sorted[i - 1].name} and ${e.name} overlap (${e.name} starts at byte ${e.begin} of the data block, ${sorted[i - 1].name} ends at ${covered})`);
    if (e.begin > covered) throw new SafetensorsError(`${what}: a gap of ${e.begin - covered} bytes before tensor ${e.name} (at byte ${covered} of the data block); the format requires tensors to tile the data`);
    covered = e.end;
  }
  if (covered !== dataLen) throw new SafetensorsError(`${what}: ${dataLen - covered} bytes after the last tensor are not part of any tensor (the data block is ${dataLen} bytes, the tensors cover ${covered})`);
  return { entries, metadata, dataStart };
}

/** Highest accepted tensor count. A SeqLab model has at most ~150 tensors (16 layers × 2 directions × 4 + heads),
 *  its training state three times that; PyTorch checkpoints of large models list a few thousand. */
export const MAX_TENSORS = 10_000;

function checkEntry(name: string, raw: unknown, dataLen: number, what: string): SafetensorsEntry {
  const t = `${what}: tensor ${JSON.stringify(name).slice(1, -1)}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SafetensorsError(`${t} is not an object with dtype, shape and data_offsets`);
  const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  // Not String(info.dtype): a crafted {"toString": 1} makes that throw a TypeError that names nothing.
  const dtype = typeof info.dtype === 'string' ? info.dtype : brief(info.dtype);
  const width = Object.prototype.hasOwnProperty.call(DTYPE_WIDTH, dtype) ? DTYPE_WIDTH[dtype as Dtype] : undefined;
  if (width === undefined) throw new SafetensorsError(`${t} has dtype ${dtype.slice(0, 40)}; SeqLab reads F32, F64, F16 and BF16`);
  const shape = info.shape, off = info.data_offsets;
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(`${t} has a bad shape ${brief(shape)} (expected at most ${MAX_RANK} non-negative integers)`);
  }
  if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[1] < off[0]) {
    throw new SafetensorsError(`${t} has bad data_offsets ${brief(off)} (expected [begin, end], integers with 0 ≤ begin ≤ end)`);
  }
  const [begin, end] = off as number[];
  if (end > dataLen) throw new SafetensorsError(`${what} is truncated: tensor ${name} ends at byte ${end} of a ${dataLen}-byte data block`);
  // ∏ shape with an early exit: once the count exceeds what the data block can hold, it is wrong, and
  // multiplying on could overflow 2^53 (or reach Infinity) and compare equal by accident.
  let count = (shape as number[]).includes(0) ? 0 : 1;
  for (const d of count === 0 ? [] : (shape as number[])) {
    count *= d;
    if (count * width > dataLen) throw new SafetensorsError(`${t} of shape [${shape.join(', ')}] needs more than the ${dataLen} bytes of the data block`);
  }
  if (end - begin !== count * width) throw new SafetensorsError(`${t} of shape [${shape.join(', ')}] needs ${count * width} bytes, its offsets span ${end - begin}`);
  return { name, dtype: dtype as Dtype, shape: shape as number[], count, begin, end };
}

/**
 * The first top-level key of the (already parsed, so valid) JSON object in bytes [from, to) that occurs twice,
 * or null. JSON.parse keeps the last of duplicate keys silently, so a file could show one reader the first
 * entry and SeqLab the second (and a duplicate would otherwise surface as a puzzling "gap" between tensors);
 * RFC 8259 §4 leaves duplicates' meaning undefined, so they are refused. One pass over the bytes: depth is
 * tracked through brackets outside strings, and a depth-1 string followed by ':' is a key.
 */
function firstDuplicateKey(bytes: Uint8Array, from: number, to: number): string | null {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (c === 0x7b || c === 0x5b) depth++; // { [
    else if (c === 0x7d || c === 0x5d) depth--; // } ]
    else if (c === 0x22) { // a string: find its closing quote, skipping escaped characters
      const start = i;
      for (i++; bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++;
      if (depth !== 1) continue;
      let j = i + 1;
      while (bytes[j] === 0x20 || bytes[j] === 0x0a || bytes[j] === 0x0d || bytes[j] === 0x09) j++;
      if (bytes[j] !== 0x3a) continue; // a value, not a key
      const key = JSON.parse(utf8Decode(bytes.subarray(start, i + 1))) as string; // escapes decoded: "\u0061" is "a"
      if (seen.has(key)) return key;
      seen.add(key);
    }
  }
  return null;
}

/** Tensors of higher rank do not occur in SeqLab or PyTorch RNN checkpoints; the bound keeps messages short. */
const MAX_RANK = 8;

function brief(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

type Dtype = 'F32' | 'F64' | 'F16' | 'BF16';
const DTYPE_WIDTH: Record<Dtype, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

function readFloats(view: DataView, at: number, n: number, dtype: Dtype): Float32Array {
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
  else if (dtype === 'F64') for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, true);
  else if (dtype === 'BF16') for (let i = 0; i < n; i++) out[i] = bf16(view.getUint16(at + 2 * i, true));
  else for (let i = 0; i < n; i++) out[i] = f16(view.getUint16(at + 2 * i, true));
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));
function bf16(bits: number): number {
  scratch.setUint32(0, bits << 16, false);
  return scratch.getFloat32(0, false);
}

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
function f16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1, exp = (bits >> 10) & 31, frac = bits & 1023;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function checkMetadata(raw: unknown, what: string): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SafetensorsError(`${what}: __metadata__ is not an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new SafetensorsError(`${what}: __metadata__.${k} is not a string`);
    out[k] = v;
  }
  return out;
}
