// Integrity of checkpoint bytes, checked on every load before a weight is used:
//   checksums   seqlab.json records a CRC-32 of each safetensors file it describes ("checksums": {
//               "model.safetensors": "crc32:1c291ca3", … }); a flipped byte anywhere in a file (header or
//               tensor data) changes it. CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, the one of zlib,
//               gzip and PNG) because it detects EVERY single-bit and double-bit error and every error burst up
//               to 32 bits at these file sizes, which is what storage and copy corruption looks like; it is
//               not a defence against tampering (nothing here is). It is also what Python's zlib.crc32 computes,
//               so a PyTorch user can check a file by hand. Checkpoints written before this field load unchecked.
//               seqlab.json records one of ITSELF too ("seqlab.json": …): the CRC-32 of its content without
//               "checksums", keys sorted at every level (metaContentBytes). An edit that keeps it valid JSON (two
//               labels swapped, one tokenizer symbol changed) silently changes every answer; this catches it,
//               while re-indenting or reordering keys does not count as a change.
//   finiteness  a NaN or ±Inf weight makes every output NaN ("prob": null, "zzzz…"), so no tensor holding one
//               is accepted; the error names the tensor and the first bad index.
import { utf8Encode } from '../tokenize/utf8';

const CRC_TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of `bytes` (zlib's crc32; "123456789" → 0xcbf43926). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The form stored in seqlab.json: "crc32:" + 8 lowercase hex digits. */
export function checksumOf(bytes: Uint8Array): string {
  return `crc32:${crc32(bytes).toString(16).padStart(8, '0')}`;
}

/** Keys sorted at every level: the canonical form of a JSON value (JSON.stringify keeps insertion order). */
function sortedKeys(_key: string, v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>, out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

/**
 * The bytes seqlab.json's own checksum covers: the parsed JSON minus "checksums", keys sorted, as UTF-8. Null
 * when the value nests too deeply to serialise (JSON.parse accepts depths JSON.stringify overflows on).
 */
export function metaContentBytes(meta: Record<string, unknown>): Uint8Array | null {
  const { checksums: _checksums, ...content } = meta;
  try {
    return Uint8Array.from(utf8Encode(JSON.stringify(content, sortedKeys)));
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/** Adds seqlab.json's own checksum (under `metaFile`) to `meta.checksums`, computed as a reader will see it. */
export function withMetaChecksum<T extends { checksums: Record<string, string> }>(meta: T, metaFile: string): T {
  const bytes = metaContentBytes(JSON.parse(JSON.stringify(meta)) as Record<string, unknown>)!;
  meta.checksums[metaFile] = checksumOf(bytes);
  return meta;
}

/** Checksums of the files present, keyed by file name (for seqlab.json's "checksums"). */
export function fileChecksums(files: Record<string, Uint8Array | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(files)) if (bytes) out[name] = checksumOf(bytes);
  return out;
}

/**
 * Verifies each file against the checksum seqlab.json recorded for it; returns an error message naming the file,
 * or null. `recorded` undefined (an older checkpoint) checks nothing; a malformed record is an error.
 */
export function checksumProblem(recorded: unknown, files: Record<string, Uint8Array | undefined>, where: string, metaFile: string): string | null {
  if (recorded === undefined) return null;
  if (typeof recorded !== 'object' || recorded === null || Array.isArray(recorded)) return `${where}/${metaFile}: checksums must be an object of file name → "crc32:<8 hex digits>"`;
  for (const [name, value] of Object.entries(recorded as Record<string, unknown>)) {
    if (typeof value !== 'string' || !/^crc32:[0-9a-f]{8}$/.test(value)) return `${where}/${metaFile}: checksums.${name} must be "crc32:<8 hex digits>", got ${JSON.stringify(value)}`;
    if (name === metaFile) continue; // metaChecksumProblem, once every other check has passed
    if (!(name in files)) return `${where}/${metaFile}: checksums names ${name}, which is not a checkpoint file`;
    const bytes = files[name];
    if (!bytes) return `${where}/${name} is missing (${metaFile} records its checksum)`;
    const actual = checksumOf(bytes);
    if (actual !== value) return `${where}/${name} is corrupt: its CRC-32 is ${actual.slice(6)}, ${metaFile} recorded ${value.slice(6)} (changed bytes or an incomplete copy)`;
  }
  return null;
}

/** Index of the first NaN or ±Inf in `data`, or -1. */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/** "tensor head.bias holds NaN at index 3 (of 12)", or null when every value is finite. */
export function nonFiniteProblem(name: string, data: ArrayLike<number>): string | null {
  const i = firstNonFinite(data);
  if (i < 0) return null;
  return `tensor ${name} holds ${data[i]} at index ${i} (of ${data.length}); a model with non-finite weights gives NaN outputs (its training diverged)`;
}

/**
 * Verifies seqlab.json's own checksum (see the header), or null when it matches or none was recorded. Readers
 * call it LAST, after every field, tensor and value check: an edit that breaks one of those gets that check's
 * more precise message, and this catches the edits that break nothing and would silently change the answers.
 * checksumProblem has already checked the shape of `checksums`.
 */
export function metaChecksumProblem(meta: Record<string, unknown>, where: string, metaFile: string): string | null {
  const recorded = (meta.checksums as Record<string, unknown> | undefined)?.[metaFile];
  if (typeof recorded !== 'string') return null;
  const own = metaContentBytes(meta);
  if (!own) return `${where}/${metaFile}: a value nests too deeply to check the file's checksum`;
  const actual = checksumOf(own);
  if (actual === recorded) return null;
  return `${where}/${metaFile} was changed after it was saved: the CRC-32 of its content is ${actual.slice(6)}, checksums.${metaFile} recorded ${recorded.slice(6)} (delete that entry to load an edit made on purpose)`;
}
