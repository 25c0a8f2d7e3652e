/// <reference types="chrome" />
// The edited steps of anchoring (approx-string-match, the alignment) are not in the content
// script: the background injects them (anchoring-fuzzy.js) into a page's isolated world only
// when one of its quotes is not found verbatim. A page whose quotes are all there verbatim never
// gets them; a page with an edited quote gets them once, and the quote is marked on its new words.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

let browser: ExtensionBrowser;
let site: StaticServer;
/** A folder the tests rewrite, to serve new versions of the same page URL. */
let liveDir: string;

/** Where the injected script leaves the edited step (utils/anchoring/verbatim.ts). */
const EDITED_STEP_GLOBAL = 'flywheelAnchoringEditedStep';

beforeAll(async () => {
  liveDir = await mkdtemp(join(tmpdir(), 'flywheel-edited-'));
  site = await startStaticServer({ '/live/': liveDir });
  browser = await launchWithExtension();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (liveDir) await rm(liveDir, { recursive: true, force: true });
});

function policyPage(paragraphs: string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Expenses</title>
<style>body { font: 18px/1.6 sans-serif; margin: 40px; }</style></head>
<body><main><h1>Expenses</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</main></body></html>`;
}

/** Selects words with the mouse, from the first letter to the last. */
async function selectWords(page: Page, words: string): Promise<void> {
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
  const y = (box.top + box.bottom) / 2;
  await page.mouse.move(box.left + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.right - 1, y, { steps: 8 });
  await page.mouse.up();
  expect(await page.evaluate(() => document.getSelection()?.toString())).toBe(words);
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

/** The marked text, read as the page itself can read it (the CSS highlight registry). */
function markedTexts(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...((CSS.highlights.get('flywheel') as unknown as Set<Range> | undefined) ?? [])].map(
      (range) => range.toString(),
    ),
  );
}

async function tabIdOf(page: Page): Promise<number> {
  const worker = await browser.currentWorker();
  return worker.evaluate(async (url) => {
    const tab = (await chrome.tabs.query({})).find((t) => t.url === url);
    if (tab?.id === undefined) throw new Error(`no tab for ${url}`);
    return tab.id;
  }, page.url());
}

/** What Flywheel's isolated world of the tab holds under the edited step's name. */
async function editedStepInIsolatedWorld(page: Page): Promise<string> {
  const tabId = await tabIdOf(page);
  const worker = await browser.currentWorker();
  return worker.evaluate(
    async ({ tabId, name }) => {
      // scripting's default world is the extension's isolated world, the content script's own.
      const [result] = await chrome.scripting.executeScript({
        target: { tabId, frameIds: [0] },
        func: (key: string) => typeof (globalThis as Record<string, unknown>)[key],
        args: [name],
      });
      return String(result?.result);
    },
    { tabId, name: EDITED_STEP_GLOBAL },
  );
}

/** The orphans the tab's content script last reported, once it has (after a run's end). */
async function reportedOrphans(page: Page): Promise<string[] | undefined> {
  const tabId = await tabIdOf(page);
  const worker = await browser.currentWorker();
  return worker.evaluate(async (tabId) => {
    const { anchoringReports } = (await chrome.storage.session.get('anchoringReports')) as {
      anchoringReports?: Record<string, { orphans: string[] }>;
    };
    return anchoringReports?.[String(tabId)]?.orphans;
  }, tabId);
}

describe('the edited steps of anchoring, loaded where a page needs them', () => {
  const file = () => join(liveDir, 'expenses.html');
  const RECEIPT = 'need a receipt from the supplier';
  const TAXIS = 'Taxis';
  let page: Page;

  it('are never injected into a page whose quotes are all found verbatim', async () => {
    await writeFile(
      file(),
      policyPage([
        `Expenses above 200 euros ${RECEIPT}. Keep it for seven years.`,
        `${TAXIS} are allowed after 22:00 only.`,
      ]),
    );
    page = await browser.context.newPage();
    await page.goto(site.url('/live/expenses.html'));
    await selectWords(page, RECEIPT);
    await suggest(page, 'Accept photos of receipts');
    await selectWords(page, TAXIS);
    await suggest(page, 'Say which taxi companies');

    // The short quote's sentence is gone: an orphan, and too short for the edited steps to look
    // for it (so the run ends, and reports it, without them). The long one is there verbatim.
    await writeFile(
      file(),
      policyPage([`Expenses above 200 euros ${RECEIPT}. Keep it for seven years.`]),
    );
    await page.reload();
    await expect.poll(() => reportedOrphans(page), { timeout: 10_000 }).toHaveLength(1);
    expect(await markedTexts(page)).toEqual([RECEIPT]);
    expect(await editedStepInIsolatedWorld(page)).toBe('undefined');
  });

  it('are injected once into a page with an edited quote, which is then marked on its new words', async () => {
    const edited = 'need a receipt from our supplier';
    await writeFile(
      file(),
      policyPage([`Expenses above 200 euros ${edited}. Keep it for seven years.`]),
    );
    await page.reload();
    // Not on the page verbatim: found by the edited steps, on its words only.
    await expect.poll(() => markedTexts(page), { timeout: 10_000 }).toEqual([edited]);
    expect(await editedStepInIsolatedWorld(page)).toBe('function');
    // In Flywheel's isolated world only: the page's own scripts see nothing of it.
    expect(
      await page.evaluate(
        (name) => name in window || 'anchoringFuzzy' in window,
        EDITED_STEP_GLOBAL,
      ),
    ).toBe(false);
    // The short quote is still an orphan; the edited one is not.
    await expect.poll(() => reportedOrphans(page), { timeout: 10_000 }).toHaveLength(1);
    await page.close();
  });
});
