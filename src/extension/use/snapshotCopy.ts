// Copying a training run's weight snapshot into a host-side model (no 'vscode': unit-tested as is). The snapshot
// is a copy of the run's parameter arena, laid out as `started.info.tensors` says; the host model was built from
// the run's checkpoint and may lay its arena out differently (a worker's WebAssembly heap aligns and orders its
// tensors its own way), so tensors are matched by name and copied one by one, never as one block.
import type { Params } from '../../engine/params';

export interface SnapshotTensor {
  name: string;
  shape: number[];
  offset: number;
}

/**
 * Copies every tensor of `data` (laid out as `tensors`) into `params`. Copies nothing and returns false unless
 * the snapshot has exactly the model's tensors, each with its size and inside the snapshot, so a snapshot of
 * another model never leaves the host model half overwritten.
 */
export function copySnapshot(params: Params, tensors: readonly SnapshotTensor[], data: Float32Array): boolean {
  if (tensors.length !== params.entries.length) return false;
  const sizes = tensors.map((t) => t.shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    if (!params.has(t.name) || params.entry(t.name).size !== sizes[i] || !Number.isInteger(t.offset) || t.offset < 0 || t.offset + sizes[i] > data.length) return false;
  }
  if (new Set(tensors.map((t) => t.name)).size !== tensors.length) return false;
  tensors.forEach((t, i) => params.value(t.name).set(data.subarray(t.offset, t.offset + sizes[i])));
  return true;
}
