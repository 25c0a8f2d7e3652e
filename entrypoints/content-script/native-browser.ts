/// <reference types="chrome" />
// The content script's `wxt/browser` (aliased in wxt.config.ts for that build only): the
// browser's own promise-based MV3 API instead of webextension-polyfill, which would cost every
// page ~3 KB gzip. Only what the content script uses is here; a missing name fails its build
// test, not a page.
const api: typeof chrome =
  (globalThis as { browser?: typeof chrome }).browser?.runtime?.id !== undefined
    ? ((globalThis as { browser?: typeof chrome }).browser as typeof chrome)
    : chrome;

/** How the background's polyfill reports a rejected handler to a native caller. */
interface PolyfillRejection {
  __mozWebExtensionPolyfillReject__: true;
  message: string;
}

function isRejection(value: unknown): value is PolyfillRejection {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Partial<PolyfillRejection>).__mozWebExtensionPolyfillReject__ === true
  );
}

export const browser = {
  runtime: {
    // Undefined once the extension is reloaded or removed: WXT's context checks it.
    get id(): string | undefined {
      return api.runtime?.id;
    },
    getURL: (path: string) => api.runtime.getURL(path),
    async sendMessage(message: unknown): Promise<unknown> {
      const response: unknown = await api.runtime.sendMessage(message);
      if (isRejection(response)) throw new Error(response.message);
      return response;
    },
    get onMessage() {
      return api.runtime.onMessage;
    },
  },
  i18n: {
    getMessage: (key: string, substitutions?: string | string[]) =>
      api.i18n.getMessage(key, substitutions),
  },
};
