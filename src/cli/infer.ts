// Inference commands over a checkpoint directory: generate (LM), complete (LM, the editor's completion code
// path), translate (seq2seq, with the attention matrix), classify (classifier, or tagger: one tag per token).
import { Rng } from '../engine/rng';
import type { DecodeOptions } from '../engine/sample';
import type { AnyTask } from '../engine/tasks/checkpoint';
import type { LmTask } from '../engine/tasks/lmTask';
import type { Seq2SeqTask } from '../engine/tasks/seq2seqTask';
import type { SequenceTask } from '../engine/tasks/sequenceTask';
import { EOS } from '../engine/tokenize/types';
import { parseArgs, requireFlag, requirePositional, UsageError } from './args';
import { loadTaskDir, type CliIO } from './io';

function loadKind<K extends AnyTask['kind']>(dir: string, kinds: readonly K[], command: string, hint: string): Extract<AnyTask, { kind: K }> {
  const task = loadTaskDir(dir);
  if (!(kinds as readonly string[]).includes(task.kind)) throw new UsageError(`${command}: ${dir} holds a ${task.kind} model; ${command} needs ${hint}`);
  return task as Extract<AnyTask, { kind: K }>;
}

export function generateCommand(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, {
    prompt: { type: 'string' }, max: { type: 'int', min: 1, max: 100000 }, temperature: { type: 'number', min: 0 },
    'top-k': { type: 'int', min: 0 }, 'top-p': { type: 'number', min: 0, max: 1 }, beam: { type: 'int', min: 1, max: 64 },
    seed: { type: 'int', min: 0 }, json: { type: 'bool' },
  }, 1, 'generate');
  const dir = requirePositional(p, 0, 'the checkpoint directory', 'generate');
  const prompt = requireFlag<string>(p, 'prompt', 'generate');
  const task = loadKind(dir, ['lm'], 'generate', 'a language model (use translate for seq2seq)') as LmTask;
  const f = p.flags, temperature = (f.temperature as number | undefined) ?? 1;
  const opts: DecodeOptions = { maxLength: (f.max as number | undefined) ?? 200, eos: EOS };
  if (f.beam !== undefined && (f.beam as number) > 1) Object.assign(opts, { strategy: 'beam', beamWidth: f.beam });
  else if (temperature === 0) opts.strategy = 'greedy';
  else Object.assign(opts, { strategy: 'sample', temperature, topK: f['top-k'], topP: f['top-p'], rng: new Rng((f.seed as number | undefined) ?? 42) });
  if (prompt.length === 0) throw new UsageError('generate: --prompt is empty; give at least one character');
  const { text, result } = task.generate(prompt, opts);
  if (f.json) {
    const tok = (id: number): string => (id === EOS ? '<eos>' : task.tokenizer.tokenText(id));
    io.out(JSON.stringify({
      prompt, text, log_prob: result.logProb,
      steps: result.steps.map((s) => ({ token: tok(s.token), prob: s.prob, alternatives: s.alternatives.map((a) => ({ token: tok(a.token), prob: a.prob })) })),
    }) + '\n');
  } else io.out(prompt + text + '\n');
  return 0;
}

export function completeCommand(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, { prompt: { type: 'string' }, count: { type: 'int', min: 1, max: 50 }, beam: { type: 'int', min: 1, max: 64 }, json: { type: 'bool' } }, 1, 'complete');
  const dir = requirePositional(p, 0, 'the checkpoint directory', 'complete');
  const prompt = requireFlag<string>(p, 'prompt', 'complete');
  if (prompt.length === 0) throw new UsageError('complete: --prompt is empty; completion continues some text');
  const task = loadKind(dir, ['lm'], 'complete', 'a language model') as LmTask;
  const c = task.completer();
  c.setPrefix(prompt);
  const suggestions = c.suggest({ count: (p.flags.count as number | undefined) ?? 3, beam: p.flags.beam as number | undefined });
  if (p.flags.json) io.out(JSON.stringify({ prompt, suggestions }) + '\n');
  else for (const s of suggestions) io.out(`${s.word}\t${s.prob.toFixed(4)}\n`);
  return 0;
}

export function translateCommand(argv: readonly string[], io: CliIO): number {
  const p = parseArgs(argv, { input: { type: 'string' }, beam: { type: 'int', min: 1, max: 64 }, json: { type: 'bool' } }, 1, 'translate');
  const dir = requirePositional(p, 0, 'the checkpoint directory', 'translate');
  const input = requireFlag<string>(p, 'input', 'translate');
  if (input.length === 0) throw new UsageError('translate: --input is empty');
  const task = loadKind(dir, ['seq2seq'], 'translate', 'a seq2seq model') as Seq2SeqTask;
  const t = task.translate(input, (p.flags.beam as number | undefined) ?? 1);
  if (p.flags.json) {
    io.out(JSON.stringify({
      input, output: t.output, source_tokens: t.sourceTokens, output_tokens: t.outputTokens, attention: t.attention, log_prob: t.logProb, finished: t.finished,
    }) + '\n');
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
  const p = parseArgs(argv, { input: { type: 'string' }, json: { type: 'bool' }, top: { type: 'int', min: 1 } }, 1, 'classify');
  const dir = requirePositional(p, 0, 'the checkpoint directory', 'classify');
  const input = requireFlag<string>(p, 'input', 'classify');
  const task = loadKind(dir, ['classify', 'tag'], 'classify', 'a classifier or a tagger') as SequenceTask;
  const labels = task.labels, C = labels.length;
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
