import { browser } from 'wxt/browser';
import type { FlywheelDatabase } from '@/utils/background/db';
import type { PageSuggestion, PageSuggestionRequestType } from '@/utils/shared/messaging';
import { normalizePageUrl } from '@/utils/shared/pages';
import { MAX_PAGE_SUGGESTIONS, type Suggestion } from '@/utils/shared/suggestion';
import { type Handlers, RequestError, senderPage } from './router';
import type { AnchoringReports, EditorSessions } from './tab-store';

export interface PageSuggestionDeps {
  db: FlywheelDatabase;
  sessions: EditorSessions;
  reports: AnchoringReports;
}

export function createPageSuggestionHandlers(
  deps: PageSuggestionDeps,
): Pick<Handlers, PageSuggestionRequestType> {
  const { db, sessions, reports } = deps;

  return {
    async listPageSuggestions(_data, context) {
      const { tabId, pageUrl } = senderPage(context);
      const onPage = await db.suggestions.where('pageUrl').equals(pageUrl).toArray();
      // Suggestions about the whole page have nothing to highlight.
      const items: PageSuggestion[] = onPage
        .filter((s) => s.selectors.length > 0)
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, MAX_PAGE_SUGGESTIONS)
        .map(({ id, text, quote, selectors, syncState, remoteStatus }) => ({
          id,
          text,
          quote,
          selectors,
          syncState,
          remoteStatus,
        }));
      // A new look at the page: what was missing before is not known to be missing now.
      await reports.set(tabId, { pageUrl, orphans: [] });
      return { items };
    },

    async reportAnchoring(data, context) {
      const { tabId, pageUrl } = senderPage(context);
      await reports.set(tabId, { pageUrl, orphans: [...new Set(data.orphans)] });
      // An open popup shows the page's orphans; none open is not an error.
      browser.runtime.sendMessage({ event: 'anchoringChanged' }).catch(() => {});
      return { stored: true };
    },

    async openSuggestion(data, context) {
      const { tabId, pageUrl } = senderPage(context);
      const suggestion = await db.suggestions.get(data.id);
      // A page can open only its own suggestions.
      if (!suggestion || suggestion.pageUrl !== pageUrl) {
        throw new RequestError('errorNoSuchSuggestion');
      }
      await sessions.set(tabId, {
        draftId: suggestion.id,
        pageUrl,
        pageTitle: suggestion.pageTitle,
        quote: suggestion.quote,
        selectors: suggestion.selectors,
      });
      return { draftId: suggestion.id };
    },

    async listPageOrphans(data) {
      const report = await reports.get(data.tabId);
      if (!report || report.pageUrl !== normalizePageUrl(data.pageUrl)) return { items: [] };
      const found = await db.suggestions.bulkGet(report.orphans);
      return { items: found.filter((s): s is Suggestion => s?.pageUrl === report.pageUrl) };
    },
  };
}
