import '@/components/styles.css';
import './style.css';
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { PageSuggestions } from '@/components/PageSuggestions';
import { relativeTime, SuggestionList } from '@/components/SuggestionList';
import { SyncStatusBar } from '@/components/SyncStatusBar';
import { describeError, t } from '@/utils/i18n';
import { type SyncOverview, sendMessage } from '@/utils/messaging';
import { openWidgetOnTab } from '@/utils/open-widget';
import { normalizePageUrl } from '@/utils/pages';
import type { Suggestion } from '@/utils/suggestion';
import { usePageOrphans } from './use-page-orphans';

const PAGE_SIZE = 50;

async function activeTab() {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab;
}

function Popup() {
  const [tabId, setTabId] = useState<number | null>(null);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [total, setTotal] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const orphans = usePageOrphans();
  const [overview, setOverview] = useState<SyncOverview | null>(null);
  const [syncing, setSyncing] = useState(false);
  const locale = browser.i18n.getUILanguage();

  const load = useCallback(async (count: number) => {
    try {
      const page = await sendMessage('listSuggestions', { offset: 0, limit: count });
      setItems(page.items);
      setTotal(page.total);
      setLoaded(true);
      setOverview(await sendMessage('getSyncOverview', {}));
    } catch (e) {
      setError(describeError(e));
    }
  }, []);

  useEffect(() => {
    void activeTab().then((tab) => {
      if (tab?.id !== undefined && normalizePageUrl(tab.url)) setTabId(tab.id);
    });
    void load(PAGE_SIZE);
  }, [load]);

  useEffect(() => {
    const onEvent = (message: unknown) => {
      if ((message as { event?: unknown })?.event === 'suggestionsChanged') {
        void load(Math.max(items.length, PAGE_SIZE));
      }
      return undefined;
    };
    browser.runtime.onMessage.addListener(onEvent);
    return () => browser.runtime.onMessage.removeListener(onEvent);
  }, [load, items.length]);

  const syncNow = async () => {
    setSyncing(true);
    try {
      await sendMessage('syncNow', {});
      await load(Math.max(items.length, PAGE_SIZE));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSyncing(false);
    }
  };

  const suggestHere = async () => {
    if (tabId === null) return;
    try {
      await openWidgetOnTab(tabId);
      window.close();
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <div class="popup">
      <header>
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
          onSyncNow={() => void syncNow()}
          onOpenOptions={() => void browser.runtime.openOptionsPage()}
        />
      ) : null}
      <PageSuggestions orphans={orphans} />
      <section aria-labelledby="list-heading">
        <h2 id="list-heading">{t('popupListHeading')}</h2>
        {loaded ? (
          <SuggestionList
            suggestions={items}
            total={total}
            now={Date.now()}
            locale={locale}
            onOpen={(s) => void browser.tabs.create({ url: s.pageUrl })}
            onRetry={(s) =>
              void sendMessage('retrySuggestion', { id: s.id }).catch((e) =>
                setError(describeError(e)),
              )
            }
            onShowMore={() => void load(items.length + PAGE_SIZE)}
          />
        ) : null}
      </section>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<Popup />, root);
