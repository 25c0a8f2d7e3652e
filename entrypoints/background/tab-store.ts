import { browser } from 'wxt/browser';
import type { Selector } from '@/utils/anchoring/types';

/**
 * A value per tab, kept in session storage too: the service worker may be stopped between two
 * requests of the same tab. The least recently written tabs are dropped beyond `maxTabs`.
 */
export class TabStore<T> {
  private cache: Map<number, T> | null = null;

  constructor(
    private readonly key: string,
    private readonly maxTabs = Number.POSITIVE_INFINITY,
  ) {}

  private async load(): Promise<Map<number, T>> {
    if (!this.cache) {
      const stored = (await browser.storage.session.get(this.key))[this.key] as
        | Record<string, T>
        | undefined;
      this.cache = new Map(Object.entries(stored ?? {}).map(([tab, v]) => [Number(tab), v]));
    }
    return this.cache;
  }

  private async persist(values: Map<number, T>): Promise<void> {
    await browser.storage.session.set({ [this.key]: Object.fromEntries(values) });
  }

  async get(tabId: number): Promise<T | undefined> {
    return (await this.load()).get(tabId);
  }

  async set(tabId: number, value: T): Promise<void> {
    const values = await this.load();
    values.delete(tabId);
    values.set(tabId, value);
    for (const oldest of values.keys()) {
      if (values.size <= this.maxTabs) break;
      values.delete(oldest);
    }
    await this.persist(values);
  }

  async delete(tabId: number): Promise<void> {
    const values = await this.load();
    if (values.delete(tabId)) await this.persist(values);
  }
}

/** What an open editor in a tab is about. Known from the content script's trusted sender. */
export interface EditorSession {
  draftId: string;
  pageUrl: string;
  pageTitle: string;
  quote: string;
  selectors: Selector[];
}

/** Open editors by tab. */
export class EditorSessions extends TabStore<EditorSession> {
  constructor() {
    super('editorSessions');
  }
}

/** What the content script of a tab last found of its page's suggestions. */
export interface AnchoringReport {
  pageUrl: string;
  orphans: string[];
}

/** Orphans by tab, for the popup. Only the content script of the tab writes its entry. */
export class AnchoringReports extends TabStore<AnchoringReport> {
  constructor() {
    super('anchoringReports', 200);
  }
}
