// The seq2seq model's JSON-friendly configuration (saved in checkpoints as architecture.config, read by the
// exported model.py). Legend: He/Hd encoder/decoder hidden sizes, D directions, A attention size, K kernel width.
import type { AttentionScore } from '../attention';
import type { CellKind } from '../cells/cell';

export type AttentionKind = 'none' | AttentionScore;

export interface Seq2SeqConfig {
  srcVocab: number;
  tgtVocab: number;
  embeddingSize: number;
  cell: CellKind;
  encoder: { hiddenSize: number; numLayers: number; bidirectional: boolean; dropout?: number };
  decoder: { hiddenSize: number; numLayers: number; dropout?: number };
  attention: AttentionKind;
  /** Additive attention's A (default: decoder hidden size). */
  attentionSize?: number;
  /** 'auto' (default): a learned bridge only when D·He ≠ Hd; 'always': learned in any case. */
  bridge?: 'auto' | 'always';
  /**
   * Which decoder state asks the attention question at step t. 'previous' (default, Bahdanau et al. 2015):
   * s_{t−1}, the state before reading the input token y_{t−1} (s_{−1} = the initial state from the bridge).
   * 'output' (Luong et al. 2015): h_t, after reading y_{t−1} — which lets a model find y_{t−1} in the source by
   * content and read its neighbour, so its alignments sit one position off on copy-like tasks.
   */
  attentionQuery?: 'previous' | 'output';
  /**
   * The (unidirectional) encoder reads each source right to left (Sutskever et al. 2014 §3.3): annotation j is
   * its state after x_{S−1} … x_j (returned in source order), the thought vector its state after x_0. Annotation
   * j then holds x_j and its right only. Left to right (or bidirectional), the annotation at j + 1 also holds x_j,
   * so on reversal a decoder can find the token it just emitted by content and read the next from that
   * neighbour: alignments one position off the mirror (S − t instead of S − 1 − t).
   */
  reverseSource?: boolean;
  /**
   * Additive attention only: K (odd), location-aware scores (Chorowski et al. 2015; attention.ts) over the
   * previous step's weights. 0/absent = content-only scores.
   */
  locationKernel?: number;
}
