// The open popup's link to the background (a runtime Port): live statuses while it is open,
// and the unread updates it showed marked seen when it closes.
import * as v from 'valibot';
import type { Browser } from 'wxt/browser';
import type { FlywheelDatabase } from '@/utils/background/db';
import { LIVE_PULL_MS } from '@/utils/shared/live-pull';
import { POPUP_PORT, popupPortMessage } from '@/utils/shared/messaging';
import { classifySender, type ExtensionIdentity } from './router';

export { LIVE_PULL_MS };

export interface PopupLinkDeps {
  db: FlywheelDatabase;
  self: ExtensionIdentity;
  /** Asks the endpoint what became of this device's suggestions. */
  pull: () => Promise<unknown>;
  /** When the last complete pull started (null: never). */
  lastPullAt: () => Promise<number | null>;
  onChange: () => void;
  onError: (where: string, error: unknown) => void;
  now?: () => number;
}

export function createPopupLink(deps: PopupLinkDeps) {
  const now = deps.now ?? Date.now;
  let pulling: Promise<unknown> | null = null;
  let lastAttempt = Number.NEGATIVE_INFINITY;

  /** Pulls if the last pull (or attempt, should the endpoint be down) is old enough. */
  async function pullIfDue(): Promise<boolean> {
    if (pulling) return false;
    const last = Math.max(lastAttempt, (await deps.lastPullAt()) ?? Number.NEGATIVE_INFINITY);
    if (now() - last < LIVE_PULL_MS || pulling) return false;
    lastAttempt = now();
    pulling = deps.pull().finally(() => {
      pulling = null;
    });
    await pulling;
    return true;
  }

  /**
   * The updates the person had the chance to see: each is seen if it is still the one shown
   * (a newer update that arrived after stays unread).
   */
  async function markSeen(items: { id: string; at: number }[]): Promise<number> {
    if (items.length === 0) return 0;
    const seen = await deps.db.transaction('rw', deps.db.suggestions, async () => {
      const rows = await deps.db.suggestions.bulkGet(items.map((item) => item.id));
      const clear = rows.filter(
        (row, i) => row?.unread !== undefined && row.unread.at === items[i]?.at,
      );
      await deps.db.suggestions.bulkUpdate(
        clear.map((row) => ({ key: row?.id as string, changes: { unread: undefined } })),
      );
      return clear.length;
    });
    if (seen > 0) deps.onChange();
    return seen;
  }

  /** A port connected: only Flywheel's own extension pages, by our name, are served. */
  function connect(port: Browser.runtime.Port): boolean {
    if (
      port.name !== POPUP_PORT ||
      !port.sender ||
      classifySender(port.sender, deps.self) !== 'extension'
    ) {
      port.disconnect();
      return false;
    }
    const shown = new Map<string, number>();
    const pull = () => void pullIfDue().catch((error) => deps.onError('popup/live-pull', error));
    port.onMessage.addListener((message: unknown) => {
      const parsed = v.safeParse(popupPortMessage, message);
      if (!parsed.success) return;
      if (parsed.output.kind === 'shown') {
        for (const { id, at } of parsed.output.items) {
          shown.set(id, Math.max(at, shown.get(id) ?? 0));
        }
      }
      pull();
    });
    port.onDisconnect.addListener(() => {
      void markSeen([...shown].map(([id, at]) => ({ id, at }))).catch((error) =>
        deps.onError('popup/seen', error),
      );
    });
    pull();
    return true;
  }

  return { connect, markSeen, pullIfDue };
}
