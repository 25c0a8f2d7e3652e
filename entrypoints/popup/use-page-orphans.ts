import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendMessage } from '@/utils/shared/messaging';
import type { Suggestion } from '@/utils/shared/suggestion';

/**
 * The active tab's suggestions that its content script could not find on the page; asked
 * again whenever the background says suggestions or their anchoring changed.
 */
export interface ActivePage {
  tabId: number;
  pageUrl: string;
}

export function usePageOrphans(activePage: Promise<ActivePage | null>): Suggestion[] {
  const [orphans, setOrphans] = useState<Suggestion[]>([]);
  useEffect(() => {
    let load = () => {};
    const onEvent = (message: unknown) => {
      const event = (message as { event?: unknown } | null)?.event;
      if (event === 'suggestionsChanged' || event === 'anchoringChanged') load();
      return undefined;
    };
    void activePage.then((page) => {
      if (!page) return;
      load = () =>
        void sendMessage('listPageOrphans', page)
          .then((response) => setOrphans(response.items))
          .catch(() => setOrphans([]));
      load();
    });
    browser.runtime.onMessage.addListener(onEvent);
    return () => browser.runtime.onMessage.removeListener(onEvent);
  }, [activePage]);
  return orphans;
}
