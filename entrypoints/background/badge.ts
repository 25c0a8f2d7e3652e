// The toolbar badge: how many suggestions are not yet at the endpoint.
import { browser } from 'wxt/browser';
import type { FlywheelDatabase } from '@/utils/background/db';
import type { ErrorLog } from '@/utils/background/error-log';
import type { SyncState } from '@/utils/shared/suggestion';

/** Suggestions submitted but not yet at the endpoint, as the toolbar badge counts them. */
export const UNSENT_STATES: readonly SyncState[] = ['queued', 'sending', 'failed', 'conflict'];

export async function countUnsent(db: FlywheelDatabase): Promise<number> {
  const counts = await Promise.all(UNSENT_STATES.map((state) => db.inSyncState(state).count()));
  return counts.reduce((sum, n) => sum + n, 0);
}

export async function updateBadge(db: FlywheelDatabase): Promise<void> {
  const unsent = await countUnsent(db);
  await browser.action.setBadgeBackgroundColor({ color: '#b45309' });
  await browser.action.setBadgeText({ text: unsent > 0 ? String(unsent) : '' });
}

export function createBadge({ db, log }: { db: FlywheelDatabase; log: ErrorLog }) {
  const refresh = () =>
    void updateBadge(db).catch((error) => log.record('background', 'badge', error));
  return { refresh, start: refresh };
}
