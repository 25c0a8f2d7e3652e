import Dexie, { type EntityTable } from 'dexie';
import type { OutboxOperation, Suggestion, SyncState } from '../shared/suggestion';

export type * from '../shared/suggestion';

/**
 * The secret that proves to the endpoint that this browser wrote a suggestion (it keeps only
 * a hash). One per suggestion, random, so secrets link nothing; kept in its own table so that
 * no message carrying suggestion rows can ever carry it, and sent to the endpoint alone.
 */
export interface AuthorSecret {
  suggestionId: string;
  secret: string;
}

export class FlywheelDatabase extends Dexie {
  suggestions!: EntityTable<Suggestion, 'id'>;
  outbox!: EntityTable<OutboxOperation, 'id'>;
  authorSecrets!: EntityTable<AuthorSecret, 'suggestionId'>;

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
    this.version(2).stores({ authorSecrets: 'suggestionId' });
  }
}

export const db = new FlywheelDatabase();
