// `seqlab data TASK --n N --seed S`: the demo-task generators as `source<TAB>target` lines (seq2seq), and
// `languages`: `word<TAB>language` lines from Debian's word lists (the many-to-one demo), balanced per language.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_TASKS, generateTask, isDemoTask } from '../engine/data/generators';
import { buildWordLanguageData, wordListFromText } from '../engine/data/wordLanguages';
import { Rng } from '../engine/rng';
import { parseArgs, requireFlag, requirePositional, UsageError } from './args';
import { dataReadOptions, MAX_DATA_FLAG } from './dataFiles';
import { FileError, readText, type CliIO } from './io';

/** Debian's word lists (packages wamerican, wngerman, wfrench, wspanish, all in test/harness/debian-packages.txt)
 *  → language name. Full paths, so the package-list check (test/unit/systemFiles.test.ts) sees each one. */
export const WORD_LISTS: Readonly<Record<string, string>> = {
  '/usr/share/dict/american-english': 'english', '/usr/share/dict/ngerman': 'german',
  '/usr/share/dict/french': 'french', '/usr/share/dict/spanish': 'spanish',
};

export function dataCommand(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, {
    n: { type: 'int', min: 1, max: 10_000_000 }, seed: { type: 'int', min: 0, max: 2 ** 32 - 1 }, 'min-len': { type: 'int', min: 1 }, 'max-len': { type: 'int', min: 1 },
    exclude: { type: 'list' }, dict: { type: 'string' }, json: { type: 'bool' }, ...MAX_DATA_FLAG,
  }, 1, 'data');
  const name = requirePositional(p, 0, 'the task name', 'data');
  const n = requireFlag<number>(p, 'n', 'data');
  const seed = (p.flags.seed as number | undefined) ?? 42;
  const read = dataReadOptions(p.flags, io.err);
  const rows: [string, string][] = [];
  // Each generator reads only its own options: refuse the others instead of ignoring them.
  const notFor = (flags: string[], what: string): void => {
    const given = flags.filter((f) => p.flags[f] !== undefined);
    if (given.length) throw new UsageError(`data: --${given[0]} does not apply to ${what}`);
  };
  if (name === 'languages') {
    notFor(['exclude', 'min-len', 'max-len'], 'languages (it samples whole words from the word lists)');
    const dir = p.flags.dict as string | undefined;
    if (dir !== undefined && !fs.existsSync(dir)) throw new FileError(`data: --dict ${dir}: no such directory`);
    if (dir !== undefined && !fs.statSync(dir).isDirectory()) throw new FileError(`data: --dict ${dir} is a file; give the directory holding the word lists`);
    const lists: Record<string, string[]> = {};
    for (const [file, lang] of Object.entries(WORD_LISTS)) {
      const f = dir === undefined ? file : path.join(dir, path.basename(file));
      if (dir !== undefined && !fs.existsSync(f)) throw new FileError(`data: --dict ${dir} has no ${path.basename(file)} word list`);
      if (!fs.existsSync(f)) throw new FileError(`data: ${f} is missing (install the Debian word lists: apt-get install wamerican wngerman wfrench wspanish)`);
      lists[lang] = wordListFromText(readText(f, read));
    }
    const d = buildWordLanguageData(lists, new Rng(seed), { perLanguage: Math.ceil(n / Object.keys(lists).length) });
    for (const e of d.examples.slice(0, n)) rows.push([e.text, e.label]);
  } else {
    if (!isDemoTask(name)) throw new UsageError(`data: unknown task ${JSON.stringify(name)}; expected one of ${[...DEMO_TASKS, 'languages'].join('|')}`);
    notFor(['dict'], `${name} (only languages reads word lists)`);
    // Dates and sums have their own formats (engine/data/generators.ts); only the symbol tasks draw a length.
    if (!['copy', 'reverse', 'sort'].includes(name)) notFor(['min-len', 'max-len'], `${name} (only copy, reverse and sort draw a source length)`);
    // The data cap bounds the files a command reads; here only --exclude files are read.
    if (p.flags.exclude === undefined) notFor(['max-data-mb'], `${name} without --exclude (it reads no file)`);
    const exclude = new Set<string>();
    for (const f of (p.flags.exclude as string[] | undefined) ?? []) for (const line of readText(f, read).split('\n')) if (line) exclude.add(line.split('\t')[0]);
    const opts = { minLen: p.flags['min-len'] as number | undefined, maxLen: p.flags['max-len'] as number | undefined, exclude, unique: exclude.size > 0 };
    try {
      for (const e of generateTask(name, new Rng(seed), n, opts)) rows.push([e.source, e.target]);
    } catch (e) {
      throw new UsageError(`data: ${(e as Error).message}`);
    }
  }
  const lines = rows.map(([a, b]) => (p.flags.json ? JSON.stringify({ source: a, target: b }) : `${a}\t${b}`));
  io.out(lines.join('\n') + '\n');
  return 0;
}
