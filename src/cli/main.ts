#!/usr/bin/env node
// The `seqlab` command line: the same engine and trainer as the extension, headless.
//   seqlab train | eval | generate | complete | translate | classify | data | export | import
// main(argv, io) resolves to the exit code and never throws: every error becomes ONE line on stderr
// ("seqlab: <what is wrong>"), exit 2 for bad usage and 1 for bad files / data / models. Never imports vscode.
import * as fs from 'node:fs';
import { HelpRequest, parseArgs, requireFlag, requirePositional, UsageError } from './args';
import { dataCommand } from './data';
import { evalCommand } from './evaluate';
import { exportModel, type ExportFormat } from './export';
import { importFolder } from './importProject';
import { fsErrorMessage } from './files';
import { commandHelp, commandSpec, fullHelp } from './help';
import { importModel } from './import';
import { classifyCommand, completeCommand, generateCommand, translateCommand } from './infer';
import { guardStdStreams, processIO, type CliIO } from './io';
import { train } from './train';

export const VERSION = '0.1.0';

// A command returns its exit code; a long one (train) returns a promise, so signals are handled while it runs.
const COMMANDS: Record<string, (argv: readonly string[], io: CliIO) => number | Promise<number>> = {
  train,
  eval: evalCommand,
  generate: generateCommand,
  complete: completeCommand,
  translate: translateCommand,
  classify: classifyCommand,
  data: dataCommand,
  export: (argv, io) => {
    const p = parseArgs(argv, {
      format: { type: 'string', choices: ['pytorch', 'pytorch-project'] }, out: { type: 'string' }, force: { type: 'bool' }, data: { type: 'list' }, valid: { type: 'string' },
    }, 1, 'export');
    const dir = requirePositional(p, 0, 'the checkpoint directory', 'export');
    const format = (p.flags.format as ExportFormat | undefined) ?? 'pytorch';
    if (format !== 'pytorch-project' && (p.flags.data !== undefined || p.flags.valid !== undefined)) throw new UsageError('export: --data and --valid apply to --format pytorch-project (the training data of the run it continues)');
    const r = exportModel(dir, {
      format, out: requireFlag(p, 'out', 'export'), force: Boolean(p.flags.force), data: p.flags.data as string[] | undefined, valid: p.flags.valid as string | undefined,
    });
    io.out(`exported ${r.architecture} to ${r.files.join(', ')}\n`);
    return 0;
  },
  import: (argv, io) => {
    const p = parseArgs(argv, {
      out: { type: 'string' }, meta: { type: 'string' }, tokenizer: { type: 'string' }, 'rnn-nonlinearity': { type: 'string', choices: ['tanh', 'relu'] }, force: { type: 'bool' },
    }, 1, 'import');
    const weights = requirePositional(p, 0, 'the weights file', 'import');
    if (fs.existsSync(weights) && fs.statSync(weights).isDirectory()) {
      // A training project, its train.py's --out folder, or a checkpoint folder: the checkpoint is taken as it is.
      for (const f of ['meta', 'tokenizer', 'rnn-nonlinearity']) if (p.flags[f] !== undefined) throw new UsageError(`import: --${f} applies to a weights file; ${weights} is a folder whose checkpoint names its architecture and tokenizer`);
      return importFolder(weights, { out: requireFlag(p, 'out', 'import'), force: Boolean(p.flags.force) }).then((r) => {
        io.out(`imported the ${r.kind} model of ${r.from}${r.step !== null ? ` (step ${r.step}${r.historySteps ? `, ${r.historySteps} steps of history` : ''})` : ''} into ${r.dir}\n`);
        return 0;
      });
    }
    const r = importModel(weights, {
      out: requireFlag(p, 'out', 'import'), meta: p.flags.meta as string | undefined, tokenizer: p.flags.tokenizer as string | undefined,
      rnnNonlinearity: p.flags['rnn-nonlinearity'] as 'tanh' | 'relu' | undefined, force: Boolean(p.flags.force),
    });
    io.out(`imported ${r.architecture} into ${r.dir}\n`);
    return 0;
  },
};

function help(): string {
  return fullHelp(`seqlab ${VERSION}: train and run recurrent networks (RNN, LSTM, GRU, seq2seq with attention)`, COMMANDS);
}

export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'help' && rest.length > 0) {
      if (!COMMANDS[rest[0]]) throw new UsageError(`help: unknown command ${JSON.stringify(rest[0])}; commands: ${Object.keys(COMMANDS).join(', ')}`);
      io.out(commandHelp(rest[0], commandSpec(rest[0], COMMANDS[rest[0]]).spec));
      return 0;
    }
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.out(help());
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === 'version') {
      io.out(`seqlab ${VERSION}\n`);
      return 0;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command ${JSON.stringify(command)}; commands: ${Object.keys(COMMANDS).join(', ')} (seqlab --help)`);
    return await run(rest, io);
  } catch (e) {
    if (e instanceof HelpRequest) {
      io.out(commandHelp(e.command, e.spec));
      return 0;
    }
    const message = fsErrorMessage(e) ?? (e instanceof Error ? e.message : String(e));
    io.err(`seqlab: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  guardStdStreams();
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
