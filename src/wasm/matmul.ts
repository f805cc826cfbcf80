// AssemblyScript source of SeqLab's WebAssembly SIMD matrix-product kernels (compiled by wasm/build.mjs into
// src/engine/kernels/kernelsBinary.ts). Not type-checked by tsc: v128/f32x4 are AssemblyScript builtins.
// Dimension legend: M rows of C, N its columns, K the reduced dimension. Every pointer is a BYTE offset into
// the imported linear memory; every matrix is row-major and contiguous (f32).
// Semantics are those of src/engine/ops/matmul.ts: acc != 0 means C += product, else C = product.
// Plain SIMD (mul then add, no FMA), so results equal the TypeScript kernels within float32 rounding.

// C(M,N) (+)= A(M,K) · B(N,K)ᵀ — dot products along K, which is contiguous in both A and B. Register block:
// 2 rows of A × 4 rows of B = 8 f32x4 accumulators, reduced horizontally once per block.
export function nt(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  // Tall A: the packed outer-product form (B transposed into panels) keeps B in L1 for many rows of A, where
  // the dot form below re-streams all of A from L2 for every 4 rows of B.
  if (M >= NT_OUTER_MIN_M) outer(c, a, b, M, K, N, (<usize>K) << 2, 4, 4, (<usize>K) << 2, acc);
  else if (M == 1) ntRow(c, a, b, K, N, acc);
  else ntDot(c, a, b, M, K, N, acc);
}

// One row of A (a matrix-vector product: every step of a batch-1 suggestion or generation, and the odd last
// row of the dot form). With 4 rows of B per block each f32x4.add waits on the previous one of its chain
// (latency, not throughput, bound); 8 rows of B in flight give the adds twice the independent work per x.
function ntRow(c: usize, a: usize, b: usize, K: i32, N: i32, acc: i32): void {
  const K4 = K & ~3;
  const rowK = (<usize>K) << 2;
  let n = 0;
  for (; n + 8 <= N; n += 8) {
    const b0 = b + <usize>n * rowK;
    const b1 = b0 + rowK, b2 = b1 + rowK, b3 = b2 + rowK, b4 = b3 + rowK, b5 = b4 + rowK, b6 = b5 + rowK, b7 = b6 + rowK;
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (let k: usize = 0; k < <usize>K4 << 2; k += 16) {
      const x = v128.load(a + k);
      s0 = f32x4.add(s0, f32x4.mul(x, v128.load(b0 + k)));
      s1 = f32x4.add(s1, f32x4.mul(x, v128.load(b1 + k)));
      s2 = f32x4.add(s2, f32x4.mul(x, v128.load(b2 + k)));
      s3 = f32x4.add(s3, f32x4.mul(x, v128.load(b3 + k)));
      s4 = f32x4.add(s4, f32x4.mul(x, v128.load(b4 + k)));
      s5 = f32x4.add(s5, f32x4.mul(x, v128.load(b5 + k)));
      s6 = f32x4.add(s6, f32x4.mul(x, v128.load(b6 + k)));
      s7 = f32x4.add(s7, f32x4.mul(x, v128.load(b7 + k)));
    }
    let r0 = hsum4(s0, s1, s2, s3), r1 = hsum4(s4, s5, s6, s7);
    if (K4 < K) {
      r0 = f32x4.add(r0, tail4(a, b0, b1, b2, b3, K4, K));
      r1 = f32x4.add(r1, tail4(a, b4, b5, b6, b7, K4, K));
    }
    const c0 = c + ((<usize>n) << 2);
    if (acc) { r0 = f32x4.add(r0, v128.load(c0)); r1 = f32x4.add(r1, v128.load(c0 + 16)); }
    v128.store(c0, r0); v128.store(c0 + 16, r1);
  }
  // The last N % 8 rows of B: one dot product each.
  dotColumns(c, a, b, 1, K, N, n, acc);
}

// Rows of A from which NT uses the packed outer form (measured on the W6 shapes: see test/bench).
const NT_OUTER_MIN_M: i32 = 64;

function ntDot(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  const K4 = K & ~3;
  const rowK = (<usize>K) << 2;
  const rowN = (<usize>N) << 2;
  const M2 = M & ~1; // pairs of rows here; an odd last row is a matrix-vector product (ntRow)
  let n = 0;
  for (; n + 4 <= N; n += 4) {
    const b0 = b + <usize>n * rowK;
    const b1 = b0 + rowK, b2 = b1 + rowK, b3 = b2 + rowK;
    for (let m = 0; m < M2; m += 2) {
      const a0 = a + <usize>m * rowK;
      const a1 = a0 + rowK;
      let s00 = f32x4.splat(0), s01 = s00, s02 = s00, s03 = s00;
      let s10 = s00, s11 = s00, s12 = s00, s13 = s00;
      for (let k: usize = 0; k < <usize>K4 << 2; k += 16) {
        const x0 = v128.load(a0 + k), x1 = v128.load(a1 + k);
        let w = v128.load(b0 + k);
        s00 = f32x4.add(s00, f32x4.mul(x0, w)); s10 = f32x4.add(s10, f32x4.mul(x1, w));
        w = v128.load(b1 + k);
        s01 = f32x4.add(s01, f32x4.mul(x0, w)); s11 = f32x4.add(s11, f32x4.mul(x1, w));
        w = v128.load(b2 + k);
        s02 = f32x4.add(s02, f32x4.mul(x0, w)); s12 = f32x4.add(s12, f32x4.mul(x1, w));
        w = v128.load(b3 + k);
        s03 = f32x4.add(s03, f32x4.mul(x0, w)); s13 = f32x4.add(s13, f32x4.mul(x1, w));
      }
      let r0 = hsum4(s00, s01, s02, s03), r1 = hsum4(s10, s11, s12, s13);
      if (K4 < K) {
        r0 = f32x4.add(r0, tail4(a0, b0, b1, b2, b3, K4, K));
        r1 = f32x4.add(r1, tail4(a1, b0, b1, b2, b3, K4, K));
      }
      const c0 = c + <usize>m * rowN + ((<usize>n) << 2), c1 = c0 + rowN;
      if (acc) { r0 = f32x4.add(r0, v128.load(c0)); r1 = f32x4.add(r1, v128.load(c1)); }
      v128.store(c0, r0); v128.store(c1, r1);
    }
  }
  dotColumns(c, a, b, M2, K, N, n, acc);
  if (M2 < M) ntRow(c + <usize>M2 * rowN, a + <usize>M2 * rowK, b, K, N, acc);
}

// Columns n0 … N − 1 of rows 0 … M − 1 (the leftovers of a register block): one dot product each.
function dotColumns(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, n0: i32, acc: i32): void {
  const K4 = K & ~3;
  const rowK = (<usize>K) << 2;
  const rowN = (<usize>N) << 2;
  for (let n = n0; n < N; n++) {
    const bn = b + <usize>n * rowK;
    for (let m = 0; m < M; m++) {
      const am = a + <usize>m * rowK;
      let s = f32x4.splat(0);
      for (let k: usize = 0; k < <usize>K4 << 2; k += 16) s = f32x4.add(s, f32x4.mul(v128.load(am + k), v128.load(bn + k)));
      let t: f32 = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
      for (let k = K4; k < K; k++) t += load<f32>(am + ((<usize>k) << 2)) * load<f32>(bn + ((<usize>k) << 2));
      const cp = c + <usize>m * rowN + ((<usize>n) << 2);
      store<f32>(cp, acc ? load<f32>(cp) + t : t);
    }
  }
}

// [Σs0, Σs1, Σs2, Σs3]: a transpose-and-add of four accumulators.
// @ts-ignore: decorator
@inline function hsum4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const u01 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
  const u23 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(u01, u23, 0, 1, 4, 5), v128.shuffle<f32>(u01, u23, 2, 3, 6, 7));
}

// The K % 4 leftover terms of one A row against four B rows.
function tail4(ar: usize, b0: usize, b1: usize, b2: usize, b3: usize, k0: i32, K: i32): v128 {
  let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0;
  for (let k = k0; k < K; k++) {
    const o = (<usize>k) << 2;
    const x = load<f32>(ar + o);
    t0 += x * load<f32>(b0 + o); t1 += x * load<f32>(b1 + o);
    t2 += x * load<f32>(b2 + o); t3 += x * load<f32>(b3 + o);
  }
  return f32x4(t0, t1, t2, t3);
}

// Packing scratch: one (KC × 8) panel of B, at a fixed address below the heap's first allocation (heap.ts
// reserves [PACK, PACK + PACK_BYTES) in every memory these kernels run on).
const PACK: usize = 64;
const KC: i32 = 256;
export const PACK_BYTES: i32 = KC * 32;

// C(M,N) (+)= Σ_k A[m,k] · B[k,n] — outer-product form shared by NN, TN and (for tall A) NT. A's element (m,k)
// is at a + m*sm + k*sk bytes (NN: sm = 4K, sk = 4; TN: sm = 4, sk = 4M); B's element (k,n) at
// b + k*bk + n*bn (NN/TN: B (K,N) row-major, bk = 4N, bn = 4; NT: B (N,K), bk = 4, bn = 4K).
// Blocking (why it is fast): for each band of 8 columns and each chunk of KC rows of K, the (KC × 8) slice of B
// is copied ONCE into a contiguous panel (PACK), then every 4-row block of A streams it from L1. Reading B in
// place instead strides by N floats per k: at N = 1024 that is 4 KB, so the band's rows all map to the same few
// L1 sets and miss on every block of A. Register block: 4 rows × 8 columns = 8 f32x4 accumulators; A values
// are broadcast (load32_splat).
function outer(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, sm: usize, sk: usize, bk: usize, bn: usize, acc: i32): void {
  const rowN = (<usize>N) << 2;
  const N8 = N & ~7, N4 = N & ~3;
  const M4 = M & ~3;
  for (let n = 0; n < N8; n += 8) {
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      packPanel(b + <usize>k0 * bk + <usize>n * bn, kc, bk, bn);
      const add = acc != 0 || k0 > 0;
      for (let m = 0; m < M4; m += 4) {
        const cn = c + <usize>m * rowN + ((<usize>n) << 2);
        let p00 = f32x4.splat(0), p01 = p00, p10 = p00, p11 = p00, p20 = p00, p21 = p00, p30 = p00, p31 = p00;
        if (add) {
          p00 = v128.load(cn); p01 = v128.load(cn, 16);
          p10 = v128.load(cn + rowN); p11 = v128.load(cn + rowN, 16);
          p20 = v128.load(cn + 2 * rowN); p21 = v128.load(cn + 2 * rowN, 16);
          p30 = v128.load(cn + 3 * rowN); p31 = v128.load(cn + 3 * rowN, 16);
        }
        let pa = a + <usize>m * sm + <usize>k0 * sk, pb = PACK;
        const end = PACK + ((<usize>kc) << 5);
        for (; pb < end; pb += 32) {
          const w0 = v128.load(pb), w1 = v128.load(pb, 16);
          let x = v128.load32_splat(pa);
          p00 = f32x4.add(p00, f32x4.mul(x, w0)); p01 = f32x4.add(p01, f32x4.mul(x, w1));
          x = v128.load32_splat(pa + sm);
          p10 = f32x4.add(p10, f32x4.mul(x, w0)); p11 = f32x4.add(p11, f32x4.mul(x, w1));
          x = v128.load32_splat(pa + 2 * sm);
          p20 = f32x4.add(p20, f32x4.mul(x, w0)); p21 = f32x4.add(p21, f32x4.mul(x, w1));
          x = v128.load32_splat(pa + 3 * sm);
          p30 = f32x4.add(p30, f32x4.mul(x, w0)); p31 = f32x4.add(p31, f32x4.mul(x, w1));
          pa += sk;
        }
        v128.store(cn, p00); v128.store(cn, p01, 16);
        v128.store(cn + rowN, p10); v128.store(cn + rowN, p11, 16);
        v128.store(cn + 2 * rowN, p20); v128.store(cn + 2 * rowN, p21, 16);
        v128.store(cn + 3 * rowN, p30); v128.store(cn + 3 * rowN, p31, 16);
      }
      // The last M % 4 rows of this band, on the same panel.
      for (let m = M4; m < M; m++) {
        const cn = c + <usize>m * rowN + ((<usize>n) << 2);
        let p0 = add ? v128.load(cn) : f32x4.splat(0), p1 = add ? v128.load(cn, 16) : f32x4.splat(0);
        let pa = a + <usize>m * sm + <usize>k0 * sk, pb = PACK;
        const end = PACK + ((<usize>kc) << 5);
        for (; pb < end; pb += 32) {
          const x = v128.load32_splat(pa);
          p0 = f32x4.add(p0, f32x4.mul(x, v128.load(pb))); p1 = f32x4.add(p1, f32x4.mul(x, v128.load(pb, 16)));
          pa += sk;
        }
        v128.store(cn, p0); v128.store(cn, p1, 16);
      }
    }
  }
  // The last N % 8 columns, unpacked.
  for (let m = 0; m < M; m++) outerRowTail(c + <usize>m * rowN, a + <usize>m * sm, b, K, N, N8, N4, sk, bk, bn, acc);
}

// Panel[k][j] = B(k0 + k, n + j) for k < kc, j < 8: contiguous 32-byte rows.
function packPanel(b: usize, kc: i32, bk: usize, bn: usize): void {
  let dst = PACK;
  if (bn == 4) {
    for (let k = 0; k < kc; k++) { v128.store(dst, v128.load(b)); v128.store(dst, v128.load(b, 16), 16); b += bk; dst += 32; }
  } else {
    // B stored (N,K) (the NT product): a transposing copy, 8 rows of B read along K side by side.
    for (let k = 0; k < kc; k++) {
      const s = b + ((<usize>k) << 2);
      for (let j: usize = 0; j < 8; j++) store<f32>(dst + (j << 2), load<f32>(s + j * bn));
      dst += 32;
    }
  }
}

// Columns [n0, N) of one row of C, B read in place: 4 at a time with SIMD when B's rows are contiguous along N
// (bn = 4), then scalars.
function outerRowTail(cr: usize, ar: usize, b: usize, K: i32, N: i32, n0: i32, N4: i32, sk: usize, bk: usize, bn: usize, acc: i32): void {
  let n = n0;
  if (bn == 4) {
    for (; n < N4; n += 4) {
      const cn = cr + ((<usize>n) << 2);
      let p = acc ? v128.load(cn) : f32x4.splat(0);
      let pa = ar, pb = b + ((<usize>n) << 2);
      for (let k = 0; k < K; k++) { p = f32x4.add(p, f32x4.mul(v128.load32_splat(pa), v128.load(pb))); pa += sk; pb += bk; }
      v128.store(cn, p);
    }
  }
  for (; n < N; n++) {
    const cn = cr + ((<usize>n) << 2);
    let s: f32 = acc ? load<f32>(cn) : 0;
    let pa = ar, pb = b + <usize>n * bn;
    for (let k = 0; k < K; k++) { s += load<f32>(pa) * load<f32>(pb); pa += sk; pb += bk; }
    store<f32>(cn, s);
  }
}

/** C(M,N) (+)= A(M,K) · B(K,N). */
export function nn(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  outer(c, a, b, M, K, N, (<usize>K) << 2, 4, (<usize>N) << 2, 4, acc);
}

/** C(M,N) (+)= A(K,M)ᵀ · B(K,N). */
export function tn(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  outer(c, a, b, M, K, N, 4, (<usize>M) << 2, (<usize>N) << 2, 4, acc);
}
