// Matrix-product kernels: every path (WASM zero-copy on WasmHeap views, WASM through the scratch copy, the
// TypeScript kernels in Float32 and Float64) against a float64 naive reference, on random shapes that include
// sizes not multiple of 4 (kernel tails), nonzero offsets and accumulate true/false.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { matmulNN, matmulNT, matmulTN, setKernelBackend, kernelBackend } from '../../src/engine/ops/matmul';
import { Rng } from '../../src/engine/rng';
import { WasmHeap, decodeBase64 } from '../../src/engine/kernels/heap';
import { wasmStats } from '../../src/engine/kernels/product';
import type { Floats } from '../../src/engine/tensor';

type Kind = 'nt' | 'nn' | 'tn';
const KERNEL = { nt: matmulNT, nn: matmulNN, tn: matmulTN };
const F32_EPS = 2 ** -24;

// Float64 reference and, per element, Σ|a·b| (the scale of float32 rounding error of a K-term dot product).
function reference(kind: Kind, C0: Float64Array, A: Float64Array, B: Float64Array, M: number, K: number, N: number,
  acc: boolean): { ref: Float64Array; scale: Float64Array } {
  const ref = new Float64Array(M * N);
  const scale = new Float64Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let s = acc ? C0[m * N + n] : 0;
    let t = Math.abs(s);
    for (let k = 0; k < K; k++) {
      const a = kind === 'tn' ? A[k * M + m] : A[m * K + k];
      const b = kind === 'nt' ? B[n * K + k] : B[k * N + n];
      s += a * b;
      t += Math.abs(a * b);
    }
    ref[m * N + n] = s;
    scale[m * N + n] = t;
  }
  return { ref, scale };
}

type Alloc = (n: number) => Floats;
/** Runs one random case through `alloc`-made buffers; returns max error / allowed error (must be ≤ 1). */
function runCase(rng: Rng, kind: Kind, M: number, K: number, N: number, acc: boolean, alloc: Alloc, f64 = false): number {
  const [aOff, bOff, cOff] = [rng.int(5), rng.int(5), rng.int(5)];
  const A = alloc(aOff + M * K + 3), B = alloc(bOff + K * N + 2), C = alloc(cOff + M * N + 1);
  for (const X of [A, B, C]) for (let i = 0; i < X.length; i++) X[i] = rng.uniform(-1, 1);
  const a64 = Float64Array.from(A.subarray(aOff, aOff + M * K));
  const b64 = Float64Array.from(B.subarray(bOff, bOff + K * N));
  const c64 = Float64Array.from(C.subarray(cOff, cOff + M * N));
  const guardBefore = cOff > 0 ? C[cOff - 1] : 0, guardAfter = C[cOff + M * N];
  KERNEL[kind](C, cOff, A, aOff, B, bOff, M, K, N, acc);
  assert.strictEqual(C[cOff + M * N], guardAfter, 'wrote past C');
  if (cOff > 0) assert.strictEqual(C[cOff - 1], guardBefore, 'wrote before C');
  const { ref, scale } = reference(kind, c64, a64, b64, M, K, N, acc);
  // float32 accumulation of K+1 terms: |err| ≤ (K+2)·u·Σ|terms| (Higham's γ bound); Float64 is far tighter.
  const u = f64 ? 2 ** -50 : F32_EPS;
  let worst = 0;
  for (let i = 0; i < M * N; i++) {
    const err = Math.abs(C[cOff + i] - ref[i]);
    worst = Math.max(worst, err / ((K + 2) * u * scale[i] + 1e-30));
  }
  return worst;
}

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1], [1, 7, 5], [2, 4, 4], [3, 5, 7], [5, 3, 9], [4, 8, 8], [7, 13, 11], [9, 17, 6],
  [32, 160, 512], [33, 31, 35], [6, 64, 130], [17, 129, 3],
  // Packed panels (wasm/matmul.ts outer): NT's tall-A path (M >= 64), several KC = 256 chunks of K, and
  // leftover rows (M % 4) and columns (N % 8).
  [67, 300, 21], [64, 513, 9], [130, 40, 16],
  // One row of A (NT's matrix-vector path, ntRow): blocks of 8 rows of B, with K % 4 and N % 8 leftovers.
  [1, 128, 512], [1, 131, 21], [1, 32, 117], [1, 260, 15],
];

function sweep(label: string, alloc: Alloc, f64 = false): void {
  const rng = new Rng(1234);
  let worst = 0;
  for (const kind of ['nt', 'nn', 'tn'] as Kind[]) for (const [M, K, N] of SHAPES) for (const acc of [false, true]) {
    const r = runCase(rng, kind, M, K, N, acc, alloc, f64);
    assert.ok(r <= 1, `${label} ${kind} M=${M} K=${K} N=${N} acc=${acc}: error ${r.toFixed(3)}× the rounding bound`);
    worst = Math.max(worst, r);
  }
  console.log(`      ${label}: worst error ${worst.toExponential(2)} of the float rounding bound`);
}

describe('matmul kernels', () => {
  afterEach(() => setKernelBackend('wasm'));

  it('base64 decoder matches Buffer', () => {
    const bytes = Uint8Array.from({ length: 257 }, (_, i) => (i * 37) & 255);
    for (const n of [0, 1, 2, 3, 4, 255, 257]) {
      assert.deepStrictEqual(decodeBase64(Buffer.from(bytes.subarray(0, n)).toString('base64')), bytes.subarray(0, n));
    }
  });

  it('WASM SIMD is available in this Node', () => assert.strictEqual(kernelBackend(), 'wasm'));

  it('WASM zero-copy on WasmHeap views', () => {
    const heap = new WasmHeap(1 << 22);
    const before = wasmStats.zeroCopy, copiedBefore = wasmStats.copied;
    sweep('wasm zero-copy', (n) => heap.alloc(n));
    assert.ok(wasmStats.zeroCopy > before, 'zero-copy path never ran');
    assert.strictEqual(wasmStats.copied, copiedBefore, 'heap views were copied');
  });

  it('WASM through the scratch copy on plain Float32Array', () => {
    const before = wasmStats.copied;
    sweep('wasm copied', (n) => new Float32Array(n));
    assert.ok(wasmStats.copied > before, 'copy path never ran');
  });

  it('TypeScript kernels in Float32 and Float64', () => {
    setKernelBackend('js');
    const before = wasmStats.zeroCopy + wasmStats.copied;
    sweep('js f32', (n) => new Float32Array(n));
    const heap = new WasmHeap(1 << 22);
    sweep('js f32 on heap views', (n) => heap.alloc(n));
    setKernelBackend('wasm');
    sweep('f64 (always TypeScript)', (n) => new Float64Array(n), true);
    assert.strictEqual(wasmStats.zeroCopy + wasmStats.copied, before, 'wasm ran although disabled or Float64');
  });

  it('WasmHeap: aligned views that stay attached; a full heap throws instead of growing', () => {
    const heap = new WasmHeap(1000);
    const a = heap.alloc(3), b = heap.alloc(10);
    assert.strictEqual(a.byteOffset % 16, 0);
    assert.strictEqual(b.byteOffset % 16, 0);
    assert.ok(b.byteOffset >= a.byteOffset + 12);
    assert.strictEqual(WasmHeap.ofBuffer(a.buffer), heap);
    b.fill(7);
    assert.throws(() => heap.alloc(heap.free + 1), /full/);
    // Big copied products replace the scratch heap; user views must survive that.
    matmulNT(new Float32Array(64 * 300), 0, new Float32Array(64 * 700), 0, new Float32Array(300 * 700), 0, 64, 700, 300, false);
    assert.strictEqual(b.length, 10);
    assert.strictEqual(b[9], 7);
  });

  it('kernelsBinary.ts is what src/wasm/build.mjs makes from src/wasm/matmul.ts', function () {
    this.timeout(20000);
    execFileSync(process.execPath, ['src/wasm/build.mjs', '--check'], { stdio: 'pipe' });
  });
});
