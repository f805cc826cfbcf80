// Range-checked parsers for messages that cross a thread or webview boundary. Every channel builds ONE parser
// per direction from these guards, so a message is accepted only if each field has the right type AND lies in
// its range: numbers finite (NaN and ±Infinity are never "a number" here), integers where integers are meant,
// strings and arrays bounded in length, objects plain and closed (an unknown key, including an own
// `__proto__`, `constructor` or `prototype` key, is rejected rather than carried along into a spread).
//
// A guard returns its input unchanged (no copy: a metrics batch is checked in place) or throws ProtocolError.
// The error names the field path, e.g. `metrics.points[12].groupNorms[3] must be a finite number in [0, 1e+30],
// got NaN`; the path is assembled only while the error unwinds, so a message that passes costs no strings.
// Arrays are walked with plain loops: nothing is spread into a call (a 300,000-element spread overflows the stack).

export class ProtocolError extends Error {
  private readonly path: string[] = [];

  constructor(private readonly reason: string) {
    super(reason);
    this.name = 'ProtocolError';
  }

  /** Prepends a path segment ('.key' or '[i]') while the error unwinds out of nested guards. */
  within(segment: string): ProtocolError {
    this.path.unshift(segment);
    const where = this.path.join('').replace(/^\./, '');
    this.message = `${where} ${this.reason}`;
    return this;
  }
}

/** Checks `v` and returns it typed, or throws ProtocolError. */
export type Guard<T> = (v: unknown) => T;

/** One guard per key of T: a missing key reaches its guard as `undefined` (accepted only by `optional`). */
export type Fields<T> = { readonly [K in keyof T]-?: Guard<T[K]> };

export function fail(reason: string): never {
  throw new ProtocolError(reason);
}

/** Fails at a field path relative to the value being checked, e.g. failAt(['schedule', 'minLr'], '…'). */
export function failAt(path: readonly string[], reason: string): never {
  const e = new ProtocolError(reason);
  for (let i = path.length - 1; i >= 0; i--) e.within(`.${path[i]}`);
  throw e;
}

/** Checks with `g`, naming the value `name` in any error (for a value checked on its own, e.g. a config). */
export function named<T>(name: string, g: Guard<T>): Guard<T> {
  return (v) => {
    try {
      return g(v);
    } catch (e) {
      throw e instanceof ProtocolError ? e.within(name) : e;
    }
  };
}

/** A short, bounded rendering of a rejected value for the error line. */
export function show(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${(v as Uint8Array).length}`;
  if (v === null) return 'null';
  return typeof v;
}

/** Round powers of ten as 1e9, everything else as written (a range reads "[1, 4096]", "[0, 1e9]"). */
const fmt = (n: number): string => {
  const t = String(n);
  return /^-?[1-9]0{6,}$/.test(t) ? n.toExponential().replace('e+', 'e') : t.replace('e+', 'e');
};

/** A finite number in [min, max] (or (min, max] with `above`: e.g. a learning rate must exceed 0). */
export function num(min: number, max: number, above = false): Guard<number> {
  // Number.MAX_VALUE as the bound means "any finite value": a norm or loss is data, however large.
  const range = max === Number.MAX_VALUE ? `${above ? '>' : '≥'} ${fmt(min)}` : `in ${above ? '(' : '['}${fmt(min)}, ${fmt(max)}]`;
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (above ? v <= min : v < min) || v > max) fail(`must be a finite number ${range}, got ${show(v)}`);
    return v;
  };
}

/** A number in [min, max) (betas, dropout: 1 itself is out). */
export function numBelow(min: number, max: number): Guard<number> {
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v >= max) fail(`must be a finite number in [${fmt(min)}, ${fmt(max)}), got ${show(v)}`);
    return v;
  };
}

export function int(min: number, max: number): Guard<number> {
  return (v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`must be an integer in [${fmt(min)}, ${fmt(max)}], got ${show(v)}`);
    return v;
  };
}

export function str(maxLength: number, minLength = 0): Guard<string> {
  return (v) => {
    if (typeof v !== 'string' || v.length < minLength || v.length > maxLength) {
      fail(`must be a string of ${minLength > 0 ? `${minLength} to ` : 'at most '}${fmt(maxLength)} characters, got ${show(v)}`);
    }
    return v;
  };
}

export const bool: Guard<boolean> = (v) => (typeof v === 'boolean' ? v : fail(`must be true or false, got ${show(v)}`));

export function oneOf<T extends string>(values: readonly T[]): Guard<T> {
  return (v) => ((values as readonly unknown[]).includes(v) ? (v as T) : fail(`must be one of ${values.join(', ')}, got ${show(v)}`));
}

export function optional<T>(g: Guard<T>): Guard<T | undefined> {
  return (v) => (v === undefined ? undefined : g(v));
}

export function nullable<T>(g: Guard<T>): Guard<T | null> {
  return (v) => (v === null ? null : g(v));
}

/** Absent (undefined), null, or g: for optional fields whose "off" value is null (clipValue). */
export function maybe<T>(g: Guard<T>): Guard<T | null | undefined> {
  return (v) => (v === undefined || v === null ? v : g(v));
}

/** An array of at most `maxLength` items (at least `minLength`), each checked by `item`. */
export function arrayOf<T>(item: Guard<T>, maxLength: number, minLength = 0): Guard<T[]> {
  return (v) => {
    if (!Array.isArray(v)) fail(`must be an array, got ${show(v)}`);
    if (v.length > maxLength || v.length < minLength) fail(`must hold ${minLength > 0 ? `${minLength} to ` : 'at most '}${fmt(maxLength)} items, got ${fmt(v.length)}`);
    for (let i = 0; i < v.length; i++) {
      try {
        item(v[i]);
      } catch (e) {
        throw e instanceof ProtocolError ? e.within(`[${i}]`) : e;
      }
    }
    return v as T[];
  };
}

/** A typed array of at most `maxLength` elements (bytes or floats: their values need no check). */
export function typed<T extends Uint8Array | Float32Array>(ctor: { new (n: number): T; name: string }, maxLength: number): Guard<T> {
  return (v) => {
    if (!(v instanceof ctor)) fail(`must be a ${ctor.name}, got ${show(v)}`);
    if (v.length > maxLength) fail(`must hold at most ${fmt(maxLength)} values, got ${fmt(v.length)}`);
    return v;
  };
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** A plain object (prototype Object.prototype or null) with no keys but `fields`, each checked. */
export function record<T>(fields: Fields<T>): Guard<T> {
  const known = new Set(Object.keys(fields));
  return (v) => {
    const o = plainObject(v);
    for (const k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
      if (FORBIDDEN.has(k) || !known.has(k)) fail(`has an unexpected field ${JSON.stringify(k.slice(0, 40))}`);
    }
    // `for in` skips non-enumerable keys; an own `__proto__` from JSON.parse or structured clone is enumerable,
    // but check it directly too so no spelling of the key slips through.
    if (Object.prototype.hasOwnProperty.call(o, '__proto__')) fail('has an unexpected field "__proto__"');
    for (const k of known) {
      try {
        (fields as Record<string, Guard<unknown>>)[k](o[k]);
      } catch (e) {
        throw e instanceof ProtocolError ? e.within(`.${k}`) : e;
      }
    }
    return o as T;
  };
}

function plainObject(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) fail(`must be an object, got ${show(v)}`);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) fail('must be a plain object');
  return v as Record<string, unknown>;
}

/** The fields of each member of a union discriminated on `tag`, without the tag itself. */
export type Variants<U extends Record<Tag, string>, Tag extends string> = {
  readonly [K in U[Tag]]: Fields<Omit<Extract<U, Record<Tag, K>>, Tag>>;
};

/**
 * A guard for a union discriminated on `tag` (e.g. an optimizer config on `kind`): a plain object whose tag
 * names one of the variants, with exactly that variant's fields.
 */
export function variants<U extends Record<Tag, string>, Tag extends string>(tag: Tag, cases: Variants<U, Tag>, prefixErrors = false): Guard<U> {
  const byTag = new Map<string, Guard<unknown>>();
  for (const [t, fields] of Object.entries(cases) as [string, Fields<Record<string, unknown>>][]) {
    byTag.set(t, record<Record<string, unknown>>({ ...fields, [tag]: (v: unknown) => v }));
  }
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`must be an object, got ${show(v)}`);
    const t = (v as Record<string, unknown>)[tag];
    const g = typeof t === 'string' && Object.prototype.hasOwnProperty.call(cases, t) ? byTag.get(t) : undefined;
    if (!g) fail(`has an unknown ${tag} ${typeof t === 'string' ? JSON.stringify(t.slice(0, 40)) : show(t)} (expected ${Object.keys(cases).join(', ')})`);
    if (!prefixErrors) return g(v) as U;
    try {
      return g(v) as U;
    } catch (e) {
      throw e instanceof ProtocolError ? e.within(`${t}`) : e;
    }
  };
}

/**
 * A message parser for a union discriminated on `type`. Errors read `<type>.<field> …`, e.g.
 * `start.config.seqLen must be an integer in [1, 4096], got 1000000000000`.
 */
export function union<U extends { readonly type: string }>(cases: Variants<U, 'type'>): Guard<U> {
  const g = variants<U, 'type'>('type', cases, true);
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`message must be an object, got ${show(v)}`);
    const t = (v as Record<string, unknown>)['type'];
    if (typeof t !== 'string' || !Object.prototype.hasOwnProperty.call(cases, t)) fail(`unknown message type ${typeof t === 'string' ? JSON.stringify(t.slice(0, 40)) : show(t)}`);
    return g(v);
  };
}

/** Runs `parse`; anything it throws that is not already a ProtocolError becomes one (no other error escapes). */
export function guarded<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError(`could not be checked: ${e instanceof Error ? e.message : String(e)}`);
  }
}
