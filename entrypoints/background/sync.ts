// Sync: one sender drains the outbox to the endpoint and brings statuses back.
import { browser } from 'wxt/browser';
import type { FlywheelDatabase } from '@/utils/background/db';
import type { ErrorLog } from '@/utils/background/error-log';
import { syncStatusItem } from '@/utils/background/settings';
import { createSyncEngine, type SyncEngine } from '@/utils/background/sync/engine';
import { countWaitingInteractions } from '@/utils/background/sync/interactions';
import { countUnsent } from './badge';
import { createPopupLink } from './popup-link';
import { defineHandlers } from './router';
import { loadSyncConfig } from './settings';
import { createKeptCount } from './suggestion-count';

export const SYNC_ALARM = 'flywheel-sync';
export const PULL_ALARM = 'flywheel-pull';
const PULL_EVERY_MINUTES = 5;
/** Opening the popup asks the endpoint again only if its last answer is older than this. */
const STATUS_REFRESH_MS = 60_000;

export interface SyncDeps {
  db: FlywheelDatabase;
  log: ErrorLog;
  onChange: () => void;
  /** Tests hand in their own engine. */
  engine?: SyncEngine;
}

export function createSync({ db, log, onChange, engine: given }: SyncDeps) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A failed run is retried by the engine's own backoff; the log says that it happened.
  const logged = (what: string, run: () => Promise<unknown>) => () =>
    void run().catch((error) => log.record('background', `sync/${what}`, error));
  const engine: SyncEngine =
    given ??
    createSyncEngine({
      db,
      loadConfig: () => loadSyncConfig(db),
      status: { get: () => syncStatusItem.getValue(), set: (s) => syncStatusItem.setValue(s) },
      onChange,
      wakeAt(time) {
        // A timer while this worker lives; an alarm in case it is stopped before then.
        const delay = Math.max(0, time - Date.now());
        clearTimeout(timer);
        timer = setTimeout(
          logged('drain', () => engine.drain()),
          delay,
        );
        logged('alarm', () =>
          browser.alarms.create(SYNC_ALARM, { when: Math.max(time, Date.now() + 1_000) }),
        )();
      },
    });
  const drain = logged('drain', () => engine.drain());
  const popupLink = createPopupLink({
    db,
    self: { id: browser.runtime.id, origin: browser.runtime.getURL('/') },
    pull: () => engine.pullStatuses(),
    lastPullAt: async () => (await syncStatusItem.getValue()).lastPullAt,
    onChange,
    onError: (where, error) => void log.record('background', `sync/${where}`, error),
  });
  const pull = logged('pull', () => engine.drain().then(() => engine.pullStatuses()));

  // Kept between writes: the popup asks at every open, and counting walks the rows.
  const unsent = createKeptCount(db, () => countUnsent(db));
  const handlers = defineHandlers({
    async getSyncOverview() {
      const [config, status, pending, waiting] = await Promise.all([
        loadSyncConfig(db),
        syncStatusItem.getValue(),
        unsent.get(),
        // Few rows (support and replies waiting): counted each time.
        countWaitingInteractions(db),
      ]);
      return { endpointUrl: config?.endpointUrl ?? '', status, pending, waiting };
    },
    async syncNow() {
      await engine.sendNow();
      return { pending: await countUnsent(db) };
    },
    async refreshStatuses() {
      const { lastPullAt } = await syncStatusItem.getValue();
      if (lastPullAt !== null && Date.now() - lastPullAt < STATUS_REFRESH_MS) return { updated: 0 };
      return { updated: await engine.pullStatuses() };
    },
    async retrySuggestion({ id }) {
      return { queued: await engine.retry(id) };
    },
    async resolveConflict({ id, keep }) {
      return { resolved: await engine.resolveConflict(id, keep) };
    },
    async markSeen({ items }) {
      return { seen: await popupLink.markSeen(items) };
    },
  });

  return {
    handlers,
    /** Something entered the outbox, or the settings changed: send soon. */
    drain,
    sendNow: logged('send', () => engine.sendNow()),
    /** The person's choice after a 412 (the popup's request; the card's too). */
    resolveConflict: (id: string, keep: 'mine' | 'theirs') => engine.resolveConflict(id, keep),
    /** The popup's port (see createPopupLink). */
    popupLink,
    start() {
      browser.runtime.onConnect.addListener((port) => {
        popupLink.connect(port);
      });
      browser.alarms.onAlarm.addListener((alarm) => {
        if (alarm.name === SYNC_ALARM) drain();
        if (alarm.name === PULL_ALARM) pull();
      });
      logged('alarm', () =>
        browser.alarms.create(PULL_ALARM, { periodInMinutes: PULL_EVERY_MINUTES }),
      )();
      // The network coming back is the best moment to try again.
      globalThis.addEventListener?.(
        'online',
        logged('send', () => engine.sendNow()),
      );
      // At start-up: whatever a stopped worker left in flight is resent with the same key.
      logged('recover', () => engine.recover().then(() => engine.drain()))();
    },
  };
}
