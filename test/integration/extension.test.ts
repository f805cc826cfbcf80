// Runs inside VS Code's real extension host (desktop Electron, or code-server's Node host).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'seqlab.seqlab';
const DASHBOARD = 'seqlab.dashboard';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category: string }[];
    configuration: { properties: Record<string, { default: unknown }> };
  };
}

function dashboardTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes(DASHBOARD));
}

/** Polls until `predicate` holds: the workbench creates tabs asynchronously after a command returns. */
async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('SeqLab in the extension host', () => {
  let ext: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in this host`);
    ext = found;
    await ext.activate();
  });

  it('runs in a Node extension host and reports its versions', () => {
    console.log(`extension host: node ${process.versions.node}, electron ${process.versions['electron'] ?? 'none'}, ` +
      `VS Code ${vscode.version}, app ${vscode.env.appName}, uiKind ${vscode.env.uiKind}, remote ${vscode.env.remoteName ?? 'none'}`);
    assert.match(process.versions.node, /^\d+\.\d+\.\d+$/);
    assert.equal(ext.extensionKind, vscode.env.remoteName ? vscode.ExtensionKind.Workspace : ext.extensionKind);
  });

  it('is active', () => {
    assert.equal(ext.isActive, true);
  });

  it('registers every contributed command, each in the SeqLab category', async () => {
    const manifest = ext.packageJSON as Manifest;
    const contributed = manifest.contributes.commands;
    assert.ok(contributed.some((c) => c.command === 'seqlab.showDashboard'));
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of contributed) {
      assert.ok(registered.has(c.command), `command ${c.command} is contributed but not registered`);
      assert.equal(c.category, 'SeqLab', `command ${c.command} is not in the SeqLab category`);
    }
  });

  it('exposes the seqlab.* settings with their manifest defaults', () => {
    const props = (ext.packageJSON as Manifest).contributes.configuration.properties;
    const config = vscode.workspace.getConfiguration('seqlab');
    for (const [key, schema] of Object.entries(props)) {
      assert.ok(key.startsWith('seqlab.'), `setting ${key} is outside the seqlab section`);
      // The registered default (inspect): the harness's user settings may set a value (it turns the walkthrough off).
      assert.deepEqual(config.inspect(key.slice('seqlab.'.length))?.defaultValue, schema.default, `default of ${key}`);
    }
  });

  it('opens the dashboard as a single webview panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(dashboardTabs().length, 0);
    await vscode.commands.executeCommand('seqlab.showDashboard');
    await waitFor('the dashboard tab', () => dashboardTabs().length === 1);
    const tab = dashboardTabs()[0] as vscode.Tab;
    assert.equal(tab.label, 'SeqLab Dashboard');
    assert.equal(tab.isActive, true);

    // Running it again reveals the same panel instead of opening a second one.
    await vscode.commands.executeCommand('seqlab.showDashboard');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(dashboardTabs().length, 1);
  });

  it('opens a fresh dashboard after the old one was closed (the singleton is cleared)', async () => {
    await vscode.commands.executeCommand('seqlab.showDashboard');
    await waitFor('the dashboard tab', () => dashboardTabs().length === 1);
    await vscode.window.tabGroups.close(dashboardTabs());
    await waitFor('the tab to close', () => dashboardTabs().length === 0);
    await vscode.commands.executeCommand('seqlab.showDashboard');
    await waitFor('a new dashboard tab', () => dashboardTabs().length === 1);
  });
});

describe('seqlab on the integrated terminal\'s PATH', function () {
  this.timeout(60_000);

  it('writes a launcher that runs the bundled CLI on the extension host\'s runtime', async () => {
    const api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as import('../../src/extension').SeqLabApi;
    const { execFileSync } = await import('node:child_process');
    const fs = await import('node:fs');
    assert.ok(fs.statSync(api.cli.launcher).mode & 0o111, 'the launcher is executable');
    assert.equal(execFileSync(api.cli.launcher, ['--version'], { encoding: 'utf8' }).trim(), 'seqlab 0.1.0');
    const rows = execFileSync(api.cli.launcher, ['data', 'dates', '--n', '3', '--seed', '1'], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(rows.length, 3);
    rows.forEach((r) => assert.match(r, /^.+\t.+$/));
  });

  it('a command typed into a new integrated terminal finds `seqlab`', async function () {
    if (process.platform === 'win32') this.skip();
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-terminal-'));
    const out = path.join(dir, 'which.txt');
    // A real terminal, as the user opens one; `--norc` keeps the user's rc files from changing PATH.
    const term = vscode.window.createTerminal({ name: 'seqlab-path-test', shellPath: '/bin/bash', shellArgs: ['--norc', '--noprofile'] });
    try {
      term.sendText(`seqlab --version > '${out}.tmp' 2>&1; command -v seqlab >> '${out}.tmp'; mv '${out}.tmp' '${out}'`);
      await waitFor('the terminal to run seqlab', () => fs.existsSync(out), 30_000);
      const [version, where] = fs.readFileSync(out, 'utf8').trim().split('\n');
      assert.equal(version, 'seqlab 0.1.0');
      assert.match(where, /\/bin\/seqlab$/);
    } finally {
      term.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
