// Authors hear back: when the process owner sets a new status on the person's suggestion, the
// browser says so, once per change (remembered across restarts), and a click opens its page.
import { browser } from 'wxt/browser';
import type { FlywheelDatabase, Suggestion } from '@/utils/background/db';
import type { ErrorLog } from '@/utils/background/error-log';
import { t } from '@/utils/shared/i18n';
import { statusWord } from '@/utils/shared/status-word';

const PREFIX = 'flywheel-status:';
const EXCERPT = 120;

export function createNotices({ db, log }: { db: FlywheelDatabase; log: ErrorLog }) {
  /** Tells the person once; false if this change was told before. */
  async function tell(suggestion: Suggestion, status: NonNullable<Suggestion['remoteStatus']>) {
    const key = `${suggestion.id}:${status}`;
    const first = await db.transaction('rw', db.notices, async () => {
      if (await db.notices.get(key)) return false;
      await db.notices.put({ key, at: Date.now() });
      return true;
    });
    if (!first) return false;
    const text =
      suggestion.text.length > EXCERPT
        ? `${suggestion.text.slice(0, EXCERPT - 1)}…`
        : suggestion.text;
    await browser.notifications.create(`${PREFIX}${suggestion.id}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: t('noticeStatusTitle', statusWord({ syncState: 'synced', remoteStatus: status })),
      message: text,
      contextMessage: suggestion.pageTitle,
    });
    return true;
  }

  return {
    tell,
    start() {
      // Every status that comes back goes through this table: watch the change itself.
      db.suggestions.hook('updating', (changes, _key, before, transaction) => {
        const status = (changes as Partial<Suggestion>).remoteStatus;
        // A first status of "submitted" is the endpoint acknowledging it, not an answer.
        if (!status || status === before.remoteStatus) return;
        if (before.remoteStatus === undefined && status === 'submitted') return;
        transaction.on('complete', () => {
          tell({ ...before, remoteStatus: status }, status).catch((error) =>
            log.record('background', 'notices', error),
          );
        });
      });
      browser.notifications.onClicked.addListener((id) => {
        if (!id.startsWith(PREFIX)) return;
        void db.suggestions
          .get(id.slice(PREFIX.length))
          .then((suggestion) => suggestion && browser.tabs.create({ url: suggestion.pageUrl }))
          .catch((error) => log.record('background', 'notices/click', error));
      });
    },
  };
}
