import '@/components/styles.css';
import './style.css';
import { render } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { type ExportFormat, ExportSection } from '@/components/ExportSection';
import { PageOrphans } from '@/components/PageOrphans';
import { SuggestionList } from '@/components/SuggestionList';
import { SyncStatusBar } from '@/components/SyncStatusBar';
import { relativeTime } from '@/utils/shared/format';
import { describeError, t, uiLocale } from '@/utils/shared/i18n';
import {
  onEvents,
  POPUP_ALIVE_MS,
  POPUP_PORT,
  type PopupPortMessage,
  type SyncOverview,
  sendMessage,
} from '@/utils/shared/messaging';
import { openEditorOnTab } from '@/utils/shared/open-editor';
import { normalizePageUrl } from '@/utils/shared/pages';
import type { Suggestion } from '@/utils/shared/suggestion';
import { type ActivePage, usePageOrphans } from './use-page-orphans';

const PAGE_SIZE = 50;
/**
 * The first list asked for: more than the popup shows at once, few enough to come and paint
 * fast; the rest of the first PAGE_SIZE follows once it is on the screen.
 */
const FIRST_PAGE = 20;
/** The most one request may ask for (see listSuggestions in utils/shared/messaging.ts). */
const MAX_PER_REQUEST = 500;

/** The newest `count` suggestions, in requests of at most MAX_PER_REQUEST. */
async function newestSuggestions(count: number) {
  const items: Suggestion[] = [];
  let total = 0;
  do {
    const page = await sendMessage('listSuggestions', {
      offset: items.length,
      limit: Math.min(MAX_PER_REQUEST, count - items.length),
    });
    items.push(...page.items);
    total = page.total;
    if (page.items.length === 0) break;
  } while (items.length < Math.min(count, total));
  return { items, total };
}

/** Every suggestion into a file the browser downloads; resolves with how many. */
async function downloadExport(format: ExportFormat): Promise<number> {
  // Loaded when asked for: the popup opens for its list, and export is rare.
  const [{ EXPORT_MEDIA_TYPES, exportCsv, exportFileName, exportJson }, { items: pages }] =
    await Promise.all([import('@/utils/ui/export'), newestSuggestions(Number.MAX_SAFE_INTEGER)]);
  // One added while the pages are read shifts them by one: never export one twice.
  const items = [...new Map(pages.map((s) => [s.id, s])).values()];
  const text = format === 'json' ? exportJson(items) : exportCsv(items);
  const url = URL.createObjectURL(new Blob([text], { type: EXPORT_MEDIA_TYPES[format] }));
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(format, Date.now());
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it starts; a minute covers a slow save dialog.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return items.length;
}

/**
 * A change the background told of before the popup's own listener is in place (that is after
 * its first paint): the first answers may already be behind it, so the list is asked again.
 */
let changedEarly = false;
const stopEarlyListener = onEvents({
  suggestionsChanged: () => {
    changedEarly = true;
  },
});

// Asked before anything renders: the list is what the person opened the popup for. The sync
// bar's question goes second, so the background answers the list first.
const firstPage = newestSuggestions(FIRST_PAGE);
const firstOverview = sendMessage('getSyncOverview', {});

/** The web page the popup was opened over, if it is one: asked once, used by every part. */
const activePage: Promise<ActivePage | null> = browser.tabs
  .query({ active: true, currentWindow: true })
  .then(([tab]) => {
    const pageUrl = normalizePageUrl(tab?.url);
    return tab?.id !== undefined && pageUrl ? { tabId: tab.id, pageUrl } : null;
  });

/**
 * How long the popup's first frame waits for those three answers: one frame with the list,
 * the sync bar and the right button in it, instead of a frame without them and another, laid
 * out again and shifted, a moment later. A slow background (one that is starting) gets no more
 * than this before the rest shows.
 */
const FIRST_FRAME_WAIT_MS = 120;
/** The answers that came in before the first render: its initial state. */
const early: {
  page?: Awaited<typeof firstPage>;
  overview?: SyncOverview;
  active?: ActivePage | null;
} = {};
// One that failed is shown by the popup itself, as it does after the first render.
const firstAnswers = Promise.allSettled([
  firstPage.then((page) => (early.page = page)),
  firstOverview.then((overview) => (early.overview = overview)),
  activePage.then((active) => (early.active = active)),
]);

/** A notification's click opens the list at its suggestion (`?suggestion=<id>`). */
const focusedId = new URLSearchParams(location.search).get('suggestion') ?? undefined;

/**
 * The link to the background while this popup is open: it brings statuses back live, and the
 * unread updates reported here are seen once the popup closes. A background that was stopped
 * drops the port: connect again and report again.
 */
function connectToBackground(): { report: (message: PopupPortMessage) => void; end: () => void } {
  let port: ReturnType<typeof browser.runtime.connect> | null = null;
  let ended = false;
  let lastShown: PopupPortMessage | null = null;
  const post = (message: PopupPortMessage) => {
    try {
      port?.postMessage(message);
    } catch {
      // Disconnected meanwhile: the reconnect sends what was shown again.
    }
  };
  const connect = () => {
    try {
      port = browser.runtime.connect({ name: POPUP_PORT });
    } catch {
      // The extension was reloaded under this popup: there is no background to talk to.
      return;
    }
    port.onDisconnect.addListener(() => {
      port = null;
      if (!ended) setTimeout(connect, 1_000);
    });
    if (lastShown) post(lastShown);
  };
  connect();
  const alive = setInterval(() => post({ kind: 'alive' }), POPUP_ALIVE_MS);
  return {
    report(message) {
      if (message.kind === 'shown') lastShown = message;
      post(message);
    },
    end() {
      ended = true;
      clearInterval(alive);
      port?.disconnect();
    },
  };
}

function Popup() {
  const [tabId, setTabId] = useState<number | null>(() => early.active?.tabId ?? null);
  const [items, setItems] = useState<Suggestion[]>(() => early.page?.items ?? []);
  const [total, setTotal] = useState(() => early.page?.total ?? 0);
  const [loaded, setLoaded] = useState(() => early.page !== undefined);
  const [error, setError] = useState<string | null>(null);
  const orphans = usePageOrphans(activePage);
  const [overview, setOverview] = useState<SyncOverview | null>(() => early.overview ?? null);
  const [syncing, setSyncing] = useState(false);
  const locale = uiLocale();

  const show = useCallback(async (pending: ReturnType<typeof newestSuggestions>) => {
    try {
      const page = await pending;
      setItems(page.items);
      setTotal(page.total);
      setLoaded(true);
      return page;
    } catch (e) {
      setError(describeError(e));
      return null;
    }
  }, []);

  const load = useCallback(
    async (count: number) => {
      await show(newestSuggestions(count));
      // The list is what matters; a sync bar that cannot be had is left as it was.
      setOverview(await sendMessage('getSyncOverview', {}).catch(() => null));
    },
    [show],
  );

  // The callbacks the list gets stay the same from render to render (see `list` below).
  const shown = useRef(0);
  shown.current = items.length;
  const showMore = useCallback(async () => {
    try {
      const page = await sendMessage('listSuggestions', {
        offset: shown.current,
        limit: PAGE_SIZE,
      });
      // A suggestion added meanwhile shifts the pages by one: never show one twice.
      setItems((before) => {
        const ids = new Set(before.map((s) => s.id));
        return [...before, ...page.items.filter((s) => !ids.has(s.id))];
      });
      setTotal(page.total);
    } catch (e) {
      setError(describeError(e));
    }
  }, []);

  useEffect(() => {
    void activePage.then((page) => page && setTabId(page.tabId));
    void show(firstPage).then((first) => {
      if (!first || first.items.length >= first.total) return;
      // Once the first page is painted: the rest of the first PAGE_SIZE, kept after any
      // page the person asked for meanwhile.
      requestAnimationFrame(() =>
        setTimeout(async () => {
          try {
            const page = await sendMessage('listSuggestions', { offset: 0, limit: PAGE_SIZE });
            setItems((before) => {
              const ids = new Set(page.items.map((s) => s.id));
              return [...page.items, ...before.filter((s) => !ids.has(s.id))];
            });
            setTotal(page.total);
          } catch (e) {
            setError(describeError(e));
          }
        }),
      );
    });
    void firstOverview.then(setOverview, (e) => setError(describeError(e)));
  }, [show]);

  // What became of them: statuses come back while the person looks (the background pulls
  // while this is connected; the list refreshes when it reports a change). An unreachable
  // endpoint shows in the sync bar.
  const [link, setLink] = useState<ReturnType<typeof connectToBackground> | null>(null);
  useEffect(() => {
    let connected: ReturnType<typeof connectToBackground> | null = null;
    let closed = false;
    // Once the first list is in: a pull must not compete with what the popup was opened for.
    void firstPage
      .catch(() => undefined)
      .then(() => {
        if (closed) return;
        connected = connectToBackground();
        setLink(connected);
      });
    return () => {
      closed = true;
      connected?.end();
    };
  }, []);

  // The unread updates on the screen: seen once the person closes the popup, not before.
  useEffect(() => {
    const unread = items.flatMap((s) => (s.unread ? [{ id: s.id, at: s.unread.at }] : []));
    if (unread.length > 0) link?.report({ kind: 'shown', items: unread.slice(0, 500) });
  }, [items, link]);

  useEffect(() => {
    const stop = onEvents({
      suggestionsChanged: () => void load(Math.max(shown.current, PAGE_SIZE)),
    });
    stopEarlyListener();
    if (changedEarly) {
      changedEarly = false;
      void load(Math.max(shown.current, PAGE_SIZE));
    }
    return stop;
  }, [load]);

  const syncNow = async () => {
    setSyncing(true);
    try {
      await sendMessage('syncNow', {});
      await load(Math.max(shown.current, PAGE_SIZE));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSyncing(false);
    }
  };

  // Made again only when what it shows changed: the sync bar, the orphans or the port coming
  // in do not make the whole list again.
  const list = useMemo(
    () =>
      loaded ? (
        <SuggestionList
          suggestions={items}
          total={total}
          now={Date.now()}
          locale={locale}
          focusedId={focusedId}
          onOpen={(s) => {
            // Opening it is seeing it.
            if (s.unread) {
              void sendMessage('markSeen', { items: [{ id: s.id, at: s.unread.at }] }).catch((e) =>
                setError(describeError(e)),
              );
            }
            void browser.tabs.create({ url: s.pageUrl });
          }}
          onRetry={(s) =>
            void sendMessage('retrySuggestion', { id: s.id }).catch((e) =>
              setError(describeError(e)),
            )
          }
          onKeep={(s, keep) =>
            void sendMessage('resolveConflict', { id: s.id, keep }).catch((e) =>
              setError(describeError(e)),
            )
          }
          onShowMore={() => void showMore()}
        />
      ) : null,
    [loaded, items, total, locale, showMore],
  );

  const suggestHere = async () => {
    if (tabId === null) return;
    try {
      await openEditorOnTab(tabId);
      window.close();
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <main class="popup">
      <header>
        <h1>{t('extName')}</h1>
        <button type="button" class="primary" disabled={tabId === null} onClick={suggestHere}>
          {t('popupSuggestHere')}
        </button>
        {tabId === null ? <p class="muted">{t('popupCannotSuggestHere')}</p> : null}
        {error ? (
          <p role="alert" class="error">
            {error}
          </p>
        ) : null}
      </header>
      {overview ? (
        <SyncStatusBar
          overview={overview}
          lastSync={
            overview.status.lastSyncAt
              ? relativeTime(overview.status.lastSyncAt, Date.now(), locale)
              : null
          }
          syncing={syncing}
          locale={locale}
          onSyncNow={() => void syncNow()}
          onOpenOptions={() => void browser.runtime.openOptionsPage()}
        />
      ) : null}
      <PageOrphans orphans={orphans} />
      <section aria-labelledby="list-heading">
        <h2 id="list-heading">{t('popupListHeading')}</h2>
        {list}
      </section>
      <ExportSection
        disabled={!loaded || total === 0}
        locale={locale}
        onExport={async (format) => {
          try {
            return await downloadExport(format);
          } catch (e) {
            throw new Error(describeError(e));
          }
        }}
      />
    </main>
  );
}

document.documentElement.lang = uiLocale();
document.title = t('extName');
const root = document.getElementById('app');
if (root) {
  void Promise.race([
    firstAnswers,
    new Promise((resolve) => setTimeout(resolve, FIRST_FRAME_WAIT_MS)),
  ]).then(() => render(<Popup />, root));
}
