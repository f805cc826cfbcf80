// The tensors of a checkpoint's safetensors files checked against the architecture's parameter layout
// (architecture.ts paramLayout, which allocates nothing): every parameter present under its name with its exact
// shape and finite values, nothing else under the prefix. Run before a model is built, so a bad file builds
// nothing and overwrites nothing.
import type { ParamEntry } from '../params';
import { decodeSafetensors } from '../safetensors';
import { CheckpointError } from './error';
import { nonFiniteProblem } from './integrity';

export type DecodedTensors = Map<string, { shape: number[]; data: Float32Array }>;

/** The tensors of a safetensors file; a malformed file is a CheckpointError naming `what`. */
export function decodeTensors(bytes: Uint8Array, what: string): DecodedTensors {
  try {
    return decodeSafetensors(bytes, what).tensors;
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
}

/**
 * Every entry `prefix + name` must be in `found` with its exact shape and finite values, and nothing else may carry
 * the prefix; returns name → values. Errors start with `what` (the file, or "cannot import <file>").
 */
export function checkTensors(found: DecodedTensors, entries: readonly ParamEntry[], what: string, prefix = ''): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const e of entries) {
    const t = found.get(prefix + e.name);
    if (!t) throw new CheckpointError(`${what}: tensor ${prefix + e.name} is missing`);
    if (!sameShape(t.shape, e.shape)) {
      throw new CheckpointError(`${what}: tensor ${prefix + e.name} has shape [${t.shape.join(', ')}], the architecture needs [${e.shape.join(', ')}]`);
    }
    const nonFinite = nonFiniteProblem(prefix + e.name, t.data);
    if (nonFinite) throw new CheckpointError(`${what}: ${nonFinite}`);
    out.set(e.name, t.data);
  }
  const names = new Set(entries.map((e) => e.name));
  for (const name of found.keys()) {
    if (name.startsWith(prefix) && !names.has(name.slice(prefix.length))) {
      throw new CheckpointError(`${what}: unexpected tensor ${name} (not part of this architecture)`);
    }
  }
  return out;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
