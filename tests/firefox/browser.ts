import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { waitFor } from '../e2e/support/browser';
import { FIREFOX, FIREFOX_EXTENSION_DIR } from './paths';

/** The editor's text box, found by role and accessible name as assistive technology does. */
const SUGGESTION_BOX = '::-p-aria([name="Suggestion"][role="textbox"])';

export interface FirefoxWithExtension {
  browser: Browser;
  close: () => Promise<void>;
}

/**
 * Debian's Firefox ESR, headless, with the Firefox build installed as a temporary add-on
 * over WebDriver BiDi (`webExtension.install`), as `about:debugging` would.
 */
export async function launchFirefoxWithExtension(): Promise<FirefoxWithExtension> {
  if (!FIREFOX) throw new Error('Firefox is not installed: run `npm run setup`');
  const profile = await mkdtemp(join(tmpdir(), 'flywheel-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    // The extension's UI language follows the browser's.
    extraPrefsFirefox: { 'intl.locale.requested': 'en-US' },
  });
  await browser.installExtension(FIREFOX_EXTENSION_DIR);
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Clicks the launcher where a person sees it: its host is the only part outside its closed
 * shadow root, and the launcher button is the host's right end.
 */
export async function clickLauncher(page: Page): Promise<void> {
  const launcher = await page.waitForSelector('[data-flywheel-ui="launcher"]', { timeout: 10_000 });
  const box = await launcher?.boundingBox();
  if (!box || box.width === 0) throw new Error('The launcher is not visible');
  await page.mouse.click(box.x + box.width - 24, box.y + box.height / 2);
}

/**
 * The editor frame, once its text box has the caret. Puppeteer reports an extension frame's
 * first URL (about:blank), so frames are asked for their document's own.
 */
export async function editorFrame(page: Page): Promise<Frame> {
  let editor: Frame | undefined;
  await waitFor(async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const url = await frame.evaluate(() => document.URL).catch(() => '');
      if (url.startsWith('moz-extension://') && url.endsWith('/editor.html')) editor = frame;
    }
    return editor !== undefined;
  }, 'the editor frame');
  const frame = editor as Frame;
  const textbox = await frame.waitForSelector(SUGGESTION_BOX);
  // A person starts typing once the caret is in the text box.
  await waitFor(
    async () =>
      (await textbox?.evaluate((el) => el === document.activeElement && document.hasFocus())) ===
      true,
    'focus in the editor',
  );
  return frame;
}

/** The value of the editor's "Suggestion" text box. */
export async function suggestionText(editor: Frame): Promise<string> {
  const textbox = await editor.waitForSelector(SUGGESTION_BOX);
  return (await textbox?.evaluate((el) => (el as HTMLTextAreaElement).value)) ?? '';
}
