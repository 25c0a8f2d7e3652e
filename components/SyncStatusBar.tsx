import { t } from '@/utils/shared/i18n';
import type { SyncOverview } from '@/utils/shared/messaging';

export interface Props {
  overview: SyncOverview;
  /** "5 minutes ago" for the last sync, in the person's language. */
  lastSync: string | null;
  syncing: boolean;
  onSyncNow: () => void;
  onOpenOptions: () => void;
}

/** Where sending stands overall: local only, offline, signed out, or how much is waiting. */
export function SyncStatusBar({ overview, lastSync, syncing, onSyncNow, onOpenOptions }: Props) {
  const { status, pending } = overview;
  let message: string;
  let tone = 'muted';
  if (!overview.endpointUrl) {
    message = t('syncLocalOnly');
  } else if (status.paused === 'unauthorized') {
    message = t('syncSignedOut');
    tone = 'error';
  } else if (status.offline && pending > 0) {
    message = t('syncOffline');
    tone = 'error';
  } else {
    message = pending > 0 ? t('syncPending', String(pending)) : t('syncAllSent');
  }
  return (
    <div class="sync-bar" role="status">
      <p class={tone}>{message}</p>
      {overview.endpointUrl ? (
        <p class="muted">{lastSync ? t('syncLast', lastSync) : t('syncNever')}</p>
      ) : null}
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
