// The vanishing-gradient demonstration as a deterministic test, on a task whose answer is the first token of a
// 50-step sequence (engine/experiments/longLag.ts): the tanh RNN's ‖∂L/∂h_t‖ falls by ≥ 1000× from the last
// step back to the first, the LSTM's by far less, and after the same seeded budget only the LSTM solves it.
import * as assert from 'node:assert/strict';
import { LONG_LAG_DEFAULTS, LongLagExperiment } from '../../src/engine/experiments/longLag';

const BUDGET = 300; // training steps of 32 sequences each, the same for both cells

describe('vanishing gradients: tanh RNN vs LSTM on a 50-step lag', () => {
  const results: Record<string, { decay: number; accuracy: number; finalLoss: number }> = {};
  for (const cell of ['rnn_tanh', 'lstm'] as const) {
    before(function () {
      this.timeout(120000);
      const exp = new LongLagExperiment({ ...LONG_LAG_DEFAULTS, cell });
      exp.step();
      const g = exp.gradThroughTime;
      const T = LONG_LAG_DEFAULTS.steps;
      const decay = g[T - 1] / g[0];
      let loss = 0;
      for (let s = 1; s < BUDGET; s++) loss = exp.step().loss;
      results[cell] = { decay, accuracy: exp.accuracy(8, 1234), finalLoss: loss };
      console.log(`      ${cell}: ‖∂L/∂h_49‖ / ‖∂L/∂h_0‖ = ${decay.toExponential(2)} at step 1; ` +
        `accuracy after ${BUDGET} steps ${(100 * results[cell].accuracy).toFixed(1)} % (last loss ${loss.toFixed(4)})`);
    });
  }

  it('the tanh RNN gradient falls by at least 1000× from the last step to the first', () => {
    assert.ok(results.rnn_tanh.decay >= 1000, `decay ${results.rnn_tanh.decay}`);
  });

  it("the LSTM's falls by far less (at least 100× less decay than the tanh RNN)", () => {
    assert.ok(results.lstm.decay * 100 <= results.rnn_tanh.decay, `${results.lstm.decay} vs ${results.rnn_tanh.decay}`);
  });

  it('after the same budget the LSTM solves the task (≥ 95 %) and the tanh RNN does not', () => {
    assert.ok(results.lstm.accuracy >= 0.95, `LSTM accuracy ${results.lstm.accuracy}`);
    assert.ok(results.rnn_tanh.accuracy < 0.75, `tanh RNN accuracy ${results.rnn_tanh.accuracy}`);
  });
});
