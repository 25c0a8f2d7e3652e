import { browser } from 'wxt/browser';
import type { Selector } from '@/utils/anchoring/types';

/** What an open editor in a tab is about. Known from the content script's trusted sender. */
export interface EditorSession {
  draftId: string;
  pageUrl: string;
  pageTitle: string;
  quote: string;
  selectors: Selector[];
}

const KEY = 'editorSessions';

/**
 * Open editors by tab. Kept in session storage too, because the service worker may be stopped
 * between the person opening the editor and typing in it.
 */
export class EditorSessions {
  private cache: Map<number, EditorSession> | null = null;

  private async load(): Promise<Map<number, EditorSession>> {
    if (!this.cache) {
      const stored = (await browser.storage.session.get(KEY))[KEY] as
        | Record<string, EditorSession>
        | undefined;
      this.cache = new Map(Object.entries(stored ?? {}).map(([tab, s]) => [Number(tab), s]));
    }
    return this.cache;
  }

  private async persist(sessions: Map<number, EditorSession>): Promise<void> {
    await browser.storage.session.set({ [KEY]: Object.fromEntries(sessions) });
  }

  async get(tabId: number): Promise<EditorSession | undefined> {
    return (await this.load()).get(tabId);
  }

  async set(tabId: number, session: EditorSession): Promise<void> {
    const sessions = await this.load();
    sessions.set(tabId, session);
    await this.persist(sessions);
  }

  async delete(tabId: number): Promise<void> {
    const sessions = await this.load();
    if (sessions.delete(tabId)) await this.persist(sessions);
  }
}
