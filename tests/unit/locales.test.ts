import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Messages = Record<string, { message: string; placeholders?: Record<string, unknown> }>;
const load = (lang: string) =>
  JSON.parse(readFileSync(`public/_locales/${lang}/messages.json`, 'utf8')) as Messages;

describe('locale files', () => {
  const en = load('en');
  const nl = load('nl');

  it('have the same messages in English and Dutch', () => {
    expect(Object.keys(nl).sort()).toEqual(Object.keys(en).sort());
  });

  it('use the same placeholders in both languages, and every placeholder is used', () => {
    for (const [key, entry] of Object.entries(en)) {
      const dutch = nl[key];
      expect(Object.keys(dutch?.placeholders ?? {}).sort(), key).toEqual(
        Object.keys(entry.placeholders ?? {}).sort(),
      );
      for (const [lang, message] of [
        ['en', entry],
        ['nl', dutch],
      ] as const) {
        for (const name of Object.keys(message?.placeholders ?? {})) {
          expect(message?.message.toLowerCase(), `${lang}.${key} uses $${name}$`).toContain(
            `$${name.toLowerCase()}$`,
          );
        }
      }
    }
  });

  it('has no empty or untranslated-looking Dutch message', () => {
    for (const [key, entry] of Object.entries(nl)) {
      expect(entry.message.trim(), key).not.toBe('');
    }
  });
});
