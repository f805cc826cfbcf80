// The beam tree (engine/beamTree.ts) recorded by beamSearch as it runs: it holds exactly the hypotheses the beam
// kept, each with the log-probability the model gives its tokens (re-scored here from scratch, by teacher forcing
// a fresh decoder), every step keeps the W best extensions of the step before, the finished ones end in EOS,
// and the chosen path spells the returned result.
import * as assert from 'node:assert/strict';
import { BeamTree } from '../../src/engine/beamTree';
import { Rng } from '../../src/engine/rng';
import { beamSearch, logSoftmaxRow, type StepDecoder } from '../../src/engine/sample';
import { generateTask } from '../../src/engine/data/generators';
import { Seq2SeqTask } from '../../src/engine/tasks/seq2seqTask';
import { translateForView } from '../../src/extension/use/translate';
import { parseHostToAttention } from '../../src/protocol/attention';
import { TASK_TEST_CONFIG } from './taskConfig';

/** A decoder whose logits depend on the whole history (a hash of it), so every hypothesis differs. */
class HashDecoder implements StepDecoder {
  readonly startToken = 0;
  private hist: number[] = [];
  private readonly out: Float64Array;
  private readonly attn: Float64Array;
  constructor(readonly vocabSize: number, private readonly seed: number, private readonly S = 4) {
    this.out = new Float64Array(16 * vocabSize);
    this.attn = new Float64Array(16 * S);
  }
  reset(K: number): void {
    this.hist = new Array(K).fill(1);
  }
  step(tokens: Int32Array, K: number): Float64Array {
    for (let k = 0; k < K; k++) {
      this.hist[k] = (this.hist[k] * 31 + tokens[k] + 7) % 100_003;
      const rng = new Rng(this.hist[k] * 17 + this.seed);
      for (let v = 0; v < this.vocabSize; v++) this.out[k * this.vocabSize + v] = 3 * rng.normal();
      let sum = 0;
      for (let s = 0; s < this.S; s++) sum += (this.attn[k * this.S + s] = rng.next() + 0.01);
      for (let s = 0; s < this.S; s++) this.attn[k * this.S + s] /= sum;
    }
    return this.out;
  }
  reorder(parents: Int32Array, K: number): void {
    this.hist = Array.from({ length: K }, (_, k) => this.hist[parents[k]]);
  }
  attention(): { weights: Float64Array; sourceLength: number } {
    return { weights: this.attn, sourceLength: this.S };
  }
}

/** log P(tokens) under a fresh decoder, token by token (teacher forcing). */
function rescore(V: number, seed: number, tokens: number[]): number {
  const d = new HashDecoder(V, seed);
  d.reset(1);
  const row = new Float64Array(V);
  let input = d.startToken, lp = 0;
  for (const tok of tokens) {
    logSoftmaxRow(row, d.step(Int32Array.of(input), 1), 0, V);
    lp += row[tok];
    input = tok;
  }
  return lp;
}

describe('beam tree: the hypotheses the beam kept, recorded as it ran', () => {
  for (const [W, alpha, seed] of [[3, 0, 1], [4, 1, 2], [2, 0.6, 3]] as const) {
    it(`width ${W}, α ${alpha}: nodes re-score to their log P, each step keeps the W best extensions, the chosen path is the result`, () => {
      const V = 6, eos = 5;
      const tree = new BeamTree();
      const results = beamSearch(new HashDecoder(V, seed), { strategy: 'beam', beamWidth: W, eos, maxLength: 7, lengthPenalty: alpha, tree });
      const path = (id: number): number[] => {
        const toks: number[] = [];
        for (let n = id; n >= 0; n = tree.nodes[n].parent) toks.push(tree.nodes[n].token);
        return toks.reverse();
      };
      let worst = 0;
      for (const n of tree.nodes) {
        worst = Math.max(worst, Math.abs(rescore(V, seed, path(n.id)) - n.logProb));
        assert.equal(n.finished, n.token === eos);
        assert.ok(Math.abs(n.score - n.logProb / Math.pow(n.step + 1, alpha)) < 1e-12);
        if (n.parent >= 0) {
          assert.equal(tree.nodes[n.parent].step, n.step - 1);
          assert.equal(tree.nodes[n.parent].finished, false, 'a finished hypothesis is never extended');
        }
        assert.equal(n.attention?.length, 4);
      }
      console.log(`      ${tree.nodes.length} nodes over ${tree.steps.length} steps, max |log P − re-scored| = ${worst.toExponential(2)}`);
      assert.ok(worst < 1e-9);
      // Every step: the live hypotheses kept are at most W, and none of the extensions left out of a kept parent
      // (other than EOS ones, which may be refused a place) beats the worst live one kept.
      tree.steps.forEach((ids, t) => {
        const live = ids.filter((id) => !tree.nodes[id].finished);
        assert.ok(live.length <= W);
        if (t === 0 || live.length === 0) return;
        const parents = new Set(tree.steps[t - 1].filter((id) => !tree.nodes[id].finished));
        for (const id of live) assert.ok(parents.has(tree.nodes[id].parent), 'every live node extends a live node of the step before');
        const worstKept = Math.min(...live.map((id) => tree.nodes[id].logProb));
        for (const p of parents) for (let v = 0; v < V; v++) {
          if (v === eos || live.some((id) => tree.nodes[id].parent === p && tree.nodes[id].token === v)) continue;
          assert.ok(rescore(V, seed, [...path(p), v]) <= worstKept + 1e-9, `step ${t}: an extension left out beats a kept one`);
        }
      });
      // The chosen path is the best result: its tokens (EOS dropped when finished) and its log-probability.
      const last = tree.nodes[tree.chosen[tree.chosen.length - 1]];
      const tokens = tree.chosen.map((id) => tree.nodes[id].token);
      if (results[0].finished) tokens.pop();
      assert.deepEqual(tokens, results[0].tokens);
      assert.ok(Math.abs(last.logProb - results[0].logProb) < 1e-12);
      // Every returned result is a node of the tree.
      for (const r of results) assert.ok(tree.nodes.some((n) => Math.abs(n.logProb - r.logProb) < 1e-12 && n.step === r.steps.length - 1));
    });
  }

  it('without a tree, beam search returns the same results (recording changes nothing)', () => {
    const a = beamSearch(new HashDecoder(6, 9), { strategy: 'beam', beamWidth: 3, eos: 5, maxLength: 6 });
    const b = beamSearch(new HashDecoder(6, 9), { strategy: 'beam', beamWidth: 3, eos: 5, maxLength: 6, tree: new BeamTree() });
    assert.deepEqual(a.map((r) => [r.tokens, r.logProb]), b.map((r) => [r.tokens, r.logProb]));
  });
});

describe('beam tree in Translate Selection\'s attention view', () => {
  // A small seq2seq model with attention on the reverse task (a few steps of training make its beam non-trivial).
  const task = Seq2SeqTask.create({ ...TASK_TEST_CONFIG, hidden: 8, embedding: 4, batch: 4, seqLen: 8, lr: 0.05, seed: 7, attention: 'dot' }, generateTask('reverse', new Rng(1), 40, { minLen: 3, maxLen: 5 }));
  for (let i = 0; i < 20; i++) task.trainStep();

  it('beam 4: the view carries the recorded tree, the panel\'s guard accepts it, and its chosen path spells the output', () => {
    const { view } = translateForView(task, 'm', 'abcd', 4, true);
    const tree = view.beamTree!;
    assert.ok(tree && tree.nodes.length >= 4);
    assert.equal(parseHostToAttention({ type: 'show', view }).type, 'show');
    assert.deepEqual(tree.chosen.map((id) => tree.nodes[id].token), view.outputTokens);
    assert.ok(tree.nodes.every((n) => n.attention?.length === view.sourceTokens.length));
    // The chosen path's last log P is the sum of the logs of the decoded tokens' probabilities.
    const last = tree.nodes[tree.chosen[tree.chosen.length - 1]];
    const sum = view.probs!.reduce((a, p) => a + Math.log(p), 0);
    assert.ok(Math.abs(last.logProb - sum) < 1e-4, `${last.logProb} vs ${sum}`);
  });

  it('greedy (beam 1) draws no tree; a tree whose node extends a later or finished node is refused', () => {
    assert.equal(translateForView(task, 'm', 'abcd', 1, true).view.beamTree, undefined);
    const { view } = translateForView(task, 'm', 'abcd', 3, true);
    const tree = view.beamTree!;
    const broken = { ...view, beamTree: { ...tree, nodes: tree.nodes.map((n, i) => (i === tree.nodes.length - 1 ? { ...n, parent: i } : n)) } };
    assert.throws(() => parseHostToAttention({ type: 'show', view: broken }), /parent must be an earlier node/);
    const wrongPath = { ...view, beamTree: { ...tree, chosen: [...tree.chosen].reverse() } };
    if (tree.chosen.length > 1) assert.throws(() => parseHostToAttention({ type: 'show', view: wrongPath }), /chosen\[0\] must be/);
    const shortAttention = { ...view, beamTree: { ...tree, nodes: tree.nodes.map((n, i) => (i === 0 ? { ...n, attention: [1] } : n)) } };
    assert.throws(() => parseHostToAttention({ type: 'show', view: shortAttention }), /beamTree\.nodes\.0\.attention|one weight per source token/);
  });
});
