/// <reference types="chrome" />
// The editor's state, asked of the background while the frame's module scripts and styles are
// still being fetched: a small async classic script in the document's head
// (entrypoints/editor-boot.ts) runs this as soon as it has loaded, so the round trip to the
// background overlaps the loading of the modules instead of following it. The module
// script (main.tsx) then takes what it started. Type imports only: this must stay tiny.
import type { EditorState, Message } from '@/utils/shared/messaging';

export interface EarlyLoad {
  /** The capability from the address's fragment (already taken out of the address). */
  capability: string;
  /** The background's answer to `loadEditor` with it. */
  state: Promise<EditorState>;
}

/** Where the early load waits for main.tsx: this frame's own window, out of the page's reach. */
const KEY = '__flywheelEarlyLoad';

/** How the background's webextension-polyfill reports a rejected handler to a native caller. */
function rejection(value: unknown): string | undefined {
  const reply = value as { __mozWebExtensionPolyfillReject__?: unknown; message?: unknown } | null;
  return typeof reply === 'object' && reply !== null && reply.__mozWebExtensionPolyfillReject__
    ? String(reply.message)
    : undefined;
}

/** Reads the capability once, takes it out of the address, and asks for the state. */
export function startEarlyLoad(): void {
  // main.tsx came first (this script is async) and has taken the capability and asked itself.
  if (!location.hash) return;
  const capability = location.hash.slice(1);
  history.replaceState(null, '', location.pathname);
  // The browser's own API: webextension-polyfill would make this script as big as the rest.
  const own = (globalThis as { browser?: typeof chrome }).browser;
  const api = own?.runtime?.id !== undefined ? own : chrome;
  const message: Message<'loadEditor'> = { type: 'loadEditor', data: { capability } };
  const state = (api.runtime.sendMessage(message) as Promise<unknown>).then((reply) => {
    const refused = rejection(reply);
    if (refused !== undefined) throw new Error(refused);
    return reply as EditorState;
  });
  // Handled by whoever takes it; until then a refusal is not an unhandled rejection.
  state.catch(() => undefined);
  (globalThis as Record<string, unknown>)[KEY] = { capability, state } satisfies EarlyLoad;
}

/** What the early load started, once (undefined if it did not run). */
export function takeEarlyLoad(): EarlyLoad | undefined {
  const scope = globalThis as Record<string, unknown>;
  const early = scope[KEY] as EarlyLoad | undefined;
  delete scope[KEY];
  return early;
}
