// "SeqLab: Run Vanishing-Gradient Experiment" through the real UI: a tanh RNN and an LSTM train side by side on
// the long-lag task in the experiments worker; both gradient-through-time curves appear on the dashboard, and
// the test reads them inside the webview: the tanh RNN's ‖∂L/∂h_t‖ falls far faster from t = T−1 back to t = 0.
import * as assert from 'node:assert/strict';
import { workbench } from '../harness/e2eContext';
import { editorTab, runCommand, setColorTheme, webviewFrame } from '../harness/ui';
import { dashboardData } from './dashboardData';

describe('vanishing-gradient experiment (e2e, real workbench)', function () {
  this.timeout(180_000);

  it('shows both curves, and the tanh RNN gradient decays far faster than the LSTM one', async () => {
    const wb = await workbench();
    const page = wb.page;
    const began = Date.now();
    await runCommand(page, 'SeqLab: Run Vanishing-Gradient Experiment');
    await editorTab(page, 'SeqLab Dashboard').waitFor({ timeout: 30_000 });
    const frame = await webviewFrame(page, { title: 'SeqLab Dashboard' });
    await frame.locator('#experiment-card').waitFor({ state: 'visible', timeout: 60_000 });
    const deadline = Date.now() + 120_000;
    let data = await dashboardData(frame);
    while (!data.experiment?.done && Date.now() < deadline) {
      await page.waitForTimeout(500);
      data = await dashboardData(frame);
    }
    const e = data.experiment;
    assert.ok(e?.done, 'the experiment did not finish');
    console.log(`      experiment finished in ${((Date.now() - began) / 1000).toFixed(1)} s (${e.totalSteps} steps per model)`);

    // The chart itself holds both curves, T points each.
    const curves = data.charts.expGtt;
    assert.deepEqual(curves.map((c) => c.label), ['tanh RNN', 'LSTM']);
    for (const c of curves) assert.equal(c.n, e.T, `${c.label}: ${c.n} points, expected ${e.T}`);
    const decay = (ys: number[]): number => (ys[ys.length - 1] as number) / (ys[0] as number);
    const [rnn, lstm] = curves.map((c) => decay(c.ys)) as [number, number];
    console.log(`      ‖∂L/∂h_${e.T - 1}‖ / ‖∂L/∂h_0‖: tanh RNN ${rnn.toExponential(2)}, LSTM ${lstm.toExponential(2)}; ` +
      `accuracy ${e.series.map((s) => `${s.label} ${s.accuracy}`).join(', ')}`);
    assert.ok(rnn > 1000, `the tanh RNN gradient decays only ${rnn}×`);
    assert.ok(rnn > 100 * lstm, `tanh RNN decay ${rnn} is not far above the LSTM's ${lstm}`);
    assert.equal(data.charts.expLoss.length, 2);
    assert.match(await frame.locator('#experiment-summary').innerText(), /tanh RNN: the gradient shrinks .*LSTM: the gradient shrinks/);

    await frame.locator('#experiment-card').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    const light = await frame.locator('body.vscode-light').count();
    await wb.screenshot(light ? 'vanishing-light' : 'vanishing-dark');
    await setColorTheme(page, light ? 'Dark Modern' : 'Light Modern', light ? 'dark' : 'light');
    await frame.locator(light ? 'body.vscode-dark' : 'body.vscode-light').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    await frame.locator('#experiment-card').scrollIntoViewIfNeeded();
    await wb.screenshot(light ? 'vanishing-dark' : 'vanishing-light');
  });
});
