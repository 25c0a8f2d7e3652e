// The page's suggestions, as the content script highlights them: where they are (selectors
// and ids), never what they say. What it could not find is kept per tab for the popup. When
// what a page was given changes (a slow endpoint's listing lands late, the person's own
// suggestion is sent or withdrawn elsewhere), the page is told to ask again (`marksChanged`).
import { browser } from 'wxt/browser';
import type { ColleagueSuggestion, FlywheelDatabase } from '@/utils/background/db';
import type { ListingView } from '@/utils/background/page-listing';
import type { PageCommand, PageMark } from '@/utils/shared/messaging';
import { normalizePageUrl } from '@/utils/shared/pages';
import { MAX_PAGE_SUGGESTIONS, type Suggestion } from '@/utils/shared/suggestion';
import { newCapability } from './capture';
import { defineHandlers, type RequestContext, RequestError, senderPage } from './router';
import { type AnchoringReports, type EditorSessions, TabStore } from './tab-store';

/** What a tab's page was last given, to tell it when that changes. */
export interface PageView {
  pageUrl: string;
  /** The document that asked (Chromium names it): a page loaded since is not told. */
  documentId?: string;
  /** A digest of the marks it was given. */
  shown: string;
  /** Told its marks changed: its next ask is answered from what is kept, with no request. */
  told?: boolean;
}

/** Page views by tab, in session storage (the service worker may be stopped in between). */
export class PageViews extends TabStore<PageView> {
  constructor() {
    super('pageViews', 200);
  }
}

export interface PageSuggestionDeps {
  db: FlywheelDatabase;
  sessions: EditorSessions;
  reports: AnchoringReports;
  /** An open popup shows the page's orphans. */
  onAnchoringChanged: () => void;
  /**
   * Colleagues' suggestions on the page (the endpoint's listing, or what is kept of it), and
   * the endpoint's answer if it comes too late for this view (`late`).
   */
  colleagues?: (pageUrl: string) => Promise<ColleagueSuggestion[] | ListingView>;
  /** What is kept of the page's listing, without asking the endpoint. */
  keptColleagues?: (pageUrl: string) => Promise<ColleagueSuggestion[]>;
  views?: PageViews;
  /** A failure after the page was answered (a late listing, telling a tab). */
  onError?: (error: unknown) => void;
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

/** Compares what a page was given with what it would be given now (FNV-1a of the marks). */
function digest(items: PageMark[]): string {
  const text = JSON.stringify(items);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${items.length}:${(hash >>> 0).toString(36)}`;
}

/** The document a content script's request came from, where the browser names it. */
function documentOf(context: RequestContext): string | undefined {
  return (context.sender as { documentId?: string }).documentId;
}

const MARKS_CHANGED: PageCommand<'marksChanged'> = { command: 'marksChanged', data: {} };

export function createPageSuggestions(deps: PageSuggestionDeps) {
  const { db, sessions, reports } = deps;
  const views = deps.views ?? new PageViews();
  /** Late listings not yet handled. */
  const lateAnswers = new Set<Promise<void>>();
  const kept = (pageUrl: string) => deps.keptColleagues?.(pageUrl) ?? Promise.resolve([]);

  async function marksOf(
    pageUrl: string,
    colleaguesOf: (pageUrl: string) => Promise<ColleagueSuggestion[] | ListingView>,
  ): Promise<{ items: PageMark[]; late?: Promise<ColleagueSuggestion[]> }> {
    const [onPage, listed] = await Promise.all([
      db.suggestions.where('pageUrl').equals(pageUrl).toArray(),
      colleaguesOf(pageUrl),
    ]);
    const { items: colleagues, late } = Array.isArray(listed) ? { items: listed } : listed;
    // One kind of mark for everyone's: the page cannot tell the person's own apart.
    const own = new Set(onPage.map((s) => s.remoteId).filter(Boolean));
    const items: PageMark[] = [
      ...onPage.filter(isMarked).map(({ id, selectors }) => ({ id, selectors })),
      ...colleagues
        .filter((c) => isMarkedColleague(c) && !own.has(c.remoteId))
        .map(({ markId, selectors }) => ({ id: markId, selectors })),
    ].slice(0, MAX_PAGE_SUGGESTIONS);
    return { items, late };
  }

  /**
   * Tells the tab's page its marks changed, if what it would be given now differs from what
   * it was given, and only while the tab still shows that page (and, where the browser names
   * documents, the same document). `asked`: the view a late listing was asked for.
   */
  async function tellIfChanged(
    tabId: number,
    asked?: Pick<PageView, 'pageUrl' | 'documentId'>,
    colleagues?: ColleagueSuggestion[],
  ): Promise<void> {
    const view = await views.get(tabId);
    if (
      !view ||
      (asked && (view.pageUrl !== asked.pageUrl || view.documentId !== asked.documentId))
    )
      return;
    const { items } = await marksOf(view.pageUrl, async (pageUrl) => colleagues ?? kept(pageUrl));
    const shown = digest(items);
    if (shown === view.shown) return;
    // The tab as it is now: another page since (a link, the address bar), or closed.
    const tab = await browser.tabs.get(tabId).catch(() => undefined);
    if (normalizePageUrl(tab?.url) !== view.pageUrl) return;
    const told = await views.update(tabId, (now) =>
      now.pageUrl === view.pageUrl && now.documentId === view.documentId
        ? { ...now, shown, told: true }
        : now,
    );
    if (!told?.told || told.shown !== shown) return;
    const target = view.documentId ? { frameId: 0, documentId: view.documentId } : { frameId: 0 };
    await browser.tabs.sendMessage(tabId, MARKS_CHANGED, target).catch(async () => {
      // No such document any more (it navigated or closed meanwhile): nobody to tell.
      await views.update(tabId, (now) => ({ ...now, told: false }));
    });
  }

  const handlers = defineHandlers({
    async listPageSuggestions(data, context) {
      const { tabId, pageUrl } = senderPage(context, data.pageUrl);
      const documentId = documentOf(context);
      const before = await views.get(tabId);
      // Asking again because it was told its marks changed: what is kept is that change.
      const fromKept =
        before?.told === true && before.pageUrl === pageUrl && before.documentId === documentId;
      const { items, late } = await marksOf(
        pageUrl,
        fromKept ? kept : (url) => deps.colleagues?.(url) ?? Promise.resolve([]),
      );
      await views.set(tabId, { pageUrl, documentId, shown: digest(items) });
      // A slow endpoint: the page is answered with what is kept, and told when the answer lands.
      if (late) {
        const telling: Promise<void> = late
          .then((colleagues) => tellIfChanged(tabId, { pageUrl, documentId }, colleagues))
          .catch((error: unknown) => deps.onError?.(error))
          .finally(() => lateAnswers.delete(telling));
        lateAnswers.add(telling);
      }
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

  return {
    handlers,
    tabClosed: (tabId: number) => Promise.all([reports.delete(tabId), views.delete(tabId)]),
    /**
     * The person's own suggestions changed (sent, withdrawn, from any tab or the popup): each
     * tab whose page would now be given other marks is told.
     */
    async suggestionsChanged(): Promise<void> {
      const tabs = await views.entries();
      await Promise.all(tabs.map(([tabId]) => tellIfChanged(tabId)));
    },
    /** Resolves once every late listing in flight has been handled (told or not). */
    async settled(): Promise<void> {
      while (lateAnswers.size > 0) await Promise.all(lateAnswers);
    },
  };
}
