// Where runs live: <root>/runs/<run id>/ (root = the extension's storageUri, or globalStorageUri when no
// folder is open). Every file is written atomically (a temporary name, then rename). A checkpoint is replaced
// as a whole without renaming folders (workspace.fs cannot promise that is atomic on every file system): each
// save writes a folder of its own, ckpt-<step>-<save id>/, never reused (two saves at one step must not write
// into the folder latest.json points to), seqlab.json last; then `latest.json` is replaced to point to it. A
// crash at any write leaves latest.json on the previous complete checkpoint; folders it does not point to are
// removed by the next save (all but the previous one). If latest.json itself is unreadable, the newest folder
// whose seqlab.json was written is loaded (seqlab.json goes last, so its presence means the folder is complete).
//   runs/<id>/run.json                   name, config, corpus messages          (StoredRun without the texts)
//   runs/<id>/corpus.json                { train, valid }: the texts, so a run resumes after a window reload
//   runs/<id>/latest.json                { dir: "ckpt-0000120-lq3x1a", step: 120 }
//   runs/<id>/ckpt-0000120-lq3x1a/       model.safetensors, training.safetensors, seqlab.json
//   runs/<id>/best.json                  { dir: "best-0000100-lq3x1b", step: 100, validLoss: 1.63 }: the best validation's
//   runs/<id>/best-0000100-lq3x1b/       model.safetensors, seqlab.json (no training state: resume from the latest)
//   runs/<id>/progress.json              { step }: the step the run last reported (every few seconds), so a run
//                                        interrupted by a reload can say how far it got
//   runs/<id>/ended.json                 { state, step, ending }: written when the run ends in its window; a run
//                                        without it was live when the window went away (interrupted)
// (ckpt-0000120/ without a save id is how earlier versions named the folder; those still load.)
// The file system is abstracted (FileApi) so the extension uses workspace.fs and tests use Node's fs.
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { META_FILE, MODEL_FILE, STATE_FILE } from '../../engine/checkpoint';
import type { CheckpointBytes, RunConfig } from '../../protocol/training';

export interface StoredRun {
  id: string;
  name: string;
  config: RunConfig;
  train: string;
  valid: string;
  corpusMessages: string[];
  /** Language ids of the corpus documents (completions are offered there after a reload too). */
  languages?: string[];
  /** Hidden from the dashboard's charts (the runs table still lists it). */
  hidden?: boolean;
}

/** How a run ended in its window (runs/<id>/ended.json). */
export interface RunEnded {
  state: 'stopped' | 'failed';
  step: number;
  ending: { early: boolean; keptBest: boolean } | null;
}

export type ModelUse = 'best' | 'latest';

export interface RunStore {
  saveRun(run: StoredRun): Promise<void>;
  loadRun(id: string): Promise<StoredRun | null>;
  listRuns(): Promise<string[]>;
  saveCheckpoint(id: string, files: CheckpointBytes): Promise<void>;
  loadCheckpoint(id: string): Promise<CheckpointBytes | null>;
  /** Directory of the run's latest checkpoint (for export), or null. */
  checkpointDir(id: string): Promise<string | null>;
  /** The best validation's weights (TrainingRun.bestCheckpoint), kept beside the latest. */
  saveBestCheckpoint(id: string, files: CheckpointBytes, best: { step: number; validLoss: number }): Promise<void>;
  loadBestCheckpoint(id: string): Promise<CheckpointBytes | null>;
  loadBestInfo(id: string): Promise<{ step: number; validLoss: number } | null>;
  /** The checkpoint a command uses: the best (falling back to the latest when there is none yet) or the latest. */
  loadModelCheckpoint(id: string, use: ModelUse): Promise<CheckpointBytes | null>;
  saveEnded(id: string, ended: RunEnded): Promise<void>;
  loadEnded(id: string): Promise<RunEnded | null>;
  /** A resumed run is live again. */
  clearEnded(id: string): Promise<void>;
  saveProgress(id: string, step: number): Promise<void>;
  loadProgress(id: string): Promise<number | null>;
  /** Resolves when every save started so far has finished. */
  flush(): Promise<void>;
  /** Rewrites the run's name and hidden flag in run.json (its corpus and checkpoints are untouched). */
  updateRun(id: string, change: { name?: string; hidden?: boolean }): Promise<void>;
  /** Removes the run's folder: run.json, its corpus and every checkpoint. */
  deleteRun(id: string): Promise<void>;
}

/** The few file operations the store needs; paths are '/'-joined below a root. */
export interface FileApi {
  read(path: string): Promise<Uint8Array | null>;
  /** Atomic: temporary file in the same directory, then rename over the target. */
  write(path: string, data: Uint8Array): Promise<void>;
  list(dir: string): Promise<string[]>;
  remove(path: string): Promise<void>;
  /** A path the OS understands (for export and for showing the user), when the files are local. */
  osPath(path: string): string;
}

/** A checkpoint folder's name: ckpt-<step, 7 digits>[-<save id>]. */
const CKPT_DIR = /^ckpt-(\d+)(?:-([0-9a-z]+))?$/;
/** The best checkpoint's folder: best-<step, 7 digits>-<save id>. */
const BEST_DIR = /^best-(\d+)-([0-9a-z]+)$/;
const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const dec = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

export class FileRunStore implements RunStore {
  private pending = new Set<Promise<unknown>>();
  private saves = 0;
  /** Saves of one run are chained, so two checkpoints never interleave their files. */
  private chains = new Map<string, Promise<void>>();

  constructor(private readonly files: FileApi) {}

  async saveRun(run: StoredRun): Promise<void> {
    const { train, valid, ...rest } = run;
    await this.clearEnded(run.id);
    await this.track(this.files.write(`runs/${run.id}/corpus.json`, enc(JSON.stringify({ train, valid }))));
    await this.track(this.files.write(`runs/${run.id}/run.json`, enc(JSON.stringify(rest, null, 1))));
  }

  async loadRun(id: string): Promise<StoredRun | null> {
    const r = await this.files.read(`runs/${id}/run.json`);
    const c = await this.files.read(`runs/${id}/corpus.json`);
    if (!r || !c) return null;
    return { ...(JSON.parse(dec(r)) as Omit<StoredRun, 'train' | 'valid'>), ...(JSON.parse(dec(c)) as { train: string; valid: string }) };
  }

  async updateRun(id: string, change: { name?: string; hidden?: boolean }): Promise<void> {
    const r = await this.files.read(`runs/${id}/run.json`);
    if (!r) throw new Error(`run ${id} has no run.json in the store`);
    const stored = JSON.parse(dec(r)) as Omit<StoredRun, 'train' | 'valid'>;
    if (change.name !== undefined) stored.name = change.name;
    if (change.hidden !== undefined) {
      if (change.hidden) stored.hidden = true;
      else delete stored.hidden;
    }
    await this.track(this.files.write(`runs/${id}/run.json`, enc(JSON.stringify(stored, null, 1))));
  }

  async deleteRun(id: string): Promise<void> {
    // After any save still writing into the folder, so no file lands in it after it is gone.
    await (this.chains.get(id) ?? Promise.resolve()).catch(() => undefined);
    this.chains.delete(id);
    await this.track(this.files.remove(`runs/${id}`));
  }

  async listRuns(): Promise<string[]> {
    return (await this.files.list('runs')).sort();
  }

  saveCheckpoint(id: string, files: CheckpointBytes): Promise<void> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.writeCheckpoint(id, files));
    this.chains.set(id, next);
    return this.track(next);
  }

  private async writeCheckpoint(id: string, files: CheckpointBytes): Promise<void> {
    const meta = JSON.parse(files.meta) as { training?: { stepCount?: number } | null };
    const step = meta.training?.stepCount ?? 0;
    const previous = await this.pointer(id);
    // A fresh folder per save: time in base 36 plus a counter, so no save ever writes into a live folder.
    const dir = `ckpt-${String(step).padStart(7, '0')}-${Date.now().toString(36)}${(this.saves++).toString(36)}`;
    const base = `runs/${id}/${dir}`;
    await this.files.write(`${base}/${MODEL_FILE}`, files.model);
    if (files.state) await this.files.write(`${base}/${STATE_FILE}`, files.state);
    await this.files.write(`${base}/${META_FILE}`, enc(files.meta)); // last: its presence marks the folder complete
    await this.files.write(`runs/${id}/latest.json`, enc(JSON.stringify({ dir, step })));
    // Keep the new folder and the one latest.json named before (a fallback); the rest are older or were
    // abandoned by a crash before latest.json named them.
    // A latest.json temporary is left only by a crash in an earlier save (saves of a run are chained).
    for (const n of await this.files.list(`runs/${id}`)) {
      const stale = (CKPT_DIR.test(n) && n !== dir && n !== previous) || /^\.?latest\.json\..*\.tmp$/.test(n);
      if (stale) await this.files.remove(`runs/${id}/${n}`);
    }
  }

  saveBestCheckpoint(id: string, files: CheckpointBytes, best: { step: number; validLoss: number }): Promise<void> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.writeBest(id, files, best));
    this.chains.set(id, next);
    return this.track(next);
  }

  /** As writeCheckpoint: a fresh folder, seqlab.json last, then best.json; the folders it no longer names go. */
  private async writeBest(id: string, files: CheckpointBytes, best: { step: number; validLoss: number }): Promise<void> {
    const dir = `best-${String(best.step).padStart(7, '0')}-${Date.now().toString(36)}${(this.saves++).toString(36)}`;
    await this.files.write(`runs/${id}/${dir}/${MODEL_FILE}`, files.model);
    await this.files.write(`runs/${id}/${dir}/${META_FILE}`, enc(files.meta));
    await this.files.write(`runs/${id}/best.json`, enc(JSON.stringify({ dir, ...best })));
    for (const n of await this.files.list(`runs/${id}`)) if (BEST_DIR.test(n) && n !== dir) await this.files.remove(`runs/${id}/${n}`);
  }

  async loadBestInfo(id: string): Promise<{ step: number; validLoss: number } | null> {
    const b = await this.bestPointer(id);
    return b && { step: b.step, validLoss: b.validLoss };
  }

  async loadBestCheckpoint(id: string): Promise<CheckpointBytes | null> {
    const b = await this.bestPointer(id);
    return b ? this.readFolder(`runs/${id}/${b.dir}`) : null;
  }

  async loadModelCheckpoint(id: string, use: ModelUse): Promise<CheckpointBytes | null> {
    return (use === 'best' ? await this.loadBestCheckpoint(id) : null) ?? this.loadCheckpoint(id);
  }

  async saveEnded(id: string, ended: RunEnded): Promise<void> {
    await this.track(this.files.write(`runs/${id}/ended.json`, enc(JSON.stringify(ended))));
  }

  async loadEnded(id: string): Promise<RunEnded | null> {
    const b = await this.files.read(`runs/${id}/ended.json`);
    if (!b) return null;
    try {
      const e = JSON.parse(dec(b)) as Partial<RunEnded>;
      return (e.state === 'stopped' || e.state === 'failed') && Number.isInteger(e.step) ? { state: e.state, step: e.step!, ending: e.ending ?? null } : null;
    } catch {
      return null;
    }
  }

  async saveProgress(id: string, step: number): Promise<void> {
    await this.track(this.files.write(`runs/${id}/progress.json`, enc(JSON.stringify({ step }))));
  }

  async loadProgress(id: string): Promise<number | null> {
    const b = await this.files.read(`runs/${id}/progress.json`);
    try {
      const step = b ? (JSON.parse(dec(b)) as { step?: unknown }).step : null;
      return typeof step === 'number' && Number.isInteger(step) && step >= 0 ? step : null;
    } catch {
      return null;
    }
  }

  async clearEnded(id: string): Promise<void> {
    await this.files.remove(`runs/${id}/ended.json`);
  }

  /** best.json, or null when it is missing, unreadable or names something else. */
  private async bestPointer(id: string): Promise<{ dir: string; step: number; validLoss: number } | null> {
    const b = await this.files.read(`runs/${id}/best.json`);
    if (!b) return null;
    try {
      const p = JSON.parse(dec(b)) as { dir?: unknown; step?: unknown; validLoss?: unknown };
      return typeof p.dir === 'string' && BEST_DIR.test(p.dir) && Number.isInteger(p.step) && typeof p.validLoss === 'number'
        ? { dir: p.dir, step: p.step as number, validLoss: p.validLoss } : null;
    } catch {
      return null;
    }
  }

  async loadCheckpoint(id: string): Promise<CheckpointBytes | null> {
    const named = await this.pointer(id);
    const candidates = (await this.files.list(`runs/${id}`)).filter((n) => CKPT_DIR.test(n)).sort(newestFirst);
    for (const dir of named ? [named, ...candidates.filter((n) => n !== named)] : candidates) {
      const ck = await this.readFolder(`runs/${id}/${dir}`);
      if (ck) return ck;
    }
    return null;
  }

  private async readFolder(dir: string): Promise<CheckpointBytes | null> {
    const meta = await this.files.read(`${dir}/${META_FILE}`);
    const model = await this.files.read(`${dir}/${MODEL_FILE}`);
    if (!model || !meta) return null;
    const state = await this.files.read(`${dir}/${STATE_FILE}`);
    return { model, meta: dec(meta), ...(state ? { state } : {}) };
  }

  async checkpointDir(id: string): Promise<string | null> {
    const dir = await this.latestDir(id);
    return dir ? this.files.osPath(dir) : null;
  }

  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private async latestDir(id: string): Promise<string | null> {
    const named = await this.pointer(id);
    if (named && (await this.files.read(`runs/${id}/${named}/${META_FILE}`))) return `runs/${id}/${named}`;
    const complete = [];
    for (const n of (await this.files.list(`runs/${id}`)).filter((x) => CKPT_DIR.test(x))) {
      if (await this.files.read(`runs/${id}/${n}/${META_FILE}`)) complete.push(n);
    }
    return complete.length ? `runs/${id}/${complete.sort(newestFirst)[0]}` : null;
  }

  /** The folder latest.json names, or null when it is missing, unreadable or names something else. */
  private async pointer(id: string): Promise<string | null> {
    const l = await this.files.read(`runs/${id}/latest.json`);
    if (!l) return null;
    try {
      const { dir } = JSON.parse(dec(l)) as { dir?: unknown };
      return typeof dir === 'string' && CKPT_DIR.test(dir) ? dir : null;
    } catch {
      return null;
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const done = (): void => void this.pending.delete(p);
    p.then(done, done);
    return p;
  }
}

/** Newest first: by step, then by save id (a later save at the same step sorts after; base 36 of the time). */
function newestFirst(a: string, b: string): number {
  const [, sa, ia = ''] = CKPT_DIR.exec(a)!, [, sb, ib = ''] = CKPT_DIR.exec(b)!;
  return Number(sb) - Number(sa) || ib.length - ia.length || (ib < ia ? -1 : ib > ia ? 1 : 0);
}

/** FileApi over Node's fs below a local directory (tests, the CLI). */
export function nodeFiles(root: string): FileApi {
  const abs = (p: string): string => nodePath.join(root, ...p.split('/'));
  return {
    async read(p) {
      try {
        return new Uint8Array(await fs.readFile(abs(p)));
      } catch {
        return null;
      }
    },
    async write(p, data) {
      const target = abs(p);
      await fs.mkdir(nodePath.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
      // fsync before the rename, and the folder after it: without, a power loss can leave the renamed name
      // pointing at an empty file (delayed allocation), e.g. a latest.json naming a folder with no data.
      const handle = await fs.open(tmp, 'w');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      faultPoint();
      await fs.rename(tmp, target);
      faultPoint();
      await syncDir(nodePath.dirname(target));
    },
    async list(p) {
      try {
        return await fs.readdir(abs(p));
      } catch {
        return [];
      }
    },
    async remove(p) {
      await fs.rm(abs(p), { recursive: true, force: true });
      faultPoint();
    },
    osPath: abs,
  };
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // folders cannot be opened for fsync on every platform (Windows); the rename itself is still atomic
  }
}

/**
 * Crash tests: with SEQLAB_FAULT_AFTER_FS_OPS=k the process kills itself with SIGKILL (no cleanup, like a crash)
 * right after its k-th file-system change (the same hook as the CLI's src/cli/checkpointDir.ts).
 */
let fsOps = 0;
function faultPoint(): void {
  const k = Number(process.env.SEQLAB_FAULT_AFTER_FS_OPS);
  if (Number.isInteger(k) && k > 0 && ++fsOps === k) process.kill(process.pid, 'SIGKILL');
}
