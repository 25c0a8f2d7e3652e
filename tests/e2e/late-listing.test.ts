/// <reference types="chrome" />
// A slow endpoint: the page's listing is answered after the background has shown the page what
// it kept (nothing, on a first view). When the answer lands, the tab that still shows the page
// is told (the `marksChanged` page command), asks again and marks colleagues' suggestions
// without a reload; a tab that has moved on to another page is told nothing.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import {
  ANNOTATION_CONTEXT,
  ANNOTATION_MEDIA_TYPE,
  AUTHOR_SECRET_HEADER,
} from '../../utils/protocol/annotation';
import { type ListingProxy, startListingProxy } from '../bench/listing-proxy';
import {
  accessibleTexts,
  type ExtensionBrowser,
  launchWithExtension,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR } from './support/paths';

/** Longer than the background waits for a listing (LISTING_WAIT_MS, 1.5 s). */
const LATE_MS = 3_000;

let browser: ExtensionBrowser;
let site: StaticServer;
let server: RunningServer;
let proxy: ListingProxy;

beforeAll(async () => {
  site = await startStaticServer({ '/': DEMO_SITE_DIR });
  server = await startServer({ port: 0, database: await openDatabase({ memory: true }) });
  proxy = await startListingProxy(server.containerUrl);
  browser = await launchWithExtension();
  const options = await browser.context.newPage();
  await options.goto(browser.extensionUrl('options.html'));
  await options.getByRole('textbox', { name: 'Endpoint URL' }).fill(proxy.containerUrl);
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await options.close();
  await recordPageCommands();
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
  await server?.database.close();
  await site?.close();
});

/** A colleague's suggestion, sent to the endpoint as their browser would. */
async function colleagueSuggests(pageUrl: string, exact: string, text: string) {
  const response = await fetch(server.containerUrl, {
    method: 'POST',
    headers: {
      'Content-Type': ANNOTATION_MEDIA_TYPE,
      'Idempotency-Key': crypto.randomUUID(),
      [AUTHOR_SECRET_HEADER]: randomBytes(32).toString('base64url'),
    },
    body: JSON.stringify({
      '@context': ANNOTATION_CONTEXT,
      type: 'Annotation',
      motivation: 'editing',
      body: [{ type: 'TextualBody', value: text, format: 'text/plain', purpose: 'editing' }],
      target: { source: pageUrl, selector: [{ type: 'TextQuoteSelector', exact }] },
      category: 'simplify',
      anonymous: true,
    }),
  });
  expect(response.status).toBe(201);
}

/**
 * Records, in the background, every page command it sends a tab (which tab, which command):
 * the one thing a page that has moved on could be wrongly sent, and cannot show.
 */
async function recordPageCommands() {
  const worker = await browser.currentWorker();
  await worker.evaluate(() => {
    const scope = globalThis as { flywheelTestSent?: [number, string][] };
    if (scope.flywheelTestSent) return;
    const sent: [number, string][] = [];
    scope.flywheelTestSent = sent;
    const original = chrome.tabs.sendMessage.bind(chrome.tabs);
    chrome.tabs.sendMessage = ((tabId: number, message: { command?: string }, ...rest: []) => {
      sent.push([tabId, String(message?.command)]);
      return original(tabId, message, ...rest);
    }) as typeof chrome.tabs.sendMessage;
  });
}

/** The page commands sent so far, as `[tab id, command]`. */
async function pageCommandsSent(): Promise<[number, string][]> {
  const worker = await browser.currentWorker();
  return worker.evaluate(
    () => (globalThis as { flywheelTestSent?: [number, string][] }).flywheelTestSent ?? [],
  );
}

/** The id of the tab showing this address, as the background knows it. */
async function tabIdOf(url: string): Promise<number> {
  const worker = await browser.currentWorker();
  const id = await worker.evaluate(
    async (address) => (await chrome.tabs.query({ url: address }))[0]?.id,
    url,
  );
  expect(id, `a tab on ${url}`).toBeTypeOf('number');
  return id as number;
}

function listingsOf(pageUrl: string) {
  return proxy.listings.filter((listing) => listing.target === pageUrl);
}

async function marked(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...((CSS.highlights.get('flywheel') as unknown as Set<Range>) ?? [])]
      .map((range) => range.toString())
      .sort(),
  );
}

describe('a listing the endpoint answers late', () => {
  it("marks and counts colleagues' suggestions on a first view once the answer lands, without a reload", async () => {
    const pageUrl = site.url('/purchase-order.html');
    await colleagueSuggests(
      pageUrl,
      'Print the form and ask your manager to sign it.',
      'Let managers sign PO-7 in the portal',
    );
    await colleagueSuggests(
      pageUrl,
      'Scan the signed form and send it to procurement by email.',
      'One upload instead of email',
    );
    proxy.setListingDelay(LATE_MS);

    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    // Gone if the page were loaded again.
    await page.evaluate(() => {
      (window as { sameDocument?: boolean }).sameDocument = true;
    });
    await waitFor(
      async () => (await accessibleTexts(page)).includes('2 suggestions on this page'),
      'the count of the late listing',
      LATE_MS + 15_000,
    );
    expect(await marked(page)).toEqual([
      'Print the form and ask your manager to sign it.',
      'Scan the signed form and send it to procurement by email.',
    ]);
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    );
    // The view cost the endpoint one request, answered late; the page was told once.
    const [listing, ...more] = listingsOf(pageUrl);
    expect(more).toEqual([]);
    expect(listing?.status).toBe(200);
    const tabId = await tabIdOf(pageUrl);
    expect((await pageCommandsSent()).filter(([tab]) => tab === tabId)).toEqual([
      [tabId, 'marksChanged'],
    ]);
    await page.close();
  });

  it('keeps the marks a later view shows from what was kept, and adds the one the late listing brings', async () => {
    const pageUrl = site.url('/purchase-order.html');
    // Viewed before (the test above): both are kept. A colleague adds a third meanwhile.
    await colleagueSuggests(
      pageUrl,
      'Ask three suppliers for a written quote and keep them with the request.',
      'Two quotes are enough below 2,000 euros',
    );
    // Held back long enough to look at the page in between.
    proxy.setListingDelay(2 * LATE_MS);
    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    await waitFor(
      async () => (await accessibleTexts(page)).includes('2 suggestions on this page'),
      'the kept listing',
    );
    // The page's own hold on the marks it shows now (the registry is the document's).
    await page.evaluate(() => {
      (window as { keptMarks?: Range[] }).keptMarks = [
        ...(CSS.highlights.get('flywheel') as unknown as Set<Range>),
      ];
    });
    // Taken before the endpoint answered this view.
    expect(listingsOf(pageUrl)[1]?.status).toBe(0);
    await waitFor(
      async () => (await accessibleTexts(page)).includes('3 suggestions on this page'),
      'the count after the late listing',
      2 * LATE_MS + 15_000,
    );
    expect(await marked(page)).toEqual([
      'Ask three suppliers for a written quote and keep them with the request.',
      'Print the form and ask your manager to sign it.',
      'Scan the signed form and send it to procurement by email.',
    ]);
    // The two it showed are the same marks, not taken down and drawn anew.
    expect(
      await page.evaluate(() => {
        const now = CSS.highlights.get('flywheel') as unknown as Set<Range>;
        return (window as { keptMarks?: Range[] }).keptMarks?.map((range) => now.has(range));
      }),
    ).toEqual([true, true]);
    expect(listingsOf(pageUrl)).toHaveLength(2);
    await page.close();
  });

  it('tells nothing to a tab that has left the page before its listing landed', async () => {
    const leftUrl = site.url('/expense-claim.html');
    const nextUrl = site.url('/index.html');
    const laterUrl = site.url('/holiday-allowance.html');
    await colleagueSuggests(
      leftUrl,
      'Claims must reach Finance within 30 days of the expense.',
      'Say which date counts',
    );
    await colleagueSuggests(
      laterUrl,
      'Full-time employees receive the days below per calendar year.',
      'Show the days for part-time contracts too',
    );
    proxy.setListingDelay(LATE_MS);
    const before = (await pageCommandsSent()).length;

    // The person opens the claim page and, before its listing lands, follows a link home.
    const page = await browser.context.newPage();
    await page.goto(leftUrl);
    await waitFor(() => listingsOf(leftUrl).length === 1, 'the claim page’s listing request');
    await page.goto(nextUrl);
    const tabId = await tabIdOf(nextUrl);
    await waitFor(() => listingsOf(leftUrl)[0]?.status === 200, 'the claim page’s late answer');

    // Another tab's first view, asked after that answer: once it is marked, the background
    // has long handled the claim page's answer.
    const later = await browser.context.newPage();
    await later.goto(laterUrl);
    await waitFor(
      async () => (await accessibleTexts(later)).includes('1 suggestion on this page'),
      'the later page’s count',
      LATE_MS + 15_000,
    );
    const sent = (await pageCommandsSent()).slice(before);
    expect(sent).toEqual([[await tabIdOf(laterUrl), 'marksChanged']]);
    expect(sent.some(([tab]) => tab === tabId)).toBe(false);
    // The page the person went on to was not made to ask again.
    expect(listingsOf(nextUrl)).toHaveLength(1);
    expect(await marked(page)).toEqual([]);
    await later.close();
    await page.close();
  });
});
