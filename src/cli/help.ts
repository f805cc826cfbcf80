// `seqlab --help` and `seqlab COMMAND --help`, DERIVED from the flag specs each command parses with: the list
// of flags, their value kinds, choices and ranges come from the FlagSpec records (a command's spec reaches
// here through parseArgs' HelpRequest), so a flag a command accepts cannot be missing from its help. This file
// adds only words: one line per flag saying what it does and its default; `seqlab train`'s run flags take both
// from the run config's field table (engine/run/config.ts). A flag without a line here still
// appears (with its kind and range); test/unit/cliErrors.test.ts fails until it has one.
import { HelpRequest, USAGE, type FlagSpec } from './args';
import type { CliIO } from './io';
import { CLI_DEFAULT_STEPS, CONFIG_FLAG_FIELDS } from './trainConfig';

/** What a flag does (and its default), with the name of its value when the kind alone does not say it. */
interface FlagDoc {
  value?: string;
  text: string;
}

const JSON_LINE: FlagDoc = { text: 'print one JSON object on stdout instead of text' };
const FORCE: FlagDoc = { text: 'replace the model (or write into the non-empty folder) that --out already holds' };
const MAX_DATA: FlagDoc = { value: 'MB', text: 'most megabytes of data files this command reads (default 64; devices and FIFOs are never read)' };
const ALLOW_SPECIAL: FlagDoc = { text: 'let decoding emit <pad>, <bos>, <unk>, control bytes and broken UTF-8 (masked by default)' };

const COMMAND_DOCS: Readonly<Record<string, Readonly<Record<string, FlagDoc>>>> = {
  // The run's fields (--cell, --hidden, …) come from the field table: see trainDocs below.
  train: {
    task: { text: 'what the model learns, required: lm (plain text), seq2seq (SOURCE<TAB>TARGET lines), classify (LABEL<TAB>TEXT lines), tag (TOKEN<TAB>TAG lines, a blank line between sentences), one-to-many (LABEL<TAB>TEXT lines: writes a text from its label)' },
    out: { value: 'DIR', text: 'checkpoint directory to write (model.safetensors + seqlab.json)' },
    data: { value: 'FILE...', text: 'training files in the format of --task' },
    valid: { value: 'FILE', text: 'held-out file in the same format, evaluated with the saved model after training' },
    json: { text: 'JSON lines on stdout: start, progress about once a second, validations (every --valid-every steps), done' },
    decay: { text: 'the same as --lr-schedule cosine (its name before the budget-aware schedule; kept for scripts)' },
    force: FORCE,
    'max-data-mb': MAX_DATA,
    'max-memory-mb': { value: 'MB', text: 'refuse a model whose training needs more memory than this (default: half the RAM)' },
  },
  eval: {
    data: { value: 'FILE...', text: "evaluation files in the format of the model's task" },
    json: JSON_LINE,
    words: { text: 'lm: measure next-word accuracy over the first N words (default 1000)' },
    limit: { text: 'classify, tag, seq2seq, one-to-many: evaluate the first N examples only (default: all)' },
    mirror: { text: 'seq2seq with attention: also report how often attention points at the mirrored source position' },
    'max-data-mb': MAX_DATA,
  },
  generate: {
    prompt: { value: 'TEXT', text: 'text to continue' },
    'prompt-file': { value: 'FILE', text: 'read the text to continue from a UTF-8 file instead (any length; not echoed back)' },
    label: { value: 'LABEL', text: 'one-to-many model: write a text for this label (one of the training file\'s labels) instead of continuing a prompt' },
    n: { text: 'with --label: how many texts to write, one per line (default 1; needs sampling)' },
    'allow-special': ALLOW_SPECIAL,
    max: { text: 'tokens to generate (default 200; with --label 2× the longest training text + 10)' },
    temperature: { value: 'T', text: 'sampling temperature, 0 = greedy (default 1)' },
    'top-k': { value: 'K', text: 'sample among the K most probable tokens, 0 = all (default 0)' },
    'top-p': { value: 'P', text: 'sample from the smallest set of tokens holding probability P (default 1)' },
    beam: { value: 'K', text: 'beam search of this width instead of sampling when above 1 (default 1)' },
    seed: { text: 'seed of the sampler (default 42)' },
    json: { text: 'one JSON object: the text, its log probability, and each step with its alternatives (with --label: the label and each sample\'s text, log probability, whether it ended)' },
  },
  complete: {
    prompt: { value: 'TEXT', text: 'text whose next word is completed (as the editor does)' },
    'prompt-file': { value: 'FILE', text: 'read that text from a UTF-8 file instead (any length)' },
    'allow-special': ALLOW_SPECIAL,
    count: { text: 'number of suggestions (default 3)' },
    beam: { value: 'K', text: 'beam width of the search for whole words (default 8)' },
    json: JSON_LINE,
  },
  translate: {
    input: { value: 'TEXT', text: 'source text' },
    'input-file': { value: 'FILE', text: 'read the source text from a UTF-8 file instead' },
    'allow-special': ALLOW_SPECIAL,
    beam: { value: 'K', text: 'beam width, 1 = greedy (default 1)' },
    json: { text: 'one JSON object: output, tokens, attention matrix, log probability' },
  },
  classify: {
    input: { value: 'TEXT', text: 'text to label (a tagger tags each whitespace-separated word)' },
    'input-file': { value: 'FILE', text: 'read the text to label from a UTF-8 file instead' },
    json: JSON_LINE,
    top: { text: 'classifier: print the N most probable labels (default: all)' },
  },
  data: {
    n: { text: 'number of examples (tags: sentences)' },
    seed: { value: 'S', text: 'seed of the generator (default 42)' },
    'min-len': { text: 'copy, reverse, sort: shortest source (default 5)' },
    'max-len': { text: 'copy, reverse, sort: longest source (default 20)' },
    exclude: { value: 'FILE...', text: 'skip sources that appear in these SOURCE<TAB>TARGET files (a held-out set)' },
    dict: { value: 'DIR', text: 'languages: directory holding american-english, ngerman, french, spanish (default /usr/share/dict)' },
    json: { text: 'JSON lines instead of tab-separated text: {"source", "target"}; languages {"label", "text"}; tags {"tokens", "tags"}' },
    'max-data-mb': MAX_DATA,
  },
  export: {
    format: { text: 'export format (default pytorch: safetensors + seqlab.json + model.py; pytorch-project: a train.py project that continues the run under torchrun)' },
    out: { value: 'DIR', text: 'directory to write' },
    force: FORCE,
    data: { value: 'FILE...', text: 'pytorch-project: the run\'s training data (default: the files its checkpoint records)' },
    valid: { value: 'FILE', text: 'pytorch-project: the validation file the run was trained with (default: the one its checkpoint records)' },
  },
  import: {
    out: { value: 'DIR', text: 'checkpoint directory to write' },
    meta: { value: 'FILE|DIR', text: 'a seqlab.json (or a directory holding one) giving the architecture and tokenizer (default: the one next to the weights)' },
    tokenizer: { value: 'FILE', text: 'a tokenizer JSON, when there is no seqlab.json (the architecture is inferred from the tensor shapes)' },
    'rnn-nonlinearity': { text: 'plain RNN weights inferred without a seqlab.json: their nonlinearity (default tanh)' },
    force: FORCE,
  },
};

/**
 * `seqlab train`'s run flags, worded by the field table: its one-line description, the default, and the tasks that
 * read the flag. --steps adds the CLI's own end of a run (CLI_DEFAULT_STEPS).
 */
function trainDocs(): Record<string, FlagDoc> {
  const docs: Record<string, FlagDoc> = {};
  for (const f of CONFIG_FLAG_FIELDS) {
    if (f.key === 'task') continue; // required, documented with the files above
    const def = f.key === 'steps'
      ? `default ${CLI_DEFAULT_STEPS} unless --time is given`
      : `default ${shown(f.default)}${Object.entries(f.taskDefaults ?? {}).map(([t, v]) => `, ${t} ${shown(v)}`).join('')}`;
    const tasks = f.tasks ? `; --task ${f.tasks.join('|')}` : '';
    docs[f.flag!] = { text: `${f.description} (${def}${tasks})` };
  }
  return docs;
}

function shown(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v);
}

export const FLAG_DOCS: Readonly<Record<string, Readonly<Record<string, FlagDoc>>>> = {
  ...COMMAND_DOCS,
  train: { ...trainDocs(), ...COMMAND_DOCS.train },
};

/** The flag's value as written after it: its doc's name, else the choices or the kind. */
function valueName(spec: FlagSpec, doc: FlagDoc | undefined): string {
  if (spec.type === 'bool') return '';
  if (spec.type === 'string' && spec.choices) return [...spec.choices, ...Object.keys(spec.aliases ?? {})].join('|');
  return doc?.value ?? { string: 'TEXT', list: 'VALUE...', int: 'N', number: 'X' }[spec.type];
}

/** The accepted range, from the spec: "1..4096", "≥ 0", "> 0". */
function range(spec: FlagSpec): string {
  if (spec.type !== 'int' && spec.type !== 'number') return '';
  const lo = spec.min === undefined ? '' : spec.type === 'number' && spec.exclusiveMin ? `> ${spec.min}` : `≥ ${spec.min}`;
  const hi = spec.max === undefined ? '' : spec.type === 'number' && spec.exclusiveMax ? `< ${spec.max}` : `≤ ${spec.max}`;
  if (lo.startsWith('≥') && hi.startsWith('≤')) return `${spec.min}..${spec.max}`;
  return [lo, hi].filter(Boolean).join(', ');
}

/** One line per flag: "  --name VALUE   what it does (default …) [range]". */
export function flagLines(command: string, spec: Readonly<Record<string, FlagSpec>>): string[] {
  const docs = FLAG_DOCS[command] ?? {};
  const heads = Object.entries(spec).map(([name, s]) => `--${name} ${valueName(s, docs[name])}`.trimEnd());
  const width = Math.min(34, Math.max(...heads.map((h) => h.length)));
  return Object.entries(spec).map(([name, s], i) => {
    const r = range(s);
    const text = [docs[name]?.text ?? '', r ? `[${r}]` : ''].filter(Boolean).join(' ');
    const head = heads[i].length > width ? `${heads[i]}\n${' '.repeat(width + 4)}` : heads[i].padEnd(width + 2);
    return `  ${head}${text}`.trimEnd();
  });
}

/** `seqlab COMMAND --help`: the usage line, then every flag the command parses. */
export function commandHelp(command: string, spec: Readonly<Record<string, FlagSpec>>): string {
  return `usage: ${USAGE[command] ?? `seqlab ${command} [options]`}\n${flagLines(command, spec).join('\n')}\n`;
}

type Command = (argv: readonly string[], io: CliIO) => number | Promise<number>;

/** A command's flag spec, asked for the way a user does: run it with `--help`, which parseArgs answers with a
 *  HelpRequest before the command does anything else (thrown, or a rejection if the command is async). */
export function commandSpec(name: string, run: Command): HelpRequest {
  const silent: CliIO = { out: () => undefined, err: () => undefined, tty: false, now: () => 0 };
  HelpRequest.last = null;
  try {
    const r = run(['--help'], silent);
    if (r instanceof Promise) r.catch(() => undefined);
  } catch (e) {
    if (!(e instanceof HelpRequest)) throw e;
  }
  const request = HelpRequest.last as HelpRequest | null; // set by the run above (TypeScript cannot see that)
  if (request?.command !== name) throw new Error(`seqlab ${name} does not parse --help`);
  return request;
}

/** `seqlab --help`: every command's usage and every flag each accepts. */
export function fullHelp(title: string, commands: Readonly<Record<string, Command>>): string {
  const parts = Object.entries(commands).map(([name, run]) => commandHelp(name, commandSpec(name, run).spec));
  return `${title}\n\nseqlab COMMAND --help shows one command.\n\n${parts.join('\n')}`;
}
