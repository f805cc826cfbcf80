// "SeqLab: New Model…": a preset (char-LSTM LM, word-GRU LM, BPE-LSTM code model, seq2seq with attention,
// classifier, tagger) or a custom model with one quick pick per hyperparameter. The choice is remembered per
// workspace and is what "Train on Selection" / "Train on Workspace Files…" train next. The editor's training
// worker trains language models; the seq2seq, classifier and tagger presets need paired or labelled data, so
// for them the command gives the `seqlab train` command line that trains them from such files.
import * as vscode from 'vscode';
import type { TrainConfig } from '../protocol/training';
import { readConfig, type SeqLabConfig } from './config';

export type ModelKind = 'lm' | 'seq2seq' | 'classifier' | 'tagger';

export interface ModelChoice {
  readonly id: string;
  readonly label: string;
  readonly kind: ModelKind;
  /** Overrides of the settings-derived TrainConfig (language models). */
  readonly config: Partial<TrainConfig>;
  /** For the other kinds: how to train it with the CLI. */
  readonly cli?: string;
}

export interface ModelPreset extends ModelChoice {
  readonly detail: string;
}

export const PRESETS: readonly ModelPreset[] = [
  {
    id: 'char-lstm', label: 'Character-level LSTM language model', kind: 'lm',
    detail: 'Reads and writes one character at a time. The classic first model (Karpathy\'s char-rnn): learns spelling, then words, then style.',
    config: { tokenizer: 'char', cell: 'lstm', hiddenSize: 128, numLayers: 1, embeddingSize: 32, seqLen: 64 },
  },
  {
    id: 'word-gru', label: 'Word-level GRU language model', kind: 'lm',
    detail: 'One token per word or punctuation mark, a GRU (simpler than an LSTM, often as good). Needs more text than the character model.',
    config: { tokenizer: 'word', cell: 'gru', hiddenSize: 128, numLayers: 1, embeddingSize: 64, seqLen: 32 },
  },
  {
    id: 'bpe-lstm-code', label: 'BPE LSTM code model', kind: 'lm',
    detail: 'Byte-pair tokens (frequent character runs such as "function" become one token), two LSTM layers: suits source code.',
    config: { tokenizer: 'bpe', vocabSize: 512, cell: 'lstm', hiddenSize: 192, numLayers: 2, embeddingSize: 64, seqLen: 48 },
  },
  {
    id: 'seq2seq-attention', label: 'Seq2seq with attention', kind: 'seq2seq', config: {},
    detail: 'Encoder–decoder with additive attention: translates one sequence into another (e.g. dates, reversal). Trains on paired lines.',
    cli: 'seqlab train --task seq2seq --attention additive --cell gru --hidden 128 --data pairs.tsv --out models/seq2seq',
  },
  {
    id: 'classifier', label: 'Sequence classifier', kind: 'classifier', config: {},
    detail: 'Reads a whole sequence (bidirectionally) and predicts one label, e.g. the language of a sentence. Trains on "label<TAB>text" lines.',
    cli: 'seqlab train --task classify --bidirectional --cell lstm --hidden 64 --data labelled.tsv --out models/classifier',
  },
  {
    id: 'tagger', label: 'Sequence tagger', kind: 'tagger', config: {},
    detail: 'One label per token (e.g. part of speech), with a bidirectional LSTM. Trains on tagged tokens.',
    cli: 'seqlab train --task tag --bidirectional --cell lstm --hidden 64 --data tagged.tsv --out models/tagger',
  },
];

const STATE_KEY = 'seqlab.model';

/** Until the user picks one, a language model built from the seqlab.training.* settings alone. */
export const SETTINGS_MODEL: ModelChoice = { id: 'settings', label: 'language model from settings', kind: 'lm', config: {} };

/** The model the next training command trains. */
export function currentModel(state: vscode.Memento): ModelChoice {
  return state.get<ModelChoice>(STATE_KEY) ?? SETTINGS_MODEL;
}

/** The full TrainConfig: settings first, then the chosen model's overrides, then per-call overrides. */
export function trainConfigFor(model: ModelChoice, c: SeqLabConfig = readConfig(), extra: Partial<TrainConfig> = {}): TrainConfig {
  const base: TrainConfig = {
    seed: c.seed, tokenizer: c.tokenizer, embeddingSize: c.embeddingSize, cell: c.cell, hiddenSize: c.hiddenSize, numLayers: c.numLayers,
    dropout: c.dropout, optimizer: { kind: c.optimizer }, schedule: { kind: 'constant', lr: c.learningRate },
    clipNorm: c.clipNorm > 0 ? c.clipNorm : null, batchSize: c.batchSize, seqLen: c.sequenceLength, maxSteps: c.maxSteps,
    checkpointEvery: 200, validEvery: 50, validBatches: 4, snapshotEvery: 100,
  };
  return { ...base, ...model.config, ...extra };
}

type Pick<T> = vscode.QuickPickItem & { value: T };

async function pickOne<T>(title: string, items: Pick<T>[], step: number, total: number): Promise<T | undefined> {
  const chosen = await vscode.window.showQuickPick(items, { title: `New model (${step}/${total}): ${title}`, ignoreFocusOut: true, matchOnDetail: true });
  return chosen?.value;
}

/** The custom model: one quick pick per hyperparameter, each with a sentence on what it changes. */
async function pickCustom(c: SeqLabConfig): Promise<ModelChoice | undefined> {
  const n = 8;
  const cell = await pickOne('recurrent cell', [
    { label: 'LSTM', value: 'lstm' as const, detail: 'Gated memory cell: keeps information over long spans. The safe default.' },
    { label: 'GRU', value: 'gru' as const, detail: 'Two gates instead of three: fewer parameters, often as good as an LSTM.' },
    { label: 'tanh RNN', value: 'rnn_tanh' as const, detail: 'The plain recurrent network: its gradient vanishes over long spans (try the vanishing-gradient experiment).' },
  ], 1, n);
  if (!cell) return undefined;
  const tokenizer = await pickOne('tokens', [
    { label: 'characters', value: 'char' as const, detail: 'Small vocabulary, learns spelling; needs longer sequences.' },
    { label: 'words', value: 'word' as const, detail: 'One token per word: shorter sequences, but unseen words become <unk>.' },
    { label: 'byte-pair (BPE)', value: 'bpe' as const, detail: 'Frequent character runs merged into tokens: a middle ground, good for code.' },
  ], 2, n);
  if (!tokenizer) return undefined;
  const sizes = (label: string, values: number[], def: number, why: string): Pick<number>[] =>
    values.map((v) => ({ label: String(v), value: v, description: v === def ? 'current setting' : undefined, detail: `${label} ${v}: ${why}` }));
  const hiddenSize = await pickOne('hidden size', sizes('hidden size', [32, 64, 128, 256, 512], c.hiddenSize, 'more units remember more but train slower'), 3, n);
  if (!hiddenSize) return undefined;
  const numLayers = await pickOne('layers', sizes('layers', [1, 2, 3], c.numLayers, 'stacked layers learn more abstract features'), 4, n);
  if (!numLayers) return undefined;
  const embeddingSize = await pickOne('embedding size', sizes('embedding', [16, 32, 64, 128], c.embeddingSize, 'the length of the vector each token is turned into'), 5, n);
  if (!embeddingSize) return undefined;
  const seqLen = await pickOne('sequence length (BPTT)', sizes('steps', [16, 32, 64, 128], c.sequenceLength, 'how far back the gradient flows in one update'), 6, n);
  if (!seqLen) return undefined;
  const lr = await pickOne('learning rate', [0.0005, 0.001, 0.002, 0.005, 0.01].map((v) => ({
    label: String(v), value: v, description: v === c.learningRate ? 'current setting' : undefined,
    detail: v >= 0.005 ? 'fast, may diverge (watch for a NaN loss)' : v <= 0.001 ? 'slow and steady' : 'a good start with Adam',
  })), 7, n);
  if (!lr) return undefined;
  const clip = await pickOne('gradient clipping', [
    { label: 'clip at norm 1', value: 1, detail: 'Strong: rescales the gradient whenever its norm exceeds 1.' },
    { label: 'clip at norm 5', value: 5, detail: 'The usual safety net against exploding gradients.' },
    { label: 'no clipping', value: 0, detail: 'Shows exploding gradients as they are (spikes, maybe a NaN loss).' },
  ], 8, n);
  if (clip === undefined) return undefined;
  const name = `custom ${cell.toUpperCase().replace('RNN_TANH', 'tanh RNN')} ${numLayers}×${hiddenSize}, ${tokenizer}`;
  return {
    id: 'custom', label: name, kind: 'lm',
    config: { cell, tokenizer, hiddenSize, numLayers, embeddingSize, seqLen, schedule: { kind: 'constant', lr }, clipNorm: clip > 0 ? clip : null, ...(tokenizer === 'bpe' ? { vocabSize: 512 } : {}) },
  };
}

/** Runs the New Model flow (or takes `args.preset` without prompts); returns the stored choice. */
export async function newModel(state: vscode.Memento, args?: { preset?: string; custom?: Partial<TrainConfig> }): Promise<ModelChoice | undefined> {
  let choice: ModelChoice | undefined;
  if (args?.custom) choice = { id: 'custom', label: 'custom model', kind: 'lm', config: args.custom };
  else if (args?.preset) {
    choice = PRESETS.find((p) => p.id === args.preset);
    if (!choice) throw new Error(`unknown preset ${args.preset} (presets: ${PRESETS.map((p) => p.id).join(', ')})`);
  } else {
    const items: Pick<string>[] = [
      ...PRESETS.map((p) => ({ label: p.label, value: p.id, detail: p.detail, description: p.kind === 'lm' ? 'language model' : p.kind })),
      { label: 'Custom…', value: 'custom', detail: 'Choose the cell, tokens, sizes, learning rate and clipping yourself, one question at a time.' },
    ];
    const id = await pickOne('start from a preset or choose every hyperparameter', items, 1, 1);
    if (!id) return undefined;
    choice = id === 'custom' ? await pickCustom(readConfig()) : PRESETS.find((p) => p.id === id);
  }
  if (!choice) return undefined;
  await state.update(STATE_KEY, choice);
  if (choice.kind === 'lm') {
    void vscode.window.showInformationMessage(`New model: ${choice.label}. Select some text and run "SeqLab: Train on Selection" to train it.`);
  } else {
    const copy = 'Copy Command';
    void vscode.window.showInformationMessage(
      `${choice.label} trains on paired or labelled files, not on plain text. Train it with the SeqLab CLI: ${choice.cli}`, copy,
    ).then((p) => (p === copy && choice?.cli ? vscode.env.clipboard.writeText(choice.cli) : undefined));
  }
  return choice;
}
