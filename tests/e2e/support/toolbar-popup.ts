/// <reference types="chrome" />
// The toolbar popup as a person gets it: opened by the browser over the active tab. Playwright
// does not list extension popups among its pages, so this drives the popup's own DevTools
// target: real mouse events at the control's place, and its text as a person reads it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { type ExtensionBrowser, waitFor } from './browser';

interface TargetInfo {
  id: string;
  type: string;
  url: string;
  webSocketDebuggerUrl?: string;
}

export interface ToolbarPopup {
  /** Clicks the button whose visible text is `name`. */
  clickButton: (name: string) => Promise<void>;
  text: () => Promise<string>;
  close: () => void;
}

async function targets(port: string): Promise<TargetInfo[]> {
  return (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as Promise<TargetInfo[]>;
}

export async function openToolbarPopup(
  browser: ExtensionBrowser,
  over: Page,
): Promise<ToolbarPopup> {
  const port = (await readFile(join(browser.profile, 'DevToolsActivePort'), 'utf8')).split('\n')[0];
  if (!port) throw new Error('Chromium did not write its DevTools port');
  const popupUrl = browser.extensionUrl('popup.html');
  const before = new Set((await targets(port)).map((t) => t.id));
  await over.bringToFront();
  const worker = await browser.currentWorker();
  await worker.evaluate(() => chrome.action.openPopup());
  let target: TargetInfo | undefined;
  await waitFor(async () => {
    target = (await targets(port)).find((t) => t.url === popupUrl && !before.has(t.id));
    return target?.webSocketDebuggerUrl !== undefined;
  }, 'the toolbar popup');
  const socket = new WebSocket(target?.webSocketDebuggerUrl as string);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  const evaluate = async <T>(expression: string): Promise<T> => {
    const result = (await send('Runtime.evaluate', { expression, returnByValue: true })) as {
      result: { value: T };
    };
    return result.result.value;
  };

  return {
    async clickButton(name) {
      let box: { x: number; y: number } | null = null;
      await waitFor(async () => {
        box = await evaluate<{ x: number; y: number } | null>(`(() => {
          const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === ${JSON.stringify(name)} && !b.disabled);
          if (!button) return null;
          const r = button.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        })()`);
        return box !== null;
      }, `the popup button "${name}"`);
      const { x, y } = box as unknown as { x: number; y: number };
      for (const type of ['mousePressed', 'mouseReleased']) {
        await send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
      }
    },
    text: () => evaluate<string>('document.body.innerText'),
    close: () => socket.close(),
  };
}
