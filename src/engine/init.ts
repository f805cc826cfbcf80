// Weight initialisers. PyTorch's default for nn.RNN/LSTM/GRU is U(-1/sqrt(H), 1/sqrt(H)) on every weight and
// bias (torch/nn/modules/rnn.py reset_parameters); nn.Linear and nn.Embedding have their own defaults.
// Xavier (Glorot & Bengio 2010) and orthogonal (Saxe et al. 2014) are options for recurrent weights.
import type { Rng } from './rng';
import type { Floats, Shape } from './tensor';

export type Init =
  | { kind: 'zeros' }
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; bound: number }
  | { kind: 'normal'; std: number }
  /** Glorot uniform per gate block: U(±sqrt(6 / (fanIn + fanOut))) with fanOut the block's rows. */
  | { kind: 'xavier'; blocks: number }
  /** Orthogonal per gate block (each (rows/blocks, cols) block gets orthonormal rows or columns). */
  | { kind: 'orthogonal'; blocks: number; gain?: number };

export function initialize(out: Floats, shape: Shape, init: Init, rng: Rng): void {
  switch (init.kind) {
    case 'zeros':
      out.fill(0);
      return;
    case 'constant':
      out.fill(init.value);
      return;
    case 'uniform':
      for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-init.bound, init.bound);
      return;
    case 'normal':
      for (let i = 0; i < out.length; i++) out[i] = rng.normal() * init.std;
      return;
    case 'xavier': {
      const [rows, cols] = matrixDims(shape);
      const blockRows = rows / init.blocks;
      const bound = Math.sqrt(6 / (blockRows + cols));
      for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-bound, bound);
      return;
    }
    case 'orthogonal': {
      const [rows, cols] = matrixDims(shape);
      const blockRows = rows / init.blocks;
      for (let b = 0; b < init.blocks; b++) {
        orthogonalBlock(out, b * blockRows * cols, blockRows, cols, init.gain ?? 1, rng);
      }
      return;
    }
  }
}

function matrixDims(shape: Shape): [number, number] {
  if (shape.length !== 2) throw new Error(`matrix initialiser needs a 2-D shape, got [${shape.join(', ')}]`);
  return [shape[0], shape[1]];
}

/**
 * Fills a (rows, cols) block at `off` with a random orthogonal matrix: modified Gram-Schmidt on a Gaussian
 * matrix, done on whichever side is shorter so that rows (rows ≤ cols) or columns (rows > cols) are orthonormal.
 * Setup-time only, so the scratch allocation is fine.
 */
function orthogonalBlock(out: Floats, off: number, rows: number, cols: number, gain: number, rng: Rng): void {
  const n = Math.min(rows, cols); // number of orthonormal vectors
  const len = Math.max(rows, cols); // their length
  const v = new Float64Array(n * len);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < len; k++) dot += v[i * len + k] * v[j * len + k];
      for (let k = 0; k < len; k++) v[i * len + k] -= dot * v[j * len + k];
    }
    let norm = 0;
    for (let k = 0; k < len; k++) norm += v[i * len + k] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < len; k++) v[i * len + k] /= norm;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[off + r * cols + c] = gain * (rows <= cols ? v[r * len + c] : v[c * len + r]);
    }
  }
}
