// The page's suggestions, as the content script highlights them: where they are (selectors
// and ids), never what they say. What it could not find is kept per tab for the popup.
import type { ColleagueSuggestion, FlywheelDatabase } from '@/utils/background/db';
import type { PageMark } from '@/utils/shared/messaging';
import { normalizePageUrl } from '@/utils/shared/pages';
import { MAX_PAGE_SUGGESTIONS, type Suggestion } from '@/utils/shared/suggestion';
import { newCapability } from './capture';
import { defineHandlers, RequestError, senderPage } from './router';
import type { AnchoringReports, EditorSessions } from './tab-store';

export interface PageSuggestionDeps {
  db: FlywheelDatabase;
  sessions: EditorSessions;
  reports: AnchoringReports;
  /** An open popup shows the page's orphans. */
  onAnchoringChanged: () => void;
  /** Colleagues' suggestions on the page (the endpoint's listing, or what is kept of it). */
  colleagues?: (pageUrl: string) => Promise<ColleagueSuggestion[]>;
  /** What is kept of the page's listing, without asking the endpoint. */
  keptColleagues?: (pageUrl: string) => Promise<ColleagueSuggestion[]>;
}

/** Declined suggestions are not marked: the owner has answered them. */
function isMarkedColleague(suggestion: ColleagueSuggestion): boolean {
  return suggestion.selectors.length > 0 && suggestion.status !== 'declined';
}

/** Marked on the page: submitted suggestions about some part of it. Drafts are not marked. */
function isMarked(suggestion: Suggestion): boolean {
  return (
    suggestion.syncState !== 'draft' && !suggestion.withdrawn && suggestion.selectors.length > 0
  );
}

export function createPageSuggestions(deps: PageSuggestionDeps) {
  const { db, sessions, reports } = deps;

  const handlers = defineHandlers({
    async listPageSuggestions(data, context) {
      const { tabId, pageUrl } = senderPage(context, data.pageUrl);
      const [onPage, colleagues] = await Promise.all([
        db.suggestions.where('pageUrl').equals(pageUrl).toArray(),
        deps.colleagues?.(pageUrl) ?? [],
      ]);
      // One kind of mark for everyone's: the page cannot tell the person's own apart.
      const own = new Set(onPage.map((s) => s.remoteId).filter(Boolean));
      const items: PageMark[] = [
        ...onPage.filter(isMarked).map(({ id, selectors }) => ({ id, selectors })),
        ...colleagues
          .filter((c) => isMarkedColleague(c) && !own.has(c.remoteId))
          .map(({ markId, selectors }) => ({ id: markId, selectors })),
      ].slice(0, MAX_PAGE_SUGGESTIONS);
      // A new look at the page: what was missing before is not known to be missing now.
      await reports.set(tabId, { pageUrl, orphans: [] });
      return { items };
    },

    async reportAnchoring(data, context) {
      const { tabId, pageUrl } = senderPage(context, data.pageUrl);
      await reports.set(tabId, { pageUrl, orphans: [...new Set(data.orphans)] });
      deps.onAnchoringChanged();
      return { stored: true };
    },

    async openSuggestion(data, context) {
      const { tabId, pageUrl } = senderPage(context, data.pageUrl);
      // The person's own, or else a colleague's from what the page's listing gave: both read at
      // once, the card is waiting. (A failed listing read matters only for a colleague's.)
      const keptRead = deps.keptColleagues?.(pageUrl);
      keptRead?.catch(() => undefined);
      const suggestion = await db.suggestions.get(data.id);
      if (!suggestion) {
        const colleague = (await keptRead)?.find(
          (c) => c.markId === data.id && isMarkedColleague(c),
        );
        if (!colleague) throw new RequestError('errorNoSuchSuggestion');
        const capability = newCapability();
        await sessions.set(tabId, {
          capability,
          draftId: colleague.markId,
          pageUrl,
          pageTitle: '',
          quote: colleague.quote,
          selectors: colleague.selectors,
          colleague,
        });
        return { capability };
      }
      // A page can open only suggestions marked on it.
      if (suggestion.pageUrl !== pageUrl || !isMarked(suggestion)) {
        throw new RequestError('errorNoSuchSuggestion');
      }
      const capability = newCapability();
      await sessions.set(tabId, {
        capability,
        draftId: suggestion.id,
        pageUrl,
        pageTitle: suggestion.pageTitle,
        quote: suggestion.quote,
        selectors: suggestion.selectors,
      });
      return { capability };
    },

    async listPageOrphans(data) {
      const report = await reports.get(data.tabId);
      if (!report || report.pageUrl !== normalizePageUrl(data.pageUrl)) return { items: [] };
      const found = await db.suggestions.bulkGet(report.orphans);
      return { items: found.filter((s): s is Suggestion => s?.pageUrl === report.pageUrl) };
    },
  });

  return { handlers, tabClosed: (tabId: number) => reports.delete(tabId) };
}
