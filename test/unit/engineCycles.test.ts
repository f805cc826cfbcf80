// The engine's layers as a graph with no cycles (docs/architecture.md §5): a kernel layer (heap, products,
// pointwise) below ops and cells that imports nothing above it, and model sizing above the models. An import
// cycle — between two files, or between two directories of src/engine (ops → kernels → ops, even through
// different files) — means two "layers" are one, and the next edit makes a real initialisation-order bug.
// Scans import specifiers as layering.test.ts does. Between files every import counts; between directories only
// the imports that exist at run time (`import type` is erased, so it cannot order initialisation).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scanImports } from './layering.test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ENGINE = 'src/engine';

function engineFiles(dir = ENGINE): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return engineFiles(rel);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** file → engine files it imports (specifiers resolved to `x.ts` or `x/index.ts`). */
export function importGraph(sources: ReadonlyMap<string, string>, valuesOnly = false): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of sources) {
    const targets = scanImports(file, text).flatMap((r) => {
      if (r.target === null || (valuesOnly && r.typeOnly)) return [];
      const hit = [`${r.target}.ts`, `${r.target}/index.ts`, r.target].find((t) => sources.has(t));
      return hit ? [hit] : [];
    });
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The directory a file belongs to, as a layer: `ops` for src/engine/ops/matmul.ts. A file directly in
 *  src/engine is a layer of its own, named without `.ts` so that checkpoint.ts and the checkpoint/ directory
 *  it fronts are one layer (checkpoint/interop.ts imports ../checkpoint). */
export function layerOf(file: string): string {
  const rel = file.slice(ENGINE.length + 1);
  const slash = rel.indexOf('/');
  return slash < 0 ? rel.replace(/\.ts$/, '') : rel.slice(0, slash);
}

/** Every cycle's nodes, one cycle per strongly connected component of more than one node (Tarjan 1972). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** The layer graph: an edge a → b when a file of layer a imports a file of layer b (a ≠ b). */
export function layerGraph(files: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const graph = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = layerOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    for (const t of targets) if (layerOf(t) !== from) edges.add(layerOf(t));
    graph.set(from, edges);
  }
  return new Map([...graph].map(([k, v]) => [k, [...v]]));
}

function engineSources(): Map<string, string> {
  return new Map(engineFiles().map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]));
}

describe('engine import graph (no cycles; kernels at the bottom)', () => {
  it('the cycle finder finds file and directory cycles', () => {
    const sources = new Map([
      ['src/engine/ops/matmul.ts', "import { p } from '../kernels/product';"],
      ['src/engine/kernels/product.ts', "import { h } from './heap';"],
      ['src/engine/kernels/pointwise.ts', "import { kernelBackend } from '../ops/matmul';"],
      ['src/engine/kernels/heap.ts', "import type { Floats } from '../tensor';"],
      ['src/engine/tensor.ts', ''],
      ['src/engine/a.ts', "import { b } from './b';"],
      ['src/engine/b.ts', "import type { A } from './a';"],
    ]);
    assert.deepEqual(cycles(importGraph(sources)), [['src/engine/a.ts', 'src/engine/b.ts']]);
    assert.deepEqual(cycles(layerGraph(importGraph(sources))), [['a', 'b'], ['kernels', 'ops']]);
    assert.deepEqual(cycles(layerGraph(importGraph(sources, true))), [['kernels', 'ops']]);
  });

  it('no file of src/engine is part of an import cycle', () => {
    const files = importGraph(engineSources());
    assert.ok(files.size > 50 && [...files.values()].some((t) => t.length > 0), 'engine sources not found');
    assert.deepEqual(cycles(files), []);
  });

  it('no two directories of src/engine import each other at run time, directly or around a loop', () => {
    const layers = layerGraph(importGraph(engineSources(), true));
    assert.ok(layers.has('kernels') && layers.has('sizing') && layers.has('ops'), `layers: ${[...layers.keys()]}`);
    assert.deepEqual(cycles(layers), []);
  });

  it('kernels/ imports nothing above it (only kernels/ and the types of tensor.ts)', () => {
    const files = importGraph(engineSources());
    const kernelFiles = [...files.keys()].filter((f) => layerOf(f) === 'kernels');
    assert.ok(kernelFiles.length >= 4, `kernel files: ${kernelFiles}`);
    const bad = kernelFiles.flatMap((f) => scanImports(f, fs.readFileSync(path.join(ROOT, f), 'utf8'))
      .filter((r) => !(r.target?.startsWith(`${ENGINE}/kernels/`) || (r.target === `${ENGINE}/tensor` && r.typeOnly)))
      .map((r) => `${f}: '${r.specifier}'${r.typeOnly ? ' (type)' : ''}`));
    assert.deepEqual(bad, []);
  });
});
