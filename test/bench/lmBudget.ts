// `npm run -s bench:lm -- [options]`: how good W1's model (char LSTM 1×128, embedding 32) gets on a FIXED number of
// optimizer steps, against the character 5-gram (ngram.ts) on the same text: W5's held-out bits/char and W8's
// keystrokes saved, without depending on how loaded the machine is (issue 16, W5 and W8). A step budget follows
// the same warm-up + cosine curve as a time budget (optim/budget.ts), so "the steps 120 s give" reproduces a
// 120 s run's schedule; the step rate itself is printed (wall clock, so load-dependent) for converting the two.
//
// Options: --text fortunes | FILE | DIR (default fortunes; DIR: its files whose names match --files REGEX, default
//          \.(ts|md)$, sorted, e.g. --text src --files '\.ts$')
//          --steps N (default 2000), --batch B, --seq-len T, --lr X, --lr-schedule auto|constant|cosine,
//          --threads N (default 1), --seed S, --chars N (held-out characters typed for W8, default 1500),
//          --json (one JSON line on stdout). Unset training options are the CLI's lm defaults (engine/run/config.ts).
// Held-out split: W5's and W8's, the last 5 % of the text. Bits/char: W5's measure, consecutive 64-char windows of
// the held-out text, each from a zero state; the n-gram scores the same target characters with the same window
// context. Keystrokes: keystrokes.ts's simulated user, with the editor's thresholds, plus a calibration table
// (offered suggestions by probability band: how often each was exactly what came next).
import * as fs from 'fs';
import * as path from 'path';
import { defaultsFor, runConfig } from '../../src/engine/run/config';
import { TrainingRun } from '../../src/engine/run/run';
import type { LmTask } from '../../src/engine/tasks/lmTask';
import { loadCorpus } from './corpus';
import { ngramGhost, seqlabGhost, simulateTyping, type GhostText, MIN_CONFIDENCE, NEXT_WORD_CONFIDENCE } from './keystrokes';
import { CharNgram } from './ngram';
import { threadHost } from './threads';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const num = (name: string, dflt: number): number => { const v = opt(name); return v === undefined ? dflt : Number(v); };
const ROOT = path.resolve(__dirname, '../..');
const log = (s: string): void => { process.stderr.write(s + '\n'); };

function loadText(spec: string): { text: string; source: string } {
  if (spec === 'fortunes') return loadCorpus(ROOT, log);
  if (!fs.existsSync(spec)) throw new Error(`${spec}: no such file or directory`);
  const stat = fs.statSync(spec);
  if (stat.isFile()) return { text: fs.readFileSync(spec, 'utf8').replace(/\r/g, ''), source: spec };
  const files: string[] = [], pattern = new RegExp(opt('--files') ?? '\\.(ts|md)$');
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (pattern.test(e.name) && !e.name.endsWith('Binary.ts')) files.push(p);
    }
  };
  walk(spec);
  return { text: files.map((f) => fs.readFileSync(f, 'utf8')).join('\n').replace(/\r/g, ''), source: `${spec} (${files.length} files matching ${pattern.source})` };
}

/** Ghost text memoised by cursor position, so the calibration pass and every threshold's typing share the model calls. */
function memo(ghost: GhostText): GhostText {
  const seen = new Map<string, ReturnType<GhostText>>();
  return (before) => { let g = seen.get(before); if (g === undefined) { g = ghost(before); seen.set(before, g); } return g; };
}

/** Offered suggestions (prob ≥ 0.05) by probability band: count, mean probability, share exactly right. */
function calibration(ghost: GhostText, before: string, typed: string): Array<{ band: string; n: number; meanProb: number; right: number }> {
  const edges = [0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0001];
  const acc = edges.slice(1).map(() => ({ n: 0, p: 0, right: 0 }));
  for (let i = 0; i < typed.length; i++) {
    const g = ghost(before + typed.slice(0, i));
    if (!g || g.completion.length === 0 || g.prob < edges[0]) continue;
    const k = edges.findIndex((e, j) => j > 0 && g.prob < e) - 1;
    acc[k].n++; acc[k].p += g.prob; if (typed.startsWith(g.completion, i)) acc[k].right++;
  }
  return acc.map((a, k) => ({ band: `${edges[k]}–${Math.min(1, edges[k + 1]).toFixed(2)}`, n: a.n, meanProb: a.n ? a.p / a.n : 0, right: a.n ? a.right / a.n : 0 }));
}

async function main(): Promise<void> {
  const { text, source } = loadText(opt('--text') ?? 'fortunes');
  const d = defaultsFor('lm');
  const cps = Array.from(text), cut = Math.floor(cps.length * 0.95); // W5's and W8's split
  const train = cps.slice(0, cut).join(''), held = cps.slice(cut);
  const steps = num('--steps', 2000), threads = num('--threads', 1), chars = num('--chars', 1500);
  const config = runConfig({
    task: 'lm', tokenizer: 'char', cell: 'lstm', layers: 1, hidden: 128, embedding: 32, // W1's model
    batch: num('--batch', d.batch), seqLen: num('--seq-len', d.seqLen), lr: num('--lr', d.lr),
    lrSchedule: (opt('--lr-schedule') ?? d.lrSchedule) as typeof d.lrSchedule, seed: num('--seed', 7), steps, threads,
    validEvery: 0, validBatches: 0, checkpointEvery: 0, snapshotEvery: 0,
  });
  log(`${source}: ${cps.length} chars, train ${cut}, held-out ${held.length}; ${steps} steps, batch ${config.batch}×${config.seqLen}, lr ${config.lr} (${config.lrSchedule}), ${threads} thread(s)`);
  const run = TrainingRun.create(config, { kind: 'lm', text: train }, null, null, threads > 1 ? threadHost(threads) : null);
  const t0 = performance.now();
  let lastLoss = 0;
  while (!run.budgetSpent()) {
    const s = run.trainStep();
    if (s.nonFinite !== null) throw new Error(`training diverged at step ${s.step} (${s.nonFinite})`);
    lastLoss = s.loss;
    if (run.step % 500 === 0) log(`  step ${run.step}: loss ${s.loss.toFixed(3)} nats`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const task = run.task as LmTask;

  // W5's bits/char: consecutive seqLen windows of the held-out text, each from a zero state (worker.ts).
  const T = 64, B = config.batch, windows = Math.min(16 * 32, Math.floor((held.length - 1) / T));
  if (windows < 1) throw new Error(`the held-out 5 % of ${source} is shorter than one ${T}-character window`);
  const rowsPerForward = Math.min(B, windows), x = new Int32Array(rowsPerForward * T), y = new Int32Array(rowsPerForward * T);
  const ngram = new CharNgram(train, 5, held.join(''));
  let lstmNats = 0, lstmN = 0, ngramBits = 0;
  for (let w0 = 0; w0 + rowsPerForward <= windows; w0 += rowsPerForward) {
    for (let b = 0; b < rowsPerForward; b++) {
      const s = (w0 + b) * T;
      for (let t = 0; t < T; t++) {
        x[b * T + t] = task.tokenizer.encode(held[s + t])[0]; y[b * T + t] = task.tokenizer.encode(held[s + t + 1])[0];
        ngramBits -= Math.log2(ngram.prob(held.slice(s, s + t + 1).join(''), held[s + t + 1]));
      }
    }
    task.model.forward(x, rowsPerForward, T);
    lstmNats += task.model.loss(y, 'mean').loss * rowsPerForward * T; lstmN += rowsPerForward * T;
  }
  const lstmBpc = lstmNats / lstmN / Math.LN2, ngramBpc = ngramBits / lstmN;

  // W8: type the held-out text after 200 characters of context, with both models under the same policy.
  const before = held.slice(0, 200).join(''), typed = held.slice(200, 200 + chars).join('');
  const ghosts = { seqlab: memo(seqlabGhost(task)), 'ngram-5': memo(ngramGhost(ngram)) };
  const policies: Array<[string, number, number]> = [['editor (begun 0.2, next word 0.5)', MIN_CONFIDENCE, NEXT_WORD_CONFIDENCE], ['0.2 for every word', 0.2, 0.2], ['0.1 for every word', 0.1, 0.1], ['0.35 for every word', 0.35, 0.35]];
  const saved: Record<string, Record<string, number>> = {};
  for (const [name, g] of Object.entries(ghosts)) {
    saved[name] = {};
    for (const [p, begun, next] of policies) { const r = simulateTyping(typed, g, before, begun, next); saved[name][p] = (100 * r.saved) / r.chars; }
  }
  const calib = Object.fromEntries(Object.entries(ghosts).map(([n, g]) => [n, calibration(g, before, typed)]));
  const out = {
    text: source, steps, batch: config.batch, seqLen: config.seqLen, lr: config.lr, lrSchedule: config.lrSchedule, threads,
    tokens: steps * config.batch * config.seqLen, seconds, stepsPerSecond: steps / seconds, lastTrainLoss: lastLoss,
    bitsPerChar: { seqlab: lstmBpc, 'ngram-5': ngramBpc, chars: lstmN }, keystrokesSaved: saved, typedChars: typed.length, calibration: calib,
  };
  if (args.includes('--json')) { process.stdout.write(JSON.stringify(out) + '\n'); return; }
  const f = (v: number, d2 = 3): string => v.toFixed(d2);
  process.stdout.write(`${source}\n${steps} steps × ${config.batch}×${config.seqLen} = ${out.tokens} tokens, lr ${config.lr} ${config.lrSchedule}, ${threads} thread(s): ` +
    `${f(seconds, 1)} s (${f(out.stepsPerSecond, 1)} steps/s here, load-dependent)\n`);
  process.stdout.write(`held-out bits/char (${lstmN} chars, 64-char windows): seqlab ${f(lstmBpc)}, ngram-5 ${f(ngramBpc)}\n`);
  for (const [p] of policies) process.stdout.write(`keystrokes saved, ${p}: seqlab ${f(saved.seqlab[p], 1)} %, ngram-5 ${f(saved['ngram-5'][p], 1)} % (${typed.length} chars)\n`);
  for (const [n, rows] of Object.entries(calib)) {
    process.stdout.write(`calibration ${n}: ${rows.map((r) => `[${r.band}] n ${r.n} p ${f(r.meanProb, 2)} right ${f(r.right, 2)}`).join('; ')}\n`);
  }
}

main().catch((e) => { log(`bench:lm: ${e instanceof Error ? e.message : String(e)}`); process.exit(1); });
