// Q rows of `npm run bench` (issue 16's quality targets): what a user gets from `seqlab train` with DEFAULT flags
// and a time budget, measured through the real CLI (dist/cli.js, child processes) and `seqlab eval` on held-out
// data the run never saw (not given to training, not used to pick weights):
//   Q-dates      seqlab train --task seq2seq --time S on `seqlab data dates` (20,000 pairs); exact match on 1,000
//                held-out pairs [target ≥ 99.5 % within 180 s on the 2-core machine, alone]
//   Q-reverse    the same on `seqlab data reverse` (lengths 5–20)
//   Q-languages  seqlab train --task classify --time S on `seqlab data languages`; held-out accuracy
// Each figure is also given per minute of training (figure ÷ minutes), the "accuracy per minute" of the issue.
// Run it alone: the figures depend on the machine's speed (the budget is wall time). --q-seconds S (default 180).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface QualityFigure {
  id: string;
  label: string;
  /** Held-out exact match (seq2seq) or accuracy (classify), in %. */
  percent: number;
  seconds: number;
  steps: number;
  note: string;
}

type Log = (s: string) => void;

export function qualityRows(root: string, seconds: number, want: (id: string) => boolean, log: Log): QualityFigure[] {
  const cliPath = path.join(root, 'dist/cli.js');
  if (!fs.existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-quality-'));
  const cli = (args: string[]): string => {
    log(`  $ seqlab ${args.join(' ')}`);
    return execFileSync(process.execPath, [cliPath, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const write = (name: string, text: string): string => { fs.writeFileSync(path.join(work, name), text); return name; };
  /** Default flags and a time budget; periodic validation stays as the defaults have it (it is part of the run). */
  const train = (task: string, data: string, out: string): { seconds: number; steps: number } => {
    const lines = cli(['train', '--task', task, '--data', data, '--out', out, '--time', String(seconds), '--json']).trim().split('\n');
    const done = JSON.parse(lines[lines.length - 1]) as { seconds: number; steps: number };
    return { seconds: done.seconds, steps: done.steps };
  };
  const evaluate = (dir: string, data: string): Record<string, number> => JSON.parse(cli(['eval', dir, '--data', data, '--json']));
  const figures: QualityFigure[] = [];
  const perMinute = (pct: number, s: number): string => `${(pct / (s / 60)).toFixed(1)} %/min`;
  try {
    for (const task of ['dates', 'reverse'] as const) {
      const id = `Q-${task}`;
      if (!want(id)) continue;
      write(`${task}-train.tsv`, cli(['data', task, '--n', '20000', '--seed', '1']));
      write(`${task}-test.tsv`, cli(['data', task, '--n', '1000', '--seed', '2', '--exclude', `${task}-train.tsv`]));
      const t = train('seq2seq', `${task}-train.tsv`, task);
      const e = evaluate(task, `${task}-test.tsv`);
      const pct = 100 * e.exact_match;
      figures.push({ id, label: `${id} exact match, default flags, ${seconds} s`, percent: pct, seconds: t.seconds, steps: t.steps,
        note: `${e.examples} held-out pairs, token accuracy ${(100 * e.token_accuracy).toFixed(2)} %, ${t.steps} steps in ${t.seconds} s, ${perMinute(pct, t.seconds)}${task === 'dates' ? ' [target ≥ 99.5 % within 180 s]' : ''}` });
      log(`  ${id}: ${pct.toFixed(2)} % after ${t.steps} steps / ${t.seconds} s`);
    }
    if (want('Q-languages')) {
      const all = cli(['data', 'languages', '--n', '48000', '--seed', '1']).trim().split('\n');
      const cut = all.length - 4000;
      write('lang-train.tsv', all.slice(0, cut).join('\n') + '\n');
      write('lang-test.tsv', all.slice(cut).join('\n') + '\n');
      const t = train('classify', 'lang-train.tsv', 'lang');
      const e = evaluate('lang', 'lang-test.tsv');
      const pct = 100 * e.accuracy;
      figures.push({ id: 'Q-languages', label: `Q-languages accuracy, default flags, ${seconds} s`, percent: pct, seconds: t.seconds, steps: t.steps,
        note: `${e.examples} held-out words of 4 languages (chance 25 %), ${t.steps} steps in ${t.seconds} s, ${perMinute(pct, t.seconds)}` });
      log(`  Q-languages: ${pct.toFixed(2)} % after ${t.steps} steps / ${t.seconds} s`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
