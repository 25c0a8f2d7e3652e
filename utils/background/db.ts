import Dexie, { type EntityTable } from 'dexie';
import type { OutboxOperation, Suggestion, SyncState } from '../shared/suggestion';

export type * from '../shared/suggestion';

export class FlywheelDatabase extends Dexie {
  suggestions!: EntityTable<Suggestion, 'id'>;
  outbox!: EntityTable<OutboxOperation, 'id'>;

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
  }
}

export const db = new FlywheelDatabase();
