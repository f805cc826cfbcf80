// AssemblyScript source of SeqLab's WebAssembly SIMD pointwise cell kernels (compiled with matmul.ts by
// wasm/build.mjs). Same semantics as src/engine/cells/lstm.ts and gru.ts without a mask; pointers are BYTE
// offsets into the imported memory; H must be a multiple of 4 (the caller falls back to TypeScript otherwise).
// Why: a batch-1 step (generation, completion) spends more time in 5·H scalar Math.exp/Math.tanh calls
// (~25 ns each in V8) than in its matrix product; four lanes of a polynomial exp cost about a nanosecond.
// Accuracy: exp within ~2 float32 ulps; σ(x) = 1 / (1 + e^(−x)); tanh(x) = 2σ(2x) − 1, whose absolute error
// is ~1e-7 (relative error grows only where |tanh x| < 1e-3, where it stays under 1e-4 absolute terms of the
// PyTorch tolerance 1e-4 + 1e-3·|ref|).
// Legend: B batch rows, H hidden size, G gates × H.

// e^x = 2^n · e^r, n = round(x·log₂e), r = x − n·ln2 (Cody–Waite: ln2 split in a part exact in float32 and the
// rest), e^r by its degree-6 Taylor polynomial on |r| ≤ ln2/2 (truncation 2e-8 relative); 2^n built in the
// exponent bits. x is clamped to [−87, 88] so 2^n stays a normal float (σ and tanh saturate long before).
// @ts-ignore: decorator
@inline function expv(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.0 / 720.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

// @ts-ignore: decorator
@inline function sigmoidv(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline function tanhv(x: v128): v128 {
  return f32x4.sub(f32x4.mul(f32x4.splat(2.0), sigmoidv(f32x4.add(x, x))), f32x4.splat(1.0));
}

// LSTM: a = gx + gh (gate rows i, f, g, o); act ← (σ(a_i), σ(a_f), tanh(a_g), σ(a_o)); c ← f⊙cPrev + i⊙g;
// tc ← tanh(c); h ← o⊙tc. Row b of act/gx/gh is at +b·4H floats, of h/c/tc/hPrev/cPrev at +b·H.
export function lstmCell(act: usize, h: usize, c: usize, tc: usize, gx: usize, gh: usize, hp: usize, cp: usize, B: i32, H: i32): void {
  const rowG = (<usize>H) << 4, rowH = (<usize>H) << 2;
  for (let b = 0; b < B; b++) {
    const ab = act + <usize>b * rowG, xb = gx + <usize>b * rowG, hb = gh + <usize>b * rowG, sb = <usize>b * rowH;
    for (let j: usize = 0; j < rowH; j += 16) {
      const i = sigmoidv(f32x4.add(v128.load(xb + j), v128.load(hb + j)));
      const f = sigmoidv(f32x4.add(v128.load(xb + rowH + j), v128.load(hb + rowH + j)));
      const g = tanhv(f32x4.add(v128.load(xb + 2 * rowH + j), v128.load(hb + 2 * rowH + j)));
      const o = sigmoidv(f32x4.add(v128.load(xb + 3 * rowH + j), v128.load(hb + 3 * rowH + j)));
      v128.store(ab + j, i); v128.store(ab + rowH + j, f); v128.store(ab + 2 * rowH + j, g); v128.store(ab + 3 * rowH + j, o);
      const cNew = f32x4.add(f32x4.mul(f, v128.load(cp + sb + j)), f32x4.mul(i, g));
      const t = tanhv(cNew);
      v128.store(c + sb + j, cNew); v128.store(tc + sb + j, t); v128.store(h + sb + j, f32x4.mul(o, t));
    }
  }
}

// GRU (torch.nn.GRU): r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r⊙gh_n), h ← (1 − z)⊙n + z⊙hPrev;
// act ← (r, z, n). Row b of act/gx/gh is at +b·3H floats, of h/hPrev at +b·H.
export function gruCell(act: usize, h: usize, gx: usize, gh: usize, hp: usize, B: i32, H: i32): void {
  const rowH = (<usize>H) << 2, rowG = rowH * 3;
  for (let b = 0; b < B; b++) {
    const ab = act + <usize>b * rowG, xb = gx + <usize>b * rowG, hb = gh + <usize>b * rowG, sb = <usize>b * rowH;
    for (let j: usize = 0; j < rowH; j += 16) {
      const r = sigmoidv(f32x4.add(v128.load(xb + j), v128.load(hb + j)));
      const z = sigmoidv(f32x4.add(v128.load(xb + rowH + j), v128.load(hb + rowH + j)));
      const n = tanhv(f32x4.add(v128.load(xb + 2 * rowH + j), f32x4.mul(r, v128.load(hb + 2 * rowH + j))));
      v128.store(ab + j, r); v128.store(ab + rowH + j, z); v128.store(ab + 2 * rowH + j, n);
      const prev = v128.load(hp + sb + j);
      v128.store(h + sb + j, f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1.0), z), n), f32x4.mul(z, prev)));
    }
  }
}

// y(N, C) += b(C) on every row: a bias added per recurrent step (b_hh) and per head row. In TypeScript this
// was about a microsecond a step for C = 512 (an eighth of a batch-1 suggestion); four lanes at a time it is
// a few dozen nanoseconds. The same single addition per element as the TypeScript loop, so results are equal.
export function addRows(y: usize, b: usize, N: i32, C: i32): void {
  const C4 = C & ~3;
  const rowC = (<usize>C) << 2;
  for (let n = 0; n < N; n++) {
    const r = y + <usize>n * rowC;
    let c = 0;
    for (; c < C4; c += 4) {
      const o = (<usize>c) << 2;
      v128.store(r + o, f32x4.add(v128.load(r + o), v128.load(b + o)));
    }
    for (; c < C; c++) {
      const o = (<usize>c) << 2;
      store<f32>(r + o, load<f32>(r + o) + load<f32>(b + o));
    }
  }
}
