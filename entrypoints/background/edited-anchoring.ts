// The edited steps of anchoring, put into a page only when it needs them: the content script
// carries step 1 (a quote found verbatim) and asks for the rest when a quote is not (see
// docs/ARCHITECTURE.md). The file goes into the sender's own tab and frame, in Flywheel's
// isolated world (scripting's default), at most once per document; it is not web-accessible.
import { browser } from 'wxt/browser';
import { defineHandlers, requireTab } from './router';

/** WXT's build of entrypoints/anchoring-fuzzy.ts. */
export const EDITED_ANCHORING_FILE = '/anchoring-fuzzy.js';

export interface EditedAnchoringDeps {
  /** Injects the file into one frame of a tab (scripting.executeScript in the extension). */
  inject?: (tabId: number, frameId: number) => Promise<unknown>;
}

const injectFile = (tabId: number, frameId: number) =>
  browser.scripting.executeScript({
    target: { tabId, frameIds: [frameId] },
    files: [EDITED_ANCHORING_FILE],
  });

export function createEditedAnchoring({ inject = injectFile }: EditedAnchoringDeps = {}) {
  /** The document each tab's page last had the file injected into. */
  const injected = new Map<number, string>();

  const handlers = defineHandlers({
    async loadEditedAnchoring(_data, context) {
      // The router let only a content script of a tab's top frame through (classifySender).
      const tabId = requireTab(context);
      const { documentId, frameId = 0 } = context.sender as {
        documentId?: string;
        frameId?: number;
      };
      // Chromium names the document; where the browser does not, the tab's frame until it
      // loads another page (see start()).
      const document = documentId ?? `frame:${frameId}`;
      if (injected.get(tabId) === document) return { injected: false };
      injected.set(tabId, document);
      try {
        await inject(tabId, frameId);
      } catch (error) {
        injected.delete(tabId);
        throw error;
      }
      return { injected: true };
    },
  });

  return {
    handlers,
    /** Forgets a tab's document when the tab loads another one or closes. */
    start() {
      browser.tabs.onUpdated.addListener((tabId, change) => {
        if (change.status === 'loading') injected.delete(tabId);
      });
      browser.tabs.onRemoved.addListener((tabId) => void injected.delete(tabId));
    },
  };
}
