// W8's peer: a character n-gram model with interpolated Kneser–Ney smoothing (Chen & Goodman 1998, "An Empirical
// Study of Smoothing Techniques for Language Modeling", §3 eq. 12–13 with one discount per order, §4.1.7):
//   highest order:  P(w | h) = max(c(hw) − D, 0) / c(h•) + D · N1+(h•) / c(h•) · P(w | h')
//   lower orders:   the same with continuation counts c'(hw) = N1+(•hw), the number of distinct characters seen
//                   before hw (a character that only follows one context should not get a large unigram share)
//   order 1:        P(w) = max(c'(w) − D, 0) / c'(•) + D · N1+(•) / c'(•) · 1/V        (interpolated with uniform)
// where h' drops h's oldest character, N1+(h•) counts the distinct characters seen after h, and a context never
// seen (c(h•) = 0) backs off entirely: P(w | h) = P(w | h'). D = n1 / (n1 + 2·n2) per order (Ney, Essen & Kneser
// 1994), n1 and n2 the numbers of n-grams whose (continuation) count is 1 and 2 (0.5 when there is no singleton). Every distribution sums to 1
// over the vocabulary (test/unit/keystrokes.test.ts checks it, and values computed by hand on a tiny corpus).

interface ContextNode {
  /** Sum of the (continuation) counts of the characters seen after this context: c(h•). */
  total: number;
  /** Character index → its (continuation) count after this context. */
  next: Map<number, number>;
}

export class CharNgram {
  /** The characters the model knows, sorted; index = position in distribution(). */
  readonly vocab: string[];
  private readonly index: Map<string, number>;
  /** contexts[k]: contexts of length k (the k characters before w), as strings of the characters. */
  private readonly contexts: Map<string, ContextNode>[];
  /** discounts[k]: D of the order k + 1 (contexts of length k). */
  readonly discounts: number[];
  private readonly scratch: Float64Array;

  constructor(text: string, readonly order = 5, extraVocab = '') {
    if (!Number.isInteger(order) || order < 1) throw new Error(`the n-gram order must be a whole number ≥ 1, got ${order}`);
    const chars = Array.from(text);
    this.vocab = [...new Set([...chars, ...Array.from(extraVocab)])].sort();
    this.index = new Map(this.vocab.map((c, i) => [c, i]));
    const ids = chars.map((c) => this.index.get(c)!);
    // Highest order: raw counts of every n-gram (contexts shorter than order − 1 at the text's start included).
    const top = order - 1;
    this.contexts = Array.from({ length: order }, () => new Map<string, ContextNode>());
    for (let i = 0; i < ids.length; i++) {
      if (i < top) continue;
      bump(this.contexts[top], chars.slice(i - top, i).join(''), ids[i], 1);
    }
    // Lower orders: continuation counts N1+(•hw), one for each distinct longer n-gram ending in hw.
    for (let k = top - 1; k >= 0; k--) {
      for (const [h, node] of this.contexts[k + 1]) {
        const shorter = h.slice(firstCharLength(h));
        for (const w of node.next.keys()) bump(this.contexts[k], shorter, w, 1);
      }
      // The character at position k has a k-character context and nothing before it: the text's start is its one
      // left neighbour (Chen & Goodman pad with <s>).
      if (k < ids.length) bump(this.contexts[k], chars.slice(0, k).join(''), ids[k], 1);
    }
    this.discounts = this.contexts.map((level) => {
      let n1 = 0, n2 = 0;
      for (const node of level.values()) for (const c of node.next.values()) { if (c === 1) n1++; else if (c === 2) n2++; }
      // Without singletons (a text repeated) the estimate is 0 or undefined; 0.5 keeps every character possible.
      return n1 === 0 ? 0.5 : n1 / (n1 + 2 * n2);
    });
    this.scratch = new Float64Array(this.vocab.length);
  }

  /** P(• | the last order − 1 characters of `context`) over `vocab`, written into `out` (length V). */
  distribution(context: string, out: Float64Array): void {
    const V = this.vocab.length;
    const cs = Array.from(context);
    out.fill(1 / V);
    for (let k = 0; k < this.order; k++) {
      if (k > cs.length) break;
      const node = this.contexts[k].get(cs.slice(cs.length - k).join(''));
      if (!node || node.total === 0) continue; // unseen context: this order keeps the lower order's distribution
      const D = this.discounts[k], lower = (D * node.next.size) / node.total;
      for (let v = 0; v < V; v++) out[v] *= lower;
      for (const [w, c] of node.next) out[w] += Math.max(c - D, 0) / node.total;
    }
  }

  /** P(ch | context); 0 for a character outside the vocabulary. */
  prob(context: string, ch: string): number {
    const i = this.index.get(ch);
    if (i === undefined) return 0;
    this.distribution(context, this.scratch);
    return this.scratch[i];
  }
}

function bump(level: Map<string, ContextNode>, h: string, w: number, by: number): void {
  let node = level.get(h);
  if (!node) level.set(h, (node = { total: 0, next: new Map() }));
  node.total += by;
  node.next.set(w, (node.next.get(w) ?? 0) + by);
}

/** UTF-16 length of the first code point of s (contexts are strings of whole characters). */
function firstCharLength(s: string): number {
  const cp = s.codePointAt(0)!;
  return cp > 0xffff ? 2 : 1;
}
