// The background: the one writer of the database. This file only wires the capabilities; each
// lives in its own file with its handlers and its start-up, and fails alone.
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { db } from '@/utils/background/db';
import { createErrorLog } from '@/utils/background/error-log';
import { createPageListing, fetchReplies } from '@/utils/background/page-listing';
import { endpointSettingsItem } from '@/utils/background/settings';
import type { PageCommand } from '@/utils/shared/messaging';
import { createBadge } from './badge';
import { broadcast, coalesce } from './broadcast';
import { createCapture } from './capture';
import { createCard } from './card';
import { createCommands } from './commands';
import { createDiagnostics } from './diagnostics';
import { createEditedAnchoring } from './edited-anchoring';
import { createNotices } from './notices';
import { createPageLabels } from './page-labels';
import { createPageSuggestions } from './page-suggestions';
import { createRouter, type Handlers } from './router';
import { createScreenshots } from './screenshot';
import { createSettings, loadSyncConfig } from './settings';
import { createSites } from './sites';
import { createSync } from './sync';
import { AnchoringReports, EditorSessions } from './tab-store';

export default defineBackground({
  type: 'module',
  main() {
    const log = createErrorLog(db);
    const sessions = new EditorSessions();
    const reports = new AnchoringReports();

    const badge = createBadge({ db, log });
    const suggestionsChanged = coalesce(() => {
      badge.refresh();
      broadcast('suggestionsChanged', {});
      // Tabs showing the page of a suggestion sent or withdrawn elsewhere mark it anew.
      pageSuggestions
        .suggestionsChanged()
        .catch((error) => log.record('background', 'marks-changed', error));
    });
    const sync = createSync({ db, log, onChange: suggestionsChanged });
    // Capture checks the editor's capability for the screenshot's requests too.
    const screenshots = createScreenshots({
      db,
      session: (context, capability, use) => capture.sessionFor(context, capability, use),
      onError: (error) => void log.record('background', 'screenshot', error),
    });
    const capture = createCapture({
      db,
      sessions,
      screenshots,
      onSuggestionsChanged: suggestionsChanged,
      onQueued: sync.drain,
      async replies(suggestionIri) {
        const config = await loadSyncConfig(db);
        return config ? fetchReplies(suggestionIri, config) : [];
      },
      // Replies are signed with the name the person gave in the options page.
      displayName: async () => (await endpointSettingsItem.getValue()).displayName,
      async closeEditorInTab(tabId) {
        const command: PageCommand<'closeEditor'> = { command: 'closeEditor', data: {} };
        await browser.tabs.sendMessage(tabId, command, { frameId: 0 });
      },
    });
    const card = createCard({
      db,
      sessionFor: (context, capability, use) => capture.sessionFor(context, capability, use),
      resolveConflict: sync.resolveConflict,
      markSeen: sync.popupLink.markSeen,
      onQueued: sync.drain,
      onSuggestionsChanged: suggestionsChanged,
    });
    const listing = createPageListing(db);
    const pageSuggestions = createPageSuggestions({
      db,
      sessions,
      reports,
      onAnchoringChanged: () => broadcast('anchoringChanged', {}),
      // One conditional request per page view; a slow endpoint gets a moment, then what is
      // kept is shown, and the page is told when the answer lands (page-suggestions.ts).
      async colleagues(pageUrl) {
        const config = await loadSyncConfig(db);
        if (!config) return listing.cached(pageUrl);
        return listing.view(pageUrl, config, (error) => log.record('background', 'listing', error));
      },
      keptColleagues: (pageUrl) => listing.cached(pageUrl),
      onError: (error) => void log.record('background', 'marks-changed', error),
    });
    const settings = createSettings({
      db,
      onSettingsChanged() {
        suggestionsChanged();
        sync.sendNow();
      },
    });
    const sites = createSites({ log });
    const diagnostics = createDiagnostics({ log });
    const editedAnchoring = createEditedAnchoring();

    // Every request has its handler: the type says so.
    const handlers: Handlers = {
      ...capture.handlers,
      ...card.handlers,
      ...screenshots.handlers,
      ...pageSuggestions.handlers,
      ...createPageLabels().handlers,
      ...sync.handlers,
      ...settings.handlers,
      ...sites.handlers,
      ...diagnostics.handlers,
      ...editedAnchoring.handlers,
    };
    browser.runtime.onMessage.addListener(
      createRouter(
        handlers,
        { id: browser.runtime.id, origin: browser.runtime.getURL('/') },
        (type, kind, error) => void log.record('background', `${type} (from ${kind})`, error),
      ),
    );
    browser.tabs.onRemoved.addListener((tabId) => {
      void Promise.all([capture.tabClosed(tabId), pageSuggestions.tabClosed(tabId)]).catch(
        (error) => log.record('background', 'tabs/removed', error),
      );
    });

    // Each starts on its own: one that throws is logged and the others still run.
    const starts = {
      notices: createNotices({ db, log }),
      sync,
      sites,
      commands: createCommands({ log }),
      badge,
      editedAnchoring,
    };
    for (const [id, capability] of Object.entries(starts)) {
      try {
        capability.start();
      } catch (error) {
        void log.record('background', `${id}/start`, error);
      }
    }
  },
});
