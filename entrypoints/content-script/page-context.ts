import { browser } from 'wxt/browser';

/**
 * What every page capability starts with: a lifetime that only Flywheel itself can end, and
 * listeners that hear only what a person did.
 *
 * WXT's own content-script context can be invalidated by any script that dispatches its
 * start-up event, and its location events are plain DOM events a page can forge; so Flywheel's
 * capabilities use this one. It ends when `invalidate()` is called (a newer copy of the script
 * took over) or when the extension is gone (reloaded, updated, removed).
 */
export interface PageContext {
  readonly signal: AbortSignal;
  /** True once the extension was reloaded or removed, or a newer copy took over. */
  readonly isInvalid: boolean;
  invalidate(): void;
  onInvalidated(callback: () => void): void;
  /**
   * Adds a listener that hears only trusted events (a person's input, the browser's own), and
   * only while the context lives.
   */
  listen<K extends keyof WindowEventMap>(
    target: Window,
    type: K,
    handler: (event: WindowEventMap[K]) => void,
    options?: AddEventListenerOptions,
  ): void;
  listen<K extends keyof DocumentEventMap>(
    target: Document,
    type: K,
    handler: (event: DocumentEventMap[K]) => void,
    options?: AddEventListenerOptions,
  ): void;
  listen(
    target: EventTarget,
    type: string,
    handler: (event: Event) => void,
    options?: AddEventListenerOptions,
  ): void;
  setTimeout(callback: () => void, ms: number): number;
  requestIdleCallback(callback: () => void, timeoutMs: number): void;
  requestAnimationFrame(callback: () => void): number;
  /** Called after the page's address changed without a new document (in-page routes). */
  onLocationChange(callback: (url: string) => void): void;
}

/** How often to look at the address where the Navigation API is missing (Firefox ESR). */
const LOCATION_POLL_MS = 1_000;

export function createPageContext(): PageContext {
  const controller = new AbortController();
  const { signal } = controller;
  const extensionGone = () => browser.runtime.id === undefined;
  const alive = () => {
    if (!signal.aborted && extensionGone()) controller.abort();
    return !signal.aborted;
  };
  const locationListeners: ((url: string) => void)[] = [];
  let lastUrl = location.href;
  let watching = false;

  function checkLocation() {
    if (!alive() || location.href === lastUrl) return;
    lastUrl = location.href;
    for (const listener of locationListeners) listener(lastUrl);
  }

  const context: PageContext = {
    signal,
    get isInvalid() {
      return !alive();
    },
    invalidate: () => controller.abort(),
    onInvalidated(callback) {
      if (signal.aborted) callback();
      else signal.addEventListener('abort', callback, { once: true });
    },
    listen(
      target: EventTarget,
      type: string,
      handler: (event: Event) => void,
      options: AddEventListenerOptions = {},
    ) {
      target.addEventListener(
        type,
        (event) => {
          // A page can dispatch any event it likes; only the browser's own are trusted.
          if (event.isTrusted && alive()) handler(event);
        },
        // A listener of a shorter-lived mode (e.g. element picking) ends with it, or with us.
        { ...options, signal: options.signal ? AbortSignal.any([signal, options.signal]) : signal },
      );
    },
    setTimeout(callback, ms) {
      const id = window.setTimeout(() => alive() && callback(), ms);
      signal.addEventListener('abort', () => clearTimeout(id), { once: true });
      return id;
    },
    requestIdleCallback(callback, timeoutMs) {
      const run = () => alive() && callback();
      if (typeof requestIdleCallback !== 'function') {
        context.setTimeout(run, 1);
        return;
      }
      const id = requestIdleCallback(run, { timeout: timeoutMs });
      signal.addEventListener('abort', () => cancelIdleCallback(id), { once: true });
    },
    requestAnimationFrame(callback) {
      const id = requestAnimationFrame(() => alive() && callback());
      signal.addEventListener('abort', () => cancelAnimationFrame(id), { once: true });
      return id;
    },
    onLocationChange(callback) {
      locationListeners.push(callback);
      if (watching) return;
      watching = true;
      // The address itself is the truth: events only say when to look at it again.
      const navigation = (globalThis as { navigation?: EventTarget }).navigation;
      if (navigation?.addEventListener) {
        context.listen(navigation, 'currententrychange', checkLocation);
      } else {
        const id = window.setInterval(checkLocation, LOCATION_POLL_MS);
        signal.addEventListener('abort', () => clearInterval(id), { once: true });
      }
      context.listen(window, 'popstate', checkLocation);
      context.listen(window, 'hashchange', checkLocation);
    },
  };
  return context;
}
