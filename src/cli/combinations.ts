// Flags that mean something only together with others. A flag the chosen task, model or decoder would ignore
// is refused with one line (a UsageError, exit 2) rather than dropped in silence: the user asked for something
// and must learn that it did not happen. The checks that need the data or the model live where those are read.
import { NUM_SPECIAL } from '../engine/tokenize/types';
import { UsageError, type Flags } from './args';

/** Byte-level BPE starts from the 256 byte values (engine/tokenize/bpe.ts), every one a token. */
const BPE_BYTE_SYMBOLS = 256;

const given = (f: Flags, name: string): boolean => f[name] !== undefined;

/** `seqlab train`: combinations the task or the other flags would ignore. */
export function refuseIgnoredTrainFlags(kind: string, f: Flags): void {
  // Refused before any data is read (the engine refuses it too, but only after reading and tokenizing).
  if (f.bidirectional && kind === 'lm') throw new UsageError('train: --task lm cannot be bidirectional: a language model predicts the next token from the past only');
  if (f.bidirectional && kind === 'one-to-many') throw new UsageError('train: --task one-to-many cannot be bidirectional: it writes its text left to right');
  if (given(f, 'merge') && !f.bidirectional) {
    throw new UsageError('train: --merge joins the two directions of a --bidirectional network; without --bidirectional there is nothing to merge');
  }
  if (given(f, 'merge') && kind === 'seq2seq' && f.merge !== 'concat') {
    throw new UsageError(`train: --merge ${String(f.merge)} does not apply to --task seq2seq: its bidirectional encoder always concatenates the two directions (PyTorch's layout)`);
  }
  if (given(f, 'teacher-forcing') && kind !== 'seq2seq') {
    throw new UsageError(`train: --teacher-forcing is for --task seq2seq (how often the decoder is fed the reference token), not ${kind}`);
  }
  if (given(f, 'tokenizer') && kind === 'tag' && f.tokenizer !== 'word') {
    throw new UsageError(`train: --task tag reads the words of the CoNLL file as its tokens; --tokenizer ${String(f.tokenizer)} does not apply`);
  }
  const bpeMin = NUM_SPECIAL + BPE_BYTE_SYMBOLS;
  if (f.tokenizer === 'bpe' && given(f, 'vocab-size') && (f['vocab-size'] as number) < bpeMin) {
    throw new UsageError(`train: --vocab-size with --tokenizer bpe must be at least ${bpeMin} (${NUM_SPECIAL} special tokens + ${BPE_BYTE_SYMBOLS} byte symbols), got ${String(f['vocab-size'])}`);
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
