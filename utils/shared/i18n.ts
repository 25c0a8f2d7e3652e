import { browser } from 'wxt/browser';
import type messages from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

/** A UI string from the locale files (English and Dutch); the key itself if it is missing. */
export function t(key: MessageKey, substitutions?: string | string[]): string {
  try {
    return browser.i18n.getMessage(key, substitutions) || key;
  } catch {
    return key;
  }
}

/** The words for one of our error keys (`errorTooLong`…), or null for any other text. */
export function errorKeyText(message: string): string | null {
  if (!/^error[A-Z]\w*$/.test(message)) return null;
  const translated = t(message as MessageKey);
  return translated !== message ? translated : null;
}

/** Turns an error from a request into words for a person, in their language. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return errorKeyText(message) ?? t('errorUnknown', message);
}

/** Runs a request; if it fails, fails with words for a person instead of an error key. */
export async function inWords<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw new Error(describeError(error));
  }
}

/**
 * The language the UI speaks: the locale file the browser picked for Flywheel, which is not
 * always the browser's own (`i18n.getUILanguage()` says English in a Chromium started with
 * `--lang=nl` that shows Flywheel in Dutch). Dates, times and numbers follow it.
 */
export function uiLocale(): string {
  const locale = t('uiLocale');
  return locale === 'uiLocale' ? 'en' : locale;
}
