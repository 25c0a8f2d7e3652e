import { storage } from 'wxt/utils/storage';
import type { Selector } from '@/utils/anchoring/types';
import type { ColleagueSuggestion } from '@/utils/background/db';

/**
 * A value per tab, kept in session storage (the service worker may be stopped between two
 * requests of the same tab; a browser restart forgets it). The least recently written tabs are
 * dropped beyond `maxTabs`. Session storage is not readable by content scripts unless the
 * extension opens it to them, which Flywheel never does.
 */
export class TabStore<T> {
  private readonly item;
  /** Writes one after another: two requests of one tab must not interleave a read and a write. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    key: string,
    private readonly maxTabs = Number.POSITIVE_INFINITY,
  ) {
    this.item = storage.defineItem<Record<string, T>>(`session:${key}`, { fallback: {} });
  }

  private async values(): Promise<Map<number, T>> {
    const stored = await this.item.getValue();
    return new Map(Object.entries(stored).map(([tab, value]) => [Number(tab), value]));
  }

  private change<R>(apply: (values: Map<number, T>) => R | Promise<R>): Promise<R> {
    const run = this.queue.then(async () => {
      const values = await this.values();
      const result = await apply(values);
      await this.item.setValue(Object.fromEntries(values));
      return result;
    });
    // The caller hears of a failed write; the queue goes on for the next one.
    this.queue = run.catch(() => undefined);
    return run;
  }

  async get(tabId: number): Promise<T | undefined> {
    await this.queue;
    return (await this.values()).get(tabId);
  }

  async entries(): Promise<[number, T][]> {
    await this.queue;
    return [...(await this.values())];
  }

  set(tabId: number, value: T): Promise<void> {
    return this.change((values) => {
      values.delete(tabId);
      values.set(tabId, value);
      for (const oldest of values.keys()) {
        if (values.size <= this.maxTabs) break;
        values.delete(oldest);
      }
    });
  }

  /** Changes a tab's value in place, if it has one; returns the new value. */
  update(tabId: number, change: (value: T) => T | undefined): Promise<T | undefined> {
    return this.change((values) => {
      const current = values.get(tabId);
      if (current === undefined) return undefined;
      const next = change(current);
      if (next === undefined) values.delete(tabId);
      else values.set(tabId, next);
      return next;
    });
  }

  delete(tabId: number): Promise<void> {
    return this.change((values) => void values.delete(tabId));
  }
}

/** What an open editor in a tab is about. Known from the content script's trusted sender. */
export interface EditorSession {
  /** The one-time capability its frame must show (see utils/shared/messaging.ts). */
  capability: string;
  /**
   * The editor document that first showed the capability: only it may use it from then on, so
   * the capability dies with that document (the page navigated, the frame was replaced).
   */
  holder?: string;
  draftId: string;
  pageUrl: string;
  pageTitle: string;
  quote: string;
  selectors: Selector[];
  /** Set when the editor closed: a last flush of typing is still accepted for a moment. */
  endedAt?: number;
  /** The frame shows a colleague's suggestion (from the page's listing), not one of ours. */
  colleague?: ColleagueSuggestion;
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
