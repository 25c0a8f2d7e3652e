// The toolbar badge: how many answers (a new status, a reply from the process owner) the person
// has not seen yet. Suggestions not yet sent are told by the popup's sync bar, not here.
import { browser } from 'wxt/browser';
import type { FlywheelDatabase } from '@/utils/background/db';
import type { ErrorLog } from '@/utils/background/error-log';
import { formatNumber } from '@/utils/shared/format';
import { t, uiLocale } from '@/utils/shared/i18n';
import type { SyncState } from '@/utils/shared/suggestion';

/** Suggestions submitted but not yet at the endpoint, as the sync bar counts them. */
export const UNSENT_STATES: readonly SyncState[] = ['queued', 'sending', 'failed', 'conflict'];

export async function countUnsent(db: FlywheelDatabase): Promise<number> {
  const counts = await Promise.all(UNSENT_STATES.map((state) => db.inSyncState(state).count()));
  return counts.reduce((sum, n) => sum + n, 0);
}

/**
 * Suggestions with an update the person has not seen. No index holds this (the schema is
 * another change's): a scan of the rows, which the background does once a burst of changes.
 */
export async function countUnread(db: FlywheelDatabase): Promise<number> {
  return db.suggestions.filter((s) => s.unread !== undefined).count();
}

/** The badge shows at most this; more is "99+". */
const MAX_SHOWN = 99;

export async function updateBadge(db: FlywheelDatabase): Promise<void> {
  const unread = await countUnread(db);
  const locale = uiLocale();
  await browser.action.setBadgeBackgroundColor({ color: '#1d4ed8' });
  await browser.action.setBadgeText({
    text:
      unread === 0
        ? ''
        : unread > MAX_SHOWN
          ? t('badgeMore', formatNumber(MAX_SHOWN, locale))
          : formatNumber(unread, locale),
  });
  await browser.action.setTitle({
    title: unread === 0 ? t('actionTitle') : t('badgeTitle', formatNumber(unread, locale)),
  });
}

export function createBadge({ db, log }: { db: FlywheelDatabase; log: ErrorLog }) {
  const refresh = () =>
    void updateBadge(db).catch((error) => log.record('background', 'badge', error));
  return { refresh, start: refresh };
}
