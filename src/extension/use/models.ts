// The models the editor uses for inference (completions, generation, translation, classification), one per
// kind, held in the extension host:
//   lm        the language model of the current training run, refreshed from the worker's weight snapshots
//             (copied into a host-side model: inference never waits on the worker), or a loaded checkpoint
//   seq2seq   the seq2seq model of a training run, or a loaded checkpoint (Translate Selection)
//   classify  the classifier or tagger of a training run, or a loaded checkpoint (Classify Selection)
// A run's model (any kind) is built from its first checkpoint, which carries the architecture and the tokenizer
// (the worker posts one right after `started`), then kept current from the weight snapshots, copied tensor by
// tensor through `started.info.tensors`. Whichever arrived last wins for its kind. `version` changes whenever weights change, so the completion
// provider knows when to drop its cached recurrent state.
import * as vscode from 'vscode';
import { CheckpointError, META_FILE, MODEL_FILE, STATE_FILE, type CheckpointFiles } from '../../engine/checkpoint';
import { LanguageModel } from '../../engine/lm';
import type { TaskKind } from '../../engine/run/config';
import { loadTask, type AnyTask } from '../../engine/tasks/checkpoint';
import { settledCheckpointDir } from '../../cli/checkpointDir';
import { loadMemoryLimit } from '../../cli/memory';
import type { Seq2SeqTask } from '../../engine/tasks/seq2seqTask';
import type { SequenceTask } from '../../engine/tasks/sequenceTask';
import { buildTokenizer, type Tokenizer } from '../../engine/tokenize/tokenizer';
import type { RunRecord, SessionEvent, TrainingSession } from '../training/session';
import { Disposable } from '../disposable';
import { copySnapshot } from './snapshotCopy';
import { MODEL_USE_SETTING, liveWeights, runCheckpoint } from './modelUse';

export interface ActiveLm {
  readonly name: string;
  readonly model: LanguageModel;
  readonly tokenizer: Tokenizer;
  /** Training step of the weights (null for a checkpoint that does not say). */
  step: number | null;
  readonly origin: 'training' | 'checkpoint';
  /** The training run the weights come from, if any. */
  readonly runId: string | null;
  /** Language ids of the documents the model was trained on (completions are offered there too). */
  readonly languages: readonly string[];
  /** Bumped on every weight change. */
  version: number;
}

export interface LoadedModel<T> {
  readonly name: string;
  readonly task: T;
  /** Where it was loaded from (a checkpoint folder); null for the model of a training run. */
  readonly uri: vscode.Uri | null;
  /** The training run the weights come from, if any. */
  readonly runId?: string;
  /** Training step of the weights (runs only). */
  step?: number;
}

export type ModelKind = 'lm' | 'seq2seq' | 'classify';

/** While a run trains, weights are fetched this often (ms) so suggestions follow the training. */
const SNAPSHOT_EVERY_MS = 2000;

export class ModelHub extends Disposable {
  lm: ActiveLm | null = null;
  seq2seq: LoadedModel<Seq2SeqTask> | null = null;
  classifier: LoadedModel<SequenceTask> | null = null;
  private readonly changed = this.register(new vscode.EventEmitter<ModelKind>());
  readonly onDidChange = this.changed.event;
  private versions = 0;
  private snapshotTimer: ReturnType<typeof setInterval> | undefined;
  /** Runs whose tokenizer cannot be rebuilt cheaply (BPE): they wait for their first checkpoint. */
  private readonly runTokenizers = new Map<string, Promise<Tokenizer | null>>();
  /** Runs whose seq2seq / classifier / tagger already became the model of its kind once (a later load wins over them). */
  private readonly adopted = new Set<string>();

  constructor(private readonly session: TrainingSession | null) {
    super();
    if (session) this.register(session.onEvent((e) => this.onSession(e)));
    this.register({ dispose: () => this.stopSnapshots() });
    // seqlab.models.use changed: the current run's model switches between its best and latest weights.
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      const run = this.session?.current;
      if (!e.affectsConfiguration(MODEL_USE_SETTING) || !run) return;
      const live = run.state === 'running' || run.state === 'paused' || run.state === 'starting';
      void (live ? this.applySnapshot(run, true) : this.adoptStored(run)).catch((err: Error) => console.error('[seqlab] could not switch the model\'s weights', err));
    }));
  }

  /** Loads a checkpoint folder (or the seqlab.json inside it) and makes it the active model of its kind. */
  async loadCheckpoint(target: vscode.Uri): Promise<ModelKind> {
    const given = target.path.endsWith(`/${META_FILE}`) ? vscode.Uri.joinPath(target, '..') : target;
    // A folder the CLI was replacing when it crashed is settled first (src/cli/checkpointDir.ts).
    const dir = given.scheme === 'file' ? vscode.Uri.file(settledCheckpointDir(given.fsPath)) : given;
    const files = await readCheckpointFiles(dir);
    const name = dir.path.split('/').filter(Boolean).pop() ?? 'checkpoint';
    // The CLI's load limit (half the RAM): a folder whose config describes a model the machine cannot hold is
    // refused with the amount, before anything of its size is allocated.
    const task = loadTask(files, name, loadMemoryLimit());
    return this.setTask(task, name, dir, languagesOf(files));
  }

  /** Makes an already built task the active model of its kind (Load Model… of the dashboard can call this). */
  setTask(task: AnyTask, name: string, uri: vscode.Uri, languages: readonly string[] = []): ModelKind {
    switch (task.kind) {
      case 'lm':
        this.lm = {
          name, model: task.model, tokenizer: task.tokenizer, step: null, origin: 'checkpoint', runId: null, languages, version: ++this.versions,
        };
        this.changed.fire('lm');
        return 'lm';
      case 'seq2seq':
        this.seq2seq = { name, task, uri };
        this.changed.fire('seq2seq');
        return 'seq2seq';
      case 'classify':
      case 'tag':
        this.classifier = { name, task, uri };
        this.changed.fire('classify');
        return 'classify';
      case 'one-to-many':
        // No editor command writes from a label yet; the CLI does (seqlab generate DIR --label LABEL).
        throw new Error(`${name} holds a one-to-many model (labels ${task.labels.join(', ')}); generate from it with: seqlab generate ${JSON.stringify(uri.fsPath)} --label ${task.labels[0]}`);
    }
  }

  /** Forgets the active model of a kind. */
  clear(kind: ModelKind): void {
    if (kind === 'lm') this.lm = null;
    else if (kind === 'seq2seq') this.seq2seq = null;
    else this.classifier = null;
    this.changed.fire(kind);
  }

  /** Turns the periodic snapshot requests on or off (nobody needs fresh weights while completions are off). */
  setLive(live: boolean): void {
    this.live = live;
    this.syncSnapshots();
  }

  private live = true;

  private onSession(e: SessionEvent): void {
    switch (e.type) {
      case 'state':
        this.syncSnapshots();
        // A run of an earlier window (interrupted by a reload, or ended) serves at once, without a Resume.
        if (e.run.state === 'interrupted' && e.run === this.session?.current) {
          void this.adoptStored(e.run).catch((err: Error) => console.error('[seqlab] could not use the stored run\'s checkpoint', err));
        }
        return;
      case 'best':
      case 'snapshot':
        void this.applySnapshot(e.run).catch((err: Error) => console.error('[seqlab] could not use the weight snapshot', err));
        return;
      case 'checkpoint':
        void this.applyCheckpoint(e.run).catch((err: Error) => console.error('[seqlab] could not use the checkpoint', err));
        return;
      case 'metrics':
      case 'message':
      case 'memorising':
        return;
    }
  }

  /** A run with no worker (restored after a reload): its stored checkpoint, best or latest per the setting. */
  private async adoptStored(run: RunRecord): Promise<void> {
    if (runTask(run) === 'lm') return this.applyCheckpoint(run, true);
    await this.adoptRunCheckpoint(run, true);
  }

  /** Requests snapshots every SNAPSHOT_EVERY_MS while the session's run is training (and we are live). */
  private syncSnapshots(): void {
    const running = this.session?.current?.state === 'running';
    if (running && this.live && !this.snapshotTimer) {
      this.snapshotTimer = setInterval(() => {
        try {
          if (this.session?.current?.state === 'running') this.session.requestSnapshot();
        } catch {
          // The worker just ended; the 'state' event stops the timer.
        }
      }, SNAPSHOT_EVERY_MS);
    } else if ((!running || !this.live) && this.snapshotTimer) this.stopSnapshots();
  }

  private stopSnapshots(): void {
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.snapshotTimer = undefined;
  }

  /** `force`: apply even when the step is the one in use (the choice between best and latest changed). */
  private async applySnapshot(run: RunRecord, force = false): Promise<void> {
    const snap = liveWeights(run), info = run.info;
    if (!snap || !info) return;
    // Synchronous for the other kinds, so a caller waiting on the same 'snapshot' event sees the new weights.
    if (runTask(run) !== 'lm') return this.applyTaskSnapshot(run);
    const lm = this.lm;
    if (lm && lm.runId === run.id) {
      if (lm.model.params.data.length !== snap.data.length) return;
      // The best's weights stay while newer snapshots come: no change, no new version (its cached state stays).
      if (!force && lm.step === snap.step) return;
      lm.model.params.data.set(snap.data);
      lm.step = snap.step;
      lm.version = ++this.versions;
      this.changed.fire('lm');
      return;
    }
    const tokenizer = await this.tokenizerOf(run);
    if (!tokenizer || tokenizer.vocabSize !== info.vocabSize) return;
    const c = run.config;
    const model = new LanguageModel({
      vocabSize: tokenizer.vocabSize, embeddingSize: c.embedding,
      rnn: { cell: c.cell, hiddenSize: c.hidden, numLayers: c.layers, bidirectional: false, merge: c.merge, dropout: 0 },
    });
    if (model.params.data.length !== snap.data.length) return;
    model.params.data.set(snap.data);
    this.lm = {
      name: run.name, model, tokenizer, step: snap.step, origin: 'training', runId: run.id, languages: run.languages ?? [], version: ++this.versions,
    };
    this.changed.fire('lm');
  }

  /**
   * A checkpoint carries the tokenizer and the weights: the run's model, exactly as saved (its best or latest, per
   * seqlab.models.use). `stored`: the run has no worker (restored after a reload), so its checkpoint is all there is.
   */
  private async applyCheckpoint(run: RunRecord, stored = false): Promise<void> {
    if (runTask(run) !== 'lm') return void (await this.adoptRunCheckpoint(run));
    if (!stored && this.lm && this.lm.runId !== run.id && this.lm.origin === 'checkpoint' && run.state !== 'stopped') return;
    // While the run trains, snapshots keep its model fresh: reading every periodic checkpoint would only add
    // work to the host's event loop. A checkpoint is read for the final weights, or when nothing else can
    // give the tokenizer (BPE) or no snapshot arrived yet.
    if (!stored && this.lm?.runId === run.id && run.state !== 'stopped' && run.state !== 'stopping') return;
    if (!this.session) return;
    const chosen = await runCheckpoint(this.session.store, run);
    if (!chosen) return;
    const task = loadTask(chosen.files, run.name);
    if (task.kind !== 'lm') return;
    const step = chosen.step;
    // A newer snapshot of the same weights choice is kept (a final 'latest' checkpoint is never older than it).
    if (!stored && this.lm?.runId === run.id && this.lm.step !== null && step !== null && this.lm.step > step && liveWeights(run)?.step === this.lm.step) return;
    this.runTokenizers.set(run.id, Promise.resolve(task.tokenizer));
    this.lm = {
      name: run.name, model: task.model, tokenizer: task.tokenizer, step, origin: 'training', runId: run.id,
      languages: run.languages ?? [], version: ++this.versions,
    };
    this.changed.fire('lm');
  }

  /**
   * The model of `kind` from the session's current run, for a command that finds none: a live run is asked for a
   * checkpoint of its weights now; a stopped or interrupted one gives its last. False when the run has none of
   * that kind (or no run is there).
   */
  async modelFromRun(kind: 'seq2seq' | 'classify'): Promise<boolean> {
    const run = this.session?.current;
    if (!run || !this.session) return false;
    const task = runTask(run);
    if (task === 'lm' || slotOf(task) !== kind) return false;
    // In its first moments a run has no model yet: its worker posts a checkpoint right after `started`.
    if (run.state === 'starting') await this.untilStarted(run, 60_000);
    if (run.state === 'running' || run.state === 'paused') {
      await this.session.requestCheckpoint();
      await this.session.store.flush();
    }
    return (await this.adoptRunCheckpoint(run, true)) === kind;
  }

  private untilStarted(run: RunRecord, timeoutMs: number): Promise<void> {
    const session = this.session;
    if (!session) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => (clearTimeout(timer), sub.dispose(), resolve());
      const timer = setTimeout(done, timeoutMs);
      const sub = session.onEvent((e) => e.type === 'state' && e.run === run && run.state !== 'starting' && done());
    });
  }

  /** Asks the live run of a seq2seq / classifier slot for fresh weights and waits (≤ timeoutMs) until they are in. */
  async refresh(kind: 'seq2seq' | 'classify', timeoutMs = 2000): Promise<void> {
    const slot = kind === 'seq2seq' ? this.seq2seq : this.classifier, run = this.session?.current;
    if (!slot?.runId || !run || run.id !== slot.runId || run.state !== 'running' || !this.session) return;
    const session = this.session;
    await new Promise<void>((resolve) => {
      const done = (): void => (clearTimeout(timer), sub.dispose(), resolve());
      const timer = setTimeout(done, timeoutMs);
      const sub = session.onEvent((e) => e.type === 'snapshot' && e.run.id === run.id && done());
      try {
        session.requestSnapshot();
      } catch {
        done(); // the worker just ended: the final checkpoint brings the weights
      }
    });
  }

  /** Makes a run's latest checkpoint the model of its kind (seq2seq, classifier, tagger); returns that kind. */
  private async adoptRunCheckpoint(run: RunRecord, force = false): Promise<ModelKind | null> {
    const mine = [this.seq2seq, this.classifier].find((m) => m?.runId === run.id);
    // While the run trains, snapshots keep its model fresh: a periodic checkpoint would only add work to the
    // host's event loop. A model the user loaded after this run's model took the slot stays, until a command
    // asks for the run's.
    if (!force && (mine ? run.state !== 'stopped' && run.state !== 'stopping' : this.adopted.has(run.id))) return null;
    if (!this.session) return null;
    const chosen = await runCheckpoint(this.session.store, run);
    if (!chosen) return null;
    const task = loadTask(chosen.files, run.name);
    if (task.kind === 'lm' || task.kind === 'one-to-many') return null; // no editor command uses a one-to-many model yet
    const kind = slotOf(task.kind), slot = kind === 'seq2seq' ? this.seq2seq : this.classifier;
    const step = chosen.step ?? undefined;
    // A newer snapshot of the weights the setting picks is kept.
    if (slot?.runId === run.id && slot.step !== undefined && step !== undefined && slot.step > step && liveWeights(run)?.step === slot.step) return kind;
    this.adopted.add(run.id);
    if (task.kind === 'seq2seq') this.seq2seq = { name: run.name, task, uri: null, runId: run.id, step };
    else this.classifier = { name: run.name, task, uri: null, runId: run.id, step };
    this.changed.fire(kind);
    return kind;
  }

  /** Copies a run's weight snapshot into its seq2seq / classifier model, tensor by tensor (the arena's layout is the run's). */
  private applyTaskSnapshot(run: RunRecord): void {
    const snap = liveWeights(run), info = run.info;
    const slot = [this.seq2seq, this.classifier].find((m) => m?.runId === run.id);
    if (!snap || !info || !slot || slot.step === snap.step) return;
    // Every tensor must be there with its size, or the checkpoint's weights are kept.
    if (!copySnapshot(slot.task.params, info.tensors, snap.data)) return;
    slot.step = snap.step;
    this.changed.fire(slot === this.seq2seq ? 'seq2seq' : 'classify');
  }

  /** Char and word tokenizers are rebuilt from the run's text (cheap, deterministic); BPE waits for a checkpoint. */
  private tokenizerOf(run: RunRecord): Promise<Tokenizer | null> {
    let p = this.runTokenizers.get(run.id);
    if (!p) {
      p = (async () => {
        if (run.config.tokenizer === 'bpe' || !this.session) return null;
        const stored = await this.session.store.loadRun(run.id);
        if (!stored) return null;
        return buildTokenizer(run.config.tokenizer, stored.train, run.config.vocabSize ? { vocabSize: run.config.vocabSize } : {});
      })();
      this.runTokenizers.set(run.id, p);
    }
    return p;
  }
}

/** Largest checkpoint file read (Node's largest single buffer), as the CLI's. */
const MAX_CHECKPOINT_FILE_BYTES = 2 ** 31 - 1;

/** Reads a checkpoint folder with workspace.fs (remote workspaces work too); validation is the engine's. */
async function readCheckpointFiles(dir: vscode.Uri): Promise<CheckpointFiles> {
  const read = async (name: string): Promise<Uint8Array | null> => {
    const uri = vscode.Uri.joinPath(dir, name);
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      return null;
    }
    // Untrusted, as in the CLI (src/cli/exportIo.ts): a FIFO, a device or a symlink to /dev/zero (FileType
    // Unknown, possibly with SymbolicLink) would block or be read until memory runs out; over 2 GB, Node cannot
    // hold it in one buffer. Both are refused from the stat, before reading.
    if ((stat.type & vscode.FileType.File) === 0) {
      throw new CheckpointError(`cannot read ${uri.fsPath}: it is ${stat.type & vscode.FileType.Directory ? 'a directory' : 'not a regular file (a device, FIFO or socket)'}`);
    }
    if (stat.size > MAX_CHECKPOINT_FILE_BYTES) throw new CheckpointError(`cannot read ${uri.fsPath}: it is ${(stat.size / 2 ** 30).toFixed(1)} GB; SeqLab reads checkpoint files of at most 2 GB`);
    try {
      return await vscode.workspace.fs.readFile(uri);
    } catch {
      return null;
    }
  };
  const meta = await read(META_FILE);
  if (!meta) throw new CheckpointError(`${dir.fsPath} is not a SeqLab checkpoint: ${META_FILE} is missing`);
  const model = await read(MODEL_FILE);
  if (!model) throw new CheckpointError(`${dir.fsPath}: ${MODEL_FILE} is missing`);
  const state = await read(STATE_FILE);
  return { meta: new TextDecoder().decode(meta), model, ...(state ? { state } : {}) };
}

/** Languages a checkpoint says it was trained on (info.languages, written by the extension), if any. */
function languagesOf(files: CheckpointFiles): string[] {
  try {
    const info = (JSON.parse(files.meta) as { info?: { languages?: unknown } }).info;
    return Array.isArray(info?.languages) ? info.languages.filter((l): l is string => typeof l === 'string') : [];
  } catch {
    return [];
  }
}

/** The task a run trains (its config's, or its start info's; runs from before issue #13 train language models). */
function runTask(run: RunRecord): TaskKind {
  return (run.config as { task?: TaskKind }).task ?? (run.info as { task?: TaskKind } | null)?.task ?? 'lm';
}

/** The slot of the hub a task's model goes to. */
function slotOf(task: Exclude<TaskKind, 'lm'>): 'seq2seq' | 'classify' {
  return task === 'seq2seq' ? 'seq2seq' : 'classify';
}
