import { browser } from 'wxt/browser';
import type { EventMessage, Events, EventType } from '@/utils/shared/messaging';

/** Tells open popups and options pages that something changed (see `Events`). */
export function broadcast<K extends EventType>(event: K, data: Events[K]): void {
  browser.runtime
    .sendMessage({ event, data } satisfies EventMessage<K>)
    // With no extension page open there is no receiver: that is the usual case, not a fault.
    .catch(() => undefined);
}

/** Runs `run` once after a burst of calls settles: a sync run of 50 changes is one refresh. */
export function coalesce(run: () => void, delayMs = 100): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      run();
    }, delayMs);
  };
}
