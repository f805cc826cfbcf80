// SeqLab's side of the benchmark. Each workload is one function of the `Side` contract (sides.ts).
//
// Implemented: W6 matmul — the engine's kernels on a WasmHeap (zero-copy, how the engine is meant to hold its
//   arenas), and, for comparison, on plain Float32Arrays (scratch-copy path) and with the TypeScript kernels.
//
// TODO(issue 8, lead): wire the engine in when src/engine/{layers,lm.ts,trainer.ts} exist. The bench needs:
//   charLM(cfg)  (W1 lstm ×1 H128, W2 lstm ×2 H256, W3 gru ×1 H128): build the char LM of `cfg` (embedding E=32
//     → recurrent layers → linear head V) with its arenas in ONE WasmHeap, seeded by cfg.seed, Adam(lr, 0.9,
//     0.999, 1e-8) + clipByGlobalNorm(cfg.clipNorm), mean CE over B·T; return { step(x, y) → loss } where x, y
//     are (B,T) Int32Array ids (batch-first, row-major). No allocation inside step.
//   completer(trainer, cfg) (W4): greedy generation from a 64-id context until stopId or maxLen ids, on the
//     trainer's weights (batch 1; keeping the state of the context is allowed, as the tfjs peer does).
//   W5 (bits/char after 120 s of W1 training) and W7 (seq2seq + additive attention on the date task,
//     examples/s) need new Side methods and peer code: not written yet.
// Until then these methods stay undefined and the bench prints "not measured" for SeqLab.
import { matmulNN, matmulNT, matmulTN, setKernelBackend } from '../../src/engine/ops/matmul';
import { Rng } from '../../src/engine/rng';
import { WasmHeap } from '../../src/engine/wasm/heap';
import type { MatmulRunner, ProductKind, Side } from './sides';

export type SeqlabVariant = 'wasm' | 'wasm-copy' | 'js';

const KERNEL = { nt: matmulNT, nn: matmulNN, tn: matmulTN };

export function createSeqlabSide(variant: SeqlabVariant = 'wasm'): Side {
  return {
    name: variant === 'wasm' ? 'seqlab' : `seqlab-${variant}`,
    async init() {
      setKernelBackend(variant === 'js' ? 'js' : 'wasm');
    },
    matmul(kind: ProductKind, M: number, K: number, N: number, seed: number): MatmulRunner {
      const sizes = [M * K, K * N, M * N];
      let arrays: Float32Array[];
      if (variant === 'wasm') {
        const heap = new WasmHeap(sizes[0] + sizes[1] + sizes[2] + 16);
        arrays = sizes.map((n) => heap.alloc(n));
      } else {
        arrays = sizes.map((n) => new Float32Array(n));
      }
      const rng = new Rng(seed);
      for (const x of arrays) for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
      const [A, B, C] = arrays;
      const f = KERNEL[kind];
      return {
        label: `matmul${kind.toUpperCase()} (${variant === 'wasm' ? 'WASM SIMD, WasmHeap views' : variant === 'js' ? 'TypeScript kernels' : 'WASM SIMD, copied in/out'})`,
        run(times) {
          for (let i = 0; i < times; i++) f(C, 0, A, 0, B, 0, M, K, N, false);
        },
      };
    },
    // charLM, completer: see the TODO above.
  };
}
