// engine/tasks and engine/complete: checkpoints of every task round-trip to identical predictions and reject
// mismatched tensors; the Completer's incremental state (typing on) equals re-reading the prefix from scratch,
// and its word probabilities equal the product of the model's own token probabilities.
import * as assert from 'node:assert/strict';
import { Completer } from '../../src/engine/complete';
import { CheckpointError } from '../../src/engine/checkpoint';
import { generateTask } from '../../src/engine/data/generators';
import { Rng } from '../../src/engine/rng';
import { loadTask, taskCheckpoint } from '../../src/engine/tasks/checkpoint';
import { LmTask } from '../../src/engine/tasks/lmTask';
import { TASK_TEST_CONFIG } from './taskConfig';
import type { RunConfig } from '../../src/engine/run/config';
import { Seq2SeqTask } from '../../src/engine/tasks/seq2seqTask';
import { SequenceTask } from '../../src/engine/tasks/sequenceTask';

const o: RunConfig = { ...TASK_TEST_CONFIG, hidden: 16, embedding: 8, batch: 4, seqLen: 12, lr: 0.01, seed: 7 };
const text = 'she sells sea shells by the sea shore. '.repeat(20);

describe('engine tasks', () => {
  it('every task survives a checkpoint round trip with identical outputs', () => {
    const lm = LmTask.create(o, text);
    for (let i = 0; i < 5; i++) lm.trainStep();
    const lm2 = loadTask(taskCheckpoint(lm)) as LmTask;
    assert.equal(lm2.generate('she ', { maxLength: 15 }).text, lm.generate('she ', { maxLength: 15 }).text);

    const pairs = generateTask('reverse', new Rng(1), 40, { minLen: 3, maxLen: 5 });
    const s2s = Seq2SeqTask.create({ ...o, attention: 'general', bidirectional: true }, pairs);
    for (let i = 0; i < 5; i++) s2s.trainStep();
    const s2s2 = loadTask(taskCheckpoint(s2s)) as Seq2SeqTask;
    assert.deepEqual(s2s2.translate('abcd', 2), s2s.translate('abcd', 2));

    const cls = SequenceTask.createClassifier({ ...o, bidirectional: true, merge: 'mean' }, [{ text: 'ab', label: 'x' }, { text: 'ba', label: 'y' }], ['x', 'y']);
    cls.trainStep();
    const cls2 = loadTask(taskCheckpoint(cls)) as SequenceTask;
    assert.deepEqual(cls2.predict(cls2.encode('abba')), cls.predict(cls.encode('abba')));
    assert.deepEqual(cls2.labels, ['x', 'y']);

    const tag = SequenceTask.createTagger(o, [{ tokens: ['U.S.', 'wins'], tags: ['N', 'V'] }], ['N', 'V']);
    tag.trainStep();
    const tag2 = loadTask(taskCheckpoint(tag)) as SequenceTask;
    assert.deepEqual(tag2.encodeTokens(['U.S.', 'wins', 'zzz']), tag.encodeTokens(['U.S.', 'wins', 'zzz']));
    assert.equal(tag2.encodeTokens(['U.S.'])[0] >= 4, true); // one known position, not split, not UNK
  });

  it('a checkpoint whose tensor shape differs from its architecture is refused by name', () => {
    const pairs = generateTask('copy', new Rng(1), 10, { minLen: 3, maxLen: 4 });
    const a = Seq2SeqTask.create(o, pairs);
    const b = Seq2SeqTask.create({ ...o, hidden: 12 }, pairs);
    const files = { ...taskCheckpoint(a), model: taskCheckpoint(b).model };
    // With its checksum, seqlab.json tells the swapped file apart; without one (older SeqLab), the shapes do.
    assert.throws(() => loadTask(files, 'ck'), (e: unknown) => e instanceof CheckpointError && /ck\/model\.safetensors is corrupt/.test((e as Error).message));
    const { checksums: _c, ...meta } = JSON.parse(files.meta) as Record<string, unknown>;
    assert.throws(() => loadTask({ ...files, meta: JSON.stringify(meta) }, 'ck'), (e: unknown) => e instanceof CheckpointError && /ck\/model\.safetensors: tensor \S+ has shape/.test((e as Error).message));
  });

  it('Completer: typing on (incremental state) equals reading the prefix afresh', () => {
    const lm = LmTask.create(o, text);
    for (let i = 0; i < 20; i++) lm.trainStep();
    const typed = lm.completer();
    typed.setPrefix('she sells');
    typed.setPrefix('she sells sea sh');
    const fresh = lm.completer();
    fresh.setPrefix('she sells sea sh');
    const a = typed.suggest({ count: 3 }), b = fresh.suggest({ count: 3 });
    assert.equal(a.length, 3);
    a.forEach((s, i) => {
      assert.equal(s.word, b[i].word);
      assert.ok(Math.abs(s.prob - b[i].prob) < 1e-6, `${s.prob} vs ${b[i].prob}`);
      assert.ok(s.word.startsWith('sh'));
    });
  });

  it('Completer: a word\'s probability is the product of its chars\' and the boundary\'s model probabilities', () => {
    const lm = LmTask.create(o, text);
    for (let i = 0; i < 30; i++) lm.trainStep();
    const c = new Completer(lm.model, lm.tokenizer);
    c.setPrefix('she sells sea ');
    const [best] = c.suggest({ count: 1, beam: 16 });
    // Independent reference: P(word + next char is a non-word char) from full forwards over the text.
    const probOf = (prefix: string, ch: string): number => {
      const ids = lm.tokenizer.encode(prefix);
      lm.model.forward(Int32Array.from(ids), 1, ids.length);
      const V = lm.model.V, row = lm.model.logits.subarray((ids.length - 1) * V, ids.length * V);
      const max = Math.max(...row);
      let sum = 0;
      for (const x of row) sum += Math.exp(x - max);
      return Math.exp(row[lm.tokenizer.encode(ch)[0]] - max) / sum;
    };
    let p = 1, prefix = 'she sells sea ';
    for (const ch of best.word) {
      p *= probOf(prefix, ch);
      prefix += ch;
    }
    // The boundary: every non-word continuation counts (space, '.', …): P(boundary) = 1 − P(word char).
    const ids = lm.tokenizer.encode(prefix);
    lm.model.forward(Int32Array.from(ids), 1, ids.length);
    let wordMass = 0;
    for (let v = 4; v < lm.tokenizer.vocabSize; v++) if (/[\p{L}\p{N}_']/u.test(lm.tokenizer.tokenText(v))) wordMass += probOf(prefix, lm.tokenizer.tokenText(v));
    const pBoundaryMax = 1 - wordMass;
    assert.ok(best.prob <= p * pBoundaryMax + 1e-6, `${best.prob} > ${p * pBoundaryMax}`);
    assert.ok(best.prob >= p * probOf(prefix, ' ') - 1e-6, `${best.prob} < P(word + space) ${p * probOf(prefix, ' ')}`);
  });
});
