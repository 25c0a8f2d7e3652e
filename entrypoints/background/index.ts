import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { db } from '@/utils/db';
import type { PageCommand } from '@/utils/messaging';
import { updateBadge } from './badge';
import { buildTimeSites, syncContentScriptRegistration } from './content-script-registration';
import { EditorSessions } from './editor-sessions';
import { createHandlers } from './handlers';
import { createRouter } from './router';

export default defineBackground({
  type: 'module',
  main() {
    const sessions = new EditorSessions();
    const refreshBadge = () => void updateBadge(db).catch(() => {});

    const handlers = createHandlers({
      db,
      sessions,
      onSuggestionsChanged: () => {
        refreshBadge();
        // Open popups and options pages refresh their lists; none open is not an error.
        browser.runtime.sendMessage({ event: 'suggestionsChanged' }).catch(() => {});
      },
      async closeEditorInTab(tabId) {
        const command: PageCommand<'closeEditor'> = { command: 'closeEditor', data: {} };
        await browser.tabs.sendMessage(tabId, command, { frameId: 0 });
      },
    });
    browser.runtime.onMessage.addListener(
      createRouter(handlers, { id: browser.runtime.id, origin: browser.runtime.getURL('/') }),
    );

    browser.tabs.onRemoved.addListener((tabId) => void sessions.delete(tabId));
    const registerSites = () =>
      void syncContentScriptRegistration(buildTimeSites()).catch(() => {});
    browser.runtime.onInstalled.addListener(registerSites);
    browser.runtime.onStartup.addListener(registerSites);
    browser.permissions.onAdded.addListener(registerSites);
    browser.permissions.onRemoved.addListener(registerSites);
    refreshBadge();
  },
});
