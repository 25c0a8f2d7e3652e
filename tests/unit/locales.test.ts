import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

type Messages = Record<
  string,
  { message: string; placeholders?: Record<string, { content: string; example?: string }> }
>;
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
  it('give each placeholder the same argument in both languages', () => {
    for (const [key, entry] of Object.entries(en)) {
      for (const [name, placeholder] of Object.entries(entry.placeholders ?? {})) {
        expect(nl[key]?.placeholders?.[name]?.content, `${key}.${name}`).toBe(placeholder.content);
      }
    }
  });

  it('name their own language, which dates and numbers are formatted in', () => {
    for (const lang of readdirSync('public/_locales')) {
      expect(load(lang).uiLocale?.message, lang).toBe(lang.replace('_', '-'));
    }
  });

  it('hold every key the code asks for', () => {
    const sources = ['components', 'entrypoints', 'utils'].flatMap((folder) =>
      readdirSync(folder, { recursive: true, encoding: 'utf8' })
        .filter((name) => /\.tsx?$/.test(name))
        .map((name) => readFileSync(join(folder, name), 'utf8')),
    );
    // t('key'), label('key') in the content script, and error keys thrown or returned by name.
    const asked = new Set<string>();
    for (const source of sources) {
      for (const match of source.matchAll(/\b(?:t|label)\(\s*'([A-Za-z_]\w*)'/g)) {
        asked.add(match[1] as string);
      }
      for (const match of source.matchAll(/'(error[A-Z]\w*)'/g)) asked.add(match[1] as string);
    }
    expect(asked.size).toBeGreaterThan(50);
    const missing = [...asked].filter((key) => !(key in en) || !(key in nl));
    expect(missing).toEqual([]);
  });
});
