// The dashboard through the real UI: command palette → "SeqLab: Show Dashboard" → the webview's
// nested iframes → the chart and the host's `init` reply; screenshots in a dark and a light theme.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { workbench } from '../harness/e2eContext';
import { editorTab, runCommand, setColorTheme, webviewFrame } from '../harness/ui';

describe('dashboard (e2e, real workbench)', function () {
  this.timeout(180_000);
  let frame: FrameLocator;

  it('opens from the command palette and shows the loss chart', async () => {
    const wb = await workbench();
    await runCommand(wb.page, 'SeqLab: Show Dashboard');
    await editorTab(wb.page, 'SeqLab Dashboard').waitFor({ timeout: 30_000 });
    frame = await webviewFrame(wb.page, { title: 'SeqLab Dashboard' });

    // `Connected` appears only after the webview's `ready` reached the host and its `init` came back.
    await frame.locator('#status', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    // Other e2e tests in the shared workbench may have trained already: then the latest run is shown.
    assert.match(await frame.locator('#status').innerText(), /Connected · (no training steps yet|.+ · \d+ steps?)/);
    assert.equal(await frame.locator('.chart-card h2').first().innerText(), 'Training loss');
    const config = (await frame.locator('#config').innerText()).replace(/\s+/g, ' ');
    assert.match(config, /hidden size 128 seed 42/);

    const canvas = frame.locator('canvas#loss-chart');
    await canvas.waitFor({ state: 'visible' });
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 300 && box.height > 200, `chart canvas too small: ${JSON.stringify(box)}`);
    assert.match((await canvas.getAttribute('aria-label')) ?? '', /x axis: step.*y axis: loss/);
    // chart.js drew axes, ticks and titles: count painted pixels in the canvas.
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d');
      if (!ctx) return 0;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if ((d[i] as number) > 0) n++;
      return n;
    });
    assert.ok(painted > 500, `the chart canvas is (nearly) blank: ${painted} painted pixels`);
    assert.match((await frame.locator('body').getAttribute('class')) ?? '', /vscode-dark/);
    await wb.screenshot('dashboard-dark');
  });

  it('follows a switch to a light theme', async () => {
    const wb = await workbench();
    const darkFg = await frame.locator('body').evaluate((b) => getComputedStyle(b).color);
    await setColorTheme(wb.page, 'Light Modern', 'light');
    await frame.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    const lightFg = await frame.locator('body').evaluate((b) => getComputedStyle(b).color);
    assert.notEqual(lightFg, darkFg, 'the webview text colour did not follow the theme');
    await wb.page.waitForTimeout(300); // let the chart repaint in the new colours
    await wb.screenshot('dashboard-light');
  });
});
