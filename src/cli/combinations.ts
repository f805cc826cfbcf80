// Flags that mean something only together with others. A flag the chosen task, model or decoder would ignore
// is refused with one line (a UsageError, exit 2) rather than dropped in silence: the user asked for something
// and must learn that it did not happen. The checks that need the data or the model live where those are read.
import { UsageError, type Flags } from './args';

const given = (f: Flags, name: string): boolean => f[name] !== undefined;

/**
 * `seqlab train`: what the run config cannot see. Which task reads a flag and which values fit together are the
 * field table's (trainConfig.ts refuses those); only whether a flag was GIVEN is the CLI's to know.
 */
export function refuseIgnoredTrainFlags(f: Flags): void {
  if (given(f, 'merge') && !f.bidirectional) {
    throw new UsageError('train: --merge joins the two directions of a --bidirectional network; without --bidirectional there is nothing to merge');
  }
  if (given(f, 'patience') && !f['early-stopping']) {
    throw new UsageError('train: --patience counts validations before an early stop; without --early-stopping the run never stops early');
  }
}

/** `seqlab eval`: options that only one kind of model reads. */
export function refuseIgnoredEvalFlags(dir: string, kind: string, hasAttention: boolean, f: Flags): void {
  if (given(f, 'words') && kind !== 'lm') throw new UsageError(`eval: --words counts next-word accuracy of a language model; ${dir} holds a ${kind} model`);
  if (given(f, 'limit') && kind === 'lm') throw new UsageError(`eval: --limit counts examples; a language model is evaluated on the whole text (--words bounds its next-word accuracy)`);
  if (f.mirror && kind !== 'seq2seq') throw new UsageError(`eval: --mirror measures seq2seq attention; ${dir} holds a ${kind} model`);
  if (f.mirror && !hasAttention) throw new UsageError(`eval: --mirror measures attention, and the seq2seq model in ${dir} has none (--attention none)`);
}

/** `seqlab generate`: sampling options under a deterministic decoder. */
export function refuseIgnoredGenerateFlags(f: Flags): void {
  const sampling = ['temperature', 'top-k', 'top-p', 'seed'].filter((n) => given(f, n));
  if ((f.beam as number | undefined) !== undefined && (f.beam as number) > 1 && sampling.length) {
    throw new UsageError(`generate: --${sampling[0]} only matters when sampling; --beam ${String(f.beam)} searches deterministically and would ignore it`);
  }
  const shaping = sampling.filter((n) => n !== 'temperature');
  if (f.temperature === 0 && shaping.length) {
    throw new UsageError(`generate: --${shaping[0]} only matters when sampling; --temperature 0 decodes greedily and would ignore it`);
  }
}
