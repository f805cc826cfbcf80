// Inference commands over a checkpoint directory: generate (LM: continues a prompt; one-to-many: writes --n texts
// for a --label), complete (LM, the editor's completion code path), translate (seq2seq, with the attention
// matrix), classify (classifier, or tagger: one tag per token).
// Text comes from --prompt / --input or from a UTF-8 file (--prompt-file / --input-file; any length: the LM
// reads it in fixed-size chunks). Decoding never writes <pad>, <bos>, <unk>, control bytes or invalid UTF-8
// (engine/tokenFilter.ts) unless --allow-special, and never returns an empty continuation (minLength 1).
import { Rng } from '../engine/rng';
import type { DecodeOptions } from '../engine/sample';
import { TokenFilter } from '../engine/tokenFilter';
import type { AnyTask } from '../engine/tasks/checkpoint';
import type { LmTask } from '../engine/tasks/lmTask';
import type { OneToManyTask } from '../engine/tasks/oneToManyTask';
import type { Seq2SeqTask } from '../engine/tasks/seq2seqTask';
import type { SequenceTask } from '../engine/tasks/sequenceTask';
import { EOS, type Tokenizer } from '../engine/tokenize/types';
import { parseArgs, requirePositional, USAGE, UsageError } from './args';
import { refuseIgnoredGenerateFlags } from './combinations';
import { DataBudget, DEFAULT_MAX_DATA_MB } from './dataFiles';
import { FileError, loadTaskDir, readText, type CliIO } from './io';

/** Most hypothesis-steps (beam width × --max) one beam search may take: 64 hypotheses × 1024 tokens. */
export const BEAM_BUDGET = 65536;

/** The text of --NAME, or the contents of --NAME-file: exactly one of them, non-empty. */
function textInput(p: ReturnType<typeof parseArgs>, name: string, command: string, io: CliIO): { text: string; file: string | undefined } {
  const inline = p.flags[name] as string | undefined, file = p.flags[`${name}-file`] as string | undefined;
  if (inline !== undefined && file !== undefined) throw new UsageError(`${command}: give --${name} or --${name}-file, not both`);
  if (file === undefined) {
    if (inline === undefined) throw new UsageError(`${command}: --${name} TEXT or --${name}-file FILE is required (usage: ${USAGE[command]})`);
    return { text: inline, file };
  }
  // These commands have no --max-data-mb, so the over-cap message names the fixed cap instead of a flag they
  // would refuse; invalid UTF-8 is counted and warned as for training data.
  const budget = new DataBudget(DEFAULT_MAX_DATA_MB * 2 ** 20, '', `SeqLab reads a --${name}-file of at most ${DEFAULT_MAX_DATA_MB} MB`);
  const text = readText(file, { budget, warn: (m) => io.err(`seqlab: warning: ${m}\n`) });
  if (text.length === 0) throw new FileError(`${command}: --${name}-file ${file} is empty`);
  return { text, file };
}

/** The token mask every decoding command uses, or none with --allow-special. */
function mask(task: { tokenizer: Tokenizer }, allowSpecial: boolean): TokenFilter | undefined {
  return allowSpecial ? undefined : new TokenFilter(task.tokenizer);
}

function loadKind<K extends AnyTask['kind']>(dir: string, kinds: readonly K[], command: string, hint: string): Extract<AnyTask, { kind: K }> {
  const task = loadTaskDir(dir);
  if (!(kinds as readonly string[]).includes(task.kind)) throw new UsageError(`${command}: ${dir} holds a ${task.kind} model; ${command} needs ${hint}`);
  return task as Extract<AnyTask, { kind: K }>;
}

export function generateCommand(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, {
    prompt: { type: 'string' }, 'prompt-file': { type: 'string' }, label: { type: 'string' }, n: { type: 'int', min: 1, max: 10000 },
    max: { type: 'int', min: 1, max: 100000 }, temperature: { type: 'number', min: 0 },
    'top-k': { type: 'int', min: 0 }, 'top-p': { type: 'number', min: 0, max: 1 }, beam: { type: 'int', min: 1, max: 64 },
    seed: { type: 'int', min: 0, max: 2 ** 32 - 1 }, json: { type: 'bool' }, 'allow-special': { type: 'bool' },
  }, 1, 'generate'); // seed: the Rng mixes 32 bits, so 2^32 would repeat seed 0
  const dir = requirePositional(p, 0, 'the checkpoint directory', 'generate');
  if (p.flags.label !== undefined) return generateFromLabel(p, dir, io);
  if (p.flags.n !== undefined) throw new UsageError('generate: --n draws several texts from a one-to-many model and needs --label; a language model continues one --prompt');
  const { text: prompt, file } = textInput(p, 'prompt', 'generate', io);
  refuseIgnoredGenerateFlags(p.flags);
  if (prompt.length === 0) throw new UsageError('generate: --prompt is empty; give at least one character');
  const loaded = loadTaskDir(dir);
  if (loaded.kind === 'one-to-many') {
    throw new UsageError(`generate: ${dir} holds a one-to-many model, which writes from a label: give --label (one of ${loaded.labels.map((l) => JSON.stringify(l)).join(', ')}) instead of --prompt`);
  }
  if (loaded.kind !== 'lm') throw new UsageError(`generate: ${dir} holds a ${loaded.kind} model; generate needs a language model (use translate for seq2seq)`);
  const task = loaded;
  const f = p.flags, allowSpecial = Boolean(f['allow-special']);
  const opts = decodeOptions(f, (f.max as number | undefined) ?? 200, mask(task, allowSpecial), io);
  const { text, result } = task.generate(prompt, opts, { showSpecial: allowSpecial });
  if (f.json) {
    const tok = (id: number): string => (id === EOS ? '<eos>' : task.tokenizer.tokenText(id));
    io.out(JSON.stringify({
      ...(file === undefined ? { prompt } : { prompt_file: file }), text, log_prob: result.logProb,
      steps: result.steps.map((s) => ({ token: tok(s.token), prob: s.prob, alternatives: s.alternatives.map((a) => ({ token: tok(a.token), prob: a.prob })) })),
    }) + '\n');
  } else io.out((file === undefined ? prompt : '') + text + '\n'); // a prompt file is not echoed back
  return 0;
}

/** Greedy (--temperature 0), beam (--beam K) or seeded sampling, never emitting EOS first (minLength 1). */
function decodeOptions(f: ReturnType<typeof parseArgs>['flags'], maxLength: number, constraint: TokenFilter | undefined, io: CliIO): DecodeOptions {
  const opts: DecodeOptions = { maxLength, eos: EOS, minLength: 1, constraint };
  const beam = (f.beam as number | undefined) ?? 1, temperature = (f.temperature as number | undefined) ?? 1;
  if (beam > 1) {
    Object.assign(opts, { strategy: 'beam', beamWidth: beam });
    // Beam search costs width × length model rows; past the budget the length is lowered, said on stderr.
    const cap = Math.floor(BEAM_BUDGET / beam);
    if (opts.maxLength > cap) {
      io.err(`seqlab: note: generate: --max ${opts.maxLength} lowered to ${cap} for --beam ${beam} (beam search is limited to ${BEAM_BUDGET} hypothesis-steps)\n`);
      opts.maxLength = cap;
    }
  } else if (temperature === 0) opts.strategy = 'greedy';
  else Object.assign(opts, { strategy: 'sample', temperature, topK: f['top-k'], topP: f['top-p'], rng: new Rng((f.seed as number | undefined) ?? 42) });
  return opts;
}

/** `seqlab generate DIR --label L [--n N]`: N texts a one-to-many model writes for label L, one per line. */
function generateFromLabel(p: ReturnType<typeof parseArgs>, dir: string, io: CliIO): number {
  const f = p.flags, label = f.label as string, n = (f.n as number | undefined) ?? 1;
  for (const name of ['prompt', 'prompt-file']) {
    if (f[name] !== undefined) throw new UsageError(`generate: give --label (a one-to-many model writes from a label) or --${name} (a language model continues text), not both`);
  }
  refuseIgnoredGenerateFlags(f);
  const deterministic = ((f.beam as number | undefined) ?? 1) > 1 ? `--beam ${String(f.beam)}` : f.temperature === 0 ? '--temperature 0' : null;
  if (n > 1 && deterministic) throw new UsageError(`generate: --n ${n} asks for ${n} samples, but ${deterministic} decodes deterministically: all ${n} would be the same text`);
  const task = loadKind(dir, ['one-to-many'], 'generate', 'a one-to-many model with --label (a language model takes --prompt)') as OneToManyTask;
  if (!task.labels.includes(label)) {
    throw new UsageError(`generate: --label ${JSON.stringify(label)} is not a label of the model in ${dir}; it knows ${task.labels.map((l) => JSON.stringify(l)).join(', ')}`);
  }
  const allowSpecial = Boolean(f['allow-special']);
  const opts = decodeOptions(f, (f.max as number | undefined) ?? 2 * task.architecture.maxLength + 10, mask(task, allowSpecial), io);
  const samples: { text: string; log_prob: number; finished: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    const { text, result } = task.generate(label, opts, { showSpecial: allowSpecial }); // one Rng: n different draws
    samples.push({ text, log_prob: result.logProb, finished: result.finished });
  }
  if (f.json) io.out(JSON.stringify({ label, samples }) + '\n');
  else for (const s of samples) io.out(s.text + '\n');
  return 0;
}

export function completeCommand(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, {
    prompt: { type: 'string' }, 'prompt-file': { type: 'string' }, count: { type: 'int', min: 1, max: 50 }, beam: { type: 'int', min: 1, max: 64 },
    json: { type: 'bool' }, 'allow-special': { type: 'bool' },
  }, 1, 'complete');
  const dir = requirePositional(p, 0, 'the checkpoint directory', 'complete');
  const { text: prompt, file } = textInput(p, 'prompt', 'complete', io);
  if (prompt.length === 0) throw new UsageError('complete: --prompt is empty; completion continues some text');
  const task = loadKind(dir, ['lm'], 'complete', 'a language model') as LmTask;
  // The whole prompt is context: the Completer reads it in chunks, so no length needs cutting off.
  const beam = (p.flags.beam as number | undefined) ?? 8;
  const c = task.completer({ maxContext: Infinity, allowSpecial: Boolean(p.flags['allow-special']), maxBeam: beam });
  c.setPrefix(prompt);
  const suggestions = c.suggest({ count: (p.flags.count as number | undefined) ?? 3, beam });
  if (p.flags.json) io.out(JSON.stringify({ ...(file === undefined ? { prompt } : { prompt_file: file }), suggestions }) + '\n');
  else for (const s of suggestions) io.out(`${s.word}\t${s.prob.toFixed(4)}\n`);
  return 0;
}

export function translateCommand(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, {
    input: { type: 'string' }, 'input-file': { type: 'string' }, beam: { type: 'int', min: 1, max: 64 }, json: { type: 'bool' }, 'allow-special': { type: 'bool' },
  }, 1, 'translate');
  const dir = requirePositional(p, 0, 'the checkpoint directory', 'translate');
  const { text: input } = textInput(p, 'input', 'translate', io);
  if (input.length === 0) throw new UsageError('translate: --input is empty');
  const task = loadKind(dir, ['seq2seq'], 'translate', 'a seq2seq model') as Seq2SeqTask;
  const allowSpecial = Boolean(p.flags['allow-special']);
  const t = task.translate(input, (p.flags.beam as number | undefined) ?? 1, { minLength: 1, constraint: mask(task, allowSpecial) }, { showSpecial: allowSpecial });
  if (p.flags.json) {
    // The attention matrix is T × S numbers: written a row at a time, since one JSON.stringify of a long input's
    // matrix passes V8's largest string ("Invalid string length"). Same object, same key order as before.
    const head = JSON.stringify({ input, output: t.output, source_tokens: t.sourceTokens, output_tokens: t.outputTokens });
    io.out(`${head.slice(0, -1)},"attention":`);
    if (!t.attention) io.out('null');
    else t.attention.forEach((row, i) => io.out(`${i === 0 ? '[' : ','}${JSON.stringify(row)}`));
    if (t.attention) io.out(t.attention.length === 0 ? '[]' : ']');
    io.out(`,"log_prob":${JSON.stringify(t.logProb)},"finished":${JSON.stringify(t.finished)}}\n`);
    return 0;
  }
  io.out(t.output + '\n');
  if (t.attention) {
    // Rows: output tokens; columns: source tokens; each weight ×100, rounded.
    // reduce, not Math.max(...tokens): a long input would spread past the engine's argument limit.
    const w = t.sourceTokens.reduce((m, s) => Math.max(m, JSON.stringify(s).length), 3);
    const cell = (s: string): string => s.padStart(w);
    io.out(cell('') + ' ' + t.sourceTokens.map((s) => cell(JSON.stringify(s))).join(' ') + '\n');
    t.attention.forEach((row, i) => io.out(cell(JSON.stringify(t.outputTokens[i])) + ' ' + row.map((x) => cell(String(Math.round(x * 100)))).join(' ') + '\n'));
  }
  return 0;
}

export function classifyCommand(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, { input: { type: 'string' }, 'input-file': { type: 'string' }, json: { type: 'bool' }, top: { type: 'int', min: 1 } }, 1, 'classify');
  const dir = requirePositional(p, 0, 'the checkpoint directory', 'classify');
  const { text: input } = textInput(p, 'input', 'classify', io);
  const task = loadKind(dir, ['classify', 'tag'], 'classify', 'a classifier or a tagger') as SequenceTask;
  const labels = task.labels, C = labels.length;
  if (task.kind === 'tag' && p.flags.top !== undefined) throw new UsageError(`classify: --top ranks a classifier's labels; ${dir} holds a tagger (one tag per word)`);
  if (task.kind === 'classify') {
    if (task.encode(input).length === 0) throw new UsageError('classify: --input is empty');
    const probs = task.predict(task.encode(input));
    const ranked = labels.map((label, i) => ({ label, prob: probs[i] })).sort((a, b) => b.prob - a.prob).slice(0, (p.flags.top as number | undefined) ?? C);
    if (p.flags.json) io.out(JSON.stringify({ input, label: ranked[0].label, probs: ranked }) + '\n');
    else for (const r of ranked) io.out(`${r.label}\t${r.prob.toFixed(4)}\n`);
    return 0;
  }
  const tokens = input.split(/\s+/).filter((t) => t.length > 0);
  if (tokens.length === 0) throw new UsageError('classify: --input is empty');
  const probs = task.predict(task.encodeTokens(tokens));
  const tags = tokens.map((token, r) => {
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[r * C + c] > probs[r * C + best]) best = c;
    return { token, tag: labels[best], prob: probs[r * C + best] };
  });
  if (p.flags.json) io.out(JSON.stringify({ input, tags }) + '\n');
  else io.out(tags.map((t) => `${t.token}/${t.tag}`).join(' ') + '\n');
  return 0;
}
