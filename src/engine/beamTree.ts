// The search tree of one beam search (Seq2Seq-Vis, Strobelt et al. 2018, draws it): every hypothesis the beam
// kept at each step, with its log-probability and score, the finished ones (ended by EOS), and the path of the
// result. beamSearch (sample.ts) records into it AS IT RUNS when DecodeOptions.tree is given: there is no
// second search, so the tree is exactly what the beam did.
// Legend: S source length (attention models), W beam width.

export interface BeamTreeNode {
  readonly id: number;
  /** Id of the hypothesis it extends; −1 for the first step's hypotheses (children of the start token). */
  readonly parent: number;
  /** Decoding step (0-based): the node's token is the (step + 1)-th generated one. */
  readonly step: number;
  readonly token: number;
  /** log P of the whole hypothesis (natural log), start to this token. */
  readonly logProb: number;
  /** logProb / (step + 1)^α: the beam's ranking score. */
  readonly score: number;
  /** True when the token is EOS: the hypothesis left the beam as a finished one. */
  readonly finished: boolean;
  /** Attention over the source (S) of the parent hypothesis at this step, or null (no attention). */
  readonly attention: Float32Array | null;
}

export class BeamTree {
  readonly nodes: BeamTreeNode[] = [];
  /** Ids of the hypotheses kept at each step (the live ones that continue, then those that finished there). */
  readonly steps: number[][] = [];
  /** Ids from the first step to the returned best hypothesis; empty until the search ends. */
  chosen: number[] = [];

  /** Records a hypothesis the beam keeps at `node.step`; returns its id. */
  add(node: Omit<BeamTreeNode, 'id'>): number {
    const id = this.nodes.length;
    this.nodes.push({ ...node, id });
    while (this.steps.length <= node.step) this.steps.push([]);
    this.steps[node.step].push(id);
    return id;
  }

  /** The chosen path, from the first step to `last`. */
  choose(last: number): void {
    const path: number[] = [];
    for (let id = last; id >= 0; id = this.nodes[id].parent) path.push(id);
    this.chosen = path.reverse();
  }
}
