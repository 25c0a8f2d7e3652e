/// <reference types="chrome" />
import type { Frame, Page } from 'playwright-core';
import { clickLauncher, type ExtensionBrowser, editorFrame } from '../e2e/support/browser';
import { type Spread, sleep, spread } from './stats';

export interface WidgetResult {
  launcherToEditor: Spread;
  /** The same, measured from Node (click sent -> focus seen by polling): an upper bound. */
  launcherToEditorPolled: Spread;
  keystrokeToDurable: Spread;
  keystrokeToDurablePolled: Spread;
}

interface BenchWindow {
  __benchClickAt?: number;
  __benchReadyAt?: number;
  __benchKeys?: number[];
}

// In every frame of the page, before its scripts. Times are `timeOrigin + ...`: milliseconds on
// the wall clock at sub-millisecond resolution, comparable between the page, the editor frame
// and the service worker (different processes; their clocks agree to well under a millisecond).
// A string, not a function: the TypeScript loader may wrap functions in helpers the page lacks.
const INSTRUMENT = `(() => {
  const w = window;
  const now = () => performance.timeOrigin + performance.now();
  if (location.protocol === 'chrome-extension:') {
    // Ready for typing: the text box has focus and so does the frame's document.
    const check = () => {
      if (w.__benchReadyAt !== undefined) return;
      if (document.activeElement instanceof HTMLTextAreaElement && document.hasFocus()) {
        w.__benchReadyAt = now();
      }
    };
    addEventListener('focusin', check, true);
    addEventListener('focus', check, true);
    addEventListener('keydown', (event) => {
      w.__benchKeys = w.__benchKeys || [];
      w.__benchKeys.push(performance.timeOrigin + event.timeStamp);
    }, true);
  } else {
    addEventListener('pointerdown', (event) => {
      w.__benchClickAt = performance.timeOrigin + event.timeStamp;
    }, true);
  }
})();`;

async function openEditorOnce(page: Page, url: string) {
  await page.goto(url);
  await page.locator('[data-flywheel-ui="launcher"]').waitFor({ state: 'attached' });
  // A person selects the step they mean, then asks for the widget.
  await page.getByText('Print the form and ask your manager to sign it.').click({ clickCount: 3 });
  const sentAt = performance.timeOrigin + performance.now();
  await clickLauncher(page);
  const frame = await editorFrame(page);
  const polledAt = performance.timeOrigin + performance.now();
  const clickAt = await page.evaluate(() => (window as unknown as BenchWindow).__benchClickAt);
  const readyAt = await frame.evaluate(() => (window as unknown as BenchWindow).__benchReadyAt);
  if (clickAt === undefined || readyAt === undefined) {
    throw new Error('The widget benchmark could not see the click or the focus');
  }
  return { frame, measured: readyAt - clickAt, polled: polledAt - sentAt };
}

/** Waits in the service worker until IndexedDB holds a suggestion with this text; returns when. */
async function durableAt(browser: ExtensionBrowser, text: string): Promise<number> {
  const worker = await browser.currentWorker();
  return worker.evaluate(async (expected) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('flywheel');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        const rows = await new Promise<{ text: string }[]>((resolve, reject) => {
          const request = db
            .transaction('suggestions', 'readonly')
            .objectStore('suggestions')
            .getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        if (rows.some((row) => row.text === expected)) {
          return performance.timeOrigin + performance.now();
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      throw new Error('The draft never reached IndexedDB');
    } finally {
      db.close();
    }
  }, text);
}

async function lastKeyAt(frame: Frame): Promise<number> {
  const keys = await frame.evaluate(() => (window as unknown as BenchWindow).__benchKeys ?? []);
  const last = keys.at(-1);
  if (last === undefined) throw new Error('No keystroke seen in the editor');
  return last;
}

export async function benchWidget(options: {
  browser: ExtensionBrowser;
  pageUrl: string;
  opens: number;
  keystrokes: number;
  log?: (line: string) => void;
}): Promise<WidgetResult> {
  const page = await options.browser.context.newPage();
  await page.addInitScript(INSTRUMENT);
  const measured: number[] = [];
  const polled: number[] = [];
  let frame: Frame | undefined;
  // One warm-up open, not counted: the first one also starts the service worker's database.
  for (let run = -1; run < options.opens; run++) {
    const result = await openEditorOnce(page, options.pageUrl);
    if (run >= 0) {
      measured.push(result.measured);
      polled.push(result.polled);
    }
    frame = result.frame;
  }
  options.log?.(`  widget: ${options.opens} opens`);

  const durable: number[] = [];
  const durablePolled: number[] = [];
  const editor = frame as Frame;
  let text = await editor.getByRole('textbox', { name: 'Suggestion' }).inputValue();
  for (let i = 0; i < options.keystrokes; i++) {
    const key = 'abcdefghijklmnopqrstuvwxyz'[i % 26] as string;
    text += key;
    const sentAt = performance.timeOrigin + performance.now();
    const seen = durableAt(options.browser, text);
    await page.keyboard.type(key);
    const seenAt = await seen;
    durablePolled.push(performance.timeOrigin + performance.now() - sentAt);
    durable.push(seenAt - (await lastKeyAt(editor)));
    await sleep(50);
  }
  options.log?.(`  widget: ${options.keystrokes} keystrokes`);
  await page.close();
  return {
    launcherToEditor: spread(measured),
    launcherToEditorPolled: spread(polled),
    keystrokeToDurable: spread(durable),
    keystrokeToDurablePolled: spread(durablePolled),
  };
}
