/// <reference types="chrome" />
// The person's own card hears back, in Chromium against the reference endpoint: opened from
// its mark, it shows the owner's status and reply, and the badge no longer counts the update
// (the card showed it); an edit on the card that meets a 412 offers both versions there, and
// Keep mine sends the person's.
import { randomBytes } from 'node:crypto';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import {
  ANNOTATION_CONTEXT,
  ANNOTATION_MEDIA_TYPE,
  AUTHOR_SECRET_HEADER,
} from '../../utils/protocol/annotation';
import {
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
  // No tokens: the triage page is open (demo mode), its replies are the owner's.
  server = await startServer({
    port: 0,
    database: await openDatabase({ memory: true }),
    log: () => {},
  });
  browser = await launchWithExtension();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await server?.database.close();
  await site?.close();
});

async function badgeText(): Promise<string> {
  return (await browser.currentWorker()).evaluate(() => chrome.action.getBadgeText({}));
}

async function rowsFor(text: string): Promise<number> {
  const rows = await server.database.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM annotations WHERE deleted_at IS NULL AND document->'body'->0->>'value' = $1`,
    [text],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The person saves the endpoint in the options page (again: that also syncs now). */
async function saveEndpoint() {
  const options = await browser.context.newPage();
  await options.goto(browser.extensionUrl('options.html'));
  await options
    .getByRole('textbox', { name: 'Endpoint URL' })
    .fill(server.containerUrl.replace(/\/$/, ''));
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await options.close();
}

async function suggest(path: string, step: string, text: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(site.url(path));
  await page.getByText(step).click({ clickCount: 3 });
  await clickLauncher(page);
  const editor = await editorFrame(page);
  await page.keyboard.type(text);
  await editor.getByRole('combobox', { name: 'Category' }).selectOption('simplify');
  await editor.getByRole('button', { name: 'Submit' }).click();
  await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
  await page.keyboard.press('Escape');
  await expect.poll(() => rowsFor(text), { timeout: 10_000 }).toBe(1);
  return page;
}

/** The process owner on the triage page: a status, and optionally a reply. */
async function ownerAnswers(text: string, status: string, reply?: string) {
  const triage = await browser.context.newPage();
  await triage.goto(`${server.url}/triage`);
  const article = () => triage.getByRole('article').filter({ hasText: text });
  await article().getByRole('combobox', { name: 'Status', exact: true }).selectOption(status);
  await article().getByRole('button', { name: 'Set status' }).click();
  await triage.getByRole('status').filter({ hasText: 'Status set.' }).waitFor();
  if (reply) {
    await article().getByRole('textbox', { name: 'Reply' }).fill(reply);
    await article().getByRole('button', { name: 'Post reply' }).click();
    await triage.getByRole('status').filter({ hasText: 'Reply posted.' }).waitFor();
  }
  await triage.close();
}

/** The person opens their suggestion's card from its mark on the page, as a person clicks. */
async function openOwnCard(page: Page): Promise<Frame> {
  await page.reload();
  const mark = await markCentre(page);
  await page.mouse.click(mark.x, mark.y);
  const card = await editorFrame(page);
  await card.getByRole('heading', { name: 'Your suggestion' }).waitFor();
  return card;
}

describe("the person's own card", () => {
  it("shows the owner's status and reply, and opening it makes the update seen", async () => {
    await saveEndpoint();
    const text = 'Card hears back: let managers sign PO-7 digitally';
    const answer = 'Planned for March: the form goes digital';
    const page = await suggest(
      '/purchase-order.html',
      'Print the form and ask your manager to sign it.',
      text,
    );
    expect(await badgeText()).toBe('');
    await ownerAnswers(text, 'planned', answer);

    // The background asks the endpoint (saving the options syncs at once): the badge counts it.
    await saveEndpoint();
    await expect.poll(badgeText, { timeout: 15_000 }).toBe('1');

    const card = await openOwnCard(page);
    await card.getByText('Status: Planned').waitFor();
    // The owner's latest reply beside the status, as the popup shows it (and in the list).
    await card
      .locator('.owner-reply')
      .filter({ hasText: 'The process owner replied:' })
      .filter({ hasText: answer })
      .waitFor();
    await card.getByRole('list', { name: 'Replies' }).getByText(answer).waitFor();
    // The card showed it: seen, the badge no longer counts it.
    await expect.poll(badgeText, { timeout: 10_000 }).toBe('');

    // And it stays seen: the popup does not mark it New.
    await page.keyboard.press('Escape');
    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl('popup.html'));
    const item = popup.getByRole('list').getByRole('listitem').filter({ hasText: text });
    await item.filter({ hasText: 'Planned' }).filter({ hasText: answer }).waitFor();
    expect(await item.getByText('New', { exact: true }).count()).toBe(0);
    await popup.close();
    await page.close();
  }, 90_000);

  it('offers both versions on the card after an edit there meets a 412; Keep mine sends it', async () => {
    const original = 'Card conflict: accept photos of receipts';
    const mine = 'Card conflict: accept photos and scans of receipts';
    const page = await suggest(
      '/expense-claim.html',
      'Claims must reach Finance within 30 days',
      original,
    );
    // The owner plans it meanwhile: the ETag this browser holds is stale now.
    await ownerAnswers(original, 'planned');

    const card = await openOwnCard(page);
    await card.getByRole('button', { name: 'Edit' }).click();
    await card.getByRole('textbox', { name: 'Suggestion' }).fill(mine);
    await card.getByRole('button', { name: 'Save changes' }).click();

    // The edit is sent, meets the 412, and the card shows both versions (not silently "Yours").
    const keepMine = card.getByRole('button', { name: 'Keep mine' });
    await keepMine.waitFor({ timeout: 15_000 });
    expect(await card.getByRole('button', { name: 'Keep theirs' }).count()).toBe(1);
    const conflict = (await card.locator('.conflict').textContent()) ?? '';
    expect(conflict).toContain('At the endpoint');
    expect(conflict).toContain(original);
    expect(conflict).toContain('Planned');
    expect(conflict).toContain('Yours');
    expect(conflict).toContain(mine);
    await card.getByText('Status: Conflict').waitFor();
    expect(await rowsFor(original)).toBe(1);
    expect(await rowsFor(mine)).toBe(0);

    await keepMine.click();
    await card.getByRole('status').filter({ hasText: 'Your version is kept' }).waitFor();
    await expect.poll(() => rowsFor(mine), { timeout: 10_000 }).toBe(1);
    expect(await rowsFor(original)).toBe(0);
    await card.getByText('Status: Planned').waitFor();
    await expect.poll(() => card.getByRole('button', { name: 'Keep mine' }).count()).toBe(0);
    await page.close();
  }, 90_000);
});

describe('what the endpoint refused for good, on a colleague’s card', () => {
  it('says why a vote went back, and offers Try again and Discard for a refused reply', async () => {
    // This person's token may read, not write: the endpoint refuses their vote and reply (403).
    const WRITE = 'voice-gaps-write';
    const READ = 'voice-gaps-read';
    const strict = await startServer({
      port: 0,
      database: await openDatabase({ memory: true }),
      log: () => {},
      tokens: [
        { token: WRITE, role: 'write' },
        { token: READ, role: 'read' },
      ],
    });
    try {
      const pageUrl = site.url('/holiday-allowance.html');
      const exact =
        'Request holidays in the HR portal at least two weeks ahead for periods longer than a week.';
      const created = await fetch(strict.containerUrl, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${WRITE}`,
          'Content-Type': ANNOTATION_MEDIA_TYPE,
          'Idempotency-Key': crypto.randomUUID(),
          [AUTHOR_SECRET_HEADER]: randomBytes(32).toString('base64url'),
        },
        body: JSON.stringify({
          '@context': ANNOTATION_CONTEXT,
          type: 'Annotation',
          motivation: 'editing',
          body: [
            {
              type: 'TextualBody',
              value: 'Let short holidays skip the two-week rule',
              format: 'text/plain',
              purpose: 'editing',
            },
          ],
          target: { source: pageUrl, selector: [{ type: 'TextQuoteSelector', exact }] },
          category: 'simplify',
          creator: { type: 'Person', name: 'Alex Visser' },
        }),
      });
      expect(created.status).toBe(201);

      const options = await browser.context.newPage();
      await options.goto(browser.extensionUrl('options.html'));
      await options.getByRole('textbox', { name: 'Endpoint URL' }).fill(strict.containerUrl);
      await options.getByRole('textbox', { name: 'Access token' }).fill(READ);
      await options.getByRole('button', { name: 'Save' }).click();
      await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      await options.close();

      const page = await browser.context.newPage();
      await page.goto(pageUrl);
      const mark = await markCentre(page);
      await page.mouse.click(mark.x, mark.y);
      const card = await editorFrame(page);
      await card.getByRole('heading', { name: "A colleague's suggestion" }).waitFor();

      // Support: pressed at once, refused by the endpoint, back to unpressed with the reason.
      const support = card.getByRole('button', { name: 'Support' });
      await support.click();
      await card
        .getByRole('alert')
        .filter({ hasText: 'The endpoint refused your last choice' })
        .waitFor({ timeout: 15_000 });
      expect(await support.getAttribute('aria-pressed')).toBe('false');
      expect(await card.locator('#support-count').textContent()).toBe('0');

      // A reply: refused for good, kept with why, and a way out.
      await card.getByRole('textbox', { name: 'Reply' }).fill('Yes, for one or two days');
      await card.getByRole('button', { name: 'Post reply' }).click();
      const replies = card.getByRole('list', { name: 'Replies' });
      const refused = replies.getByRole('listitem').filter({ hasText: 'Yes, for one or two days' });
      await refused.filter({ hasText: 'not sent:' }).waitFor({ timeout: 15_000 });
      await refused.getByRole('button', { name: 'Try again' }).click();
      await card.getByRole('status').filter({ hasText: 'The reply is sent again.' }).waitFor();
      // Refused again (the token still may not write): still kept, still a way out.
      await refused
        .filter({ hasText: 'not sent:' })
        .getByRole('button', { name: 'Discard' })
        .waitFor({ timeout: 15_000 });
      await refused.getByRole('button', { name: 'Discard' }).click();
      await card.getByRole('status').filter({ hasText: 'The reply is discarded.' }).waitFor();
      await waitFor(async () => (await refused.count()) === 0, 'the discarded reply to go');
      await card.getByText('No replies yet').waitFor();
      const rows = await strict.database.query<{ n: string | number }>(
        `SELECT count(*) AS n FROM annotations WHERE kind = 'reply'`,
      );
      expect(Number(rows[0]?.n ?? 0)).toBe(0);
      await page.close();
    } finally {
      await strict.close();
      await strict.database.close();
    }
  }, 90_000);
});
