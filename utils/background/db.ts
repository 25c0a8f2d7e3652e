import Dexie, { type EntityTable } from 'dexie';
import type { ErrorEntry } from '../shared/messaging';
import type { OutboxOperation, Suggestion, SyncState } from '../shared/suggestion';

export type * from '../shared/suggestion';

/** A value only the background may read: it lives in the extension's own IndexedDB. */
export interface SecretRow {
  key: 'accessToken';
  value: string;
}

export interface ErrorRow extends ErrorEntry {
  id?: number;
}

export class FlywheelDatabase extends Dexie {
  suggestions!: EntityTable<Suggestion, 'id'>;
  outbox!: EntityTable<OutboxOperation, 'id'>;
  /**
   * Credentials. Not in `chrome.storage.local`: content scripts can read that area, and a
   * content script runs inside the intranet's pages.
   */
  secrets!: EntityTable<SecretRow, 'key'>;
  /** The error log, oldest first (see error-log.ts). */
  errors!: EntityTable<ErrorRow, 'id'>;

  /** The suggestions in one sync state, oldest change first (the compound index). */
  inSyncState(state: SyncState) {
    return this.suggestions
      .where('[syncState+updatedAt]')
      .between([state, Dexie.minKey], [state, Dexie.maxKey]);
  }

  constructor(name = 'flywheel') {
    super(name);
    // Index only what is queried: drafts by page, the list by time, the badge by state.
    this.version(1).stores({
      suggestions: 'id, pageUrl, updatedAt, [syncState+updatedAt]',
      outbox: 'id, suggestionId, notBefore',
    });
    this.version(2).stores({ secrets: 'key', errors: '++id' });
  }
}

export const db = new FlywheelDatabase();
