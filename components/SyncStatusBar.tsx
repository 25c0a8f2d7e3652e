import { formatNumber } from '@/utils/shared/format';
import { t } from '@/utils/shared/i18n';
import type { SyncOverview } from '@/utils/shared/messaging';

export interface Props {
  overview: SyncOverview;
  /** "5 minutes ago" for the last sync, in the person's language. */
  lastSync: string | null;
  syncing: boolean;
  /** The UI's language, for the count of waiting suggestions. */
  locale: string;
  onSyncNow: () => void;
  onOpenOptions: () => void;
}

/**
 * Where sending stands overall, in one true sentence: local only, signed out, offline, how
 * many wait (suggestions, and the person's support and replies), or that all is sent (with
 * when); with nothing sent ever and nothing waiting, just that (not "Everything is sent"
 * beside "Not synced yet").
 */
export function syncMessages(
  overview: SyncOverview,
  lastSync: string | null,
  locale: string,
): { message: string; tone: 'muted' | 'error'; detail: string | null } {
  const { status, pending } = overview;
  const waiting = overview.waiting ?? 0;
  if (!overview.endpointUrl) return { message: t('syncLocalOnly'), tone: 'muted', detail: null };
  const last = lastSync ? t('syncLast', lastSync) : null;
  if (status.paused === 'unauthorized') {
    return { message: t('syncSignedOut'), tone: 'error', detail: last };
  }
  const unsent = pending + waiting;
  // What waits, in words: suggestions only keeps the short sentence it always had.
  const count = formatNumber(unsent, locale);
  const howMany =
    waiting === 0
      ? t('syncPending', count)
      : pending === 0
        ? t('syncPendingVoice', count)
        : t('syncPendingBoth', count);
  if (status.offline && unsent > 0) {
    return waiting === 0
      ? { message: t('syncOffline'), tone: 'error', detail: last }
      : { message: t('syncOfflineVoice'), tone: 'error', detail: howMany };
  }
  if (unsent > 0) {
    return { message: howMany, tone: 'muted', detail: last ?? t('syncNever') };
  }
  if (!last) return { message: t('syncNothingYet'), tone: 'muted', detail: null };
  return { message: t('syncAllSent'), tone: 'muted', detail: last };
}

export function SyncStatusBar({
  overview,
  lastSync,
  syncing,
  locale,
  onSyncNow,
  onOpenOptions,
}: Props) {
  const { message, tone, detail } = syncMessages(overview, lastSync, locale);
  return (
    <div class="sync-bar" role="status">
      <p class={tone}>{message}</p>
      {detail ? <p class="muted">{detail}</p> : null}
      <div class="sync-actions">
        {overview.endpointUrl ? (
          <button type="button" disabled={syncing} onClick={onSyncNow}>
            {t('syncNow')}
          </button>
        ) : null}
        <button type="button" onClick={onOpenOptions}>
          {t('openOptions')}
        </button>
      </div>
    </div>
  );
}
