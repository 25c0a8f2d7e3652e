/// <reference types="chrome" />
// A person's voice on a colleague's suggestion, in Chromium against the reference endpoint:
// Support from the card (on, off, on), a reply, and the same suggestion offered as similar
// while they write a near-duplicate.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import {
  ANNOTATION_CONTEXT,
  ANNOTATION_MEDIA_TYPE,
  AUTHOR_SECRET_HEADER,
} from '../../utils/protocol/annotation';
import { siteSuggestions } from '../bench/similar';
import {
  accessibleTexts,
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  markCentre,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR } from './support/paths';

let browser: ExtensionBrowser;
let site: StaticServer;
let server: RunningServer;

beforeAll(async () => {
  site = await startStaticServer({ '/': DEMO_SITE_DIR });
  server = await startServer({ port: 0, database: await openDatabase({ memory: true }) });
  browser = await launchWithExtension();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await server?.database.close();
  await site?.close();
});

const COLLEAGUE_TEXT = 'Let managers approve purchase orders in the portal instead of on paper';

async function colleagueSuggests(pageUrl: string): Promise<string> {
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
      body: [
        { type: 'TextualBody', value: COLLEAGUE_TEXT, format: 'text/plain', purpose: 'editing' },
      ],
      target: {
        source: pageUrl,
        selector: [
          { type: 'TextQuoteSelector', exact: 'Print the form and ask your manager to sign it.' },
        ],
      },
      creator: { type: 'Person', name: 'Alex Visser' },
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function endpointVotes(iri: string): Promise<number> {
  return ((await (await fetch(iri)).json()) as { voteCount: number }).voteCount;
}

async function endpointReplies(iri: string) {
  const response = await fetch(`${server.containerUrl}?target=${encodeURIComponent(iri)}`);
  const listing = (await response.json()) as {
    first?: { items: { body: { value: string }[]; creator?: { name: string } }[] };
  };
  return (listing.first?.items ?? []).map((item) => ({
    text: item.body[0]?.value,
    name: item.creator?.name,
  }));
}

describe("a person's voice on a colleague's suggestion", () => {
  it('supports, takes back, supports again, replies, and is offered it while writing', async () => {
    const pageUrl = site.url('/purchase-order.html');
    const iri = await colleagueSuggests(pageUrl);

    const options = await browser.context.newPage();
    await options.goto(browser.extensionUrl('options.html'));
    await options.getByRole('textbox', { name: 'Endpoint URL' }).fill(server.containerUrl);
    await options.getByRole('textbox', { name: 'Display name' }).fill('Sam Jansen');
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await options.close();

    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    await waitFor(
      async () => (await accessibleTexts(page)).includes('1 suggestion on this page'),
      'the colleague’s suggestion to be counted',
    );
    // Opened from its highlight, as a person clicks it.
    const mark = await markCentre(page);
    const clickedAt = Date.now();
    await page.mouse.click(mark.x, mark.y);
    const card = await editorFrame(page);
    await card.getByRole('heading', { name: "A colleague's suggestion" }).waitFor();
    // The card's first paint (its document is empty until the card renders), from the click.
    const paintedAt = await card.evaluate(
      () =>
        performance.timeOrigin +
        (performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN),
    );
    console.log(`card: first paint ${(paintedAt - clickedAt).toFixed(0)} ms after the click`);
    const support = card.getByRole('button', { name: 'Support', exact: true });
    const count = card.locator('#support-count');
    expect(await support.getAttribute('aria-pressed')).toBe('false');
    expect(await count.textContent()).toBe('0');

    for (const [pressed, votes] of [
      ['true', 1],
      ['false', 0],
      ['true', 1],
    ] as const) {
      await support.click();
      await expect.poll(() => support.getAttribute('aria-pressed')).toBe(pressed);
      expect(await count.textContent()).toBe(String(votes));
      await expect.poll(() => endpointVotes(iri), { timeout: 15_000 }).toBe(votes);
    }

    const replyBox = card.getByRole('textbox', { name: 'Reply' });
    await replyBox.fill('Paper forms get <b>lost</b> every month');
    await card.getByRole('button', { name: 'Post reply' }).click();
    const replies = card.getByRole('list', { name: 'Replies' });
    await replies
      .getByRole('listitem')
      .filter({ hasText: 'Paper forms get <b>lost</b>' })
      .waitFor();
    expect(await replies.locator('b').count()).toBe(0);
    await expect.poll(() => replyBox.inputValue()).toBe('');
    await expect
      .poll(() => endpointReplies(iri), { timeout: 15_000 })
      .toEqual([{ text: 'Paper forms get <b>lost</b> every month', name: 'Sam Jansen' }]);
    // Once sent, the list shows it as the endpoint has it: no longer marked as sending.
    await expect.poll(() => replies.textContent(), { timeout: 15_000 }).not.toContain('sending');
    expect(await replies.textContent()).toContain('Sam Jansen');

    await page.keyboard.press('Escape');
    await waitFor(
      async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
      'the card to close',
    );
    // Opened again: pressed and counted as the person left it.
    const reopenedAt = Date.now();
    await page.mouse.click(mark.x, mark.y);
    const reopened = await editorFrame(page);
    const again = reopened.getByRole('button', { name: 'Support', exact: true });
    expect(await again.getAttribute('aria-pressed')).toBe('true');
    expect(await reopened.locator('#support-count').textContent()).toBe('1');
    const repaintedAt = await reopened.evaluate(
      () =>
        performance.timeOrigin +
        (performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN),
    );
    console.log(
      `card, opened again: first paint ${(repaintedAt - reopenedAt).toFixed(0)} ms after the click`,
    );
    await page.keyboard.press('Escape');
    await waitFor(
      async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
      'the card to close again',
    );

    // Writing a near-duplicate: the colleague's suggestion is offered, with Support.
    await clickLauncher(page);
    const editor = await editorFrame(page);
    await page.keyboard.type('Managers should approve purchase orders in the portal, not paper');
    const similar = editor.getByRole('list', { name: 'Similar suggestions' });
    const offered = similar.getByRole('listitem').filter({ hasText: COLLEAGUE_TEXT });
    await offered.waitFor({ timeout: 5_000 });
    const offeredSupport = offered.getByRole('button', { name: 'Support', exact: true });
    // The same support as on the card: pressed, and pressing takes it back at the endpoint.
    expect(await offeredSupport.getAttribute('aria-pressed')).toBe('true');
    await offeredSupport.click();
    await expect.poll(() => offeredSupport.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => endpointVotes(iri), { timeout: 15_000 }).toBe(0);
    // The text being written stays where it was.
    expect(await editor.getByRole('textbox', { name: 'Suggestion' }).inputValue()).toContain(
      'Managers should approve',
    );
    await page.close();
  });

  it('offers suggestions from other pages of the site, among 1,000 kept for it', async () => {
    // 1,000 colleagues' suggestions kept for 20 pages of the site, as page views would keep them.
    const origin = new URL(site.url('/')).origin;
    const candidates = siteSuggestions(1000);
    const listings = Array.from({ length: 20 }, (_, page) => ({
      pageUrl: `${origin}/process/page-${page}.html`,
      fetchedAt: Date.now(),
      items: candidates
        .filter((_, i) => i % 20 === page)
        .map((c) => ({
          markId: crypto.randomUUID(),
          remoteId: `${server.containerUrl}${crypto.randomUUID()}`,
          text: c.text,
          quote: c.quote,
          selectors: [],
          status: 'submitted',
          voteCount: c.supportCount,
          replyCount: 0,
          created: new Date().toISOString(),
        })),
    }));
    const worker = await browser.currentWorker();
    await worker.evaluate(
      (rows) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('flywheel');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('pageListings', 'readwrite');
            for (const row of rows) tx.objectStore('pageListings').put(row);
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        }),
      listings,
    );

    const page = await browser.context.newPage();
    await page.goto(site.url('/expense-claim.html'));
    await clickLauncher(page);
    const editor = await editorFrame(page);
    await page.keyboard.type('Automate the approval step for purchase orders please', {
      delay: 30,
    });
    const similar = editor.getByRole('list', { name: 'Similar suggestions' });
    await similar.getByRole('listitem').first().waitFor({ timeout: 5_000 });
    // Speed is measured by `npm run bench` (the voice section), not asserted here.
    const offered = await similar.getByRole('listitem').allTextContents();
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.join('\n')).toContain('Elsewhere on this site');
    await page.close();
  });
});
