// The keyboard way in (Alt+Shift+S): like the toolbar button, it grants activeTab on any page.
import { browser } from 'wxt/browser';
import type { ErrorLog } from '@/utils/background/error-log';
import { openEditorOnTab } from '@/utils/shared/open-editor';
import { normalizePageUrl } from '@/utils/shared/pages';

export function createCommands({ log }: { log: ErrorLog }) {
  return {
    start() {
      browser.commands.onCommand.addListener((command, tab) => {
        if (command !== 'suggest-improvement' || tab?.id === undefined) return;
        if (!normalizePageUrl(tab.url)) return;
        openEditorOnTab(tab.id).catch((error) => log.record('background', 'commands', error));
      });
    },
  };
}
