/// <reference types="chrome" />
import { writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import {
  accessibleButtons,
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR, REPO_ROOT, TEST_PAGES_DIR } from './support/paths';
import { openToolbarPopup } from './support/toolbar-popup';

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

async function openPage(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(url);
  return page;
}

async function badgeText(): Promise<string> {
  const worker = await browser.currentWorker();
  return worker.evaluate(() => chrome.action.getBadgeText({}));
}

describe('capturing a suggestion on an intranet page', () => {
  it('shows the launcher on a configured site, and not elsewhere', async () => {
    const configured = await openPage(site.url('/purchase-order.html'));
    await configured.locator('[data-flywheel-ui="launcher"]').waitFor({ state: 'attached' });
    expect(await accessibleButtons(configured, 'Suggest improvement')).toBe(1);
    // Fixed in the corner: it does not move the page's own content.
    const box = await configured.locator('[data-flywheel-ui="launcher"]').boundingBox();
    const viewport = configured.viewportSize();
    expect(box && viewport && box.x + box.width).toBeGreaterThan((viewport?.width ?? 0) - 40);

    const elsewhere = await openPage(site.otherSiteUrl('/purchase-order.html'));
    await elsewhere.waitForTimeout(500);
    expect(await elsewhere.locator('[data-flywheel-ui="launcher"]').count()).toBe(0);
    expect(await accessibleButtons(elsewhere, 'Suggest improvement')).toBe(0);
    await configured.close();
    await elsewhere.close();
  });

  it('keeps a draft through a reload, submits it, and lists it in the popup', async () => {
    const page = await openPage(site.url('/purchase-order.html'));
    await page.evaluate(() => {
      // The page's own capture-phase key logger.
      const w = window as unknown as { logged: string[] };
      w.logged = [];
      window.addEventListener('keydown', (e) => w.logged.push(e.key), true);
      document.addEventListener('keydown', (e) => w.logged.push(e.key), true);
    });
    const step = page.getByText('Print the form and ask your manager to sign it.');
    await step.click({ clickCount: 3 });
    await clickLauncher(page);

    let editor = await editorFrame(page);
    await expect
      .poll(() => editor.locator('blockquote').textContent())
      .toContain('Print the form and ask your manager to sign it.');
    await page.keyboard.type('Let managers sign PO-7 digitally');
    expect(await page.evaluate(() => (window as unknown as { logged: string[] }).logged)).toEqual(
      [],
    );

    if (process.env.UPDATE_SCREENSHOT) {
      await page.waitForTimeout(400);
      await writeFile(`${REPO_ROOT}docs/screenshot.png`, await page.screenshot());
    }

    // Reload at once: the draft is flushed when the editor is torn down.
    await page.reload();
    await clickLauncher(page);
    editor = await editorFrame(page);
    await expect
      .poll(() => editor.getByRole('textbox', { name: 'Suggestion' }).inputValue())
      .toBe('Let managers sign PO-7 digitally');
    await expect
      .poll(() => editor.locator('blockquote').textContent())
      .toContain('Print the form and ask your manager to sign it.');
    expect(await badgeText()).toBe('');

    // The page's own origin holds no Flywheel data.
    const databases = await page.evaluate(async () =>
      (await indexedDB.databases()).map((d) => d.name),
    );
    expect(databases).not.toContain('flywheel');
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);

    await editor.getByRole('combobox', { name: 'Category' }).selectOption('simplify');
    await editor.getByRole('button', { name: 'Submit' }).click();
    await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
    // The badge counts answers not yet seen; a suggestion waiting to be sent is the sync bar's.
    expect(await badgeText()).toBe('');

    const popup = await openPage(browser.extensionUrl('popup.html'));
    const item = popup.getByRole('list').getByRole('listitem').first();
    await item.waitFor();
    const itemText = await item.textContent();
    expect(itemText).toContain('Let managers sign PO-7 digitally');
    expect(itemText).toContain('Print the form and ask your manager to sign it.');
    expect(itemText).toContain('Raising a purchase order');
    expect(itemText).toContain('127.0.0.1');
    expect(itemText).toContain('Queued');

    // Opening the editor again on the page starts a new suggestion about the page, in a new
    // frame (a new document for a new capability).
    await page.bringToFront();
    await page.mouse.click(5, 5);
    const thanked = editor;
    await clickLauncher(page);
    await waitFor(() => thanked.isDetached(), 'the old editor frame to go');
    editor = await editorFrame(page);
    await expect
      .poll(() => editor.getByRole('textbox', { name: 'Suggestion' }).inputValue())
      .toBe('');
    await page.keyboard.press('Escape');
    await waitFor(
      async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
      'the editor to close',
    );
    await popup.close();
    await page.close();
  });

  it('keeps Tab inside the open editor, and gives focus back to the page on close', async () => {
    const page = await openPage(site.url('/purchase-order.html'));
    await page.getByRole('link', { name: 'Expense claims' }).focus();
    await clickLauncher(page);
    const editor = await editorFrame(page);
    // Round the editor's controls twice, forwards and back: focus never leaves it.
    for (const key of [...Array(12).fill('Tab'), ...Array(12).fill('Shift+Tab')]) {
      await page.keyboard.press(key);
      expect(await editor.evaluate(() => document.hasFocus())).toBe(true);
    }
    await page.keyboard.press('Escape');
    await waitFor(
      async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
      'the editor to close',
    );
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Expense claims');
    await page.close();
  });

  it('refuses empty and over-long suggestions without losing the text', async () => {
    const page = await openPage(site.url('/expense-claim.html'));
    await clickLauncher(page);
    let editor = await editorFrame(page);
    const submit = editor.getByRole('button', { name: 'Submit' });
    expect(await submit.isDisabled()).toBe(true);

    const long = `Receipts: ${'too many rules. '.repeat(700)}`; // over 10,000 characters
    await editor.getByRole('textbox', { name: 'Suggestion' }).focus();
    await page.keyboard.insertText(long);
    await editor.getByRole('alert').filter({ hasText: 'longer than 10,000 characters' }).waitFor();
    expect(await submit.isDisabled()).toBe(true);

    await page.reload();
    await clickLauncher(page);
    editor = await editorFrame(page);
    await expect
      .poll(() => editor.getByRole('textbox', { name: 'Suggestion' }).inputValue())
      .toBe(long);
    await page.close();
  });

  it('shows HTML typed in a suggestion or in a page title as text', async () => {
    const page = await openPage(site.url('/test/hostile.html'));
    // This page throws away what others attached to it once, 600 ms after load; start after.
    await waitFor(
      () => page.evaluate(() => (window as { cleanedUp?: boolean }).cleanedUp === true),
      'the page to clean up',
    );
    await waitFor(
      async () => (await accessibleButtons(page, 'Suggest improvement')) === 1,
      'the launcher',
    );
    await page.getByText('Flights need approval').click({ clickCount: 3 });
    await clickLauncher(page);
    const editor = await editorFrame(page);
    await page.keyboard.type('<img src=x onerror="window.pwned=1"> <b>bold</b>');
    expect(
      await page.evaluate(() => (window as unknown as { recordedKeys: string[] }).recordedKeys),
    ).toEqual([]);
    await editor.getByRole('combobox', { name: 'Category' }).selectOption('other');
    await editor.getByRole('button', { name: 'Submit' }).click();
    await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();

    const popup = await openPage(browser.extensionUrl('popup.html'));
    const item = popup
      .getByRole('listitem')
      .filter({ hasText: '<img src=x onerror="window.pwned=1">' });
    await item.waitFor();
    expect(await item.textContent()).toContain('Hostile <b>page</b>');
    expect(await popup.locator('.suggestion img, .suggestion b').count()).toBe(0);
    expect(
      await popup.evaluate(() => (window as unknown as { pwned?: number }).pwned),
    ).toBeUndefined();
    await popup.close();
    await page.close();
  });

  it('survives a page that hides, removes and spoofs its elements', async () => {
    const page = await openPage(site.url('/test/hostile.html'));
    // The page hides the launcher with !important CSS, then removes it from its document.
    await waitFor(
      () => page.evaluate(() => (window as { cleanedUp?: boolean }).cleanedUp === true),
      'the page to clean up',
    );
    await waitFor(
      async () => (await accessibleButtons(page, 'Suggest improvement')) === 1,
      'the launcher to come back',
    );
    const box = await page.locator('[data-flywheel-ui="launcher"]').boundingBox();
    expect(box?.width).toBeGreaterThan(20);
    const hit = await page.evaluate(
      ([x, y]) =>
        document.elementFromPoint(x as number, y as number)?.getAttribute('data-flywheel-ui'),
      [(box?.x ?? 0) + 10, (box?.y ?? 0) + 10],
    );
    expect(hit).toBe('launcher');
    // Its shadow root is closed: the page cannot reach into it.
    expect(
      await page.evaluate(
        () => document.querySelector('[data-flywheel-ui="launcher"]')?.shadowRoot,
      ),
    ).toBeNull();
    // The page's broken document.createElement did not break the editor.
    await clickLauncher(page);
    const editor = await editorFrame(page);
    expect(await editor.getByRole('textbox', { name: 'Suggestion' }).count()).toBe(1);
    await page.close();
  });

  it('opens the editor on the active page from the toolbar popup', async () => {
    // A configured site: a popup opened by script gets no activeTab grant (only a person's
    // click on the toolbar does), so an unconfigured page cannot be driven this way.
    const page = await openPage(site.url('/holiday-allowance.html'));
    await page.getByText('Request holidays in the HR portal').click({ clickCount: 3 });
    const popup = await openToolbarPopup(browser, page);
    await popup.clickButton('Suggest improvement on this page');
    const editor = await editorFrame(page);
    await expect
      .poll(() => editor.locator('blockquote').textContent())
      .toContain('Request holidays in the HR portal');
    popup.close();
    await page.close();
  });
});
