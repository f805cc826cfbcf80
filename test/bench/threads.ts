// W1-2t and W2-2t: W1 and W2 trained with two threads (issue 16 item 1). SeqLab only: the tf.layers peers have no
// data-parallel path. The model and step are W1's / W2's (LSTM, mean cross-entropy over B·T, clip 5, Adam), on
// THE run path the CLI and the editor use: a TrainingRun with config.threads = 2 (engine/parallel), its helper
// on dist/trainThread.js (or out/bench/trainThread.js). The run reads its own batches of the same corpus
// (contiguous streams, truncated BPTT), so a rep times one optimizer step of B·T tokens, as W1 does.
import * as fs from 'fs';
import * as path from 'path';
import { nodeThreadHost } from '../../src/cli/threads';
import { runConfig } from '../../src/engine/run/config';
import { TrainingRun } from '../../src/engine/run/run';
import type { CharLMConfig, LMTrainer } from './sides';

/** The helper thread's script: beside the bench bundle if it was built there, else the extension's dist/. */
function threadScript(root: string): string | null {
  for (const p of [path.join(__dirname, 'trainThread.js'), path.join(root, 'dist', 'trainThread.js')]) if (fs.existsSync(p)) return p;
  return null;
}

/** W1/W2's char LM on `threads` threads, or a reason it cannot run. */
export function threadedCharLM(corpus: string, cfg: CharLMConfig, threads: number, root: string): LMTrainer | string {
  const script = threadScript(root);
  if (!script) return 'dist/trainThread.js is missing: run npm run build first';
  const config = runConfig({
    task: 'lm', tokenizer: 'char', cell: cfg.cell, hidden: cfg.hidden, layers: cfg.layers, embedding: cfg.embed, seqLen: cfg.seqLen,
    batch: cfg.batch, optimizer: 'adam', lr: cfg.lr, clip: cfg.clipNorm, seed: cfg.seed, validEvery: 0, validBatches: 0, checkpointEvery: 0, threads,
  });
  const run = TrainingRun.create(config, { kind: 'lm', text: corpus }, { kind: 'lm', text: corpus.slice(0, 4096) }, null, nodeThreadHost(script, threads));
  if (run.threads !== threads) return `the run got ${run.threads} threads`;
  const model = run.task.kind === 'lm' ? run.task.model : null;
  return {
    step: () => run.trainStep().loss,
    evaluate(x, y) {
      model!.forward(x, cfg.batch, cfg.seqLen);
      return model!.loss(y, 'mean').loss;
    },
    note: () => `${run.threads} threads (TrainingRun, data-parallel), ${run.task.params.size} params`,
  };
}
