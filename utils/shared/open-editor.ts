import { browser } from 'wxt/browser';
import type { PageCommand } from './messaging';

/** The content script, as WXT builds it; also what the background registers for sites. */
export const CONTENT_SCRIPT_FILE = '/content-script.js';

/**
 * Opens the editor on a tab the person pointed Flywheel at (toolbar popup or
 * keyboard shortcut): activeTab lets us inject without a site permission.
 */
export async function openEditorOnTab(tabId: number): Promise<void> {
  await browser.scripting.executeScript({
    target: { tabId },
    func: () => {
      (globalThis as { flywheelOnDemand?: boolean }).flywheelOnDemand = true;
    },
  });
  await browser.scripting.executeScript({ target: { tabId }, files: [CONTENT_SCRIPT_FILE] });
  const command: PageCommand<'showEditor'> = { command: 'showEditor', data: {} };
  await browser.tabs.sendMessage(tabId, command, { frameId: 0 });
}
