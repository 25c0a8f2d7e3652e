/// <reference types="chrome" />
// First run: the launcher shows on the first page after Flywheel starts, with no reload, both
// when that page opens together with the browser (before the launcher's content script is
// registered) and when it was already open before Flywheel was installed.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { accessibleButtons, CHROMIUM, CHROMIUM_ARGS, waitFor } from './support/browser';
import { DEMO_SITE_DIR, EXTENSION_DIR } from './support/paths';

let site: StaticServer;
let context: BrowserContext | undefined;
let profile: string | undefined;

beforeAll(async () => {
  site = await startStaticServer({ '/': DEMO_SITE_DIR });
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  if (profile) await rm(profile, { recursive: true, force: true });
  profile = undefined;
});
afterAll(async () => {
  await site?.close();
});

async function launch(args: string[], options: { ignoreDefaultArgs?: string[] } = {}) {
  profile = await mkdtemp(join(tmpdir(), 'flywheel-e2e-first-run-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    ...options,
  });
  return context;
}

/** The launcher is there for a person: one button with its accessible name. */
async function launcherShows(page: Page): Promise<boolean> {
  return (await accessibleButtons(page, 'Suggest improvement')) === 1;
}

/** Sends one DevTools command to the browser itself (not a page), over its own socket. */
async function browserCommand(method: string, params: Record<string, unknown>): Promise<unknown> {
  const port = (await readFile(join(profile as string, 'DevToolsActivePort'), 'utf8')).split(
    '\n',
  )[0];
  const { webSocketDebuggerUrl } = (await (
    await fetch(`http://127.0.0.1:${port}/json/version`)
  ).json()) as { webSocketDebuggerUrl: string };
  const socket = new WebSocket(webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  try {
    return await new Promise((resolve, reject) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as {
          id?: number;
          result?: unknown;
          error?: unknown;
        };
        if (message.id !== 1) return;
        if (message.error) reject(new Error(JSON.stringify(message.error)));
        else resolve(message.result);
      });
      socket.send(JSON.stringify({ id: 1, method, params }));
    });
  } finally {
    socket.close();
  }
}

describe('first run', () => {
  it('shows the launcher on the page the browser opens with, without a reload', async () => {
    const url = site.url('/purchase-order.html');
    // As a person (or `npm start`) starts it: the page on the command line, so it loads while
    // Flywheel is still starting. Playwright refuses a page in its own launch's arguments.
    profile = await mkdtemp(join(tmpdir(), 'flywheel-e2e-first-run-'));
    const chromiumProcess = spawn(
      CHROMIUM,
      [
        '--headless',
        `--user-data-dir=${profile}`,
        `--disable-extensions-except=${EXTENSION_DIR}`,
        `--load-extension=${EXTENSION_DIR}`,
        ...CHROMIUM_ARGS,
        url,
      ],
      { stdio: 'ignore' },
    );
    const started = Date.now();
    try {
      let port = '';
      await waitFor(async () => {
        port = await readFile(join(profile as string, 'DevToolsActivePort'), 'utf8')
          .then((text) => text.split('\n')[0] ?? '')
          .catch(() => '');
        return port !== '';
      }, 'Chromium to start');
      const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
      const [first] = browser.contexts();
      let page: Page | undefined;
      await waitFor(() => {
        page = first?.pages().find((p) => p.url() === url);
        return page !== undefined;
      }, 'the start page');
      const startPage = page as Page;
      let navigations = 0;
      startPage.on('framenavigated', (frame) => {
        if (frame === startPage.mainFrame()) navigations++;
      });
      await waitFor(() => launcherShows(startPage), 'the launcher on the start page', 20_000);
      console.info(`first-run: launcher on the start page ${Date.now() - started} ms after launch`);
      expect(navigations).toBe(0);
      // One launcher, not one from the registration and another from the injection.
      expect(await startPage.locator('[data-flywheel-ui="launcher"]').count()).toBe(1);
      await browser.close();
    } finally {
      chromiumProcess.kill();
      await new Promise((resolve) => chromiumProcess.once('exit', resolve).unref());
    }
  });

  it('shows the launcher on a page opened at once after the browser starts', async () => {
    const browser = await launch([
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
    ]);
    // Straight away: before the background has registered the launcher's content script.
    const page = await browser.newPage();
    const started = Date.now();
    await page.goto(site.url('/holiday-allowance.html'));
    await waitFor(() => launcherShows(page), 'the launcher on the first page', 20_000);
    console.info(
      `first-run: launcher on the first page ${Date.now() - started} ms after it opened`,
    );
    expect(await page.locator('[data-flywheel-ui="launcher"]').count()).toBe(1);
  });

  it('shows the launcher in a tab that was open before Flywheel was installed', async () => {
    // Chromium without Flywheel; installing an unpacked extension later takes this flag.
    const browser = await launch(['--enable-unsafe-extension-debugging'], {
      ignoreDefaultArgs: ['--disable-extensions'],
    });
    const page = await browser.newPage();
    await page.goto(site.url('/expense-claim.html'));
    await page.waitForTimeout(300);
    expect(await page.locator('[data-flywheel-ui="launcher"]').count()).toBe(0);

    await browserCommand('Extensions.loadUnpacked', { path: EXTENSION_DIR });
    await waitFor(() => launcherShows(page), 'the launcher in the open tab', 20_000);
    expect(await page.locator('[data-flywheel-ui="launcher"]').count()).toBe(1);
  });
});
