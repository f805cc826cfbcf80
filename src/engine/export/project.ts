// A PyTorch training project of a run (`seqlab export RUN --format pytorch-project`, "SeqLab: Export Training
// Project for PyTorch…"): pure, it returns file name → contents and the caller writes them.
//   model.py           torch.nn modules of every kind under SeqLab's parameter names (checkpoint/modelPy.ts)
//   train.py           SeqLab's training step under DDP (trainPy.ts)
//   config.json        the RunConfig, and what the run derived from it NOW (optimizer, schedule with any
//                      learning-rate adjustment, clipping), plus the project format marker importers look for
//   data.json          the token ids the run trains on, in the task's own layout (projectData.ts); the
//                      vocabulary is the checkpoint's tokenizer, so text is tokenized exactly as SeqLab did
//   checkpoint/        the run's checkpoint WITH its training state (moments and step, generator, data
//                      position, lm carry): train.py's starting point
//   history.jsonl      the SeqLab steps' metrics, when the caller has them (the editor keeps a run's history)
//   README.md          the commands for one CPU, one GPU, N GPUs on M nodes, and the way back into SeqLab
import { META_FILE, MODEL_FILE, STATE_FILE } from '../checkpoint';
import { checkProjectExportable, modelPy } from '../checkpoint/modelPy';
import type { TrainingRun } from '../run/run';
import { projectData } from './projectData';
import { projectReadme } from './projectReadme';
import { trainPy } from './trainPy';

/** config.json's "format": how `seqlab import` and "Load Model…" tell a project folder from a checkpoint. */
export const PROJECT_FORMAT = 'seqlab-pytorch-project';
export const PROJECT_VERSION = 1;
export const PROJECT_CONFIG_FILE = 'config.json';
/** Where train.py starts from, and where it writes by default (OUT/latest names the newest checkpoint in OUT). */
export const PROJECT_CHECKPOINT_DIR = 'checkpoint';
export const PROJECT_RUNS_DIR = 'runs';
export const PROJECT_LATEST_FILE = 'latest';
export const PROJECT_METRICS_FILE = 'metrics.jsonl';
export const PROJECT_HISTORY_FILE = 'history.jsonl';

/** One SeqLab step's metrics as history.jsonl holds them (the same fields train.py logs). */
export interface HistoryPoint {
  step: number;
  loss: number;
  grad_norm: number;
  lr?: number;
  epoch?: number;
}

export interface ProjectOptions {
  /** The steps the run took so far, oldest first (the editor's metric history); none from the CLI. */
  history?: readonly HistoryPoint[];
  /** Free-form description saved in the checkpoint's info (run name, where the data came from). */
  info?: Record<string, unknown>;
}

/**
 * File path (with '/' separators) → contents of the project that continues `run` from its current step.
 * Throws ArchitectureError for a model the project cannot train (a vector-conditioned one-to-many).
 */
export function pytorchProjectFiles(run: TrainingRun, opts: ProjectOptions = {}): Record<string, string | Uint8Array> {
  checkProjectExportable(run.task.architecture);
  const core = run.parts.core;
  const ck = run.checkpoint({ ...opts.info, exportedFor: 'pytorch-project' });
  const config = {
    format: PROJECT_FORMAT, version: PROJECT_VERSION, task: run.config.task, exportedAtStep: run.step,
    run: run.config, optimizer: core.cfg.optimizer, schedule: core.cfg.schedule, clip: core.cfg.clipNorm,
  };
  const files: Record<string, string | Uint8Array> = {
    'model.py': modelPy(),
    'train.py': trainPy(),
    [PROJECT_CONFIG_FILE]: JSON.stringify(config, null, 1) + '\n',
    'data.json': JSON.stringify(projectData(run)),
    [`${PROJECT_CHECKPOINT_DIR}/${MODEL_FILE}`]: ck.model,
    [`${PROJECT_CHECKPOINT_DIR}/${META_FILE}`]: ck.meta,
    [`${PROJECT_CHECKPOINT_DIR}/${STATE_FILE}`]: ck.state!,
    'README.md': projectReadme(run.config.task, run.step),
  };
  if (opts.history?.length) files[PROJECT_HISTORY_FILE] = opts.history.map((p) => JSON.stringify(p)).join('\n') + '\n';
  return files;
}
