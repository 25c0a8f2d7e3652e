/// <reference types="chrome" />
// Authors hear back, in Chromium against the reference endpoint: the process owner sets
// `planned` and replies on the triage page; the person's popup, open all along, shows Planned
// and the reply marked New within the live pull interval, the badge counts it until the popup
// has been seen and closed, and the browser tells it once.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { LIVE_PULL_MS, POPUP_ALIVE_MS } from '../../utils/shared/live-pull';
import {
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  markCentre,
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
    `SELECT count(*) AS n FROM annotations WHERE document->'body'->0->>'value' = $1`,
    [text],
  );
  return Number(rows[0]?.n ?? 0);
}

async function suggest(text: string, step: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(site.url('/purchase-order.html'));
  await page.getByText(step).click({ clickCount: 3 });
  await clickLauncher(page);
  const editor = await editorFrame(page);
  await page.keyboard.type(text);
  await editor.getByRole('combobox', { name: 'Category' }).selectOption('simplify');
  await editor.getByRole('button', { name: 'Submit' }).click();
  await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
  return page;
}

describe('authors hear back', () => {
  it('shows the owner’s status and reply live in the open popup, badged until seen', async () => {
    const options = await browser.context.newPage();
    await options.goto(browser.extensionUrl('options.html'));
    await options
      .getByRole('textbox', { name: 'Endpoint URL' })
      .fill(server.containerUrl.replace(/\/$/, ''));
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await options.close();

    const text = 'Hear back: let managers sign PO-7 digitally';
    const answer = 'Planned for March: the form goes digital';
    const page = await suggest(text, 'Print the form and ask your manager to sign it.');
    await expect.poll(() => rowsFor(text), { timeout: 10_000 }).toBe(1);

    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl('popup.html'));
    const item = popup.getByRole('list').getByRole('listitem').filter({ hasText: text });
    // One word for where it stands, not "Sent" beside "Submitted".
    await item.filter({ hasText: 'Submitted' }).waitFor();
    expect(await item.textContent()).not.toContain('Sent');
    expect(await item.getByText('New', { exact: true }).count()).toBe(0);
    expect(await badgeText()).toBe('');

    // The process owner, on the triage page.
    const triage = await browser.context.newPage();
    await triage.goto(`${server.url}/triage`);
    const article = () => triage.getByRole('article').filter({ hasText: text });
    await article().getByRole('combobox', { name: 'Status', exact: true }).selectOption('planned');
    await article().getByRole('button', { name: 'Set status' }).click();
    await triage.getByRole('status').filter({ hasText: 'Status set.' }).waitFor();
    await article().getByRole('textbox', { name: 'Reply' }).fill(answer);
    await article().getByRole('button', { name: 'Post reply' }).click();
    await triage.getByRole('status').filter({ hasText: 'Reply posted.' }).waitFor();
    const answeredAt = Date.now();
    await triage.close();

    // The popup was never reopened: it updates itself within the live pull interval.
    await item
      .filter({ hasText: 'Planned' })
      .filter({ hasText: answer })
      .getByText('New', { exact: true })
      .waitFor({ timeout: LIVE_PULL_MS + POPUP_ALIVE_MS + 5_000 });
    const took = Date.now() - answeredAt;
    console.info(`hear-back: the open popup showed the answer ${took} ms after it was given`);
    expect(took).toBeLessThan(60_000);
    expect(await item.locator('.status').textContent()).toBe('Planned');
    await expect.poll(badgeText).toBe('1');
    expect(
      await (await browser.currentWorker()).evaluate(() => chrome.action.getTitle({})),
    ).toContain('1');
    const shown = async () =>
      (await browser.currentWorker()).evaluate(async () =>
        Object.keys(await chrome.notifications.getAll()).filter((id) =>
          id.startsWith('flywheel-status:'),
        ),
      );
    await expect.poll(shown, { timeout: 5_000 }).toHaveLength(1);

    // Still marked while the person looks; seen once they close the popup.
    await popup.waitForTimeout(500);
    expect(await badgeText()).toBe('1');
    await popup.close();
    await expect.poll(badgeText, { timeout: 5_000 }).toBe('');

    const again = await browser.context.newPage();
    await again.goto(browser.extensionUrl('popup.html'));
    const seen = again.getByRole('list').getByRole('listitem').filter({ hasText: text });
    await seen.filter({ hasText: 'Planned' }).filter({ hasText: answer }).waitFor();
    expect(await seen.getByText('New', { exact: true }).count()).toBe(0);
    await again.close();
    await page.close();
    expect(await shown()).toHaveLength(1);
  }, 120_000);

  it('shows both versions after an edit meets a 412, and Keep mine sends it', async () => {
    // The endpoint is set up by the test before.
    const original = 'Accept photos of receipts';
    const mine = 'Accept photos and scans of receipts';
    const page = await browser.context.newPage();
    await page.goto(site.url('/expense-claim.html'));
    await page.getByText('Claims must reach Finance within 30 days').click({ clickCount: 3 });
    await clickLauncher(page);
    let card = await editorFrame(page);
    await page.keyboard.type(original);
    await card.getByRole('combobox', { name: 'Category' }).selectOption('other');
    await card.getByRole('button', { name: 'Submit' }).click();
    await card.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
    await expect.poll(() => rowsFor(original), { timeout: 10_000 }).toBe(1);

    // The owner plans it meanwhile: the ETag this browser holds is stale now.
    const triage = await browser.context.newPage();
    await triage.goto(`${server.url}/triage`);
    const article = triage.getByRole('article').filter({ hasText: original });
    await article.getByRole('combobox', { name: 'Status', exact: true }).selectOption('planned');
    await article.getByRole('button', { name: 'Set status' }).click();
    await triage.getByRole('status').filter({ hasText: 'Status set.' }).waitFor();
    await triage.close();

    await page.keyboard.press('Escape');
    await page.reload();
    const mark = await markCentre(page);
    await page.mouse.click(mark.x, mark.y);
    card = await editorFrame(page);
    await card.getByRole('button', { name: 'Edit' }).click();
    await card.getByRole('textbox', { name: 'Suggestion' }).fill(mine);
    await card.getByRole('button', { name: 'Save changes' }).click();
    await card.getByRole('status').filter({ hasText: 'Changes saved' }).waitFor();

    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl('popup.html'));
    const item = popup.getByRole('list').getByRole('listitem').filter({ hasText: mine });
    const keepMine = item.getByRole('button', { name: 'Keep mine' });
    await keepMine.waitFor({ timeout: 15_000 });
    // Theirs: the endpoint's text and status; yours: the edit. Nothing sent over it.
    const conflict = await item.locator('.conflict').textContent();
    expect(conflict).toContain('At the endpoint');
    expect(conflict).toContain(original);
    expect(conflict).toContain('Planned');
    expect(conflict).toContain('Yours');
    expect(conflict).toContain(mine);
    expect(await item.getByRole('button', { name: 'Keep theirs' }).count()).toBe(1);
    expect(await rowsFor(original)).toBe(1);
    expect(await rowsFor(mine)).toBe(0);

    await keepMine.click();
    await expect.poll(() => rowsFor(mine), { timeout: 10_000 }).toBe(1);
    expect(await rowsFor(original)).toBe(0);
    await item.filter({ hasText: 'Planned' }).waitFor();
    await expect.poll(() => item.getByRole('button', { name: 'Keep mine' }).count()).toBe(0);
    await popup.close();
    await page.close();
  }, 60_000);
});
