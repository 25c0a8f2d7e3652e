/// <reference types="chrome" />
// Everyone, in both languages: axe-core finds nothing in the popup, the options page and the
// editor (run inside each page, the editor inside its frame on an intranet page); every popup
// and options action is in the keyboard's tab order, and Export works from the keyboard; in a
// Chromium started in Dutch, the popup and options show Dutch and no English.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR, EXTENSION_DIR, REPO_ROOT } from './support/paths';

type Messages = Record<string, { message: string }>;
const locale = (lang: string) =>
  JSON.parse(readFileSync(`${REPO_ROOT}public/_locales/${lang}/messages.json`, 'utf8')) as Messages;
const en = locale('en');
const nl = locale('nl');
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface Violation {
  id: string;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core inside the page or frame itself (its own document, its own styles). */
async function axeViolations(target: Page | Frame): Promise<string[]> {
  // Evaluated through DevTools, so the extension pages' CSP (no inline script) does not apply.
  await target.evaluate(AXE_SOURCE);
  const violations = await target.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (c: Document) => Promise<{ violations: Violation[] }> } }
    ).axe;
    return (await axe.run(document)).violations;
  });
  return (violations as Violation[]).map(
    (v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
  );
}

/** Submits a suggestion on an intranet page as a person does, in whichever language. */
async function submitSuggestion(
  context: BrowserContext,
  url: string,
  text: string,
  messages: Messages,
  onEditor?: (editor: Frame) => Promise<void>,
) {
  const page = await context.newPage();
  await page.goto(url);
  await page.getByText('Print the form and ask your manager to sign it.').click({ clickCount: 3 });
  await clickLauncher(page);
  const editor = await editorFrame(page);
  const textbox = editor.getByRole('textbox', { name: messages.suggestionLabel?.message });
  await textbox.focus();
  await page.keyboard.type(text);
  await editor
    .getByRole('combobox', { name: messages.categoryLabel?.message })
    .selectOption('simplify');
  await onEditor?.(editor);
  await editor.getByRole('button', { name: messages.submitLabel?.message }).click();
  await editor
    .getByRole('status')
    .filter({ hasText: messages.submitted?.message.slice(0, 12) })
    .waitFor();
  await page.close();
}

/**
 * What a person can reach with Tab, in order: each step's element described by its role and
 * name. Stops when focus comes round again.
 */
async function tabOrder(page: Page): Promise<string[]> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const seen: string[] = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const here = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      return `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? el.id).trim() || el.id}`;
    });
    if (here === null) continue;
    if (seen.includes(here)) break;
    seen.push(here);
  }
  return seen;
}

/** Every enabled control a mouse could use, described as tabOrder describes them. */
async function enabledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [
      ...document.querySelectorAll<HTMLElement>(
        'button:not(:disabled), a[href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled)',
      ),
    ]
      .filter((el) => el.getClientRects().length > 0)
      .filter((el) => !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked))
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? el.id).trim() || el.id}`,
      ),
  );
}

describe('in English', () => {
  let browser: ExtensionBrowser;
  let site: StaticServer;

  beforeAll(async () => {
    site = await startStaticServer({ '/': DEMO_SITE_DIR });
    browser = await launchWithExtension();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('axe finds no violations in the editor, inside its frame on the page', async () => {
    let found: string[] = ['axe did not run'];
    await submitSuggestion(
      browser.context,
      site.url('/purchase-order.html'),
      'Let managers sign PO-7 digitally',
      en,
      async (editor) => {
        found = await axeViolations(editor);
      },
    );
    expect(found).toEqual([]);
  });

  it('axe finds no violations in the popup, with a suggestion in it', async () => {
    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl('popup.html'));
    await popup.getByRole('listitem').first().waitFor();
    expect(await popup.getByRole('main').count()).toBe(1);
    expect(await popup.getByRole('heading', { level: 1 }).count()).toBe(1);
    expect(await axeViolations(popup)).toEqual([]);
    await popup.close();
  });

  it('axe finds no violations in the options page', async () => {
    const options = await browser.context.newPage();
    await options.goto(browser.extensionUrl('options.html'));
    await options.getByRole('heading', { level: 1 }).waitFor();
    expect(await axeViolations(options)).toEqual([]);
    await options.close();
  });

  it('reaches every popup and options control with Tab', async () => {
    for (const path of ['popup.html', 'options.html']) {
      const page = await browser.context.newPage();
      await page.goto(browser.extensionUrl(path));
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      const controls = await enabledControls(page);
      expect(controls.length, path).toBeGreaterThan(2);
      expect((await tabOrder(page)).sort(), path).toEqual(controls.sort());
      await page.close();
    }
  });

  it('exports the suggestions as JSON and as CSV from the keyboard', async () => {
    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl('popup.html'));
    await popup.getByRole('listitem').first().waitFor();
    for (const [name, extension] of [
      [en.exportJson?.message, 'json'],
      [en.exportCsv?.message, 'csv'],
    ] as const) {
      const button = popup.getByRole('button', { name });
      await waitFor(() => button.isEnabled(), `${name} to be enabled`);
      await button.focus();
      const [download] = await Promise.all([
        popup.waitForEvent('download'),
        popup.keyboard.press('Enter'),
      ]);
      expect(download.suggestedFilename()).toMatch(
        new RegExp(`^flywheel-suggestions-\\d{4}-\\d{2}-\\d{2}\\.${extension}$`),
      );
      const text = await readFile((await download.path()) as string, 'utf8');
      if (extension === 'json') {
        const [annotation] = JSON.parse(text);
        expect(annotation).toMatchObject({
          type: 'Annotation',
          motivation: 'editing',
          body: [{ type: 'TextualBody', value: 'Let managers sign PO-7 digitally' }, {}],
          target: { source: site.url('/purchase-order.html') },
        });
        expect(annotation['@context'][0]).toBe('http://www.w3.org/ns/anno.jsonld');
        expect(annotation.target.selector[0]).toMatchObject({
          type: 'TextQuoteSelector',
          exact: 'Print the form and ask your manager to sign it.',
        });
      } else {
        const [header, row] = text.split('\r\n');
        expect(header?.split(',').slice(0, 7)).toEqual([
          'id',
          'created',
          'modified',
          'page_url',
          'page_title',
          'quote',
          'suggestion',
        ]);
        expect(row).toContain('Let managers sign PO-7 digitally');
      }
      await popup
        .getByRole('status')
        .filter({ hasText: en.exportDone?.message.replace('$COUNT$', '1') })
        .waitFor();
    }
    await popup.close();
  });
});

/** English words no Dutch sentence of ours uses; seeing one means English leaked through. */
const ENGLISH_WORDS =
  /\b(the|your|and|with|this|not|yet|ago|seconds?|minutes?|hours?|days?|sent|sync|suggestions?)\b/i;

/**
 * The text a person reads on the page that is Flywheel's own: not what people wrote or what
 * the intranet page is called (the demo site is English), and not the error log's entries,
 * which are for a bug report.
 */
async function uiText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const copy = document.body.cloneNode(true) as HTMLElement;
    for (const el of copy.querySelectorAll('.text, .quote-line, .page, .diagnostics, code')) {
      el.remove();
    }
    document.body.append(copy);
    copy.style.position = 'absolute';
    // innerText: the text as laid out, words apart (CSS may upper-case it; compared ignoring case).
    // biome-ignore lint/performance/useDomNodeTextContent: textContent runs words together
    const text = copy.innerText;
    copy.remove();
    return text;
  });
}

/** English messages that show on the page: each literal part of a message whose Dutch differs. */
function englishMessagesIn(text: string): string[] {
  const dutchText = Object.values(nl)
    .map((m) => m.message)
    .join('\n')
    .toLowerCase();
  const shown = text.toLowerCase();
  const found: string[] = [];
  for (const [key, message] of Object.entries(en)) {
    if (nl[key]?.message === message.message) continue;
    for (const part of message.message.split(/\$\w+\$/)) {
      const words = part.trim().toLowerCase();
      // Words Dutch shares ("Open") are no sign of English.
      if (words.length < 4 || dutchText.includes(words)) continue;
      if (shown.includes(words)) found.push(`${key}: ${words}`);
    }
  }
  return found;
}

describe('in Dutch (Chromium started with --lang=nl)', () => {
  let context: BrowserContext;
  let profile: string;
  let site: StaticServer;
  let extensionUrl: (path: string) => string;

  beforeAll(async () => {
    site = await startStaticServer({ '/': DEMO_SITE_DIR });
    profile = await mkdtemp(join(tmpdir(), 'flywheel-e2e-nl-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        `--disable-extensions-except=${EXTENSION_DIR}`,
        `--load-extension=${EXTENSION_DIR}`,
        ...CHROMIUM_ARGS.filter((arg) => !arg.startsWith('--lang=')),
        '--lang=nl',
      ],
    });
    const worker =
      context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
      (await context.waitForEvent('serviceworker'));
    const id = new URL(worker.url()).host;
    extensionUrl = (path) => `chrome-extension://${id}/${path}`;
    await waitFor(
      () =>
        worker.evaluate(
          async () => (await chrome.scripting.getRegisteredContentScripts()).length > 0,
        ),
      'the launcher content script to be registered',
    );
  });
  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await site?.close();
  });

  it('picks the Dutch locale, although the browser reports English', async () => {
    const page = await context.newPage();
    await page.goto(extensionUrl('popup.html'));
    await page.getByRole('heading', { level: 1 }).waitFor();
    // What Chromium's headless shell says of itself, and what Flywheel actually speaks.
    const languages = await page.evaluate(() => ({
      browser: chrome.i18n.getUILanguage(),
      flywheel: chrome.i18n.getMessage('uiLocale'),
      document: document.documentElement.lang,
    }));
    expect(languages.flywheel).toBe('nl');
    expect(languages.document).toBe('nl');
    await page.close();
  });

  it('shows the popup in Dutch only, times and counts included', async () => {
    await submitSuggestion(
      context,
      site.url('/purchase-order.html'),
      'Laat managers PO-7 digitaal ondertekenen',
      nl,
    );
    const popup = await context.newPage();
    await popup.goto(extensionUrl('popup.html'));
    await popup.getByRole('listitem').first().waitFor();
    const text = await uiText(popup);
    expect(text.toLowerCase()).toContain(nl.popupListHeading?.message.toLowerCase());
    expect(text).toContain(nl.state_queued?.message);
    expect(await popup.locator('.suggestion time').first().textContent()).toMatch(/geleden|^nu$/);
    expect(englishMessagesIn(text)).toEqual([]);
    expect(text.match(ENGLISH_WORDS)).toBeNull();
    expect(await axeViolations(popup)).toEqual([]);
    await popup.close();
  });

  it('shows the options page in Dutch only', async () => {
    const options = await context.newPage();
    await options.goto(extensionUrl('options.html'));
    await options.getByRole('heading', { level: 1 }).waitFor();
    const text = await uiText(options);
    expect(text).toContain(nl.optionsHeading?.message);
    expect(text.toLowerCase()).toContain(nl.sitesHeading?.message.toLowerCase());
    const placeholders = await options
      .locator('input[placeholder]')
      .evaluateAll((inputs) => inputs.map((i) => i.getAttribute('placeholder') ?? ''));
    expect(englishMessagesIn(`${text}\n${placeholders.join('\n')}`)).toEqual([]);
    expect(text.match(ENGLISH_WORDS)).toBeNull();
    expect(await axeViolations(options)).toEqual([]);
    await options.close();
  });
});
