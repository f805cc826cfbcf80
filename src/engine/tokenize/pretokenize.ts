// Pre-tokenizers: split text into pieces whose concatenation is exactly the text, so every tokenizer built on
// them round-trips. Both use Unicode property classes (`u` flag) so accented letters, CJK and digits of any
// script count as word characters, and `[^]` with `u` consumes a whole code point (never half an emoji).

/** Word tokenizer pieces: words (letters, marks, digits, `_`, with inner apostrophes as in "don't"), one piece
 *  per line break ("\r\n" whole), runs of other whitespace (spaces/tabs, so code indentation is one token), and
 *  every other character on its own (punctuation, operators, symbols, emoji). */
const WORD_PIECES = /[\p{L}\p{M}\p{N}_]+(?:['\u2019][\p{L}\p{M}\p{N}_]+)*|\r\n|\n|\r|[^\S\r\n]+|[^]/gu;

/** A piece that is a word (as opposed to whitespace or a single symbol). */
const IS_WORD = /^[\p{L}\p{M}\p{N}_]/u;

export function wordPieces(text: string): string[] {
  return text.match(WORD_PIECES) ?? [];
}

export function isWordPiece(piece: string): boolean {
  return IS_WORD.test(piece);
}

/** BPE chunks, after GPT-2's pattern (Radford et al. 2019, encoder.py): merges never cross these boundaries,
 *  so a token never glues a word to its neighbour's punctuation. A single leading space stays attached to the
 *  word, number or punctuation run that follows (" the", " +="), and a whitespace run keeps its last space for
 *  the next word (`\s+(?!\S)`), so code indentation and prose both compress well. */
const BPE_CHUNKS = /'(?:[sdmt]|ll|ve|re)| ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+/gu;

export function bpeChunks(text: string): string[] {
  return text.match(BPE_CHUNKS) ?? [];
}
