// What the four recurrent cells share. Each cell does ONE time step for a batch of B rows; the layer
// (layers/direction.ts) owns the time loop and does the matrix products:
//   gx_t = x_t·W_ihᵀ + b_ih   (all t at once, before the loop)       (B, G·H)
//   gh_t = h_{t−1}·W_hhᵀ + b_hh  (one product per step)               (B, G·H)
// The cell's pointwise forward turns (gx_t, gh_t, h_{t−1}, c_{t−1}) into (h_t, c_t) and caches what its backward
// twin needs. G is the number of gate blocks: LSTM 4 (i, f, g, o), GRU 3 (r, z, n), RNN 1 — PyTorch's row order.
//
// Rows whose `mask` byte is 0 are padding (t ≥ length): the state passes through unchanged and the gates are
// zeroed, which is what PyTorch's packed sequences compute for the valid part.

export type CellKind = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

export const CELL_KINDS: readonly CellKind[] = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'];

export function gateCount(kind: CellKind): number {
  switch (kind) {
    case 'lstm':
      return 4;
    case 'gru':
      return 3;
    case 'rnn_tanh':
    case 'rnn_relu':
      return 1;
  }
}

export function hasCellState(kind: CellKind): boolean {
  return kind === 'lstm';
}
