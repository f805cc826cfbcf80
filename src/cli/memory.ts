// The memory a `seqlab` command may use for a model, from this machine (os.totalmem(); the engine stays pure
// and is handed the limit): half the RAM by default (modelMemory.ts says why), or `--max-memory-mb` on train.
import * as os from 'node:os';
import { memoryLimitForRam, type MemoryLimit } from '../engine/modelMemory';
import type { FlagSpec } from './args';

export const MAX_MEMORY_FLAG: Record<string, FlagSpec> = { 'max-memory-mb': { type: 'int', min: 1 } };

export function hostMemoryLimit(flagMb?: number): MemoryLimit {
  if (flagMb !== undefined) return { bytes: flagMb * 2 ** 20, why: `set by --max-memory-mb ${flagMb}` };
  return memoryLimitForRam(os.totalmem(), 'raise it with --max-memory-mb');
}

/** For commands that only load a model (no flag to raise it). */
export function loadMemoryLimit(): MemoryLimit {
  return memoryLimitForRam(os.totalmem());
}
