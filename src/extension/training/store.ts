// Where runs live: <root>/runs/<run id>/ (root = the extension's storageUri, or globalStorageUri when no
// folder is open). Every file is written atomically (a temporary name, then rename), and a checkpoint's three
// files go into a fresh ckpt-<step>/ directory that `latest.json` (itself written atomically) points to only
// once all three are complete, so a crash or reload during a save leaves the previous checkpoint intact.
//   runs/<id>/run.json          name, config, corpus messages          (StoredRun without the texts)
//   runs/<id>/corpus.json       { train, valid }: the texts, so a run resumes after a window reload
//   runs/<id>/latest.json       { dir: "ckpt-000120", step: 120 }
//   runs/<id>/ckpt-000120/      model.safetensors, training.safetensors, seqlab.json
// The file system is abstracted (FileApi) so the extension uses workspace.fs and tests use Node's fs.
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { META_FILE, MODEL_FILE, STATE_FILE } from '../../engine/checkpoint';
import type { CheckpointBytes, TrainConfig } from '../../protocol/training';

export interface StoredRun {
  id: string;
  name: string;
  config: TrainConfig;
  train: string;
  valid: string;
  corpusMessages: string[];
}

export interface RunStore {
  saveRun(run: StoredRun): Promise<void>;
  loadRun(id: string): Promise<StoredRun | null>;
  listRuns(): Promise<string[]>;
  saveCheckpoint(id: string, files: CheckpointBytes): Promise<void>;
  loadCheckpoint(id: string): Promise<CheckpointBytes | null>;
  /** Directory of the run's latest checkpoint (for export), or null. */
  checkpointDir(id: string): Promise<string | null>;
  /** Resolves when every save started so far has finished. */
  flush(): Promise<void>;
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

const KEEP_CHECKPOINTS = 2;
const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const dec = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

export class FileRunStore implements RunStore {
  private pending = new Set<Promise<unknown>>();
  /** Saves of one run are chained, so two checkpoints never interleave their files. */
  private chains = new Map<string, Promise<void>>();

  constructor(private readonly files: FileApi) {}

  async saveRun(run: StoredRun): Promise<void> {
    const { train, valid, ...rest } = run;
    await this.track(this.files.write(`runs/${run.id}/corpus.json`, enc(JSON.stringify({ train, valid }))));
    await this.track(this.files.write(`runs/${run.id}/run.json`, enc(JSON.stringify(rest, null, 1))));
  }

  async loadRun(id: string): Promise<StoredRun | null> {
    const r = await this.files.read(`runs/${id}/run.json`);
    const c = await this.files.read(`runs/${id}/corpus.json`);
    if (!r || !c) return null;
    return { ...(JSON.parse(dec(r)) as Omit<StoredRun, 'train' | 'valid'>), ...(JSON.parse(dec(c)) as { train: string; valid: string }) };
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
    const dir = `ckpt-${String(step).padStart(7, '0')}`;
    const base = `runs/${id}/${dir}`;
    await this.files.write(`${base}/${MODEL_FILE}`, files.model);
    if (files.state) await this.files.write(`${base}/${STATE_FILE}`, files.state);
    await this.files.write(`${base}/${META_FILE}`, enc(files.meta));
    await this.files.write(`runs/${id}/latest.json`, enc(JSON.stringify({ dir, step })));
    const old = (await this.files.list(`runs/${id}`)).filter((n) => /^ckpt-\d+$/.test(n) && n !== dir).sort();
    for (const n of old.slice(0, Math.max(0, old.length - (KEEP_CHECKPOINTS - 1)))) await this.files.remove(`runs/${id}/${n}`);
  }

  async loadCheckpoint(id: string): Promise<CheckpointBytes | null> {
    const dir = await this.latestDir(id);
    if (!dir) return null;
    const model = await this.files.read(`${dir}/${MODEL_FILE}`);
    const meta = await this.files.read(`${dir}/${META_FILE}`);
    const state = await this.files.read(`${dir}/${STATE_FILE}`);
    if (!model || !meta) return null;
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
    const l = await this.files.read(`runs/${id}/latest.json`);
    if (!l) return null;
    const { dir } = JSON.parse(dec(l)) as { dir: string };
    return `runs/${id}/${dir}`;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const done = (): void => void this.pending.delete(p);
    p.then(done, done);
    return p;
  }
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
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, target);
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
    },
    osPath: abs,
  };
}
