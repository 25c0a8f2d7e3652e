import { useEffect, useState } from 'preact/hooks';
import { onEvents, sendMessage } from '@/utils/shared/messaging';
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
    void activePage.then((page) => {
      if (!page) return;
      load = () =>
        void sendMessage('listPageOrphans', page)
          .then((response) => setOrphans(response.items))
          // Not knowing what is missing on the page is not worth an alarm: the list below it
          // still shows every suggestion.
          .catch(() => setOrphans([]));
      load();
    });
    return onEvents({ suggestionsChanged: () => load(), anchoringChanged: () => load() });
  }, [activePage]);
  return orphans;
}
