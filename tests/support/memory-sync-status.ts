import { INITIAL_SYNC_STATUS, type SyncStatus } from '../../utils/shared/sync-status';

/** The sync engine's status store, in memory: what the extension keeps in storage.local. */
export function memorySyncStatus() {
  let status: SyncStatus = { ...INITIAL_SYNC_STATUS };
  return {
    get: async () => status,
    set: async (next: SyncStatus) => {
      status = next;
    },
    current: () => status,
  };
}
