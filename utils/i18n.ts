import { browser } from 'wxt/browser';
import type messages from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

/** A UI string from the locale files (English and Dutch); the key itself if it is missing. */
export function t(key: MessageKey, substitutions?: string | string[]): string {
  try {
    return browser.i18n.getMessage(key, substitutions) || key;
  } catch {
    return key;
  }
}

/** Turns an error from a request into words for a person, in their language. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/^error[A-Z]\w*$/.test(message)) {
    const translated = t(message as MessageKey);
    if (translated !== message) return translated;
  }
  return t('errorUnknown', message);
}
