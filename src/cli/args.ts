// Argument parsing for `seqlab`: positionals plus `--flag value` / `--flag=value` / boolean `--flag`, checked
// against a per-command spec, so every mistake becomes a UsageError whose one-line message names the flag and
// what it accepts (the caller prints it and exits 2). List flags (`--data A B`) take values up to the next flag
// and may be repeated.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagSpec =
  | { type: 'bool' }
  /** `aliases`: other spellings accepted for a choice (e.g. rnn-tanh for rnn_tanh), stored as the choice. */
  | { type: 'string'; choices?: readonly string[]; aliases?: Readonly<Record<string, string>> }
  | { type: 'list' }
  | { type: 'int'; min?: number; max?: number }
  | { type: 'number'; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean };

export type Flags = Record<string, string | number | boolean | string[] | undefined>;

export interface Parsed {
  positionals: string[];
  flags: Flags;
}

/** `--help` (or `-h`) among a command's arguments: thrown by parseArgs with the very spec it parses with, so
 *  main() prints help derived from the flags the command really accepts (help.ts). */
export class HelpRequest extends Error {
  /** The latest request: an async command turns the throw into a rejection, which help.ts cannot catch in
   *  time, but parseArgs still runs synchronously at the command's start, so the request is recorded here. */
  static last: HelpRequest | null = null;

  constructor(readonly command: string, readonly spec: Readonly<Record<string, FlagSpec>>) {
    super(`seqlab ${command} --help`);
    this.name = 'HelpRequest';
    HelpRequest.last = this;
  }
}

/** Parses argv (after the command name) against `spec`; `maxPositionals` bounds the positionals. */
export function parseArgs(argv: readonly string[], spec: Record<string, FlagSpec>, maxPositionals: number, command: string): Parsed {
  // No flag value can start with `--` (see below), so `--help` anywhere is the request itself.
  if (argv.includes('--help')) throw new HelpRequest(command, spec);
  const positionals: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h') throw new HelpRequest(command, spec);
    if (!a.startsWith('--') || a === '--') {
      // An empty word (an unset shell variable) would otherwise name the current directory or be skipped.
      if (a === '') throw new UsageError(`${command}: an argument is empty ("")`);
      if (positionals.length >= maxPositionals) throw new UsageError(`${command}: unexpected argument ${JSON.stringify(a)}`);
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const s = spec[name];
    if (!s) throw new UsageError(`${command}: unknown option --${name} (options: ${Object.keys(spec).map((k) => `--${k}`).join(' ')})`);
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    if (s.type === 'bool') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new UsageError(`${command}: --${name} takes no value (or =true / =false)`);
      flags[name] = inline !== 'false';
      continue;
    }
    if (s.type === 'list') {
      const list = (flags[name] as string[] | undefined) ?? [];
      if (inline !== undefined) list.push(inline);
      else while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) list.push(argv[++i]);
      if (list.length === 0) throw new UsageError(`${command}: --${name} needs at least one value`);
      if (list.includes('')) throw new UsageError(`${command}: --${name} is given an empty value ("")`);
      flags[name] = list;
      continue;
    }
    let v = inline;
    if (v === undefined) {
      if (i + 1 >= argv.length || (argv[i + 1].startsWith('--') && !/^--?\d/.test(argv[i + 1]))) throw new UsageError(`${command}: --${name} needs a value`);
      v = argv[++i];
    }
    if (flags[name] !== undefined) throw new UsageError(`${command}: --${name} is given twice`);
    flags[name] = checkValue(command, name, s, v);
  }
  return { positionals, flags };
}

function checkValue(command: string, name: string, s: FlagSpec, v: string): string | number {
  if (s.type === 'bool' || s.type === 'list') return v;
  if (s.type === 'string') {
    // Empty text is never meant: as a path it is silently "no file" (`--meta=` fell back to another file).
    if (v === '') throw new UsageError(`${command}: --${name} is empty`);
    // Own keys only: a value such as "constructor" must not find Object.prototype's members.
    if (s.aliases && Object.prototype.hasOwnProperty.call(s.aliases, v)) v = s.aliases[v];
    if (s.choices && !s.choices.includes(v)) throw new UsageError(`${command}: --${name} must be one of ${s.choices.join('|')}, got ${JSON.stringify(v)}`);
    return v;
  }
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${command}: --${name} must be a number, got ${JSON.stringify(v)}`);
  if (s.type === 'int' && !Number.isInteger(n)) throw new UsageError(`${command}: --${name} must be an integer, got ${JSON.stringify(v)}`);
  if (s.type === 'number' && s.exclusiveMin && s.min !== undefined && !(n > s.min)) throw new UsageError(`${command}: --${name} must be greater than ${s.min}, got ${v}`);
  if (s.type === 'number' && s.exclusiveMax && s.max !== undefined && !(n < s.max)) throw new UsageError(`${command}: --${name} must be less than ${s.max}, got ${v}`);
  if (s.min !== undefined && n < s.min) throw new UsageError(`${command}: --${name} must be at least ${s.min}, got ${v}`);
  if (s.max !== undefined && n > s.max) throw new UsageError(`${command}: --${name} must be at most ${s.max}, got ${v}`);
  return n;
}

/** The one required positional, or a UsageError naming it. */
export function requirePositional(p: Parsed, index: number, what: string, command: string): string {
  const v = p.positionals[index];
  if (v === undefined) throw new UsageError(`${command}: missing ${what} (usage: ${USAGE[command] ?? `seqlab ${command}`})`);
  return v;
}

export function requireFlag<T>(p: Parsed, name: string, command: string): T {
  const v = p.flags[name];
  if (v === undefined) throw new UsageError(`${command}: --${name} is required (usage: ${USAGE[command] ?? `seqlab ${command}`})`);
  return v as T;
}

/** Each command's synopsis: positionals and required flags; `seqlab COMMAND --help` lists every option
 *  from the command's own flag spec (help.ts). */
export const USAGE: Record<string, string> = {
  train: 'seqlab train --task lm|classify|tag|seq2seq|one-to-many --data FILE... --out DIR [options]',
  eval: 'seqlab eval DIR --data FILE... [options]',
  generate: 'seqlab generate DIR --prompt TEXT | --prompt-file FILE | --label LABEL [options]',
  complete: 'seqlab complete DIR --prompt TEXT | --prompt-file FILE [options]',
  translate: 'seqlab translate DIR --input TEXT | --input-file FILE [options]',
  classify: 'seqlab classify DIR --input TEXT | --input-file FILE [options]',
  data: 'seqlab data copy|reverse|sort|dates|addition|languages|tags --n N [options]',
  export: 'seqlab export DIR --out OUT [options]',
  import: 'seqlab import WEIGHTS.safetensors --out DIR [options]',
};
