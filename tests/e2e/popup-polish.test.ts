// The popup and the launcher as a person first meets them: one true sentence when there is
// nothing yet, page titles readable, anonymous suggestions marked, the picker explained.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import {
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR, TEST_PAGES_DIR } from './support/paths';

let browser: ExtensionBrowser;
let site: StaticServer;

beforeAll(async () => {
  site = await startStaticServer({ '/': DEMO_SITE_DIR, '/test/': TEST_PAGES_DIR });
  browser = await launchWithExtension();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function openPopup(): Promise<Page> {
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('popup.html'));
  await popup.getByRole('heading', { level: 1 }).waitFor();
  return popup;
}

async function submitOn(page: Page, step: string, text: string, anonymous: boolean) {
  await page.getByText(step).click({ clickCount: 3 });
  await clickLauncher(page);
  const editor = await editorFrame(page);
  await page.keyboard.type(text);
  await editor.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Outdated' });
  if (anonymous) await editor.getByRole('checkbox', { name: 'Submit anonymously' }).check();
  await editor.getByRole('button', { name: 'Submit' }).click();
  await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
  await page.keyboard.press('Escape');
  await waitFor(
    async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
    'the editor to close',
  );
}

describe('the popup and the launcher, polished', () => {
  it('says one true thing while there is nothing yet', async () => {
    const popup = await openPopup();
    await popup.getByText('No suggestions yet.', { exact: false }).waitFor();
    const status = (await popup.getByRole('status').first().textContent()) ?? '';
    expect(status).toContain('Suggestions stay on this device');
    const text = (await popup.locator('body').textContent()) ?? '';
    for (const contradiction of ['Everything is sent', 'Not synced yet', 'Nothing to send yet']) {
      expect(text).not.toContain(contradiction);
    }
    expect(await popup.getByRole('list').count()).toBe(0);
    await popup.close();
  });

  it('shows a long page title on two lines, and marks the anonymous suggestion', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url('/test/long-title.html'));
    await submitOn(page, 'Ask three suppliers for a written quote.', 'Two quotes are enough', true);
    await submitOn(
      page,
      'Print the form and ask your manager to sign it.',
      'Sign digitally',
      false,
    );

    const popup = await openPopup();
    const items = popup.getByRole('list').getByRole('listitem');
    await expect.poll(() => items.count()).toBe(2);
    const anonymous = items.filter({ hasText: 'Two quotes are enough' });
    const named = items.filter({ hasText: 'Sign digitally' });
    expect(await anonymous.getByText('Anonymous', { exact: true }).count()).toBe(1);
    expect(await named.getByText('Anonymous', { exact: true }).count()).toBe(0);

    // The title is the page's, on exactly two lines as drawn, and ends where it is cut.
    const title = await named
      .getByText('Raising a purchase order above', { exact: false })
      .evaluate((element) => {
        const style = getComputedStyle(element);
        const box = element.getBoundingClientRect();
        return {
          lines: Math.round(box.height / Number.parseFloat(style.lineHeight)),
          width: box.width,
          cut: element.scrollHeight > element.clientHeight,
          text: element.textContent ?? '',
        };
      });
    expect(title.lines).toBe(2);
    expect(title.width).toBeGreaterThan(250);
    expect(title.cut).toBe(true);
    expect(title.text).toContain('127.0.0.1');
    await popup.close();
    await page.close();
  });

  it('labels the element picker beside the launcher, with a tooltip', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url('/purchase-order.html'));
    await page.locator('[data-flywheel-ui="launcher"]').waitFor({ state: 'attached' });
    const cdp = await page.context().newCDPSession(page);
    try {
      let picker: { backendDOMNodeId?: number; name?: { value?: string } } | undefined;
      await waitFor(async () => {
        const { root } = (await cdp.send('DOM.getDocument', { depth: 0 })) as {
          root: { nodeId: number };
        };
        const { nodes } = (await cdp.send('Accessibility.queryAXTree', {
          nodeId: root.nodeId,
          accessibleName: 'Suggest on an element',
          role: 'button',
        })) as { nodes: (typeof picker & object)[] };
        picker = nodes[0];
        return picker !== undefined;
      }, 'the element picker button');
      const { node } = (await cdp.send('DOM.describeNode', {
        backendNodeId: picker?.backendDOMNodeId,
      })) as { node: { attributes?: string[] } };
      const attributes = node.attributes ?? [];
      // The tooltip a person sees on hovering it says what it does.
      expect(attributes).toContain('title');
      expect(attributes[attributes.indexOf('title') + 1]).toBe('Suggest on an element');
    } finally {
      await cdp.detach();
    }
    await page.close();
  });
});
