/// <reference types="chrome" />
// The real extension in Chromium, sending to the real reference endpoint through a faulty network.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import {
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR } from './support/paths';

let browser: ExtensionBrowser;
let site: StaticServer;
let server: RunningServer;
let proxy: FaultProxy;

beforeAll(async () => {
  site = await startStaticServer({ '/': DEMO_SITE_DIR });
  server = await startServer({ port: 0, database: await openDatabase({ memory: true }) });
  proxy = await startFaultProxy(server.containerUrl);
  browser = await launchWithExtension();
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
  await server?.database.close();
  await site?.close();
});

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

async function statusInPopup(text: string): Promise<string> {
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('popup.html'));
  const item = popup.getByRole('listitem').filter({ hasText: text });
  await item.waitFor();
  // One word for where it stands: Queued, Failed… here, or once sent what the owner made of it.
  const state = (await item.locator('.status').textContent()) ?? '';
  await popup.close();
  return state;
}

describe('sending suggestions to the endpoint', () => {
  it('explains a malformed endpoint URL and keeps working locally', async () => {
    const options = await browser.context.newPage();
    await options.goto(browser.extensionUrl('options.html'));
    await options
      .getByRole('textbox', { name: 'Endpoint URL' })
      .fill('http://intranet.example/annotations');
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByRole('alert').filter({ hasText: 'https' }).waitFor();
    await options.getByRole('textbox', { name: 'Endpoint URL' }).fill('not a url');
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByRole('alert').filter({ hasText: 'not a valid web address' }).waitFor();
    await options.close();

    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl('popup.html'));
    await popup.getByText('no endpoint is set up').waitFor();
    await popup.close();
  });

  it('lists the sites where the launcher shows, and refuses one that covers every site', async () => {
    const options = await browser.context.newPage();
    await options.goto(browser.extensionUrl('options.html'));
    const sites = options.getByRole('region', { name: 'Sites where the launcher shows' });
    const builtIn = sites.getByRole('listitem').filter({ hasText: 'http://127.0.0.1/*' });
    await builtIn.waitFor();
    expect(await builtIn.textContent()).toContain('Built in');
    expect(await builtIn.textContent()).not.toContain('Not allowed yet');
    await sites.getByRole('textbox', { name: 'Add a site' }).fill('https://*/*');
    await sites.getByRole('button', { name: 'Add site' }).click();
    await sites.getByRole('alert').filter({ hasText: 'every site' }).waitFor();
    expect(await sites.getByRole('listitem').count()).toBe(1);
    await options.close();
  });

  it('connects through the options page and sends a suggestion exactly once', async () => {
    const options = await browser.context.newPage();
    await options.goto(browser.extensionUrl('options.html'));
    await options
      .getByRole('textbox', { name: 'Endpoint URL' })
      .fill(proxy.containerUrl.replace(/\/$/, ''));
    await options.getByRole('textbox', { name: 'Display name' }).fill('Sam <b>Jansen</b>');
    await options.getByRole('button', { name: 'Test connection' }).click();
    await options.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    // Saved as a container URL.
    expect(await options.getByRole('textbox', { name: 'Endpoint URL' }).inputValue()).toBe(
      proxy.containerUrl,
    );
    await options.close();

    const text = 'Online: sign PO-7 digitally';
    const page = await suggest(text, 'Print the form and ask your manager to sign it.');
    await expect.poll(() => rowsFor(text), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => statusInPopup(text), { timeout: 10_000 }).toBe('Submitted');
    const [row] = await server.database.query<{ document: { creator?: { name: string } } }>(
      `SELECT document FROM annotations WHERE document->'body'->0->>'value' = $1`,
      [text],
    );
    expect(row?.document.creator?.name).toBe('Sam <b>Jansen</b>');

    // A process owner plans it, then marks it done; each comes back when the person syncs.
    const setStatus = (status: string) =>
      server.database.query(
        `UPDATE annotations SET status = $2, revision = revision + 1, modified_at = now() WHERE document->'body'->0->>'value' = $1`,
        [text, status],
      );
    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl('popup.html'));
    const item = popup.getByRole('listitem').filter({ hasText: text });
    for (const [status, word] of [
      ['planned', 'Planned'],
      ['done', 'Done'],
    ]) {
      await setStatus(status as string);
      await popup.getByRole('button', { name: 'Sync now' }).click();
      await item.filter({ hasText: word as string }).waitFor();
    }
    // The author heard of each answer once: the browser shows the latest, the log has both.
    const shown = async () =>
      (await browser.currentWorker()).evaluate(async () =>
        Object.keys(await chrome.notifications.getAll()).filter((id) =>
          id.startsWith('flywheel-status:'),
        ),
      );
    await expect.poll(shown, { timeout: 5_000 }).toHaveLength(1);
    const told = async () =>
      (await browser.currentWorker()).evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('flywheel');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const count = open.result.transaction('notices').objectStore('notices').count();
              count.onsuccess = () => resolve(count.result);
            };
          }),
      );
    expect(await told()).toBe(2);
    // A restarted worker pulls the same statuses again and tells nothing twice.
    const cdp = await browser.context.newCDPSession(popup);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await popup.reload();
    await popup.getByRole('button', { name: 'Sync now' }).click();
    await item.filter({ hasText: 'Done' }).waitFor();
    await popup.waitForTimeout(500);
    expect(await told()).toBe(2);
    await popup.close();
    await page.close();
  });

  it('keeps a suggestion while the endpoint is down and sends it once it is back, untouched', async () => {
    proxy.setFaults(() => ({ kind: 'down' }));
    const text = 'Offline: the catalogue link is broken';
    const page = await suggest(
      text,
      'Check whether a framework contract covers the item in the supplier catalogue.',
    );
    await expect.poll(() => proxy.stats.requests, { timeout: 10_000 }).toBeGreaterThan(0);
    // Between tries it waits as Queued (a try in flight shows Sending for a moment).
    await expect.poll(() => statusInPopup(text), { timeout: 10_000 }).toBe('Queued');
    expect(await rowsFor(text)).toBe(0);

    proxy.setFaults(() => ({ kind: 'pass' }));
    // No one clicks anything: the backoff timer sends it.
    await expect.poll(() => rowsFor(text), { timeout: 20_000, interval: 250 }).toBe(1);
    await expect.poll(() => statusInPopup(text), { timeout: 10_000 }).toBe('Submitted');
    await page.close();
  });

  it('resends with the same key after the service worker is stopped mid-request', async () => {
    let posts = 0;
    proxy.setFaults((request) => {
      if (request.method !== 'POST') return { kind: 'pass' };
      posts++;
      // The first attempt hangs long enough for the worker to be stopped under it.
      return posts === 1 ? { kind: 'delay', ms: 4_000 } : { kind: 'pass' };
    });
    const text = 'Killed worker: scan and send in one step';
    const page = await suggest(text, 'Scan the signed form and send it to procurement by email.');
    await waitFor(() => posts === 1, 'the first request to be in flight');

    const options = await browser.context.newPage();
    await options.goto(browser.extensionUrl('options.html'));
    const cdp = await browser.context.newCDPSession(options);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await options.close();

    // The delayed first request still reaches the server after the worker is gone.
    await expect.poll(() => rowsFor(text), { timeout: 10_000 }).toBe(1);
    // The person opens the popup: the worker starts again and resends what was in flight.
    await expect
      .poll(() => statusInPopup(text), { timeout: 20_000, interval: 500 })
      .toBe('Submitted');
    expect(posts).toBeGreaterThanOrEqual(2);
    expect(await rowsFor(text)).toBe(1);
    proxy.setFaults(() => ({ kind: 'pass' }));
    await page.close();
  });

  it('shows a refusal with the endpoint reason and lets the person retry', async () => {
    proxy.setFaults((request) =>
      request.method === 'POST'
        ? {
            kind: 'respond',
            status: 422,
            headers: { 'content-type': 'application/problem+json' },
            body: JSON.stringify({ error: 'closed', title: 'This process is being rewritten' }),
          }
        : { kind: 'pass' },
    );
    const text = 'Refused: merge steps 6 and 7';
    const page = await suggest(
      text,
      'Procurement enters the order in the finance system within five working days.',
    );
    await expect.poll(() => statusInPopup(text), { timeout: 10_000 }).toBe('Failed');
    proxy.setFaults(() => ({ kind: 'pass' }));
    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl('popup.html'));
    const item = popup.getByRole('listitem').filter({ hasText: text });
    expect(await item.textContent()).toContain('This process is being rewritten (422)');
    await item.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => rowsFor(text), { timeout: 10_000 }).toBe(1);
    await item.filter({ hasText: 'Submitted' }).waitFor();
    await popup.close();
    await page.close();
  });
});
