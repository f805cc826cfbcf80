// Protocol fuzzing, test side: an INDEPENDENT statement of what each channel accepts (a data table read by the
// small interpreter `conforms`, written apart from src/protocol/guard.ts and with its numbers spelled out), and a
// seeded mutator that turns valid messages into malformed ones: wrong types, NaN/±Infinity, out-of-range and
// boundary numbers, huge arrays and strings, missing and extra fields, wrong nesting, prototype-pollution keys.
// `fuzzChannel` checks a parser against the table on ≥ 1,000 mutants: it throws nothing but its rejection
// error, and it accepts a message exactly when the table says the message is well-formed.
import * as assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/rng';

export type Spec =
  | { k: 'int'; min: number; max: number }
  | { k: 'num'; min: number; max: number; openMin?: boolean; openMax?: boolean }
  | { k: 'str'; min: number; max: number }
  | { k: 'bool' }
  | { k: 'enum'; values: readonly string[] }
  | { k: 'arr'; item: Spec; max: number; min?: number }
  | { k: 'obj'; fields: Record<string, Spec>; optional?: readonly string[] }
  | { k: 'tagged'; tag: string; cases: Record<string, Spec> }
  | { k: 'null'; or: Spec }
  | { k: 'bytes'; max: number }
  | { k: 'floats'; max: number }
  | { k: 'where'; spec: Spec; ok: (v: any) => boolean };

export const S = {
  int: (min: number, max: number): Spec => ({ k: 'int', min, max }),
  num: (min: number, max: number, openMin = false, openMax = false): Spec => ({ k: 'num', min, max, openMin, openMax }),
  str: (min: number, max: number): Spec => ({ k: 'str', min, max }),
  bool: { k: 'bool' } as Spec,
  oneOf: (...values: string[]): Spec => ({ k: 'enum', values }),
  arr: (item: Spec, max: number, min = 0): Spec => ({ k: 'arr', item, max, min }),
  obj: (fields: Record<string, Spec>, optional: readonly string[] = []): Spec => ({ k: 'obj', fields, optional }),
  tagged: (tag: string, cases: Record<string, Spec>): Spec => ({ k: 'tagged', tag, cases }),
  orNull: (or: Spec): Spec => ({ k: 'null', or }),
  bytes: (max: number): Spec => ({ k: 'bytes', max }),
  floats: (max: number): Spec => ({ k: 'floats', max }),
  where: (spec: Spec, ok: (v: any) => boolean): Spec => ({ k: 'where', spec, ok }),
};

/** Does `v` conform to `spec`? Never throws. */
export function conforms(spec: Spec, v: unknown): boolean {
  switch (spec.k) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= spec.min && v <= spec.max;
    case 'num':
      return typeof v === 'number' && Number.isFinite(v) && (spec.openMin ? v > spec.min : v >= spec.min) && (spec.openMax ? v < spec.max : v <= spec.max);
    case 'str':
      return typeof v === 'string' && v.length >= spec.min && v.length <= spec.max;
    case 'bool':
      return v === true || v === false;
    case 'enum':
      return typeof v === 'string' && spec.values.includes(v);
    case 'arr':
      // By index, not every(): a hole in a sparse array is an undefined item, and must fail like one.
      if (!Array.isArray(v) || v.length > spec.max || v.length < (spec.min ?? 0)) return false;
      for (let i = 0; i < v.length; i++) if (!conforms(spec.item, v[i])) return false;
      return true;
    case 'obj': {
      if (!isPlain(v)) return false;
      const o = v as Record<string, unknown>;
      if (Object.getOwnPropertyNames(o).some((k) => !Object.prototype.hasOwnProperty.call(spec.fields, k))) return false;
      return Object.entries(spec.fields).every(([k, s]) =>
        Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined ? conforms(s, o[k]) : (spec.optional ?? []).includes(k));
    }
    case 'tagged': {
      if (!isPlain(v)) return false;
      const t = (v as Record<string, unknown>)[spec.tag];
      if (typeof t !== 'string' || !Object.prototype.hasOwnProperty.call(spec.cases, t)) return false;
      const c = spec.cases[t] as Extract<Spec, { k: 'obj' }>;
      return conforms({ ...c, fields: { ...c.fields, [spec.tag]: S.oneOf(t) } }, v);
    }
    case 'null':
      return v === null || conforms(spec.or, v);
    case 'bytes':
      return v instanceof Uint8Array && v.length <= spec.max;
    case 'floats':
      return v instanceof Float32Array && v.length <= spec.max;
    case 'where':
      return conforms(spec.spec, v) && spec.ok(v);
  }
}

function isPlain(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

// ---- mutation ----

type Path = (string | number)[];

const LONG = new Map<number, string>();
const longString = (n: number): string => {
  let s = LONG.get(n);
  if (!s) LONG.set(n, (s = 'a'.repeat(n)));
  return s;
};

/** Hostile replacements: wrong types, non-finite and boundary numbers, long strings, typed arrays, nesting. */
function hostileValue(rng: Rng): unknown {
  const numbers = [
    NaN, Infinity, -Infinity, -0, -1, 0, 1, 2, 0.5, 0.999, 1.5, 5, 16, 17, 64, 65, 256, 257, 1024, 1025, 2047, 2048, 4095, 4096, 4097,
    65536, 100_000, 100_001, 1e6, 1e6 + 1, 1e9, 1e9 + 1, 1e12, -1e12, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32 - 1, 2 ** 32,
    8 << 20, (8 << 20) + 1, 128 * 2 ** 20 + 2000, 128 * 2 ** 20 + 2001, 0x110004, 0x110005, 3 * (128 * 2 ** 20 + 2000) + 1, 1e38, 1e39, 1e300, Number.MAX_VALUE, 5e-324, -5e-324, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2,
  ];
  const others: (() => unknown)[] = [
    () => '', () => 'x', () => 'lstm', () => 'start', () => '1', () => longString(257), () => longString(1025), () => longString(16_385),
    () => longString(100_001), () => longString((8 << 20) + 1), () => true, () => false, () => null, () => undefined, () => ({}),
    () => [], () => [1, 2], () => [NaN], () => ({ type: 'start' }), () => new Uint8Array(2), () => new Float32Array(3),
    () => new Float64Array(3), () => new Int32Array(1), () => new Date(0), () => new Map(), () => Object.create(null),
  ];
  return rng.int(2) === 0 ? numbers[rng.int(numbers.length)] : others[rng.int(others.length)]!();
}

/** Every path to a node (containers included); long arrays contribute their first and last items only. */
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) {
    const idx = v.length <= 4 ? v.map((_, i) => i) : [0, 1, v.length - 1];
    for (const i of idx) paths(v[i], [...at, i], out);
  } else if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) {
    for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  }
  return out;
}

function get(root: unknown, p: Path): unknown {
  let v = root;
  for (const k of p) v = (v as Record<string | number, unknown>)[k];
  return v;
}

function setAt(root: { m: unknown }, p: Path, value: unknown): void {
  if (p.length === 0) {
    root.m = value;
    return;
  }
  const parent = get(root.m, p.slice(0, -1)) as Record<string | number, unknown>;
  defineOwn(parent, p[p.length - 1] as string | number, value);
}

/** An own, enumerable property even for '__proto__' (as JSON.parse and structured clone produce). */
function defineOwn(o: Record<string | number, unknown>, k: string | number, value: unknown): void {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
}

/** The systematic sweep's values: each channel's boundaries (4096/4097, 1e9, 2^32, 1e38…) and wrong types. */
const SWEEP: unknown[] = [
  NaN, Infinity, -Infinity, -1, 0, 0.5, 1, 2, 17, 65, 257, 2048, 4096, 4097, 100_001, 1e6 + 1, 1e9, 1e9 + 1, 2 ** 32, 1e39, -(2 ** 31) - 1,
  '', 'x', longString(257), longString(1025), null, undefined, [], {}, true, [1], new Float64Array(1),
];

const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'type', 'kind', 'polluted'];
const HUGE = [257, 2049, 4097, 65_537, 100_001, 300_000];

/** One to three seeded mutations of a deep copy of `valid`. */
export function mutate(valid: unknown, rng: Rng): { message: unknown; what: string } {
  const root = { m: structuredClone(valid) };
  const what: string[] = [];
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const all = paths(root.m);
    const p = all[rng.int(all.length)]!;
    const node = get(root.m, p);
    const parent = p.length ? get(root.m, p.slice(0, -1)) : undefined;
    const where = p.join('.') || '(message)';
    switch (rng.int(7)) {
      case 0:
      case 1: {
        const v = hostileValue(rng);
        setAt(root, p, v);
        what.push(`${where} = ${describe(v)}`);
        break;
      }
      case 2:
        if (parent && !Array.isArray(parent) && p.length) {
          delete (parent as Record<string, unknown>)[p[p.length - 1] as string];
          what.push(`delete ${where}`);
        } else what.push('(no-op delete)');
        break;
      case 3:
        if (typeof node === 'object' && node !== null && !Array.isArray(node) && !ArrayBuffer.isView(node)) {
          const k = EXTRA_KEYS[rng.int(EXTRA_KEYS.length)]!;
          const v = k === '__proto__' ? { polluted: true } : hostileValue(rng);
          defineOwn(node as Record<string, unknown>, k, v);
          what.push(`${where}.${k} += ${describe(v)}`);
        } else what.push('(no-op extra)');
        break;
      case 4: {
        const n = HUGE[rng.int(HUGE.length)]!;
        const fill = Array.isArray(node) && node.length ? node[0] : typeof node === 'number' ? node : 1;
        setAt(root, p, new Array(n).fill(fill));
        what.push(`${where} = array of ${n}`);
        break;
      }
      case 5:
        setAt(root, p, rng.int(2) ? [node] : { value: node });
        what.push(`${where} wrapped`);
        break;
      default:
        if (typeof node === 'number') {
          const v = [node + 1, node - 1, node * 2, -node, node + 0.5, node * 1e6][rng.int(6)];
          setAt(root, p, v);
          what.push(`${where} = ${v}`);
        } else if (Array.isArray(node) && node.length) {
          node.length = rng.int(2) ? node.length - 1 : node.length * 2 + 1;
          what.push(`${where} resized`);
        } else {
          setAt(root, p, hostileValue(rng));
          what.push(`${where} replaced`);
        }
    }
  }
  return { message: root.m, what: what.join('; ') };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 20 ? `string(${v.length})` : JSON.stringify(v);
  if (Array.isArray(v)) return `array(${v.length})`;
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (typeof v === 'number') return String(v);
  return v === null ? 'null' : typeof v;
}

/**
 * Fuzzes one direction of a channel: every valid sample is accepted; `count` seeded mutants are each either
 * rejected with `rejection` (never another error) or accepted, and accepted exactly when `spec` allows them.
 */
export function fuzzChannel(opts: {
  name: string; parse: (v: unknown) => unknown; spec: Spec; valid: readonly unknown[]; rejection: new (...a: never[]) => Error;
  seed: number; count?: number;
}): { accepted: number; rejected: number; swept: number } {
  const { parse, spec, valid, rejection } = opts;
  for (const v of valid) {
    assert.ok(conforms(spec, v), `${opts.name}: the table itself must accept valid sample ${JSON.stringify(v)?.slice(0, 200)}`);
    assert.doesNotThrow(() => parse(v), `${opts.name}: a valid message must be accepted`);
  }
  const rng = new Rng(opts.seed);
  let accepted = 0, rejected = 0;
  const count = opts.count ?? 1500;
  /** Parses one mutant: only `rejection` may escape, as one short line, exactly when the table disallows it. */
  const check = (message: unknown, what: string): boolean => {
    const allowed = conforms(spec, message);
    let ok = true;
    try {
      parse(message);
    } catch (e) {
      ok = false;
      if (!(e instanceof rejection)) assert.fail(`${opts.name} ${what} threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
      assert.ok((e as Error).message.length < 400 && !(e as Error).message.includes('\n'), `${opts.name} ${what}: one short line, got ${(e as Error).message.slice(0, 500)}`);
    }
    if (ok !== allowed) assert.fail(`${opts.name} ${what}: ${ok ? 'accepted a message the table rejects' : 'rejected a message the table accepts'}`);
    return ok;
  };
  for (let i = 0; i < count; i++) {
    const { message, what } = mutate(valid[rng.int(valid.length)], rng);
    if (check(message, `#${i} (${what})`)) accepted++;
    else rejected++;
  }
  // Then a systematic sweep: every node of every valid sample replaced by each boundary value, deleted, and
  // given an own `__proto__` key, so no field escapes the random draw.
  let swept = 0;
  const sweep = (message: unknown, what: string): void => {
    swept++;
    check(message, `sweep (${what})`);
  };
  valid.forEach((v, n) => {
    for (const p of paths(v)) {
      const where = `sample ${n}: ${p.join('.') || '(message)'}`;
      for (const x of SWEEP) {
        const root = { m: structuredClone(v) };
        setAt(root, p, x);
        sweep(root.m, `${where} = ${describe(x)}`);
      }
      const root = { m: structuredClone(v) };
      const node = get(root.m, p);
      if (p.length && !Array.isArray(get(root.m, p.slice(0, -1)))) {
        delete (get(root.m, p.slice(0, -1)) as Record<string, unknown>)[p[p.length - 1] as string];
        sweep(root.m, `delete ${where}`);
      }
      if (Array.isArray(node)) {
        // Every array grown past each channel's caps, filled with its own (valid) first item.
        for (const n of [257, 1025, 2049, 4097, 65_537, 100_001]) {
          const grown = { m: structuredClone(v) };
          setAt(grown, p, new Array(n).fill(node.length ? structuredClone(node[0]) : 0));
          sweep(grown.m, `${where} = array of ${n}`);
        }
      }
      if (typeof node === 'object' && node !== null && !Array.isArray(node) && !ArrayBuffer.isView(node)) {
        const polluted = { m: structuredClone(v) };
        defineOwn(get(polluted.m, p) as Record<string, unknown>, '__proto__', { polluted: true });
        sweep(polluted.m, `${where}.__proto__`);
      }
    }
  });
  // Most mutants are malformed; a parser that accepted everything would have failed above.
  assert.ok(rejected >= 1000, `${opts.name}: only ${rejected} of ${count} mutants were malformed`);
  return { accepted, rejected, swept };
}
