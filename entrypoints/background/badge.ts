import { browser } from 'wxt/browser';
import type { FlywheelDatabase } from '@/utils/background/db';
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
