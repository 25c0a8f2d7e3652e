// Authors hear back: when the process owner sets a new status on the person's suggestion or
// replies to it, the browser says what changed, once per change (remembered across restarts,
// in the `notices` table), and a click opens the suggestion in Flywheel's list.
import Dexie from 'dexie';
import { browser } from 'wxt/browser';
import type { FlywheelDatabase, Suggestion } from '@/utils/background/db';
import type { ErrorLog } from '@/utils/background/error-log';
import { t } from '@/utils/shared/i18n';
import { statusWord } from '@/utils/shared/status-word';
import type { OwnerReply, RemoteStatus } from '@/utils/shared/suggestion';

/** One notification per suggestion: a newer change replaces the one before it. */
export const NOTICE_PREFIX = 'flywheel-status:';
const EXCERPT = 120;

function excerpt(text: string): string {
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text;
}

/** What changed, as the notification tells it. */
export interface NoticeChange {
  status?: RemoteStatus;
  reply?: OwnerReply;
  /** The annotation's `modified` with that status: the same status set again later is news. */
  modified?: string;
}

/** The keys a change is remembered by, one per thing that changed. */
export function noticeKeys(id: string, change: NoticeChange): { status?: string; reply?: string } {
  return {
    status: change.status
      ? `${id}:${change.status}${change.modified ? `@${change.modified}` : ''}`
      : undefined,
    reply: change.reply ? `${id}:reply:${change.reply.created}` : undefined,
  };
}

/** The address a notification's click opens: the popup's list, at this suggestion. */
export function suggestionPageUrl(id: string): string {
  return browser.runtime.getURL(`/popup.html?suggestion=${encodeURIComponent(id)}`);
}

export function createNotices({ db, log }: { db: FlywheelDatabase; log: ErrorLog }) {
  /** Tells the person what of this change they were not told before; false if nothing. */
  async function tell(suggestion: Suggestion, change: NoticeChange): Promise<boolean> {
    const keys = noticeKeys(suggestion.id, change);
    const wanted = [keys.status, keys.reply].filter((key): key is string => key !== undefined);
    if (wanted.length === 0) return false;
    const fresh = await db.transaction('rw', db.notices, async () => {
      const known = await db.notices.bulkGet(wanted);
      const news = wanted.filter((_, i) => known[i] === undefined);
      await db.notices.bulkPut(news.map((key) => ({ key, at: Date.now() })));
      return new Set(news);
    });
    if (fresh.size === 0) return false;
    const status = keys.status && fresh.has(keys.status) ? change.status : undefined;
    const reply = keys.reply && fresh.has(keys.reply) ? change.reply : undefined;
    const title = status
      ? t('noticeStatusTitle', statusWord({ syncState: 'synced', remoteStatus: status }))
      : t('noticeReplyTitle');
    await browser.notifications.create(`${NOTICE_PREFIX}${suggestion.id}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title,
      // The owner's words when they replied; otherwise what the suggestion said.
      message: reply
        ? status
          ? t('noticeOwnerRepliedWith', excerpt(reply.text))
          : excerpt(reply.text)
        : excerpt(suggestion.text),
      contextMessage: reply ? excerpt(suggestion.text) : suggestion.pageTitle,
    });
    return true;
  }

  return {
    tell,
    start() {
      // Every answer that comes back is written to this table as an unread update (see the
      // sync engine): watch the change itself. Taking the endpoint's version after a 412, or
      // marking an update seen, is no news.
      db.suggestions.hook('updating', (changes, _key, before, transaction) => {
        // Only a new unread update is news (most updates are drafts being typed).
        if (!Object.keys(changes as object).some((key) => key.split('.')[0] === 'unread')) return;
        // Dexie names changes inside objects by key path (`unread.at`): apply them to a copy.
        const told = Dexie.deepClone(before);
        for (const [keyPath, value] of Object.entries(changes as object)) {
          Dexie.setByKeyPath(told, keyPath, value);
        }
        const { unread, remoteStatus, ownerReply } = told;
        if (!unread || unread.at === before.unread?.at) return;
        const change: NoticeChange = { modified: unread.modified };
        if (unread.status && remoteStatus && remoteStatus !== before.remoteStatus) {
          change.status = remoteStatus;
        }
        if (unread.reply && ownerReply) change.reply = ownerReply;
        if (!change.status && !change.reply) return;
        transaction.on('complete', () => {
          tell(told, change).catch((error) => log.record('background', 'notices', error));
        });
      });
      browser.notifications.onClicked.addListener((id) => {
        if (!id.startsWith(NOTICE_PREFIX)) return;
        const suggestionId = id.slice(NOTICE_PREFIX.length);
        void (async () => {
          if (!(await db.suggestions.get(suggestionId))) return;
          await browser.tabs.create({ url: suggestionPageUrl(suggestionId) });
          await browser.notifications.clear(id);
        })().catch((error) => log.record('background', 'notices/click', error));
      });
    },
  };
}
