import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { db } from '@/utils/background/db';
import type { PageCommand } from '@/utils/shared/messaging';
import { openWidgetOnTab } from '@/utils/shared/open-widget';
import { normalizePageUrl } from '@/utils/shared/pages';
import { updateBadge } from './badge';
import { createHandlers } from './handlers';
import { createRouter, type Handlers } from './router';
import { createSiteHandlers, setupSites } from './sites';
import { createSyncHandlers, setupSync } from './sync';
import { AnchoringReports, EditorSessions } from './tab-store';

export default defineBackground({
  type: 'module',
  main() {
    const sessions = new EditorSessions();
    const reports = new AnchoringReports();
    const refreshBadge = () => void updateBadge(db).catch(() => {});

    // Many changes in a burst (a sync run) make one refresh of the badge and open lists.
    let refreshPending = false;
    const onSuggestionsChanged = () => {
      if (refreshPending) return;
      refreshPending = true;
      setTimeout(() => {
        refreshPending = false;
        refreshBadge();
        // Open popups and options pages refresh their lists; none open is not an error.
        browser.runtime.sendMessage({ event: 'suggestionsChanged' }).catch(() => {});
      }, 100);
    };
    const sync = setupSync(db, onSuggestionsChanged);
    const coreHandlers = createHandlers({
      db,
      sessions,
      reports,
      onSuggestionsChanged,
      onQueued: () => void sync.drain(),
      async closeEditorInTab(tabId) {
        const command: PageCommand<'closeEditor'> = { command: 'closeEditor', data: {} };
        await browser.tabs.sendMessage(tabId, command, { frameId: 0 });
      },
    });
    const handlers: Handlers = {
      ...coreHandlers,
      ...createSyncHandlers(db, sync, onSuggestionsChanged),
      ...createSiteHandlers(),
    };
    browser.runtime.onMessage.addListener(
      createRouter(handlers, { id: browser.runtime.id, origin: browser.runtime.getURL('/') }),
    );

    browser.tabs.onRemoved.addListener((tabId) => {
      void sessions.delete(tabId);
      void reports.delete(tabId);
    });
    setupSites();
    browser.commands.onCommand.addListener((command, tab) => {
      if (command === 'suggest-improvement' && tab?.id !== undefined && normalizePageUrl(tab.url)) {
        void openWidgetOnTab(tab.id).catch(() => {});
      }
    });
    refreshBadge();
  },
});
