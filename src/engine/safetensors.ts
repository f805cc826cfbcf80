// The safetensors file format (huggingface/safetensors, "Format" section of its README), written and read
// in pure TypeScript so the worker, the CLI and the tests share one implementation:
//   bytes [0, 8)          N, the header length, unsigned 64-bit little-endian
//   bytes [8, 8 + N)      UTF-8 JSON: { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] },
//                                      "__metadata__": { "<key>": "<string value>" } }   (metadata optional)
//   bytes [8 + N, end)    the raw tensor data, little-endian, row-major; offsets are relative to this block
// The header is padded with spaces to a multiple of 8 bytes (as the reference writer does) so every F32 tensor
// starts 4-aligned. Reading checks everything a truncated or corrupt file would break — header length, JSON,
// dtypes, shapes against offsets, offsets inside the file, no overlap — and throws SafetensorsError naming it.
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

/** Largest header we accept: real headers are a few KB; a huge N means a corrupt or foreign file. */
const MAX_HEADER = 100 * 1024 * 1024;

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

/** Decodes a safetensors file; `what` names it in errors (e.g. its path). Only F32, F64, F16 and BF16 load. */
export function decodeSafetensors(bytes: Uint8Array, what = 'safetensors file'): Safetensors {
  if (bytes.length < 8) throw new SafetensorsError(`${what} is truncated: ${bytes.length} bytes, less than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true), hi = view.getUint32(4, true);
  if (hi !== 0 || lo > MAX_HEADER) throw new SafetensorsError(`${what} is not a safetensors file (header length ${hi * 2 ** 32 + lo} is implausible)`);
  if (8 + lo > bytes.length) throw new SafetensorsError(`${what} is truncated: the header needs ${lo} bytes, the file has ${bytes.length - 8}`);
  if (lo < 2 || bytes[8] !== 0x7b) throw new SafetensorsError(`${what} is not a safetensors file (the header is not a JSON object)`);
  let header: unknown;
  try {
    header = JSON.parse(utf8Decode(bytes.subarray(8, 8 + lo)));
  } catch (e) {
    throw new SafetensorsError(`${what} has a corrupt header: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError(`${what}: header is not a JSON object`);
  const dataStart = 8 + lo, dataLen = bytes.length - dataStart;
  const tensors = new Map<string, DecodedTensor>();
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = checkMetadata(raw, what);
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const shape = info?.shape, off = info?.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(`${what}: tensor ${name} has a bad shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0) || off[1] < off[0]) {
      throw new SafetensorsError(`${what}: tensor ${name} has bad data_offsets ${JSON.stringify(off)}`);
    }
    const width = DTYPE_WIDTH[String(info.dtype)];
    if (width === undefined) throw new SafetensorsError(`${what}: tensor ${name} has dtype ${String(info.dtype)}; SeqLab reads F32, F64, F16 and BF16`);
    const n = sizeOf(shape as number[]);
    if (off[1] - off[0] !== n * width) throw new SafetensorsError(`${what}: tensor ${name} of shape [${shape.join(', ')}] needs ${n * width} bytes, its offsets span ${off[1] - off[0]}`);
    if (off[1] > dataLen) throw new SafetensorsError(`${what} is truncated: tensor ${name} ends at byte ${off[1]} of a ${dataLen}-byte data block`);
    spans.push([off[0], off[1], name]);
    tensors.set(name, { shape: shape as number[], data: readFloats(view, dataStart + off[0], n, String(info.dtype)) });
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) throw new SafetensorsError(`${what}: tensors ${spans[i - 1][2]} and ${spans[i][2]} overlap`);
  }
  return { tensors, metadata };
}

const DTYPE_WIDTH: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

function readFloats(view: DataView, at: number, n: number, dtype: string): Float32Array {
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
