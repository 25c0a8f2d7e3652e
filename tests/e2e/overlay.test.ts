/// <reference types="chrome" />
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import {
  accessibleButtons,
  accessibleTexts,
  clickAccessibleButton,
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR } from './support/paths';

let browser: ExtensionBrowser;
let site: StaticServer;
/** A folder the tests rewrite, to serve new versions of the same page URL. */
let liveDir: string;

beforeAll(async () => {
  liveDir = await mkdtemp(join(tmpdir(), 'flywheel-live-'));
  site = await startStaticServer({ '/': DEMO_SITE_DIR, '/live/': liveDir });
  browser = await launchWithExtension();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (liveDir) await rm(liveDir, { recursive: true, force: true });
});

function policyPage(paragraphs: string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Travel policy</title>
<style>body { font: 18px/1.6 sans-serif; margin: 40px; }</style></head>
<body><main><h1>Travel policy</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</main></body></html>`;
}

async function openPage(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(url);
  return page;
}

interface WordsBox {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Where some words of the page are drawn (they must be on one line). */
async function wordsBox(page: Page, words: string): Promise<WordsBox> {
  const box = await page.evaluate((text) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = (node as Text).data.indexOf(text);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      const { left, right, top, bottom } = range.getBoundingClientRect();
      return { left, right, top, bottom };
    }
    return null;
  }, words);
  if (!box) throw new Error(`"${words}" is not on the page`);
  return box;
}

/** Selects words with the mouse, from the first letter to the last. */
async function selectWords(page: Page, words: string): Promise<void> {
  const box = await wordsBox(page, words);
  const y = (box.top + box.bottom) / 2;
  await page.mouse.move(box.left + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.right - 1, y, { steps: 8 });
  await page.mouse.up();
  expect(await page.evaluate(() => document.getSelection()?.toString())).toBe(words);
}

/**
 * Whether some words are marked, read as the page itself can read it: the CSS highlight
 * registry holds where the marks are (never what they say).
 */
async function isMarked(page: Page, words: string): Promise<boolean> {
  return page.evaluate((text) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let target: Range | null = null;
    for (let node = walker.nextNode(); node && !target; node = walker.nextNode()) {
      const at = (node as Text).data.indexOf(text);
      if (at < 0) continue;
      target = document.createRange();
      target.setStart(node, at);
      target.setEnd(node, at + text.length);
    }
    if (!target) throw new Error(`"${text}" is not on the page`);
    const marks = CSS.highlights.get('flywheel');
    if (!marks) return false;
    for (const range of marks as unknown as Iterable<Range>) {
      if (
        range.compareBoundaryPoints(Range.START_TO_END, target) > 0 &&
        range.compareBoundaryPoints(Range.END_TO_START, target) < 0
      ) {
        return true;
      }
    }
    return false;
  }, words);
}

/** Waits until the words are marked (marks are anchored in idle time). */
async function expectMarked(page: Page, words: string): Promise<void> {
  await expect.poll(() => isMarked(page, words), { timeout: 10_000 }).toBe(true);
}

/** Makes a suggestion about the words selected on the page, and closes the editor. */
async function suggest(page: Page, text: string): Promise<void> {
  await clickLauncher(page);
  const editor = await editorFrame(page);
  await page.keyboard.type(text);
  await editor.getByRole('combobox', { name: 'Category' }).selectOption('unclear');
  await editor.getByRole('button', { name: 'Submit' }).click();
  await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
  await page.keyboard.press('Escape');
  await waitFor(
    async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
    'the editor',
  );
}

/** The popup, as it opens over this page: the page's tab stays the active one. */
async function popupFor(page: Page): Promise<Page> {
  await page.bringToFront();
  const worker = await browser.currentWorker();
  const opened = browser.context.waitForEvent('page', (p) => p.url().includes('popup.html'));
  await worker.evaluate(
    async ({ pageUrl, popupUrl }) => {
      const tab = (await chrome.tabs.query({})).find((t) => t.url === pageUrl);
      if (!tab) throw new Error(`no tab for ${pageUrl}`);
      await chrome.tabs.create({ windowId: tab.windowId, url: popupUrl, active: false });
    },
    { pageUrl: page.url(), popupUrl: browser.extensionUrl('popup.html') },
  );
  const popup = await opened;
  await popup.waitForLoadState();
  return popup;
}

describe('highlights of suggestions on the page', () => {
  it('highlights a suggestion on its words through reloads and edits, and lists it as not found once they are gone', async () => {
    const file = join(liveDir, 'policy.html');
    const firstVersion = policyPage([
      'Book all business travel through the travel desk.',
      'Expenses above 200 euros need a receipt from the supplier. Keep it for seven years.',
      'Taxis are allowed after 22:00 only.',
    ]);
    await writeFile(file, firstVersion);
    const page = await openPage(site.url('/live/policy.html'));
    await selectWords(page, 'need a receipt from the supplier');
    await suggest(page, 'Accept photos of receipts');

    await page.reload();
    await expectMarked(page, 'need a receipt');
    expect(await isMarked(page, 'need a receipt')).toBe(true);
    // Only those words: not the rest of the sentence, not other text.
    expect(await isMarked(page, 'Keep it for seven years')).toBe(false);
    expect(await isMarked(page, 'Expenses above')).toBe(false);
    expect(await isMarked(page, 'Book all business travel')).toBe(false);

    // The page is edited around the words: a new paragraph before them, new words beside them.
    await writeFile(
      file,
      policyPage([
        'New: the travel desk also books hotels for you.',
        'Book all business travel through the travel desk.',
        'Expenses above 250 euros need a receipt from the supplier, scanned. Keep it for seven years.',
        'Taxis are allowed after 22:00 only.',
      ]),
    );
    await page.reload();
    await expectMarked(page, 'need a receipt from the');
    expect(await isMarked(page, 'scanned. Keep it')).toBe(false);
    expect(await isMarked(page, 'Expenses above 250')).toBe(false);
    expect(await isMarked(page, 'New: the travel desk')).toBe(false);

    // Keyboard: the launcher's region counts the page's suggestions and steps through them.
    await waitFor(
      async () => (await accessibleTexts(page)).includes('1 suggestion on this page'),
      'the count of suggestions on this page',
    );
    await page.mouse.move(5, 5);
    await clickAccessibleButton(page, 'Next suggestion');
    await waitFor(
      async () => (await accessibleTexts(page)).some((text) => text.includes('Suggestion 1 of 1')),
      'the suggestion to be announced',
    );
    await clickAccessibleButton(page, 'Open this suggestion');
    const view = await editorFrame(page);
    await view.getByRole('heading', { name: 'Your suggestion' }).waitFor();
    expect(await view.locator('body').textContent()).toContain('Accept photos of receipts');
    expect(await view.locator('body').textContent()).toContain('Status: Queued');
    // Shown as sent, not as a form: the only text box is the one for a reply.
    expect(await view.getByRole('textbox', { name: 'Suggestion' }).count()).toBe(0);
    expect(await view.getByRole('textbox', { name: 'Reply' }).count()).toBe(1);
    await page.keyboard.press('Escape');

    // The words are removed: no highlight, and the popup lists it as not found on this page.
    await writeFile(
      file,
      policyPage([
        'Book all business travel through the travel desk.',
        'Expenses are paid back within ten days. Keep your documents for seven years.',
      ]),
    );
    await page.reload();
    const popup = await popupFor(page);
    const notFound = popup.getByRole('region', { name: 'Not found on this page' });
    await notFound.getByRole('listitem').first().waitFor();
    const orphan = await notFound.getByRole('listitem').first().textContent();
    expect(orphan).toContain('Accept photos of receipts');
    expect(orphan).toContain('need a receipt from the supplier');
    expect(await isMarked(page, 'Expenses are paid back')).toBe(false);
    expect(await accessibleButtons(page, 'Next suggestion')).toBe(0);

    // The words are back: found again, and no longer listed as not found.
    await popup.close();
    await writeFile(file, firstVersion);
    await page.reload();
    await expectMarked(page, 'need a receipt');
    const popupAgain = await popupFor(page);
    await popupAgain.getByRole('heading', { name: 'Your suggestions' }).waitFor();
    await popupAgain.getByRole('listitem').filter({ hasText: 'Accept photos' }).waitFor();
    await popupAgain.waitForTimeout(300);
    expect(await popupAgain.getByRole('region', { name: 'Not found on this page' }).count()).toBe(
      0,
    );
    await popupAgain.close();
    await page.close();
  });

  it('re-anchors after in-page navigation and content that arrives late', async () => {
    const page = await openPage(site.url('/handbook.html#/remote-work'));
    await page.getByText('Use the VPN for every connection').waitFor();
    await selectWords(page, 'Use the VPN for every connection');
    await suggest(page, 'Say which VPN client to install');
    await expectMarked(page, 'Use the VPN');

    // Another chapter, loaded in place: nothing of it is highlighted.
    await page.getByRole('link', { name: 'Equipment' }).click();
    await page.getByText('Laptops are replaced every four years.').waitFor();
    await waitFor(
      async () => (await accessibleButtons(page, 'Next suggestion')) === 0,
      'the chapter without suggestions',
    );
    expect(await isMarked(page, 'Laptops are replaced')).toBe(false);
    expect(await isMarked(page, 'Report broken equipment')).toBe(false);

    // Back to the chapter: its text arrives 150 ms after the URL changes.
    await page.getByRole('link', { name: 'Remote work' }).click();
    await expectMarked(page, 'Use the VPN');
    expect(await isMarked(page, 'Claim a one-time home office')).toBe(false);
    await page.close();
  });
});

describe('suggesting on an element', () => {
  it('picks a table row with the pointer, and Escape leaves the page as it was', async () => {
    const page = await openPage(site.url('/holiday-allowance.html'));
    await page.evaluate(() => {
      const w = window as unknown as { pageClicks: number };
      w.pageClicks = 0;
      document.addEventListener('click', () => w.pageClicks++);
    });
    const pageClicks = () =>
      page.evaluate(() => (window as unknown as { pageClicks: number }).pageClicks);

    // Escape cancels: the next click is the page's again.
    await clickAccessibleButton(page, 'Suggest on an element');
    await page.keyboard.press('Escape');
    const clicksBefore = await pageClicks();
    await page.getByRole('cell', { name: '5 to 9' }).click();
    expect(await pageClicks()).toBe(clicksBefore + 1);
    expect(await page.locator('[data-flywheel-ui="editor"]').count()).toBe(0);

    await clickAccessibleButton(page, 'Suggest on an element');
    const clicksBeforePick = await pageClicks();
    await page.getByRole('cell', { name: '10 to 19' }).hover();
    await page.getByRole('cell', { name: '10 to 19' }).click();
    const editor = await editorFrame(page);
    await expect
      .poll(() => editor.locator('blockquote').textContent())
      .toBe('10 to 19 27 3 10 days, until 1 July');
    // The pick was Flywheel's: the page did not see that click.
    expect(await pageClicks()).toBe(clicksBeforePick);
    await page.keyboard.type('Say if part-time years count');
    await editor.getByRole('combobox', { name: 'Category' }).selectOption('unclear');
    await editor.getByRole('button', { name: 'Submit' }).click();
    await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
    await page.keyboard.press('Escape');

    // The whole row is highlighted, and only that row.
    await page.reload();
    await expectMarked(page, '10 days, until 1 July');
    expect(await isMarked(page, '10 to 19')).toBe(true);
    expect(await isMarked(page, '20 or more')).toBe(false);
    expect(await isMarked(page, '5 to 9')).toBe(false);

    const popup = await popupFor(page);
    const item = popup
      .getByRole('listitem')
      .filter({ hasText: 'Say if part-time years count' })
      .first();
    await item.waitFor();
    expect(await item.textContent()).toContain('10 to 19 27 3 10 days, until 1 July');
    await popup.close();
    await page.close();
  });
});
