// The triage page in Chromium, used as a process owner would: sign in, find, set a status,
// reply, open the quote on its page; checked over HTTP, and with axe-core. No extension here.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { type RunningServer, startServer } from '../../server/start-server';
import { startTestPostgres, type TestPostgres } from '../server/helpers/postgres-cluster';
import { call, create, suggestion, TOKENS } from '../server/helpers/test-endpoint';
import { CHROMIUM, CHROMIUM_ARGS } from './support/browser';

let browser: Browser;
let server: RunningServer;
let postgres: TestPostgres;
let site: StaticServer;
let pagesDir: string;
let axeSource: string;

/** The intranet page the suggestions are about: the quote sits far below the fold. */
const PROCESS_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Purchase orders</title></head>
<body><h1>Purchase orders</h1>
${Array.from({ length: 80 }, (_, index) => `<p>Background paragraph ${index + 1} about budgets and approvals.</p>`).join('\n')}
<p id="step">Step three: 3. The line manager signs the purchase form within two days. 4. Finance checks it.</p>
${Array.from({ length: 20 }, (_, index) => `<p>Closing paragraph ${index + 1}.</p>`).join('\n')}
</body></html>`;

/** A second page, where a quote runs over two paragraphs (a start,end text directive). */
const STEPS_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Travel</title></head>
<body><h1>Travel</h1>
${Array.from({ length: 80 }, (_, index) => `<p>Travel rule ${index + 1} about trains and hotels.</p>`).join('\n')}
<p id="first">Book your journey through the travel desk at least two weeks ahead of the trip.</p>
<p id="second">Keep every ticket and hotel invoice until the claim is paid out in full.</p>
${Array.from({ length: 20 }, (_, index) => `<p>Closing rule ${index + 1}.</p>`).join('\n')}
</body></html>`;

const ids: { signed: string; anonymous: string; markup: string; long: string } = {
  signed: '',
  anonymous: '',
  markup: '',
  long: '',
};
const ONE_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const MARKUP_TEXT = '<img src=x onerror="document.title=\'pwned\'"><script>alert(1)</script> fix';

beforeAll(async () => {
  pagesDir = await mkdtemp(join(tmpdir(), 'flywheel-triage-pages-'));
  await writeFile(join(pagesDir, 'purchase.html'), PROCESS_PAGE);
  await writeFile(join(pagesDir, 'travel.html'), STEPS_PAGE);
  site = await startStaticServer({ '/': pagesDir });
  // PostgreSQL, as an organisation runs it (a throwaway cluster, as in the server tests).
  postgres = await startTestPostgres();
  server = await startServer({
    port: 0,
    databaseUrl: postgres.databaseUrl,
    log: () => {},
    tokens: [
      { token: TOKENS.write, role: 'write' },
      { token: TOKENS.owner, role: 'owner' },
    ],
  });
  const pageUrl = site.url('/purchase.html');
  const quote = {
    type: 'TextQuoteSelector',
    // As the extension keeps them: 32 characters either side, cutting words.
    exact: 'signs the purchase form',
    prefix: 'ep three: 3. The line manager ',
    suffix: ' within two days. 4. Fina',
  };
  const about = { target: { source: pageUrl, selector: [quote] } };
  ids.signed = (
    await create(
      server.containerUrl,
      suggestion(pageUrl, 'Say who the line manager is for contractors', {
        ...about,
        anonymous: false,
        creator: { type: 'Person', name: 'Alice Example' },
        category: 'missing-step',
      }),
    )
  ).body.id;
  ids.anonymous = (
    await create(server.containerUrl, {
      ...suggestion(pageUrl, 'Two days is too short in the holidays', {
        ...about,
        category: 'outdated',
      }),
      body: [
        ...suggestion(pageUrl, 'Two days is too short in the holidays').body,
        // A 1 x 1 PNG: the triage page shows it from its own session-bound route.
        { type: 'Image', id: `data:image/png;base64,${ONE_PIXEL_PNG}`, format: 'image/png' },
      ],
    })
  ).body.id;
  ids.markup = (
    await create(server.containerUrl, suggestion(site.url('/other.html'), MARKUP_TEXT))
  ).body.id;
  ids.long = (
    await create(
      server.containerUrl,
      suggestion(site.url('/travel.html'), 'Two weeks is impossible for urgent client visits', {
        target: {
          source: site.url('/travel.html'),
          selector: [
            {
              type: 'TextQuoteSelector',
              exact:
                'through the travel desk at least two weeks ahead of the trip.\n\nKeep every ticket and hotel invoice',
              prefix: 'Travel rule 80 about trains and hotels.\n\nBook your journey ',
              suffix: ' until the claim is paid out in full.',
            },
          ],
        },
      }),
    )
  ).body.id;
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS.filter((arg) => !arg.startsWith('--remote-debugging-port')),
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await postgres?.stop();
  await site?.close();
  if (pagesDir) await rm(pagesDir, { recursive: true, force: true });
});

/** axe-core's violations on the page as it is now, with what failed where. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over DevTools, so the page's strict CSP (no scripts) stays as it is.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<unknown> } })
      .axe;
    const result = (await axe.run(document)) as {
      violations: { id: string; nodes: { target: string[] }[] }[];
    };
    return result.violations.map(
      (violation) =>
        `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  });
  return violations;
}

/** Waits until an image has loaded, and fails if it cannot be decoded. */
async function waitForImage(image: ReturnType<Page['locator']>): Promise<void> {
  const width = await image.evaluate(async (element) => {
    const img = element as HTMLImageElement;
    await img.decode();
    return img.naturalWidth;
  });
  expect(width).toBe(1);
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/triage`);
  await page.getByLabel('Access token').fill(TOKENS.owner);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Suggestions to triage' }).waitFor();
}

const articleFor = (page: Page, text: string) =>
  page.getByRole('article').filter({ hasText: text });
const idOf = (iri: string) => iri.slice(iri.lastIndexOf('/') + 1);

describe('triage page in Chromium', () => {
  it('lets an owner sign in, find, set a status, reply and open the quote on its page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    try {
      await page.goto(`${server.url}/triage`);
      expect(await page.getByRole('article').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      await signIn(page);
      expect(await page.getByRole('article').count()).toBe(4);
      expect(await axeViolations(page)).toEqual([]);

      // HTML in a suggestion is shown as its text, and does nothing.
      const markup = articleFor(page, 'onerror');
      expect(await markup.locator('.text').textContent()).toBe(MARKUP_TEXT);
      expect(await markup.locator('img').count()).toBe(0);
      expect(await page.locator('main script').count()).toBe(0);
      // The one screenshot comes from the page's own route, with the session's cookie.
      const shot = articleFor(page, 'Two days is too short').getByRole('img');
      expect(await page.locator('main img').count()).toBe(1);
      expect(await shot.getAttribute('src')).toBe(`/triage/screenshots/${idOf(ids.anonymous)}`);
      await waitForImage(shot);
      expect(await page.title()).toBe('Flywheel triage');

      // The anonymous suggestion says so, and nothing of its author is on the page.
      const anonymous = articleFor(page, 'Two days is too short');
      await anonymous.getByRole('heading', { name: 'Anonymous suggestion' }).waitFor();
      expect(await anonymous.textContent()).not.toContain('Alice');
      const named = await articleFor(page, 'contractors').innerHTML();
      const everything = await page.content();
      expect(everything.split('Alice').length).toBe(named.split('Alice').length);
      expect(await anonymous.textContent()).toContain('Outdated');

      // Search, then filter by status.
      await page.getByRole('searchbox', { name: 'Search' }).fill('contractors');
      await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
      await page.waitForURL(/q=contractors/);
      expect(await page.getByRole('article').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);

      const signed = articleFor(page, 'contractors');
      await signed.getByRole('heading', { name: 'Suggestion from Alice Example' }).waitFor();
      expect(await signed.textContent()).toContain('Missing step');
      expect(await signed.locator('mark').textContent()).toBe('signs the purchase form');

      await signed.getByRole('combobox', { name: 'Status', exact: true }).selectOption('planned');
      await signed.getByRole('button', { name: 'Set status' }).click();
      await page.getByRole('status').filter({ hasText: 'Status set.' }).waitFor();
      // Back on the same view (the search kept), the suggestion now planned.
      expect(page.url()).toContain('q=contractors');
      expect(await articleFor(page, 'contractors').locator('.meta strong').textContent()).toBe(
        'Planned',
      );

      await articleFor(page, 'contractors')
        .getByRole('textbox', { name: 'Reply' })
        .fill('Good point: <we> add it in March');
      await articleFor(page, 'contractors').getByRole('button', { name: 'Post reply' }).click();
      await page.getByRole('status').filter({ hasText: 'Reply posted.' }).waitFor();
      const replies = articleFor(page, 'contractors').getByRole('list', { name: 'Replies' });
      expect(await replies.textContent()).toContain('Good point: <we> add it in March');
      expect(await replies.textContent()).toContain('Process owner');

      await page.getByLabel('Show status').selectOption('planned');
      await page.getByRole('searchbox', { name: 'Search' }).fill('');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/status=planned/);
      expect(await page.getByRole('article').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(tmpdir(), 'flywheel-triage.png'), fullPage: true });
      if (process.env.TRIAGE_SCREENSHOT) {
        await page.screenshot({ path: process.env.TRIAGE_SCREENSHOT, fullPage: true });
      }

      // Over HTTP: the status and the reply landed, the reply marked as the owner's.
      const stored = (await (await call(ids.signed)).json()) as { status: string };
      expect(stored.status).toBe('planned');
      const listing = (await (
        await call(`${server.containerUrl}?${new URLSearchParams({ target: ids.signed })}`)
      ).json()) as { total: number; first?: { items: { body: { value: string }[] }[] } };
      expect(listing.total).toBe(1);
      expect(listing.first?.items[0]?.body[0]?.value).toBe('Good point: <we> add it in March');

      // Open on the page: a text fragment with the quote and its whole-word context.
      const link = articleFor(page, 'contractors').getByRole('link', { name: 'Open on the page' });
      expect(await link.getAttribute('href')).toBe(
        `${site.url('/purchase.html')}#:~:text=The%20line%20manager-,signs%20the%20purchase%20form,-within%20two%20days.`,
      );
      await link.click();
      await page.waitForURL(/purchase\.html/);
      await page.getByRole('heading', { name: 'Purchase orders' }).waitFor();
      // Chromium scrolled the quote, far below the fold, into view.
      await expect
        .poll(() =>
          page.evaluate(() => {
            const step = document.getElementById('step')?.getBoundingClientRect();
            return step !== undefined && step.top >= 0 && step.bottom <= window.innerHeight;
          }),
        )
        .toBe(true);
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);

      // A quote over two paragraphs is found by its first and last words.
      await page.goto(`${server.url}/triage?q=urgent`);
      const longLink = articleFor(page, 'urgent client visits').getByRole('link', {
        name: 'Open on the page',
      });
      expect(await longLink.getAttribute('href')).toBe(
        `${site.url('/travel.html')}#:~:text=Book%20your%20journey-,through%20the%20travel%20desk,ticket%20and%20hotel%20invoice,-until%20the%20claim`,
      );
      await longLink.click();
      await page.waitForURL(/travel\.html/);
      await expect
        .poll(() =>
          page.evaluate(() => {
            const first = document.getElementById('first')?.getBoundingClientRect();
            return first !== undefined && first.top >= 0 && first.bottom <= window.innerHeight;
          }),
        )
        .toBe(true);
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
      expect(dialogs).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses a form another site makes the browser post, even with a leaked form token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page);
      const formToken = await page.locator('input[name="csrf"]').first().getAttribute('value');
      const target = `${server.url}/triage/suggestions/${idOf(ids.anonymous)}/status`;
      const forged = `<!doctype html><html lang="en"><head><title>Win a prize</title></head><body>
<form method="post" action="${target}">
<input type="hidden" name="status" value="declined">
<input type="hidden" name="csrf" value="${formToken}">
<button type="submit">Claim your prize</button></form></body></html>`;
      await writeFile(join(pagesDir, 'prize.html'), forged);

      // The same host on another port: the same site (the SameSite cookie goes along), another
      // origin; and localhost, another site altogether.
      for (const url of [site.url('/prize.html'), site.otherSiteUrl('/prize.html')]) {
        await page.goto(url);
        const [answer] = await Promise.all([
          page.waitForResponse((response) => response.url() === target),
          page.getByRole('button', { name: 'Claim your prize' }).click(),
        ]);
        expect(answer.status()).toBe(403);
        await page.getByText('not sent from the triage page').waitFor();
      }
      const stored = (await (await call(ids.anonymous)).json()) as { status: string };
      expect(stored.status).toBe('submitted');

      // The same form from the triage page itself is accepted: the refusal was the origin.
      await page.goto(`${server.url}/triage`);
      const anonymous = articleFor(page, 'Two days is too short');
      await anonymous
        .getByRole('combobox', { name: 'Status', exact: true })
        .selectOption('declined');
      await anonymous.getByRole('button', { name: 'Set status' }).click();
      await page.getByRole('status').filter({ hasText: 'Status set.' }).waitFor();
      const changed = (await (await call(ids.anonymous)).json()) as { status: string };
      expect(changed.status).toBe('declined');
    } finally {
      await context.close();
    }
  });
});
