/// <reference types="chrome" />
// The author's own suggestion, opened from its mark: edited and withdrawn at the real endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
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
  server = await startServer({ port: 0, database: await openDatabase({ memory: true }) });
  browser = await launchWithExtension();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await server?.database.close();
  await site?.close();
});

async function storedTexts(): Promise<string[]> {
  const rows = await server.database.query<{ text: string }>(
    `SELECT document->'body'->0->>'value' AS text FROM annotations WHERE deleted_at IS NULL`,
  );
  return rows.map((row) => row.text);
}

describe('the author’s own suggestion', () => {
  it('is edited and withdrawn from its mark, and the endpoint follows', async () => {
    const options = await browser.context.newPage();
    await options.goto(browser.extensionUrl('options.html'));
    await options.getByRole('textbox', { name: 'Endpoint URL' }).fill(server.containerUrl);
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await options.close();

    const page = await browser.context.newPage();
    await page.goto(site.url('/expense-claim.html'));
    const step = page.getByText('Claims must reach Finance within 30 days');
    await step.click({ clickCount: 3 });
    await clickLauncher(page);
    const editor = await editorFrame(page);
    await page.keyboard.type('Accept photos of receipts');
    await editor.getByRole('combobox', { name: 'Category' }).selectOption('missing-step');
    await editor.getByRole('button', { name: 'Submit' }).click();
    await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
    await expect.poll(storedTexts, { timeout: 15_000 }).toEqual(['Accept photos of receipts']);

    await page.reload();
    const mark = await markCentre(page);
    await page.mouse.click(mark.x, mark.y);
    const card = await editorFrame(page);
    await card.getByRole('heading', { name: 'Your suggestion' }).waitFor();
    await card.getByRole('button', { name: 'Edit' }).click();
    const box = card.getByRole('textbox', { name: 'Suggestion' });
    await box.fill('Accept photos and scans of receipts');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await card.getByRole('status').filter({ hasText: 'Changes saved' }).waitFor();
    await expect
      .poll(storedTexts, { timeout: 15_000 })
      .toEqual(['Accept photos and scans of receipts']);

    await card.getByRole('button', { name: 'Withdraw' }).click();
    await card.getByRole('button', { name: 'Withdraw' }).click();
    await card.getByRole('status').filter({ hasText: 'Withdrawn' }).waitFor();
    await expect.poll(storedTexts, { timeout: 15_000 }).toEqual([]);

    // No longer marked on the page.
    await page.keyboard.press('Escape');
    await page.reload();
    await page.waitForTimeout(1_500);
    expect(await page.evaluate(() => CSS.highlights.get('flywheel')?.size ?? 0)).toBe(0);
    await page.close();
  });
});
