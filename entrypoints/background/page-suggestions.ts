import { browser } from 'wxt/browser';
import type { FlywheelDatabase } from '@/utils/db';
import type { PageSuggestion, PageSuggestionRequestType } from '@/utils/messaging';
import { normalizePageUrl } from '@/utils/pages';
import { MAX_PAGE_SUGGESTIONS, type Suggestion } from '@/utils/suggestion';
import type { EditorSessions } from './editor-sessions';
import { RequestError } from './handlers';
import type { Handlers, RequestContext } from './router';

/** What the content script of a tab last found of its page's suggestions. */
interface AnchoringReport {
  pageUrl: string;
  orphans: string[];
}

const KEY = 'anchoringReports';
/** Tabs remembered at most; the oldest report is dropped first (closed tabs age out). */
const MAX_TABS = 200;

/**
 * Orphans by tab, in session storage too: the popup may ask after the service worker was
 * stopped. Only the content script of the tab writes its entry.
 */
export class AnchoringReports {
  private cache: Map<number, AnchoringReport> | null = null;

  private async load(): Promise<Map<number, AnchoringReport>> {
    if (!this.cache) {
      const stored = (await browser.storage.session.get(KEY))[KEY] as
        | Record<string, AnchoringReport>
        | undefined;
      this.cache = new Map(Object.entries(stored ?? {}).map(([tab, r]) => [Number(tab), r]));
    }
    return this.cache;
  }

  async get(tabId: number): Promise<AnchoringReport | undefined> {
    return (await this.load()).get(tabId);
  }

  async set(tabId: number, report: AnchoringReport): Promise<void> {
    const reports = await this.load();
    reports.delete(tabId);
    reports.set(tabId, report);
    for (const oldest of reports.keys()) {
      if (reports.size <= MAX_TABS) break;
      reports.delete(oldest);
    }
    await browser.storage.session.set({ [KEY]: Object.fromEntries(reports) });
  }
}

export interface PageSuggestionDeps {
  db: FlywheelDatabase;
  sessions: EditorSessions;
  reports: AnchoringReports;
}

/** The page of a content script's request, from its trusted sender. */
function senderPage(context: RequestContext): { tabId: number; pageUrl: string } {
  const tabId = context.tabId;
  if (tabId === undefined) throw new RequestError('errorForbiddenSender');
  const pageUrl = normalizePageUrl(context.sender.url ?? context.sender.tab?.url);
  if (!pageUrl) throw new RequestError('errorUnsupportedPage');
  return { tabId, pageUrl };
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
