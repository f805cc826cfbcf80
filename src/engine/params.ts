// One arena per role (after llm.c's malloc_and_point_parameters): every parameter of a model lives in ONE
// typed array, every gradient in another of the same layout, and optimizer moments in more of the same
// layout. Named tensors are subarray views at offsets from a size table. Zeroing gradients, the global norm,
// clipping, Adam and checkpoints are then single loops or single buffers.
//
// Names and shapes are PyTorch state_dict keys and layouts ("rnn.weight_ih_l0" is (G*H, I)), so a
// checkpoint maps onto a torch module with no transposes.
import { initialize, type Init } from './init';
import type { Rng } from './rng';
import { sizeOf, type FloatArrayCtor, type Floats, type Shape } from './tensor';

export interface ParamSpec {
  name: string;
  shape: Shape;
  init: Init;
  /** Layer the tensor belongs to, for per-layer gradient norms (e.g. "rnn.l0_reverse"). */
  group: string;
}

export interface ParamEntry extends ParamSpec {
  offset: number;
  size: number;
}

/** Collects parameter specs while modules are constructed; `allocate` then lays them out in one arena. */
export class ParamLayout {
  readonly specs: ParamSpec[] = [];

  add(name: string, shape: Shape, init: Init, group = defaultGroup(name)): string {
    if (this.specs.some((s) => s.name === name)) throw new Error(`duplicate parameter ${name}`);
    this.specs.push({ name, shape: [...shape], init, group });
    return name;
  }

  allocate(ctor: FloatArrayCtor = Float32Array): Params {
    return new Params(this.specs, ctor);
  }
}

/** "rnn.weight_hh_l1_reverse" → "rnn.l1_reverse"; "head.bias" → "head". */
export function defaultGroup(name: string): string {
  const dot = name.lastIndexOf('.');
  const prefix = dot < 0 ? '' : name.slice(0, dot);
  const m = /_(l\d+(?:_reverse)?)$/.exec(name.slice(dot + 1));
  if (m) return prefix ? `${prefix}.${m[1]}` : m[1];
  return prefix || name;
}

export class Params {
  readonly entries: readonly ParamEntry[];
  /** All parameter values, one arena. */
  readonly data: Floats;
  /** All gradients, same layout as `data`. */
  readonly grad: Floats;
  readonly ctor: FloatArrayCtor;
  private readonly byName = new Map<string, ParamEntry>();
  private readonly valueViews = new Map<string, Floats>();
  private readonly gradViews = new Map<string, Floats>();

  constructor(specs: readonly ParamSpec[], ctor: FloatArrayCtor) {
    this.ctor = ctor;
    let offset = 0;
    const entries: ParamEntry[] = [];
    for (const s of specs) {
      const size = sizeOf(s.shape);
      const e = { ...s, offset, size };
      entries.push(e);
      this.byName.set(s.name, e);
      offset += size;
    }
    this.entries = entries;
    this.data = new ctor(offset);
    this.grad = new ctor(offset);
    for (const e of entries) {
      this.valueViews.set(e.name, this.data.subarray(e.offset, e.offset + e.size));
      this.gradViews.set(e.name, this.grad.subarray(e.offset, e.offset + e.size));
    }
  }

  get size(): number {
    return this.data.length;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): ParamEntry {
    const e = this.byName.get(name);
    if (!e) throw new Error(`no parameter named ${name}`);
    return e;
  }

  /** View of one tensor's values (shares memory with the arena). */
  value(name: string): Floats {
    const v = this.valueViews.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v;
  }

  /** View of one tensor's gradient. */
  gradOf(name: string): Floats {
    const g = this.gradViews.get(name);
    if (!g) throw new Error(`no parameter named ${name}`);
    return g;
  }

  zeroGrad(): void {
    this.grad.fill(0);
  }

  /** Initialises every tensor in declaration order from one RNG, so a seed fixes the whole model. */
  initialize(rng: Rng): void {
    for (const e of this.entries) initialize(this.value(e.name), e.shape, e.init, rng);
  }

  /** Copies values from a map of name → flat array (e.g. a PyTorch state_dict), checking sizes. */
  load(values: Record<string, ArrayLike<number>>): void {
    for (const e of this.entries) {
      const src = values[e.name];
      if (!src) throw new Error(`missing parameter ${e.name}`);
      if (src.length !== e.size) throw new Error(`parameter ${e.name}: expected ${e.size} values, got ${src.length}`);
      this.value(e.name).set(src);
    }
  }
}
