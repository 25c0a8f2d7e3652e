import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { waitFor } from '../e2e/support/browser';
import { DEMO_SITE_DIR } from '../e2e/support/paths';
import {
  clickLauncher,
  editorFrame,
  type FirefoxWithExtension,
  launchFirefoxWithExtension,
  suggestionText,
} from './browser';

let firefox: FirefoxWithExtension;
let site: StaticServer;

beforeAll(async () => {
  site = await startStaticServer({ '/': DEMO_SITE_DIR });
  firefox = await launchFirefoxWithExtension();
});
afterAll(async () => {
  await firefox?.close();
  await site?.close();
});

async function openPage(url: string): Promise<Page> {
  const page = await firefox.browser.newPage();
  await page.goto(url);
  return page;
}

describe('Flywheel in Firefox ESR', () => {
  it('shows the launcher on a configured site, and not elsewhere', async () => {
    const configured = await openPage(site.url('/purchase-order.html'));
    const launcher = await configured.waitForSelector('[data-flywheel-ui="launcher"]', {
      timeout: 10_000,
    });
    // Its controls sit in a closed shadow root, out of the page's reach.
    expect(await launcher?.evaluate((host) => host.shadowRoot)).toBeNull();
    const box = await launcher?.boundingBox();
    const width = await configured.evaluate(() => window.innerWidth);
    expect(box && box.width > 0 && box.x + box.width).toBeGreaterThan(width - 40);

    const elsewhere = await openPage(site.otherSiteUrl('/purchase-order.html'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await elsewhere.$$eval('[data-flywheel-ui="launcher"]', (hosts) => hosts.length)).toBe(
      0,
    );
    await configured.close();
    await elsewhere.close();
  });

  it('keeps a draft typed in the editor through a reload', async () => {
    const page = await openPage(site.url('/purchase-order.html'));
    const step = 'Print the form and ask your manager to sign it.';
    await page.waitForSelector(`::-p-text(${step})`);
    await page.click(`::-p-text(${step})`, { count: 3 });
    await clickLauncher(page);
    let editor = await editorFrame(page);
    // The selected step is quoted in the editor.
    await waitFor(
      async () =>
        (await editor.$eval('blockquote', (quote) => quote.textContent ?? '')).includes(step),
      'the quoted step',
    );
    await page.keyboard.type('Let managers sign PO-7 digitally');
    expect(await suggestionText(editor)).toBe('Let managers sign PO-7 digitally');

    // The frame is as tall as the editor says it is (through its own channel), and clear of
    // the selected step.
    const frameBox = async () => (await page.$('[data-flywheel-ui="editor"]'))?.boundingBox();
    await waitFor(async () => {
      const box = await frameBox();
      const content = await editor.evaluate(() => document.body.getBoundingClientRect().height);
      return box !== null && box !== undefined && Math.abs(box.height - (content + 2)) <= 2;
    }, 'the editor frame to fit its content');
    const selected = await page.evaluate(() => {
      const rect = (getSelection() as Selection).getRangeAt(0).getBoundingClientRect();
      return { top: rect.top, bottom: rect.bottom, left: rect.left, right: rect.right };
    });
    const box = await frameBox();
    const apart =
      !box ||
      box.y >= selected.bottom ||
      box.y + box.height <= selected.top ||
      box.x >= selected.right ||
      box.x + box.width <= selected.left;
    expect(box && apart).toBe(true);

    // Reload at once: the draft is flushed when the editor is torn down.
    await page.reload();
    await clickLauncher(page);
    editor = await editorFrame(page);
    await waitFor(
      async () => (await suggestionText(editor)) === 'Let managers sign PO-7 digitally',
      'the draft to come back',
    );
    expect(await editor.$eval('blockquote', (quote) => quote.textContent)).toContain(step);
    await page.close();
  });
});
