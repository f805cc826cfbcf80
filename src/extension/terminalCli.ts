// `seqlab` in VS Code's integrated terminal. The extension ships the CLI as dist/cli.js, but a user who pastes a
// `seqlab train …` hint into the terminal got `seqlab: command not found`: nothing put it on the PATH, and the
// user may have no Node.js at all. So the extension writes a tiny launcher into its global storage that runs the
// bundled CLI on the runtime the extension host itself runs on (process.execPath: Node in code-server and
// remote hosts, Electron in desktop VS Code, where ELECTRON_RUN_AS_NODE=1 makes it behave as Node), and
// prepends that folder to the PATH of every new integrated terminal through the extension's
// EnvironmentVariableCollection (the documented way for an extension to contribute to terminal environments).
// The launcher is rewritten on every activation, so an update of VS Code or SeqLab never leaves a stale path.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface TerminalCli {
  /** Folder prepended to the integrated terminal's PATH; it holds `seqlab` (and `seqlab.cmd` on Windows). */
  readonly binDir: string;
  /** The launcher a shell runs for `seqlab`. */
  readonly launcher: string;
}

/** Launcher scripts for a runtime binary and the bundled CLI (pure; quoted for sh and cmd). */
export function launcherScripts(runtime: string, cliJs: string): { sh: string; cmd: string } {
  const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return {
    sh: `#!/bin/sh\n# SeqLab's command line, written by the SeqLab extension (runs the CLI bundled with it).\n` +
      `ELECTRON_RUN_AS_NODE=1 exec ${shQuote(runtime)} ${shQuote(cliJs)} "$@"\n`,
    cmd: `@echo off\r\nrem SeqLab's command line, written by the SeqLab extension.\r\n` +
      `set ELECTRON_RUN_AS_NODE=1\r\n"${runtime}" "${cliJs}" %*\r\n`,
  };
}

/** Writes the launcher and puts its folder on the integrated terminal's PATH. */
export function registerTerminalCli(context: vscode.ExtensionContext): TerminalCli {
  const binDir = path.join(context.globalStorageUri.fsPath, 'bin');
  const cliJs = path.join(context.extensionUri.fsPath, 'dist', 'cli.js');
  const scripts = launcherScripts(process.execPath, cliJs);
  fs.mkdirSync(binDir, { recursive: true });
  const launcher = path.join(binDir, process.platform === 'win32' ? 'seqlab.cmd' : 'seqlab');
  writeIfChanged(launcher, process.platform === 'win32' ? scripts.cmd : scripts.sh);
  if (process.platform !== 'win32') fs.chmodSync(launcher, 0o755);
  const env = context.environmentVariableCollection;
  env.description = 'Puts the `seqlab` command line on the PATH of the integrated terminal.';
  env.prepend('PATH', binDir + path.delimiter);
  return { binDir, launcher };
}

/** Rewrites only when the content differs, through a temporary file, so a concurrent window never runs half a script. */
function writeIfChanged(file: string, content: string): void {
  try {
    if (fs.readFileSync(file, 'utf8') === content) return;
  } catch {
    // missing: write it
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o755 });
  fs.renameSync(tmp, file);
}
