// The demo workspace `npm start` opens (test/harness/demoWorkspace.ts), made for real in a temp folder: it must
// hold a file for every non-LM preset that the engine's reader for that task accepts, each exactly what the
// `seqlab data` command its README quotes prints (run as a process), and a README that walks through every
// preset of "SeqLab: New Model…" using only command titles the extension really contributes.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_DATA, demoDataCommand, makeDemoWorkspace, README } from '../harness/demoWorkspace';
import { readConll, readLabelText, readParallel } from '../../src/engine/data/readers';
import { scratchDir } from './scratchDir';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

/** Examples in each task's format, parsed by the engine's reader for that task (what `seqlab train` reads). */
const READERS = {
  seq2seq: (text: string, file: string) => readParallel(text, file).length,
  classify: (text: string, file: string) => readLabelText(text, file).examples.length,
  tag: (text: string, file: string) => readConll(text, file).sentences.length,
} as const;

/** The preset labels of "SeqLab: New Model…", read from the source (a unit test cannot import 'vscode'). */
function presetLabels(): string[] {
  const src = fs.readFileSync(path.join(ROOT, 'src', 'extension', 'modelChoice.ts'), 'utf8');
  const start = src.indexOf('export const PRESETS');
  assert.ok(start >= 0, 'src/extension/modelChoice.ts no longer declares PRESETS: read the preset labels from where they went');
  const body = src.slice(start, src.indexOf('\n];', start));
  return [...body.matchAll(/\blabel: '((?:[^'\\]|\\.)+)'/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

/** "SeqLab: <title>" for every command the extension contributes (the palette's wording). */
function commandTitles(): Set<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { title: string; category?: string }[] } };
  return new Set(pkg.contributes.commands.map((c) => (c.category ? `${c.category}: ${c.title}` : c.title)));
}

describe('demo workspace', function () {
  this.timeout(120_000);
  const { dir: tmp } = scratchDir('seqlab-demo-');
  const dir = path.join(tmp, 'demo');
  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`);
    makeDemoWorkspace(dir);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('holds a file for each task, a few hundred to a few thousand lines, that the task\'s reader accepts', () => {
    assert.deepEqual([...new Set(DEMO_DATA.map((d) => d.task))].sort(), ['classify', 'seq2seq', 'tag']);
    for (const d of DEMO_DATA) {
      const file = path.join(dir, d.file);
      assert.ok(fs.existsSync(file), `${d.file} is missing${fs.existsSync(`${file}.MISSING.txt`) ? `: ${fs.readFileSync(`${file}.MISSING.txt`, 'utf8').trim()}` : ''}`);
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n').length - 1;
      assert.ok(lines >= 200 && lines <= 5000, `${d.file}: ${lines} lines`);
      assert.equal(READERS[d.task](text, d.file), d.n, `${d.file}: examples`);
    }
    const languages = readLabelText(fs.readFileSync(path.join(dir, 'languages.tsv'), 'utf8'));
    assert.deepEqual(languages.labels, ['english', 'french', 'german', 'spanish']);
    const tags = readConll(fs.readFileSync(path.join(dir, 'tags.conll'), 'utf8'));
    assert.ok(tags.tags.includes('NOUN') && tags.tags.includes('VERB'), tags.tags.join(' '));
  });

  it('each data file is what the README\'s `seqlab data` command prints', () => {
    for (const d of DEMO_DATA) {
      const command = demoDataCommand(d);
      assert.ok(README.includes(command), `the README quotes ${command}`);
      const [args, target] = command.split(' > ');
      assert.equal(target, d.file);
      const r = spawnSync(process.execPath, [CLI, ...args.split(' ').slice(1)], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(fs.readFileSync(path.join(dir, d.file), 'utf8'), r.stdout, `${d.file} differs from ${command}`);
    }
  });

  it('the README walks through every preset, with the product\'s own command titles', () => {
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    assert.equal(readme, README);
    const labels = presetLabels();
    assert.ok(labels.length >= 6, `only ${labels.length} preset labels found in modelChoice.ts: ${labels.join(', ')}`);
    for (const label of labels) assert.ok(readme.includes(`**${label}**`), `the README does not walk through the preset "${label}"`);
    const titles = commandTitles();
    const named = [...readme.matchAll(/\*\*(SeqLab: [^*]+)\*\*/g)].map((m) => m[1]);
    assert.deepEqual(named.filter((n) => !titles.has(n)), [], 'the README names commands the extension does not contribute');
    for (const flow of ['SeqLab: New Model…', 'SeqLab: Train on Workspace Files…', 'SeqLab: Train on Selection', 'SeqLab: Stop Training',
      'SeqLab: Translate Selection', 'SeqLab: Classify Selection', 'SeqLab: Generate Text', 'SeqLab: Explain Suggestion',
      'SeqLab: Run Vanishing-Gradient Experiment', 'SeqLab: Check Gradients', 'SeqLab: Show Dashboard', 'SeqLab: Rename Run…',
      'SeqLab: Delete Run…', 'SeqLab: Export Run Scalars (CSV / JSON Lines)…']) {
      assert.ok(named.includes(flow), `the README does not mention **${flow}**`);
    }
    for (const d of DEMO_DATA) assert.ok(readme.includes(`\`${d.file}\``), `the README does not name ${d.file}`);
    for (const format of ['source<TAB>target', 'label<TAB>text', 'token<TAB>tag']) assert.ok(readme.includes(format), `the README does not document ${format}`);
  });

  it('the README\'s command-line walk-through runs, in the workspace, as written (training cut to a few steps)', () => {
    const block = /## The command line[\s\S]*?```bash\n([\s\S]*?)```/.exec(README);
    assert.ok(block, 'the README has no bash block under "The command line"');
    const commands = block[1].trim().split('\n');
    assert.ok(commands.length >= 5 && commands.every((c) => c.startsWith('seqlab ')), commands.join('\n'));
    for (const command of commands) {
      // A shell's words: "quoted strings" stay one argument; `> file` redirects stdout.
      const [line, redirect] = command.split(' > ');
      const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]).slice(1);
      const time = words.indexOf('--time');
      if (time >= 0) words.splice(time, 2, '--steps', '2');
      const r = spawnSync(process.execPath, [CLI, ...words], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, `${command}: ${r.stderr}`);
      if (redirect) assert.ok(r.stdout.length > 0, `${command} printed nothing`);
    }
  });

  it('the example lines the README quotes are lines of the files it names', () => {
    const all = DEMO_DATA.map((d) => fs.readFileSync(path.join(dir, d.file), 'utf8').split('\n')).flat();
    const quoted = [...README.matchAll(/`([^`\n]+)<TAB>([^`\n]+)`/g)].map((m) => `${m[1]}\t${m[2]}`)
      .filter((line) => !['source\ttarget', 'label\ttext', 'token\ttag'].includes(line));
    assert.ok(quoted.length >= 2, quoted.join(' | '));
    for (const line of quoted) assert.ok(all.includes(line), `the README quotes ${JSON.stringify(line)}, which no demo file holds`);
  });
});
