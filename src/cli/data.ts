// `seqlab data TASK --n N --seed S`: the demo datasets, in the formats `seqlab train` (and the editor) read:
//   copy|reverse|sort|dates|addition  `source<TAB>target` lines (seq2seq), from engine/data/generators.ts;
//   languages                         `label<TAB>text` lines, `language<TAB>word`, from Debian's word lists
//                                     (the many-to-one demo), balanced per language;
//   tags                              CoNLL `token<TAB>tag` lines, a blank line after each of N sentences (the
//                                     tagging demo: a toy grammar whose words are nouns or verbs by context).
// dataLines is the one generator behind the command and the demo workspace (test/harness/demoWorkspace.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_TASKS, formatConll, generateTask, generateTaggedSentences, isDemoTask } from '../engine/data/generators';
import { buildWordLanguageData, wordListFromText } from '../engine/data/wordLanguages';
import { Rng } from '../engine/rng';
import { parseArgs, requireFlag, requirePositional, UsageError } from './args';
import { dataReadOptions, MAX_DATA_FLAG } from './dataFiles';
import type { ReadTextOptions } from './dataFiles';
import { FileError, readText, type CliIO } from './io';

/** Debian's word lists (packages wamerican, wngerman, wfrench, wspanish, all in test/harness/debian-packages.txt)
 *  → language name. Full paths, so the package-list check (test/unit/systemFiles.test.ts) sees each one. */
export const WORD_LISTS: Readonly<Record<string, string>> = {
  '/usr/share/dict/american-english': 'english', '/usr/share/dict/ngerman': 'german',
  '/usr/share/dict/french': 'french', '/usr/share/dict/spanish': 'spanish',
};

/** Every name `seqlab data` accepts. */
export const DATA_SETS = [...DEMO_TASKS, 'languages', 'tags'] as const;

export interface DataOptions {
  /** languages: the directory holding the word lists (default: their Debian paths). */
  dict?: string;
  /** copy, reverse, sort: source lengths. */
  minLen?: number;
  maxLen?: number;
  /** seq2seq tasks: sources to leave out (and then no source twice). */
  exclude?: ReadonlySet<string>;
  /** One JSON object per example instead of tab-separated text. */
  json?: boolean;
  /** How the word lists are read (size cap, UTF-8 warnings). */
  read?: ReadTextOptions;
}

/** The text of `seqlab data NAME --n N --seed SEED`: one line per example (per token for tags), each ending in
 *  "\n". The same name, n, seed and options always give the same text. */
export function dataText(name: string, n: number, seed: number, o: DataOptions = {}): string {
  const rng = new Rng(seed);
  if (name === 'tags') {
    const sentences = generateTaggedSentences(rng, n);
    return o.json ? sentences.map((s) => JSON.stringify({ tokens: s.tokens, tags: s.tags }) + '\n').join('') : formatConll(sentences);
  }
  if (name === 'languages') {
    const lists = readWordLists(o.dict, o.read);
    const d = buildWordLanguageData(lists, rng, { perLanguage: Math.ceil(n / Object.keys(lists).length) });
    // Label first: the classifier's and one-to-many's format (engine/data/readers.ts readLabelText).
    return d.examples.slice(0, n).map((e) => (o.json ? JSON.stringify({ label: e.label, text: e.text }) : `${e.label}\t${e.text}`) + '\n').join('');
  }
  if (!isDemoTask(name)) throw new UsageError(`data: unknown task ${JSON.stringify(name)}; expected one of ${DATA_SETS.join('|')}`);
  const exclude = o.exclude ?? new Set<string>();
  const opts = { minLen: o.minLen, maxLen: o.maxLen, exclude, unique: exclude.size > 0 };
  try {
    return generateTask(name, rng, n, opts).map((e) => (o.json ? JSON.stringify(e) : `${e.source}\t${e.target}`) + '\n').join('');
  } catch (e) {
    throw new UsageError(`data: ${(e as Error).message}`);
  }
}

/** The four word lists, from `dir` when given (by their Debian file names) or from their Debian paths. */
function readWordLists(dir: string | undefined, read: ReadTextOptions = {}): Record<string, string[]> {
  if (dir !== undefined && !fs.existsSync(dir)) throw new FileError(`data: --dict ${dir}: no such directory`);
  if (dir !== undefined && !fs.statSync(dir).isDirectory()) throw new FileError(`data: --dict ${dir} is a file; give the directory holding the word lists`);
  const lists: Record<string, string[]> = {};
  for (const [file, lang] of Object.entries(WORD_LISTS)) {
    const f = dir === undefined ? file : path.join(dir, path.basename(file));
    if (dir !== undefined && !fs.existsSync(f)) throw new FileError(`data: --dict ${dir} has no ${path.basename(file)} word list`);
    if (!fs.existsSync(f)) throw new FileError(`data: ${f} is missing (install the Debian word lists: apt-get install wamerican wngerman wfrench wspanish)`);
    lists[lang] = wordListFromText(readText(f, read));
  }
  return lists;
}

export function dataCommand(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, {
    n: { type: 'int', min: 1, max: 10_000_000 }, seed: { type: 'int', min: 0, max: 2 ** 32 - 1 }, 'min-len': { type: 'int', min: 1 }, 'max-len': { type: 'int', min: 1 },
    exclude: { type: 'list' }, dict: { type: 'string' }, json: { type: 'bool' }, ...MAX_DATA_FLAG,
  }, 1, 'data');
  const name = requirePositional(p, 0, 'the task name', 'data');
  const n = requireFlag<number>(p, 'n', 'data');
  const seed = (p.flags.seed as number | undefined) ?? 42;
  const read = dataReadOptions(p.flags, io.err);
  // Each generator reads only its own options: refuse the others instead of ignoring them.
  const notFor = (flags: string[], what: string): void => {
    const given = flags.filter((f) => p.flags[f] !== undefined);
    if (given.length) throw new UsageError(`data: --${given[0]} does not apply to ${what}`);
  };
  const exclude = new Set<string>();
  if (name === 'languages') notFor(['exclude', 'min-len', 'max-len'], 'languages (it samples whole words from the word lists)');
  else if (name === 'tags') notFor(['exclude', 'min-len', 'max-len', 'dict', 'max-data-mb'], 'tags (it draws sentences from a fixed grammar and reads no file)');
  else {
    if (!isDemoTask(name)) throw new UsageError(`data: unknown task ${JSON.stringify(name)}; expected one of ${DATA_SETS.join('|')}`);
    notFor(['dict'], `${name} (only languages reads word lists)`);
    // Dates and sums have their own formats (engine/data/generators.ts); only the symbol tasks draw a length.
    if (!['copy', 'reverse', 'sort'].includes(name)) notFor(['min-len', 'max-len'], `${name} (only copy, reverse and sort draw a source length)`);
    // The data cap bounds the files a command reads; here only --exclude files are read.
    if (p.flags.exclude === undefined) notFor(['max-data-mb'], `${name} without --exclude (it reads no file)`);
    for (const f of (p.flags.exclude as string[] | undefined) ?? []) for (const line of readText(f, read).split('\n')) if (line) exclude.add(line.split('\t')[0]);
  }
  io.out(dataText(name, n, seed, {
    dict: p.flags.dict as string | undefined, minLen: p.flags['min-len'] as number | undefined, maxLen: p.flags['max-len'] as number | undefined,
    exclude, json: Boolean(p.flags.json), read,
  }));
  return 0;
}
