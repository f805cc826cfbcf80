// Next-word suggestions (issue #14, item 5): after a space or punctuation the editor's suggester proposes the
// next word when the model is confident enough, by the rule of ghostText (P(word, then a boundary | text) at
// least nextWordConfidence). Two character LSTMs trained here: one on a corpus where the word after each word is
// certain (a suggestion appears, and it is the corpus's next word, also after punctuation where a space comes
// first), one where the word after "the" is one of eight at random (nothing is suggested there, while the
// certain words of the same corpus still are).
import * as assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import type { RunConfig } from '../../src/engine/run/config';
import { LmTask } from '../../src/engine/tasks/lmTask';
import { GHOST_BEAM, Suggester, ghostText, type Confidence } from '../../src/extension/completion/suggester';
import { TASK_TEST_CONFIG } from './taskConfig';

const CONFIG: RunConfig = { ...TASK_TEST_CONFIG, hidden: 48, embedding: 16, batch: 16, seqLen: 32, lr: 0.01, seed: 5 };
const RULE: Confidence = { minConfidence: 0.2, nextWordConfidence: 0.5 };
const STEPS = 300;

function trained(text: string): { task: LmTask; suggest(prefix: string): { ghost: string | null; word: string; prob: number } } {
  const task = LmTask.create(CONFIG, text);
  for (let i = 0; i < STEPS; i++) task.trainStep();
  const s = new Suggester();
  const m = { model: task.model, tokenizer: task.tokenizer, version: 1 };
  return {
    task,
    suggest(prefix) {
      const best = s.suggest(m, 1, prefix, 1, GHOST_BEAM)[0];
      return { ghost: ghostText(best, prefix, RULE), word: best?.word ?? '', prob: best?.prob ?? 0 };
    },
  };
}

describe('next-word suggestions after a space or punctuation', function () {
  this.timeout(120_000);

  it('a certain next word is suggested after a space and after punctuation (with its space)', () => {
    const lm = trained('the cat sat on the mat, and the dog ran to the park. '.repeat(40));
    const cases: [string, string][] = [
      ['the cat sat ', 'on'], ['the cat sat on the mat, and the ', 'dog'], ['and the dog ran ', 'to'],
    ];
    for (const [prefix, next] of cases) {
      const r = lm.suggest(prefix);
      console.log(`      after ${JSON.stringify(prefix)}: ${JSON.stringify(r.word)} p = ${r.prob.toFixed(3)} → ghost ${JSON.stringify(r.ghost)}`);
      assert.equal(r.ghost, next, `after ${JSON.stringify(prefix)}`);
    }
    // After a comma the next word comes after a space: the ghost text carries it.
    const comma = lm.suggest('the cat sat on the mat,');
    console.log(`      after "…mat,": ${JSON.stringify(comma.word)} p = ${comma.prob.toFixed(3)} → ghost ${JSON.stringify(comma.ghost)}`);
    assert.equal(comma.ghost, ' and');
    // nextWordConfidence 1 turns next words off; a begun word is still completed.
    const best = new Suggester().suggest({ model: lm.task.model, tokenizer: lm.task.tokenizer, version: 1 }, 1, 'the cat sat ', 1)[0];
    assert.equal(ghostText(best, 'the cat sat ', { ...RULE, nextWordConfidence: 1 }), null);
    assert.equal(lm.suggest('the cat sat o').ghost, 'n');
  });

  it('an uncertain next word is not suggested; the certain ones of the same text are', () => {
    const rng = new Rng(11);
    const nouns = ['cat', 'dog', 'owl', 'fox', 'hen', 'cow', 'pig', 'yak'];
    let text = '';
    while (text.length < 4000) text += `we saw the ${nouns[Math.floor(rng.next() * nouns.length)]} today. `;
    const lm = trained(text);
    const unsure = lm.suggest('today. we saw the ');
    console.log(`      after "…we saw the ": ${JSON.stringify(unsure.word)} p = ${unsure.prob.toFixed(3)} → ghost ${JSON.stringify(unsure.ghost)}`);
    assert.ok(unsure.prob < RULE.nextWordConfidence, `the model is sure of one of eight random words: p = ${unsure.prob}`);
    assert.equal(unsure.ghost, null, 'a next word the text does not determine was suggested');
    const sure = lm.suggest('today. we saw ');
    console.log(`      after "…we saw ": ${JSON.stringify(sure.word)} p = ${sure.prob.toFixed(3)} → ghost ${JSON.stringify(sure.ghost)}`);
    assert.equal(sure.ghost, 'the');
  });
});
