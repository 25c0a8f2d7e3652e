/// <reference types="chrome" />
// Colleagues' suggestions on the page: what others sent to the endpoint is marked on the page
// (one look for everyone's), counted by the navigator, and opened in the extension's frame.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
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
  accessibleTexts,
  clickAccessibleButton,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR, REPO_ROOT } from './support/paths';

let browser: ExtensionBrowser;
let site: StaticServer;
let server: RunningServer;
let serverClosed = false;

beforeAll(async () => {
  site = await startStaticServer({ '/': DEMO_SITE_DIR });
  server = await startServer({ port: 0, database: await openDatabase({ memory: true }) });
  browser = await launchWithExtension();
});
afterAll(async () => {
  await browser?.close();
  if (!serverClosed) await server?.close();
  await server?.database.close();
  await site?.close();
});

/** A colleague's suggestion, sent as their browser would. */
async function colleagueSuggests(pageUrl: string, exact: string, text: string, name?: string) {
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
      ...(name ? { creator: { type: 'Person', name } } : { anonymous: true }),
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** A colleague replies to a suggestion. */
async function colleagueReplies(target: string, text: string, name: string) {
  const response = await fetch(server.containerUrl, {
    method: 'POST',
    headers: { 'Content-Type': ANNOTATION_MEDIA_TYPE, 'Idempotency-Key': crypto.randomUUID() },
    body: JSON.stringify({
      '@context': ANNOTATION_CONTEXT,
      type: 'Annotation',
      motivation: 'replying',
      body: [{ type: 'TextualBody', value: text, format: 'text/plain', purpose: 'replying' }],
      target,
      creator: { type: 'Person', name },
    }),
  });
  expect(response.status).toBe(201);
}

describe("colleagues' suggestions on the page", () => {
  it('marks and counts them with the same look, and opens one with its author', async () => {
    const pageUrl = site.url('/purchase-order.html');
    const signed = await colleagueSuggests(
      pageUrl,
      'Print the form and ask your manager to sign it.',
      'Let managers sign PO-7 in the portal',
      'Alex Visser',
    );
    await colleagueSuggests(
      pageUrl,
      'Scan the signed form and send it to procurement by email.',
      'One upload instead of email',
    );
    await colleagueReplies(signed, 'Yes please, <i>paper</i> gets lost', 'Sam de Vries');

    const options = await browser.context.newPage();
    await options.goto(browser.extensionUrl('options.html'));
    await options.getByRole('textbox', { name: 'Endpoint URL' }).fill(server.containerUrl);
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await options.close();

    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    await waitFor(
      async () => (await accessibleTexts(page)).includes('2 suggestions on this page'),
      'the count of everyone’s suggestions',
    );
    // One registry name for all marks; the page reads where they are, not what they say.
    const marked = await page.evaluate(() =>
      [...(CSS.highlights.get('flywheel') as unknown as Set<Range>)].map((r) => r.toString()),
    );
    expect(marked.sort()).toEqual([
      'Print the form and ask your manager to sign it.',
      'Scan the signed form and send it to procurement by email.',
    ]);
    expect(await page.evaluate(() => [...CSS.highlights.keys()])).toEqual(['flywheel']);

    await clickAccessibleButton(page, 'Next suggestion');
    await clickAccessibleButton(page, 'Open this suggestion');
    const card = await editorFrame(page);
    await card.getByRole('heading', { name: "A colleague's suggestion" }).waitFor();
    const cardText = (await card.locator('body').textContent()) ?? '';
    expect(cardText).toContain('Let managers sign PO-7 in the portal');
    expect(cardText).toContain('Alex Visser');
    expect(cardText).toContain('Could be simpler');
    // Its replies, from the endpoint, as text.
    const replies = card.getByRole('list', { name: 'Replies' });
    await replies.getByRole('listitem').first().waitFor();
    expect(await replies.textContent()).toContain('Yes please, <i>paper</i> gets lost');
    expect(await replies.textContent()).toContain('Sam de Vries');
    if (process.env.UPDATE_SCREENSHOT) {
      await page.waitForTimeout(300);
      await writeFile(`${REPO_ROOT}docs/colleague.png`, await page.screenshot());
    }
    await page.keyboard.press('Escape');
    await waitFor(
      async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
      'the card to close',
    );

    await clickAccessibleButton(page, 'Next suggestion');
    await clickAccessibleButton(page, 'Open this suggestion');
    const anonymous = await editorFrame(page);
    await expect
      .poll(() => anonymous.locator('body').textContent())
      .toContain('One upload instead of email');
    expect(await anonymous.locator('body').textContent()).toContain('Anonymous');

    // Offline, the next view shows what was kept.
    await server.close();
    serverClosed = true;
    const again = await browser.context.newPage();
    await again.goto(pageUrl);
    await waitFor(
      async () => (await accessibleTexts(again)).includes('2 suggestions on this page'),
      'the kept listing',
    );
    await again.close();
    await page.close();
  });
});
