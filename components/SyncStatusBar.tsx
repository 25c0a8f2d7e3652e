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
 * many wait, or that all is sent (with when); with nothing sent ever and nothing waiting,
 * just that (not "Everything is sent" beside "Not synced yet").
 */
export function syncMessages(
  overview: SyncOverview,
  lastSync: string | null,
  locale: string,
): { message: string; tone: 'muted' | 'error'; detail: string | null } {
  const { status, pending } = overview;
  if (!overview.endpointUrl) return { message: t('syncLocalOnly'), tone: 'muted', detail: null };
  const last = lastSync ? t('syncLast', lastSync) : null;
  if (status.paused === 'unauthorized') {
    return { message: t('syncSignedOut'), tone: 'error', detail: last };
  }
  if (status.offline && pending > 0)
    return { message: t('syncOffline'), tone: 'error', detail: last };
  if (pending > 0) {
    return {
      message: t('syncPending', formatNumber(pending, locale)),
      tone: 'muted',
      detail: last ?? t('syncNever'),
    };
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
