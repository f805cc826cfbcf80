// "Load Model…" on a PyTorch training project, the --out folder of its train.py, or a folder `seqlab import`
// wrote: which checkpoint folder to load (engine/export/projectImport.ts decides, reading through workspace.fs),
// and the history that led to it, which the dashboard then shows as a finished run.
import * as vscode from 'vscode';
import type { HistoryPoint } from '../engine/export/project';
import { projectCheckpoint, projectHistory, type ReadText } from '../engine/export/projectImport';
import { parseRunConfig, type RunConfig } from '../engine/run/config';
import type { TrainMetric } from '../engine/run/report';

/** Largest config, pointer or history file read (a history of a million steps is about 100 MB). */
const MAX_PROJECT_TEXT = 256 * 2 ** 20;

export interface ModelFolder {
  checkpoint: vscode.Uri;
  history: HistoryPoint[];
  /** The run configuration the checkpoint records (null: none, e.g. an inference export). */
  config: RunConfig | null;
}

export async function modelFolder(folder: vscode.Uri): Promise<ModelFolder> {
  // Read as untrusted input, like the checkpoint's own files: only a regular file of bounded size (a FIFO named
  // config.json would block workspace.fs.readFile, a link to /dev/zero would never end).
  const read: ReadText = async (rel) => {
    const uri = vscode.Uri.joinPath(folder, ...rel.split('/'));
    try {
      const st = await vscode.workspace.fs.stat(uri);
      if (!(st.type & vscode.FileType.File) || st.size > MAX_PROJECT_TEXT) return null;
      return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    } catch {
      return null;
    }
  };
  // A checkpoint folder stands for itself; its history.jsonl is the one `seqlab import` saved beside it.
  const where = (await projectCheckpoint(read)) ?? { checkpoint: '.', metrics: null, history: 'history.jsonl' };
  const checkpoint = where.checkpoint === '.' ? folder : vscode.Uri.joinPath(folder, ...where.checkpoint.split('/'));
  const meta = await read(where.checkpoint === '.' ? 'seqlab.json' : `${where.checkpoint}/seqlab.json`);
  let config: RunConfig | null = null, step = Number.MAX_SAFE_INTEGER;
  try {
    const m = JSON.parse(meta ?? 'null') as { training?: { stepCount?: number; extra?: { config?: unknown } } | null };
    if (typeof m?.training?.stepCount === 'number') step = m.training.stepCount;
    if (m?.training?.extra?.config) config = parseRunConfig(m.training.extra.config);
  } catch {
    config = null; // the loader reports what is wrong with seqlab.json; the history is only informative
  }
  return { checkpoint, history: await projectHistory(read, where, step), config };
}

/** History points as the dashboard's metric points (what train.py logs: step, loss, grad norm, lr, epoch). */
export function historyMetrics(history: readonly HistoryPoint[]): TrainMetric[] {
  return history.map((p) => ({
    step: p.step, epoch: p.epoch ?? 0, loss: p.loss, lr: p.lr ?? 0, tokensPerSecond: 0,
    gradNorm: p.grad_norm, gradNormAfterClip: p.grad_norm, clipped: false, groupNorms: [],
  }));
}
