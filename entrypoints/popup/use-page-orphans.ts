import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendMessage } from '@/utils/messaging';
import { normalizePageUrl } from '@/utils/pages';
import type { Suggestion } from '@/utils/suggestion';

/**
 * The active tab's suggestions that its content script could not find on the page; asked
 * again whenever the background says suggestions or their anchoring changed.
 */
export function usePageOrphans(): Suggestion[] {
  const [orphans, setOrphans] = useState<Suggestion[]>([]);
  useEffect(() => {
    let load = () => {};
    const onEvent = (message: unknown) => {
      const event = (message as { event?: unknown } | null)?.event;
      if (event === 'suggestionsChanged' || event === 'anchoringChanged') load();
      return undefined;
    };
    void browser.tabs.query({ active: true, currentWindow: true }).then(([tab]) => {
      const pageUrl = normalizePageUrl(tab?.url);
      if (tab?.id === undefined || !pageUrl) return;
      const tabId = tab.id;
      load = () =>
        void sendMessage('listPageOrphans', { tabId, pageUrl })
          .then((response) => setOrphans(response.items))
          .catch(() => setOrphans([]));
      load();
    });
    browser.runtime.onMessage.addListener(onEvent);
    return () => browser.runtime.onMessage.removeListener(onEvent);
  }, []);
  return orphans;
}
