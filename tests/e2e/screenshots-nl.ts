// The README's Dutch screenshots: the editor on a demo page and the popup, with Flywheel's UI
// in Dutch (Chromium started with --lang=nl and a Dutch LANGUAGE/LANG).
//
//   node --import tsx tests/e2e/screenshots-nl.ts
//
// Builds the extension into a folder of its own, acts as a person does (selects a step, types,
// chooses a category, submits), checks that what it shows really is Dutch, and writes
// docs/screenshot-nl-editor.png and docs/screenshot-nl-popup.png.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Frame, type Page, type Worker } from 'playwright-core';
import WebSocket from 'ws';
import { startStaticServer } from '../../demo/static-server';
import { CHROMIUM, CHROMIUM_ARGS, clickLauncher, editorFrame, waitFor } from './support/browser';
import { DEMO_SITE_DIR, REPO_ROOT } from './support/paths';

type Messages = Record<string, { message: string }>;

/** Opens the toolbar popup, checks it speaks Dutch, and answers a PNG of it. */
async function toolbarPopupScreenshot(worker: Worker, popupUrl: string): Promise<Buffer> {
  const port = (await readFile(join(profile, 'DevToolsActivePort'), 'utf8')).split('\n')[0];
  const targets = async () =>
    (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      url: string;
      webSocketDebuggerUrl?: string;
    }[];
  await worker.evaluate(() => chrome.action.openPopup());
  let socketUrl: string | undefined;
  await waitFor(async () => {
    socketUrl = (await targets()).find((t) => t.url === popupUrl)?.webSocketDebuggerUrl;
    return socketUrl !== undefined;
  }, 'the toolbar popup');
  const socket = new WebSocket(socketUrl as string);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 1;
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = nextId++;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as {
          id?: number;
          result?: Record<string, unknown>;
        };
        if (message.id !== id) return;
        socket.off('message', onMessage);
        resolve(message.result ?? {});
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method, params }));
    });
  const evaluate = async (expression: string) =>
    (
      (await send('Runtime.evaluate', { expression, returnByValue: true })).result as {
        value: unknown;
      }
    ).value;
  try {
    await waitFor(
      async () => (await evaluate(`document.querySelectorAll('li').length`)) === 3,
      'the popup to list the suggestions',
    );
    const language = await evaluate(`chrome.i18n.getMessage('uiLocale')`);
    const heading = await evaluate(`document.querySelector('h2')?.textContent`);
    const button = await evaluate(`document.querySelector('button.primary')?.textContent`);
    if (
      language !== 'nl' ||
      heading !== word('popupListHeading') ||
      button !== word('popupSuggestHere')
    ) {
      throw new Error(`The popup is not in Dutch: ${language}, ${heading}, ${button}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    const { data } = (await send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    return Buffer.from(data, 'base64');
  } finally {
    socket.close();
  }
}

const OUT_DIR = `${REPO_ROOT}.output/screenshots-nl`;
const EXTENSION_DIR = `${OUT_DIR}/chrome-mv3`;
const DUTCH = { LANGUAGE: 'nl', LANG: 'nl_NL.UTF-8', LC_ALL: 'nl_NL.UTF-8' };

const nl = JSON.parse(
  await readFile(`${REPO_ROOT}public/_locales/nl/messages.json`, 'utf8'),
) as Messages;
const word = (key: string): string => {
  const message = nl[key]?.message;
  if (!message) throw new Error(`No Dutch message ${key}`);
  return message;
};

const build = spawnSync(process.execPath, ['node_modules/wxt/bin/wxt.mjs', 'build'], {
  cwd: REPO_ROOT,
  env: { ...process.env, FLYWHEEL_SITES: 'http://127.0.0.1/*', FLYWHEEL_OUT_DIR: OUT_DIR },
  encoding: 'utf8',
});
if (build.status !== 0)
  throw new Error(`Extension build failed:\n${build.stdout}\n${build.stderr}`);

const site = await startStaticServer({ '/': DEMO_SITE_DIR });
const profile = await mkdtemp(join(tmpdir(), 'flywheel-screenshots-nl-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  locale: 'nl-NL',
  env: { ...process.env, ...DUTCH },
  viewport: { width: 1280, height: 720 },
  args: [
    `--disable-extensions-except=${EXTENSION_DIR}`,
    `--load-extension=${EXTENSION_DIR}`,
    ...CHROMIUM_ARGS.filter((arg) => !arg.startsWith('--lang=')),
    '--lang=nl',
  ],
});

try {
  const worker =
    context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  await waitFor(
    () =>
      worker.evaluate(
        async () => (await chrome.scripting.getRegisteredContentScripts()).length > 0,
      ),
    'the launcher content script to be registered',
  );

  /** Opens the editor on a step of the purchase-order page and types a suggestion. */
  async function startSuggestion(page: Page, step: string, text: string): Promise<Frame> {
    await page.getByText(step).click({ clickCount: 3 });
    await clickLauncher(page);
    const editor = await editorFrame(page);
    await editor.getByRole('textbox', { name: word('suggestionLabel') }).focus();
    await page.keyboard.type(text);
    return editor;
  }

  async function submit(editor: Frame, page: Page, anonymous: boolean) {
    if (anonymous) await editor.getByRole('checkbox', { name: word('anonymousLabel') }).check();
    await editor.getByRole('button', { name: word('submitLabel') }).click();
    await editor
      .getByRole('status')
      .filter({ hasText: word('submitted').slice(0, 12) })
      .waitFor();
    await page.keyboard.press('Escape');
    await waitFor(
      async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
      'the editor to close',
    );
  }

  const page = await context.newPage();
  await page.goto(site.url('/purchase-order.html'));

  // Two suggestions for the popup's list, one of them anonymous.
  let editor = await startSuggestion(
    page,
    'Ask three suppliers for a written quote and keep them with the request.',
    'Twee offertes zijn genoeg onder de 5.000 euro',
  );
  await editor
    .getByRole('combobox', { name: word('categoryLabel') })
    .selectOption({ label: word('category_simplify') });
  await submit(editor, page, true);
  editor = await startSuggestion(
    page,
    'Scan the signed form and send it to procurement by email.',
    'Het e-mailadres van inkoop ontbreekt hier',
  );
  await editor
    .getByRole('combobox', { name: word('categoryLabel') })
    .selectOption({ label: word('category_missing_step') });
  await submit(editor, page, false);

  // The editor, open on a step, a category being chosen.
  await page.mouse.click(5, 5);
  editor = await startSuggestion(
    page,
    'Print the form and ask your manager to sign it.',
    'Laat managers PO-7 digitaal ondertekenen',
  );
  await editor
    .getByRole('combobox', { name: word('categoryLabel') })
    .selectOption({ label: word('category_outdated') });
  const heading = await editor.getByRole('heading', { level: 1 }).textContent();
  if (heading !== word('editorHeading')) throw new Error(`The editor is not in Dutch: ${heading}`);
  await page.waitForTimeout(600);
  await writeFile(`${REPO_ROOT}docs/screenshot-nl-editor.png`, await page.screenshot());
  await page.keyboard.press('Escape');

  // The popup as the toolbar shows it, over the page: its own DevTools target (Playwright does
  // not list extension popups among its pages).
  await page.bringToFront();
  const png = await toolbarPopupScreenshot(worker, `chrome-extension://${extensionId}/popup.html`);
  await writeFile(`${REPO_ROOT}docs/screenshot-nl-popup.png`, png);
  console.log('Wrote docs/screenshot-nl-editor.png and docs/screenshot-nl-popup.png');
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
  await site.close();
}
