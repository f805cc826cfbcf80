// data.json of a training project: the token ids a run trains on, laid out as train.py's batcher reads them, so
// its batches are the ones the run's task would fill (engine/data/batch.ts):
//   lm           { stream: the first rows·L ids of the tokenized training text, rows (B), seqLen (T) }: LmBatcher's
//                rows are stream[b·L, (b+1)·L) and chunk k is columns [k·T, k·T + T] of them
//   seq2seq      { src, tgt: ids per pair, each cut at seqLen, batch }
//   classify     { seqs, labels: label id per text, batch }
//   tag          { seqs, tags: tag id per token, batch }
//   one-to-many  { seqs, labels: label id per text, batch }
// Only the training set: the held-out share (run/data.ts) is the run's validation set, never a batch.
import type { TrainingRun } from '../run/run';

export type ProjectData =
  | { kind: 'lm'; stream: number[]; rows: number; seqLen: number }
  | { kind: 'seq2seq'; src: number[][]; tgt: number[][]; batch: number }
  | { kind: 'classify' | 'one-to-many'; seqs: number[][]; labels: number[]; batch: number }
  | { kind: 'tag'; seqs: number[][]; tags: number[][]; batch: number };

export function projectData(run: TrainingRun): ProjectData {
  const task = run.task;
  if (task.kind === 'lm') {
    if (run.train.kind !== 'lm') throw new Error('a language model run without text');
    const b = task.batcher!, ids = task.tokenizer.encode(run.train.text);
    return { kind: 'lm', stream: ids.slice(0, b.batchSize * b.rowLength), rows: b.batchSize, seqLen: b.seqLen };
  }
  if (task.kind === 'seq2seq') {
    const t = task.train!;
    return { kind: 'seq2seq', src: t.src, tgt: t.tgt, batch: t.order.batchSize };
  }
  if (task.kind === 'one-to-many') {
    const t = task.train!;
    return { kind: 'one-to-many', seqs: t.seqs, labels: Array.from(t.ids), batch: t.order.batchSize };
  }
  const t = task.train!;
  if (task.kind === 'classify') return { kind: 'classify', seqs: t.seqs, labels: Array.from(t.labels as Int32Array), batch: t.order.batchSize };
  return { kind: 'tag', seqs: t.seqs, tags: t.labels as number[][], batch: t.order.batchSize };
}
